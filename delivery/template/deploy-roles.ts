import { verdictNamespace } from '../judge/observe';
import { EXTERNAL_IDS } from './names';
import type { GradualFunction, Json, Resource } from './types';

/**
 * The permissions of the deployment machinery: CodeDeploy's service role (instead of the canary
 * plugin's, which carries the AWSLambda_FullAccess managed policy) and what the hooks need on top of
 * their logs (serverless.yml's DeployHookRole).
 */

export interface DeployRolesInput {
  functions: readonly GradualFunction[];
  /** Logical IDs of the pre- and post-traffic hook functions. */
  hookFunctionIds: readonly string[];
  /** Logical ID of the judge function (delivery/judge). */
  judgeFunctionId: string;
  /** The canary plugin's AWS::CodeDeploy::Application. */
  applicationId: string;
  /** The functions' METRICS_NAMESPACE; the judge publishes under its own sub-namespace. */
  metricsNamespace: string;
  /** The stage's Synthetics canary, which the judge starts (delivery/judge/probe.ts). */
  canaryName: string;
}

const codeDeployArn = (resource: string) => ({
  'Fn::Sub': `arn:\${AWS::Partition}:codedeploy:\${AWS::Region}:\${AWS::AccountId}:${resource}`,
});
const deploymentGroupsOf = (applicationId: string) => codeDeployArn(`deploymentgroup:\${${applicationId}}/*`);

/**
 * GetMetricData has no resource type in the Service Authorization Reference: only "*" authorizes it.
 * It reads metrics only, never alarms or dashboards.
 */
const readMetrics = { Effect: 'Allow', Action: 'cloudwatch:GetMetricData', Resource: '*' };

/** Granted to both the hooks' role and the judge's. */
const invokeJudge = (judgeFunctionId: string) => ({
  Effect: 'Allow',
  Action: 'lambda:InvokeFunction',
  Resource: { 'Fn::GetAtt': [judgeFunctionId, 'Arn'] },
});
const readDeployments = (applicationId: string) => ({
  Effect: 'Allow',
  Action: 'codedeploy:GetDeployment',
  Resource: deploymentGroupsOf(applicationId),
});

/** An inline policy on one of serverless.yml's roles. */
const rolePolicy = (name: string, role: string, statements: Json[]): Resource => ({
  Type: 'AWS::IAM::Policy',
  Properties: {
    PolicyName: name,
    Roles: [{ Ref: role }],
    PolicyDocument: { Version: '2012-10-17', Statement: statements },
  },
});

const versionsOf = (functions: readonly GradualFunction[]) =>
  functions.map((fn) => ({ 'Fn::Sub': `\${${fn.logicalId}.Arn}:*` }));

/**
 * CodeDeploy may read the states of alarms, move the aliases and invoke the hooks. Lambda
 * authorizes GetAlias and UpdateAlias on the unqualified function ARN (Service Authorization
 * Reference: resource type `function`); a `function:NAME:*` grant would match versions and aliases
 * only, and the first traffic shift would be denied. DescribeAlarms is granted on `*`, as AWS's own
 * AWSCodeDeployRoleForLambda grants it: a call without an AlarmNames filter is authorized on
 * `alarm:*`, which no `alarm:<prefix>*` grant matches, CodeDeploy does not document how it calls it,
 * and with IgnorePollAlarmFailure false a refusal stops every deployment. It reads alarm states only.
 */
export function codeDeployServiceRole({ functions, hookFunctionIds }: DeployRolesInput): Resource {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'codedeploy.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      },
      Policies: [
        {
          PolicyName: 'shift-alias-traffic',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: 'cloudwatch:DescribeAlarms',
                Resource: '*',
              },
              {
                Effect: 'Allow',
                Action: ['lambda:GetAlias', 'lambda:UpdateAlias'],
                Resource: functions.map((fn) => ({ 'Fn::GetAtt': [fn.logicalId, 'Arn'] })),
              },
              {
                Effect: 'Allow',
                // Asked of the alias (Service Authorization Reference: function alias or version).
                Action: 'lambda:GetProvisionedConcurrencyConfig',
                Resource: versionsOf(functions),
              },
              {
                Effect: 'Allow',
                Action: 'lambda:InvokeFunction',
                Resource: hookFunctionIds.map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] })),
              },
            ],
          },
        },
      ],
    },
  };
}

/**
 * The hooks may invoke the functions' new versions, read this application's deployments and their
 * revisions (the AppSpec that names the target version), and report their verdict. The pre-traffic
 * hook starts the judge (an asynchronous invoke); the post-traffic hook reads the judge's verdicts.
 */
export function deployHookPolicy({ functions, applicationId, judgeFunctionId }: DeployRolesInput): Resource {
  return rolePolicy('smoke-check-and-report', EXTERNAL_IDS.deployHookRole, [
    { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: versionsOf(functions) },
    invokeJudge(judgeFunctionId),
    readMetrics,
    readDeployments(applicationId),
    // The Service Authorization Reference gives this action no resource type (only "*" authorizes
    // it), while the CodeDeploy User Guide and AWS CDK scope it to the deployment group: "*" is the
    // one grant that works under both readings (docs/operating.md, simulator and sources).
    { Effect: 'Allow', Action: 'codedeploy:PutLifecycleEventHookExecutionStatus', Resource: '*' },
    {
      Effect: 'Allow',
      Action: 'codedeploy:GetApplicationRevision',
      Resource: codeDeployArn(`application:\${${applicationId}}`),
    },
  ]);
}

/**
 * The judge reads both versions' metrics, publishes its verdicts under its own namespace only (the
 * cloudwatch:namespace condition key of PutMetricData), reads whether its deployment has ended, starts
 * runs of the stage's canary (never stops or changes it), and hands a long deployment over to a fresh
 * invocation of itself.
 */
export function judgePolicy({
  applicationId,
  judgeFunctionId,
  metricsNamespace,
  canaryName,
}: DeployRolesInput): Resource {
  return rolePolicy('judge-deployments', EXTERNAL_IDS.judgeRole, [
    readMetrics,
    {
      Effect: 'Allow',
      Action: 'cloudwatch:PutMetricData',
      Resource: '*',
      Condition: { StringEquals: { 'cloudwatch:namespace': verdictNamespace(metricsNamespace) } },
    },
    readDeployments(applicationId),
    {
      Effect: 'Allow',
      Action: ['synthetics:GetCanary', 'synthetics:StartCanary'],
      // The canary's ARN as the Service Authorization Reference forms it (resource type canary).
      Resource: {
        'Fn::Sub': `arn:\${AWS::Partition}:synthetics:\${AWS::Region}:\${AWS::AccountId}:canary:${canaryName}`,
      },
    },
    invokeJudge(judgeFunctionId),
  ]);
}
