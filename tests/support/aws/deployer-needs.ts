import { readFileSync } from 'node:fs';
import type { Template } from '../../../delivery/template/types';

/**
 * Every AWS action a stage's deployer role needs, derived rather than remembered: what CloudFormation
 * calls, with the caller's credentials, to create, read, update and delete each resource type of the
 * packaged stage templates (their registry schemas' handler permissions), plus the calls `sls deploy`
 * and `sls remove` make themselves and those of this project's own tools run by the pipeline.
 */

interface HandlerFile {
  source: string;
  types: Record<string, Partial<Record<'create' | 'read' | 'update' | 'delete', string[]>>>;
}

const handlers: HandlerFile = JSON.parse(
  readFileSync(new URL('./cloudformation-handlers.json', import.meta.url), 'utf8'),
);

/**
 * AWS::CodeDeploy::DeploymentGroup predates the registry and has no handler schema: the CodeDeploy API
 * operations for its lifecycle (CodeDeploy API reference), and the pass of its service role.
 */
const LEGACY_TYPES: Record<string, string[]> = {
  'AWS::CodeDeploy::DeploymentGroup': [
    'codedeploy:CreateDeploymentGroup',
    'codedeploy:GetDeploymentGroup',
    'codedeploy:UpdateDeploymentGroup',
    'codedeploy:DeleteDeploymentGroup',
    'iam:PassRole',
  ],
};

/** Calls outside CloudFormation, by who makes them (osls 4.3 sources under lib/plugins/aws/). */
export const DIRECT_CALLS: Record<string, string[]> = {
  'sls deploy (change sets, osls deploy/lib/create-stack.js, lib/update-stack.js)': [
    'cloudformation:DescribeStacks',
    'cloudformation:CreateChangeSet',
    'cloudformation:DescribeChangeSet',
    'cloudformation:ExecuteChangeSet',
    'cloudformation:DeleteChangeSet',
    'cloudformation:DescribeStackEvents',
  ],
  'sls deploy (deploy/lib/validate-template.js, ensure-valid-bucket-exists.js, check-for-changes.js)': [
    'cloudformation:ValidateTemplate',
    'cloudformation:GetTemplate',
    'cloudformation:DescribeStackResource',
    'lambda:GetFunction',
  ],
  'sls deploy (the deployment bucket: HeadBucket, ListObjectsV2, HeadObject, PutObject, DeleteObjects)': [
    's3:ListBucket',
    's3:GetObject',
    's3:PutObject',
    's3:DeleteObject',
  ],
  'sls deploy (info/get-resource-count.js)': ['cloudformation:ListStackResources'],
  'sls remove (remove/lib/stack.js, remove/lib/bucket.js: versioned deployment bucket emptied first)': [
    'cloudformation:DeleteStack',
    's3:ListBucketVersions',
    's3:DeleteObjectVersion',
  ],
  'delivery/stage-lifecycle (after deploy: canary log retention; on remove: canary bucket and logs)': [
    'cloudformation:DescribeStackResource',
    'logs:DescribeLogGroups',
    'logs:PutRetentionPolicy',
    'logs:DeleteLogGroup',
    's3:ListBucketVersions',
    's3:DeleteObject',
    's3:DeleteObjectVersion',
    's3:DeleteBucket',
  ],
  'npm run watch (ops/watch/poller.ts, delivery/deployment-target.ts)': [
    'cloudformation:DescribeStackResources',
    'codedeploy:ListDeployments',
    'codedeploy:GetDeployment',
    'codedeploy:GetDeploymentConfig',
    'codedeploy:GetDeploymentGroup',
    'codedeploy:GetApplicationRevision',
    'lambda:GetAlias',
    'cloudwatch:DescribeAlarms',
  ],
};

interface Unneeded {
  why: string;
  /** For an API name that is not an IAM action: the action that authorizes it, which must be needed. */
  authorizedBy?: string;
  /** The resource type and property whose absence from every stage template makes the action unneeded. */
  unless?: { type: string; property: string }[];
}

/**
 * Handler permissions that no template of this service can reach. A write tied to a property the
 * templates never set is left out, with that property checked absent; reads stay, since a handler may
 * read every setting whatever the template says.
 */
export const UNNEEDED: Record<string, Unneeded> = {
  'lambda:GetLayerVersionByArn': {
    why: 'an API name in the Canary schema, authorized by lambda:GetLayerVersion',
    authorizedBy: 'lambda:GetLayerVersion',
  },
  's3:PutBucketEncryption': {
    why: 'an API name in the Canary schema, authorized by s3:PutEncryptionConfiguration',
    authorizedBy: 's3:PutEncryptionConfiguration',
  },
  's3:DeleteBucketEncryption': {
    why: 'an API name in the Bucket schema, authorized by s3:PutEncryptionConfiguration',
    authorizedBy: 's3:PutEncryptionConfiguration',
  },
  's3:DeleteBucketLifecycle': {
    why: 'an API name in the Bucket schema, authorized by s3:PutLifecycleConfiguration',
    authorizedBy: 's3:PutLifecycleConfiguration',
  },
  's3:REST.PUT.OBJECT': {
    why: 'not an IAM action: an S3 server-access-log operation name in the LogGroup schema',
  },
  'ec2:DescribeNetworkInterfaces': {
    why: 'VPC networking',
    unless: [
      { type: 'AWS::Lambda::Function', property: 'VpcConfig' },
      { type: 'AWS::Synthetics::Canary', property: 'VPCConfig' },
    ],
  },
  'ec2:DescribeSecurityGroups': {
    why: 'VPC networking',
    unless: [
      { type: 'AWS::Lambda::Function', property: 'VpcConfig' },
      { type: 'AWS::Synthetics::Canary', property: 'VPCConfig' },
    ],
  },
  'ec2:DescribeSubnets': {
    why: 'VPC networking',
    unless: [
      { type: 'AWS::Lambda::Function', property: 'VpcConfig' },
      { type: 'AWS::Synthetics::Canary', property: 'VPCConfig' },
    ],
  },
  'ec2:DescribeVpcs': {
    why: 'VPC networking',
    unless: [
      { type: 'AWS::Lambda::Function', property: 'VpcConfig' },
      { type: 'AWS::Synthetics::Canary', property: 'VPCConfig' },
    ],
  },
  'elasticfilesystem:DescribeMountTargets': {
    why: 'EFS mounts',
    unless: [{ type: 'AWS::Lambda::Function', property: 'FileSystemConfigs' }],
  },
  'kms:GenerateDataKey': {
    why: 'a customer managed key for the environment',
    unless: [{ type: 'AWS::Lambda::Function', property: 'KmsKeyArn' }],
  },
  'lambda:PutFunctionCodeSigningConfig': {
    why: 'code signing',
    unless: [{ type: 'AWS::Lambda::Function', property: 'CodeSigningConfigArn' }],
  },
  'lambda:DeleteFunctionCodeSigningConfig': {
    why: 'code signing',
    unless: [{ type: 'AWS::Lambda::Function', property: 'CodeSigningConfigArn' }],
  },
  'lambda:GetCodeSigningConfig': {
    why: 'code signing (looks up the given config)',
    unless: [{ type: 'AWS::Lambda::Function', property: 'CodeSigningConfigArn' }],
  },
  'lambda:PutFunctionConcurrency': {
    why: 'reserved concurrency',
    unless: [{ type: 'AWS::Lambda::Function', property: 'ReservedConcurrentExecutions' }],
  },
  'lambda:DeleteFunctionConcurrency': {
    why: 'reserved concurrency',
    unless: [{ type: 'AWS::Lambda::Function', property: 'ReservedConcurrentExecutions' }],
  },
  'lambda:PutFunctionRecursionConfig': {
    why: 'recursive loop detection settings',
    unless: [{ type: 'AWS::Lambda::Function', property: 'RecursiveLoop' }],
  },
  'lambda:PutRuntimeManagementConfig': {
    why: 'runtime version pinning',
    unless: [{ type: 'AWS::Lambda::Function', property: 'RuntimeManagementConfig' }],
  },
  'lambda:PutProvisionedConcurrencyConfig': {
    why: 'provisioned concurrency',
    unless: [
      { type: 'AWS::Lambda::Alias', property: 'ProvisionedConcurrencyConfig' },
      { type: 'AWS::Lambda::Version', property: 'ProvisionedConcurrencyConfig' },
    ],
  },
  'lambda:DeleteProvisionedConcurrencyConfig': {
    why: 'provisioned concurrency',
    unless: [
      { type: 'AWS::Lambda::Alias', property: 'ProvisionedConcurrencyConfig' },
      { type: 'AWS::Lambda::Version', property: 'ProvisionedConcurrencyConfig' },
    ],
  },
  'kinesis:DescribeStream': {
    why: 'a Kinesis streaming destination',
    unless: [{ type: 'AWS::DynamoDB::Table', property: 'KinesisStreamSpecification' }],
  },
  'kinesis:PutRecords': {
    why: 'a Kinesis streaming destination',
    unless: [{ type: 'AWS::DynamoDB::Table', property: 'KinesisStreamSpecification' }],
  },
  'dynamodb:EnableKinesisStreamingDestination': {
    why: 'a Kinesis streaming destination',
    unless: [{ type: 'AWS::DynamoDB::Table', property: 'KinesisStreamSpecification' }],
  },
  'dynamodb:DisableKinesisStreamingDestination': {
    why: 'a Kinesis streaming destination',
    unless: [{ type: 'AWS::DynamoDB::Table', property: 'KinesisStreamSpecification' }],
  },
  'dynamodb:UpdateKinesisStreamingDestination': {
    why: 'a Kinesis streaming destination',
    unless: [{ type: 'AWS::DynamoDB::Table', property: 'KinesisStreamSpecification' }],
  },
  'dynamodb:ImportTable': {
    why: 'an import from S3',
    unless: [{ type: 'AWS::DynamoDB::Table', property: 'ImportSourceSpecification' }],
  },
  'dynamodb:DescribeImport': {
    why: 'an import from S3',
    unless: [{ type: 'AWS::DynamoDB::Table', property: 'ImportSourceSpecification' }],
  },
  's3:GetObjectMetadata': {
    why: 'an import from S3 (and not an IAM action of its own)',
    unless: [{ type: 'AWS::DynamoDB::Table', property: 'ImportSourceSpecification' }],
  },
  'logs:CreateLogStream': {
    why: "an import's log",
    unless: [{ type: 'AWS::DynamoDB::Table', property: 'ImportSourceSpecification' }],
  },
  'logs:DescribeLogStreams': {
    why: "an import's log",
    unless: [{ type: 'AWS::DynamoDB::Table', property: 'ImportSourceSpecification' }],
  },
  'logs:PutLogEvents': {
    why: "an import's log",
    unless: [{ type: 'AWS::DynamoDB::Table', property: 'ImportSourceSpecification' }],
  },
  'dynamodb:PutResourcePolicy': {
    why: 'a table resource policy',
    unless: [{ type: 'AWS::DynamoDB::Table', property: 'ResourcePolicy' }],
  },
  'dynamodb:DeleteResourcePolicy': {
    why: 'a table resource policy',
    unless: [{ type: 'AWS::DynamoDB::Table', property: 'ResourcePolicy' }],
  },
  'dynamodb:UpdateContributorInsights': {
    why: 'Contributor Insights',
    unless: [{ type: 'AWS::DynamoDB::Table', property: 'ContributorInsightsSpecification' }],
  },
  'iam:CreateServiceLinkedRole': {
    why: 'replicas and auto scaling',
    unless: [{ type: 'AWS::DynamoDB::Table', property: 'Replicas' }],
  },
  'logs:AssociateKmsKey': {
    why: 'a customer managed key',
    unless: [{ type: 'AWS::Logs::LogGroup', property: 'KmsKeyId' }],
  },
  'logs:DisassociateKmsKey': {
    why: 'a customer managed key',
    unless: [{ type: 'AWS::Logs::LogGroup', property: 'KmsKeyId' }],
  },
  'logs:PutDataProtectionPolicy': {
    why: 'a data protection policy',
    unless: [{ type: 'AWS::Logs::LogGroup', property: 'DataProtectionPolicy' }],
  },
  'logs:DeleteDataProtectionPolicy': {
    why: 'a data protection policy',
    unless: [{ type: 'AWS::Logs::LogGroup', property: 'DataProtectionPolicy' }],
  },
  'logs:CreateLogDelivery': {
    why: "a data protection policy's audit destination",
    unless: [{ type: 'AWS::Logs::LogGroup', property: 'DataProtectionPolicy' }],
  },
  'firehose:TagDeliveryStream': {
    why: "a data protection policy's audit destination",
    unless: [{ type: 'AWS::Logs::LogGroup', property: 'DataProtectionPolicy' }],
  },
  'logs:PutIndexPolicy': {
    why: 'field index policies',
    unless: [{ type: 'AWS::Logs::LogGroup', property: 'FieldIndexPolicies' }],
  },
  'logs:DeleteIndexPolicy': {
    why: 'field index policies',
    unless: [{ type: 'AWS::Logs::LogGroup', property: 'FieldIndexPolicies' }],
  },
  'logs:PutResourcePolicy': {
    why: 'a log group resource policy',
    unless: [{ type: 'AWS::Logs::LogGroup', property: 'ResourcePolicyDocument' }],
  },
  'iam:PutRolePermissionsBoundary': {
    why: 'a permissions boundary',
    unless: [{ type: 'AWS::IAM::Role', property: 'PermissionsBoundary' }],
  },
  'iam:DeleteRolePermissionsBoundary': {
    why: 'a permissions boundary',
    unless: [{ type: 'AWS::IAM::Role', property: 'PermissionsBoundary' }],
  },
  'iam:PutGroupPolicy': {
    why: 'a policy on a group',
    unless: [{ type: 'AWS::IAM::Policy', property: 'Groups' }],
  },
  'iam:GetGroupPolicy': {
    why: 'a policy on a group',
    unless: [{ type: 'AWS::IAM::Policy', property: 'Groups' }],
  },
  'iam:DeleteGroupPolicy': {
    why: 'a policy on a group',
    unless: [{ type: 'AWS::IAM::Policy', property: 'Groups' }],
  },
  'iam:PutUserPolicy': {
    why: 'a policy on a user',
    unless: [{ type: 'AWS::IAM::Policy', property: 'Users' }],
  },
  'iam:GetUserPolicy': {
    why: 'a policy on a user',
    unless: [{ type: 'AWS::IAM::Policy', property: 'Users' }],
  },
  'iam:DeleteUserPolicy': {
    why: 'a policy on a user',
    unless: [{ type: 'AWS::IAM::Policy', property: 'Users' }],
  },
  's3tables:CreateNamespace': {
    why: 'S3 metadata tables',
    unless: [{ type: 'AWS::S3::Bucket', property: 'MetadataTableConfiguration' }],
  },
  's3tables:CreateTable': {
    why: 'S3 metadata tables',
    unless: [{ type: 'AWS::S3::Bucket', property: 'MetadataTableConfiguration' }],
  },
  's3tables:GetTable': {
    why: 'S3 metadata tables',
    unless: [{ type: 'AWS::S3::Bucket', property: 'MetadataTableConfiguration' }],
  },
  's3tables:GetTableMetadataLocation': {
    why: 'S3 metadata tables',
    unless: [{ type: 'AWS::S3::Bucket', property: 'MetadataTableConfiguration' }],
  },
  's3tables:PutTablePolicy': {
    why: 'S3 metadata tables',
    unless: [{ type: 'AWS::S3::Bucket', property: 'MetadataTableConfiguration' }],
  },
  's3tables:UpdateTableMetadataLocation': {
    why: 'S3 metadata tables',
    unless: [{ type: 'AWS::S3::Bucket', property: 'MetadataTableConfiguration' }],
  },
  's3:CreateBucketMetadataTableConfiguration': {
    why: 'S3 metadata tables',
    unless: [{ type: 'AWS::S3::Bucket', property: 'MetadataTableConfiguration' }],
  },
  's3:DeleteBucketMetadataTableConfiguration': {
    why: 'S3 metadata tables',
    unless: [{ type: 'AWS::S3::Bucket', property: 'MetadataTableConfiguration' }],
  },
  's3:PutAccelerateConfiguration': {
    why: 'transfer acceleration',
    unless: [{ type: 'AWS::S3::Bucket', property: 'AccelerateConfiguration' }],
  },
  's3:PutAnalyticsConfiguration': {
    why: 'analytics',
    unless: [{ type: 'AWS::S3::Bucket', property: 'AnalyticsConfigurations' }],
  },
  's3:DeleteBucketAnalyticsConfiguration': {
    why: 'analytics',
    unless: [{ type: 'AWS::S3::Bucket', property: 'AnalyticsConfigurations' }],
  },
  's3:PutBucketCORS': { why: 'CORS', unless: [{ type: 'AWS::S3::Bucket', property: 'CorsConfiguration' }] },
  's3:DeleteBucketCors': {
    why: 'CORS',
    unless: [{ type: 'AWS::S3::Bucket', property: 'CorsConfiguration' }],
  },
  's3:PutBucketLogging': {
    why: 'server access logs',
    unless: [{ type: 'AWS::S3::Bucket', property: 'LoggingConfiguration' }],
  },
  's3:PutBucketNotification': {
    why: 'event notifications',
    unless: [{ type: 'AWS::S3::Bucket', property: 'NotificationConfiguration' }],
  },
  's3:PutBucketObjectLockConfiguration': {
    why: 'object lock',
    unless: [{ type: 'AWS::S3::Bucket', property: 'ObjectLockConfiguration' }],
  },
  's3:PutObjectLockConfiguration': {
    why: 'object lock',
    unless: [{ type: 'AWS::S3::Bucket', property: 'ObjectLockConfiguration' }],
  },
  's3:PutBucketReplication': {
    why: 'replication',
    unless: [{ type: 'AWS::S3::Bucket', property: 'ReplicationConfiguration' }],
  },
  's3:PutReplicationConfiguration': {
    why: 'replication',
    unless: [{ type: 'AWS::S3::Bucket', property: 'ReplicationConfiguration' }],
  },
  's3:DeleteBucketReplication': {
    why: 'replication',
    unless: [{ type: 'AWS::S3::Bucket', property: 'ReplicationConfiguration' }],
  },
  's3:PutBucketWebsite': {
    why: 'website hosting',
    unless: [{ type: 'AWS::S3::Bucket', property: 'WebsiteConfiguration' }],
  },
  's3:DeleteBucketWebsite': {
    why: 'website hosting',
    unless: [{ type: 'AWS::S3::Bucket', property: 'WebsiteConfiguration' }],
  },
  's3:PutIntelligentTieringConfiguration': {
    why: 'intelligent tiering',
    unless: [{ type: 'AWS::S3::Bucket', property: 'IntelligentTieringConfigurations' }],
  },
  's3:PutInventoryConfiguration': {
    why: 'inventory',
    unless: [{ type: 'AWS::S3::Bucket', property: 'InventoryConfigurations' }],
  },
  's3:PutMetricsConfiguration': {
    why: 'request metrics',
    unless: [{ type: 'AWS::S3::Bucket', property: 'MetricsConfigurations' }],
  },
  's3:DeleteBucketMetricsConfiguration': {
    why: 'request metrics',
    unless: [{ type: 'AWS::S3::Bucket', property: 'MetricsConfigurations' }],
  },
  's3:PutBucketAcl': {
    why: 'a canned ACL',
    unless: [{ type: 'AWS::S3::Bucket', property: 'AccessControl' }],
  },
  's3:PutObjectAcl': {
    why: 'a canned ACL',
    unless: [{ type: 'AWS::S3::Bucket', property: 'AccessControl' }],
  },
};

/** IAM actions are case-insensitive; the schemas are not always consistent (`S3:GetBucketWebsite`). */
export const normalAction = (action: string) => action.toLowerCase();

/** The resource types a template declares. */
export function resourceTypes(template: Template): Set<string> {
  return new Set(Object.values(template.Resources).map((resource) => resource.Type));
}

/** Every action the stage's deployer needs, each with why. Unknown resource types are an error. */
export function deployerNeeds(templates: readonly Template[]): Map<string, string[]> {
  const needs = new Map<string, string[]>();
  const need = (action: string, why: string) => {
    const key = normalAction(action);
    if (Object.keys(UNNEEDED).some((unneeded) => normalAction(unneeded) === key)) return;
    needs.set(key, [...(needs.get(key) ?? []), why]);
  };
  for (const type of new Set(templates.flatMap((template) => [...resourceTypes(template)]))) {
    const legacy = LEGACY_TYPES[type];
    const schema = handlers.types[type];
    if (!legacy && !schema) throw new Error(`no handler permissions recorded for ${type}`);
    for (const action of legacy ?? []) need(action, `CloudFormation: ${type} (CodeDeploy API)`);
    for (const [handler, actions] of Object.entries(schema ?? {}))
      for (const action of actions) need(action, `CloudFormation: ${type} ${handler}`);
  }
  for (const [who, actions] of Object.entries(DIRECT_CALLS)) for (const action of actions) need(action, who);
  return needs;
}

/** Where an UNNEEDED premise fails: a template that does set the property. */
export function unneededPremisesBroken(templates: readonly Template[]): string[] {
  const broken: string[] = [];
  for (const [action, { unless = [] }] of Object.entries(UNNEEDED)) {
    for (const { type, property } of unless) {
      for (const template of templates) {
        for (const [id, resource] of Object.entries(template.Resources)) {
          if (resource.Type === type && resource.Properties?.[property] !== undefined)
            broken.push(`${action}: ${id} sets ${property}`);
        }
      }
    }
  }
  return broken;
}

export const HANDLER_SOURCE = handlers.source;
