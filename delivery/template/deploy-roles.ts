import { EXTERNAL_IDS } from './names';
import type { GradualFunction, Resource } from './types';

/**
 * The permissions of the deployment machinery: CodeDeploy's service role (instead of the canary
 * plugin's, which carries the AWSLambda_FullAccess managed policy) and what the hooks need on top of
 * their logs (serverless.yml's DeployHookRole).
 */

export interface DeployRolesInput {
  functions: readonly GradualFunction[];
  /** Logical IDs of the pre- and post-traffic hook functions. */
  hookFunctionIds: readonly string[];
  /** The canary plugin's AWS::CodeDeploy::Application. */
  applicationId: string;
  /** What the names of all alarms of the stage start with, `<service>-<stage>-`. */
  alarmNamePrefix: string;
}

const versionsOf = (functions: readonly GradualFunction[]) =>
  functions.map((fn) => ({ 'Fn::Sub': `\${${fn.logicalId}.Arn}:*` }));

/**
 * CodeDeploy may read the states of this stage's alarms, move the aliases and invoke the hooks. Lambda
 * authorizes GetAlias and UpdateAlias on the unqualified function ARN (Service Authorization
 * Reference: resource type `function`); a `function:NAME:*` grant would match versions and aliases
 * only, and the first traffic shift would be denied. DescribeAlarms is scoped to alarms (resource type
 * `alarm`): every alarm a deployment group watches is named `<service>-<stage>-…`.
 */
export function codeDeployServiceRole({
  functions,
  hookFunctionIds,
  alarmNamePrefix,
}: DeployRolesInput): Resource {
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
                Resource: {
                  'Fn::Sub': `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:${alarmNamePrefix}*`,
                },
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
 * revisions (the AppSpec that names the target version), and report their verdict.
 */
export function deployHookPolicy({ functions, applicationId }: DeployRolesInput): Resource {
  const codeDeployArn = (resource: string) => ({
    'Fn::Sub': `arn:\${AWS::Partition}:codedeploy:\${AWS::Region}:\${AWS::AccountId}:${resource}`,
  });
  return {
    Type: 'AWS::IAM::Policy',
    Properties: {
      PolicyName: 'smoke-check-and-report',
      Roles: [{ Ref: EXTERNAL_IDS.deployHookRole }],
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: versionsOf(functions) },
          {
            Effect: 'Allow',
            Action: ['codedeploy:GetDeployment', 'codedeploy:PutLifecycleEventHookExecutionStatus'],
            Resource: codeDeployArn(`deploymentgroup:\${${applicationId}}/*`),
          },
          {
            Effect: 'Allow',
            Action: 'codedeploy:GetApplicationRevision',
            Resource: codeDeployArn(`application:\${${applicationId}}`),
          },
        ],
      },
    },
  };
}
