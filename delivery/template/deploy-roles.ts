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
}

const versionsOf = (functions: readonly GradualFunction[]) =>
  functions.map((fn) => ({ 'Fn::Sub': `\${${fn.logicalId}.Arn}:*` }));

/** CodeDeploy may read alarm states, move the aliases and invoke the hooks. */
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
              { Effect: 'Allow', Action: 'cloudwatch:DescribeAlarms', Resource: '*' },
              {
                Effect: 'Allow',
                Action: ['lambda:GetAlias', 'lambda:UpdateAlias', 'lambda:GetProvisionedConcurrencyConfig'],
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

/** The hooks may invoke the functions' versions and read and report on this stack's deployments only. */
export function deployHookPolicy({ functions, applicationId }: DeployRolesInput): Resource {
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
            Resource: {
              'Fn::Sub': `arn:\${AWS::Partition}:codedeploy:\${AWS::Region}:\${AWS::AccountId}:deploymentgroup:\${${applicationId}}/*`,
            },
          },
        ],
      },
    },
  };
}
