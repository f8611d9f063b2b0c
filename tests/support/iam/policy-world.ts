import type { Json, Template } from '../../../delivery/template/types';
import { resolver } from './template-policies';

/**
 * Every policy that decides a call to or from a stage, read from the packaged stage template and the
 * expanded deployer roles as AWS will hold them once deployed (account 123456789012, eu-west-1): each
 * role's identity policies, permissions boundary and trust policy, each function's resource policy
 * (what Lambda makes of the AWS::Lambda::Permission resources) and each bucket policy.
 */

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';

export interface NamedPolicy {
  /** Where the policy is written, e.g. `CounterFunctionRole/counters`; statements are `<name>#<n>`. */
  name: string;
  policy: Json;
}

export interface Role {
  arn: string;
  identity: NamedPolicy[];
  boundaryArn?: string;
  trust: NamedPolicy;
}

export interface PolicyWorld {
  /** Roles by logical ID (the stage's) or `deployer` (the stage's deployer role). */
  roles: Record<string, Role>;
  /** Managed policies by ARN: the deployer template's and the AWS managed ones a stage attaches. */
  managedPolicies: Record<string, NamedPolicy>;
  /** Resource policies by the ARN they guard: a function (qualified as invoked) or a bucket. */
  resourcePolicies: Record<string, NamedPolicy>;
  /** Resolves a template value of the stage (Ref, GetAtt, Sub) to what it will be. */
  resolveStage: (value: unknown) => string;
}

/**
 * AWS managed policies a stage attaches, as the AWS Managed Policy Reference prints them
 * (AmazonAPIGatewayPushToCloudWatchLogs, version 1).
 */
const AWS_MANAGED: Record<string, Json> = {
  'arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs': {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: [
          'logs:CreateLogGroup',
          'logs:CreateLogStream',
          'logs:DescribeLogGroups',
          'logs:DescribeLogStreams',
          'logs:PutLogEvents',
          'logs:GetLogEvents',
          'logs:FilterLogEvents',
        ],
        Resource: '*',
      },
    ],
  },
};

/** The region's AWS managed key for DynamoDB (aws/dynamodb), which encrypts the table. */
export const DYNAMODB_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/0a1b2c3d-0000-4000-8000-000000000000`;

/**
 * Its key policy, which AWS writes and nobody may change, as the DynamoDB Developer Guide prints it
 * ("Encryption at rest: how it works", AWS managed key policy): any principal of the account through
 * DynamoDB, and metadata reads for the account.
 */
const DYNAMODB_KEY_POLICY: NamedPolicy = {
  name: 'aws-managed:aws/dynamodb key policy',
  policy: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: [
          'kms:Encrypt',
          'kms:Decrypt',
          'kms:ReEncrypt*',
          'kms:GenerateDataKey*',
          'kms:CreateGrant',
          'kms:DescribeKey',
        ],
        Resource: '*',
        Condition: {
          StringLike: { 'kms:ViaService': 'dynamodb.*.amazonaws.com' },
          StringEquals: { 'kms:CallerAccount': ACCOUNT },
        },
      },
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        Action: ['kms:Describe*', 'kms:Get*', 'kms:List*', 'kms:RevokeGrant'],
        Resource: '*',
      },
    ],
  },
};

const INTRINSICS = ['Ref', 'Fn::GetAtt', 'Fn::Sub', 'Fn::Join'];

/** A policy document with every intrinsic function resolved. */
function resolveDocument(node: unknown, resolve: (value: unknown) => string): Json {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value === null || typeof value !== 'object') return value;
    const keys = Object.keys(value);
    if (keys.length === 1 && INTRINSICS.includes(keys[0] as string)) return resolve(value);
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, walk(inner)]));
  };
  return walk(node) as Json;
}

const functionArn = (nameOrArn: string) =>
  nameOrArn.startsWith('arn:') ? nameOrArn : `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${nameOrArn}`;

/**
 * A function policy statement as Lambda writes it for AddPermission (Lambda Developer Guide, "Viewing
 * resource-based IAM policies in Lambda": `ArnLike AWS:SourceArn`, `StringEquals AWS:SourceAccount`).
 */
function permissionStatement(id: string, properties: Json, resolve: (value: unknown) => string, arn: string) {
  const condition: Json = {};
  if (properties.SourceArn) condition.ArnLike = { 'AWS:SourceArn': resolve(properties.SourceArn) };
  if (properties.SourceAccount)
    condition.StringEquals = { 'AWS:SourceAccount': resolve(properties.SourceAccount) };
  return {
    Sid: id,
    Effect: 'Allow',
    Principal: { Service: properties.Principal },
    Action: properties.Action,
    Resource: arn,
    ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
  };
}

function rolesOf(
  template: Template,
  resolve: (value: unknown) => string,
  managed: Record<string, NamedPolicy>,
) {
  const roles: Record<string, Role> = {};
  const resources = Object.entries(template.Resources);
  for (const [id, resource] of resources) {
    if (resource.Type !== 'AWS::IAM::Role') continue;
    const properties = resource.Properties ?? {};
    const inline = (properties.Policies ?? []).map((policy: Json) => ({
      name: `${id}/${policy.PolicyName}`,
      policy: resolveDocument(policy.PolicyDocument, resolve),
    }));
    const attached = resources
      .filter(
        ([, other]) =>
          other.Type === 'AWS::IAM::Policy' &&
          (other.Properties?.Roles ?? []).some((role: Json) => role.Ref === id),
      )
      .map(([policyId, other]) => ({
        name: policyId,
        policy: resolveDocument(other.Properties?.PolicyDocument, resolve),
      }));
    const managedArns = (properties.ManagedPolicyArns ?? []).map(resolve);
    const unknown = managedArns.filter((arn: string) => !managed[arn]);
    if (unknown.length > 0)
      throw new Error(`${id} attaches ${unknown.join(', ')}, whose document is not known`);
    roles[id] = {
      arn: resolve({ 'Fn::GetAtt': [id, 'Arn'] }),
      identity: [...inline, ...attached, ...managedArns.map((arn: string) => managed[arn] as NamedPolicy)],
      boundaryArn: properties.PermissionsBoundary ? resolve(properties.PermissionsBoundary) : undefined,
      trust: { name: `${id}/trust`, policy: resolveDocument(properties.AssumeRolePolicyDocument, resolve) },
    };
  }
  return roles;
}

/** The deployer template's managed policies by ARN, and the role of one stage. */
function deployerPart(deployer: Template, stage: string) {
  const resolve = resolver(deployer, 'canary-api-deployers');
  const managed: Record<string, NamedPolicy> = {};
  for (const [id, resource] of Object.entries(deployer.Resources)) {
    if (resource.Type !== 'AWS::IAM::ManagedPolicy') continue;
    managed[resolve({ Ref: id })] = {
      name: id,
      policy: resolveDocument(resource.Properties?.PolicyDocument, resolve),
    };
  }
  const roles = rolesOf(deployer, resolve, managed);
  const role = roles[`DeployerRole${stage}`];
  return { managed, role };
}

/** The policies of one stage: its packaged template, and the deployer template expanded for it. */
export function policyWorld(stageTemplate: Template, deployer: Template, stage: string): PolicyWorld {
  const resolveStage = resolver(stageTemplate, `canary-api-${stage}`, {
    ApiGatewayRestApi: restApiId(stage),
  });
  const { managed: deployerManaged, role: deployerRole } = deployerPart(deployer, stage);
  const managedPolicies: Record<string, NamedPolicy> = { ...deployerManaged };
  for (const [arn, policy] of Object.entries(AWS_MANAGED)) managedPolicies[arn] = { name: arn, policy };
  const roles = rolesOf(stageTemplate, resolveStage, managedPolicies);
  if (deployerRole) roles.deployer = deployerRole;

  const resourcePolicies: Record<string, NamedPolicy> = { [DYNAMODB_KEY]: DYNAMODB_KEY_POLICY };
  for (const [id, resource] of Object.entries(stageTemplate.Resources)) {
    const properties = resource.Properties ?? {};
    if (resource.Type === 'AWS::Lambda::Permission') {
      const arn = functionArn(resolveStage(properties.FunctionName));
      const policy = resourcePolicies[arn] ?? {
        name: `${arn} policy`,
        policy: { Version: '2012-10-17', Statement: [] },
      };
      policy.policy.Statement.push(permissionStatement(id, properties, resolveStage, arn));
      resourcePolicies[arn] = policy;
    }
    if (resource.Type === 'AWS::S3::BucketPolicy') {
      resourcePolicies[`arn:aws:s3:::${resolveStage(properties.Bucket)}`] = {
        name: id,
        policy: resolveDocument(properties.PolicyDocument, resolveStage),
      };
    }
  }
  return { roles, managedPolicies, resourcePolicies, resolveStage };
}

/** The generated ID each stage's REST API gets here. */
export const restApiId = (stage: string) => `${stage}api0id`;

/** The resource policy that decides a call on this ARN, if any: a role's trust, a function's or a bucket's policy. */
export function resourcePolicyFor(
  world: PolicyWorld,
  action: string,
  resource: string,
): NamedPolicy | undefined {
  if (action.startsWith('sts:AssumeRole'))
    return Object.values(world.roles).find((role) => role.arn === resource)?.trust;
  if (resource.startsWith('arn:aws:s3:::')) return world.resourcePolicies[resource.split('/')[0] as string];
  return world.resourcePolicies[resource];
}
