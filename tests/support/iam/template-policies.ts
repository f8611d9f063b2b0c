import type { Json, Template } from '../../../delivery/template/types';

/**
 * Every Allow statement of the IAM policies in a packaged template, with each Resource resolved to
 * the ARN it will have once deployed (account 123456789012, region eu-west-1). References resolve as
 * CloudFormation documents each type's Ref and GetAtt Arn (resource reference, "Return values");
 * names CloudFormation generates become `<stack>-<LogicalId>-GENERATED`.
 */

export interface Grant {
  /** Where the statement is: `<LogicalId> <policy name>`. */
  where: string;
  actions: string[];
  resources: string[];
}

const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'eu-west-1',
  'AWS::AccountId': '123456789012',
  'AWS::URLSuffix': 'amazonaws.com',
};

/** The property that holds a resource's chosen name, where it has one. */
const NAME_PROPERTY: Record<string, string> = {
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::CodeDeploy::Application': 'ApplicationName',
  'AWS::Synthetics::Canary': 'Name',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::CodeDeploy::DeploymentGroup': 'DeploymentGroupName',
  'AWS::Events::Rule': 'Name',
};

/** What GetAtt Arn returns for each type, from the name Ref returns. */
const ARN_OF: Record<string, (name: string) => string> = {
  'AWS::Lambda::Function': (name) => `arn:aws:lambda:eu-west-1:123456789012:function:${name}`,
  // The log group's Arn ends in `:*` (AWS::Logs::LogGroup, Return values).
  'AWS::Logs::LogGroup': (name) => `arn:aws:logs:eu-west-1:123456789012:log-group:${name}:*`,
  'AWS::DynamoDB::Table': (name) => `arn:aws:dynamodb:eu-west-1:123456789012:table/${name}`,
  'AWS::S3::Bucket': (name) => `arn:aws:s3:::${name}`,
  'AWS::IAM::Role': (name) => `arn:aws:iam::123456789012:role/${name}`,
  'AWS::CloudWatch::Alarm': (name) => `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${name}`,
  // A rule on the default event bus (AWS::Events::Rule, Return values: Arn).
  'AWS::Events::Rule': (name) => `arn:aws:events:eu-west-1:123456789012:rule/${name}`,
};

/**
 * What Ref returns where it is not the name: an alias's and a managed policy's ARN, a REST API's
 * generated ID (here `<stack>-api`, unless `refs` names one).
 */
const REF_OF: Record<string, (resource: Json, resolve: (value: unknown) => string, name: string) => string> =
  {
    'AWS::Lambda::Alias': (resource, resolve) =>
      `arn:aws:lambda:eu-west-1:123456789012:function:${resolve(resource.Properties?.FunctionName)}:${resource.Properties?.Name}`,
    'AWS::IAM::ManagedPolicy': (_, __, name) => `arn:aws:iam::123456789012:policy/${name}`,
  };

export function resolver(template: Template, stackName: string, refs: Record<string, string> = {}) {
  const resources = template.Resources;

  function nameOf(id: string): string {
    const resource = resources[id];
    if (!resource) throw new Error(`${id} is not in the template`);
    const property = NAME_PROPERTY[resource.Type];
    const chosen = property ? resource.Properties?.[property] : undefined;
    if (chosen !== undefined) return resolve(chosen);
    const generated = `${stackName}-${id}-GENERATED`;
    return resource.Type === 'AWS::S3::Bucket' ? generated.toLowerCase() : generated;
  }

  function ref(id: string): string {
    const special = REF_OF[resources[id]?.Type ?? ''];
    return (
      PSEUDO[id] ?? refs[id] ?? (special ? special(resources[id] as Json, resolve, nameOf(id)) : nameOf(id))
    );
  }

  function getAtt(id: string, attribute: string): string {
    const type = resources[id]?.Type ?? '';
    const arn = ARN_OF[type];
    if (attribute !== 'Arn' || !arn) throw new Error(`cannot resolve ${id}.${attribute} (${type})`);
    return arn(nameOf(id));
  }

  function resolve(value: unknown): string {
    if (typeof value === 'string' || typeof value === 'number') return String(value);
    const node = value as Json;
    if ('Ref' in node) return ref(node.Ref);
    if ('Fn::GetAtt' in node) {
      const [id, attribute] =
        typeof node['Fn::GetAtt'] === 'string' ? node['Fn::GetAtt'].split('.') : node['Fn::GetAtt'];
      return getAtt(id, attribute);
    }
    if ('Fn::Join' in node) {
      const [separator, parts] = node['Fn::Join'];
      return (parts as unknown[]).map(resolve).join(separator);
    }
    if ('Fn::Sub' in node) {
      const [pattern, variables = {}] = Array.isArray(node['Fn::Sub']) ? node['Fn::Sub'] : [node['Fn::Sub']];
      return String(pattern).replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
        if (name in variables) return resolve(variables[name]);
        const [id = '', attribute] = name.split('.');
        return attribute ? getAtt(id, attribute) : ref(id);
      });
    }
    throw new Error(`cannot resolve ${JSON.stringify(value)}`);
  }
  return resolve;
}

/** The Allow statements of every identity policy in the template (trust and bucket policies aside). */
export function grantsOf(template: Template, stackName: string): Grant[] {
  const resolve = resolver(template, stackName);
  const grants: Grant[] = [];
  const collect = (where: string, document: Json | undefined) => {
    for (const statement of [document?.Statement ?? []].flat() as Json[]) {
      if (statement.Effect !== 'Allow') continue;
      grants.push({
        where,
        actions: [statement.Action].flat().map(String),
        resources: [statement.Resource].flat().map(resolve),
      });
    }
  };
  for (const [id, resource] of Object.entries(template.Resources)) {
    const properties = resource.Properties ?? {};
    if (resource.Type === 'AWS::IAM::Role') {
      for (const policy of properties.Policies ?? [])
        collect(`${id} ${policy.PolicyName}`, policy.PolicyDocument);
    }
    if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
      collect(`${id} ${properties.PolicyName ?? ''}`.trim(), properties.PolicyDocument);
    }
  }
  return grants;
}
