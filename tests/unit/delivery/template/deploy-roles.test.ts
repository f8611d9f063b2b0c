import { describe, expect, it } from 'vitest';
import {
  codeDeployServiceRole,
  deployHookPolicy,
  judgePolicy,
} from '../../../../delivery/template/deploy-roles';
import { hits } from './inputs';

const input = {
  functions: [hits],
  hookFunctionIds: ['PreTrafficLambdaFunction', 'PostTrafficLambdaFunction'],
  judgeFunctionId: 'JudgeLambdaFunction',
  applicationId: 'CanaryapiprodDeploymentApplication',
  metricsNamespace: 'CanaryApi',
  canaryName: 'canary-api-prod',
};
const statements = (policy: { PolicyDocument: { Statement: { Action: string | string[] }[] } }) =>
  policy.PolicyDocument.Statement;
const grantOf = (list: { Action: string | string[]; Resource: unknown }[], action: string) =>
  list.find((statement) => [statement.Action].flat().includes(action))?.Resource;

describe('codeDeployServiceRole', () => {
  it('is assumed by CodeDeploy, invokes only the hooks and reads alarm states', () => {
    const role = codeDeployServiceRole(input).Properties;
    expect(role?.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({
      Service: 'codedeploy.amazonaws.com',
    });
    const list = statements(role?.Policies[0]);
    expect(grantOf(list as never, 'lambda:InvokeFunction')).toEqual([
      { 'Fn::GetAtt': ['PreTrafficLambdaFunction', 'Arn'] },
      { 'Fn::GetAtt': ['PostTrafficLambdaFunction', 'Arn'] },
    ]);
    expect(grantOf(list as never, 'cloudwatch:DescribeAlarms')).toBeDefined();
  });
});

describe('deployHookPolicy', () => {
  it('lets the hooks read this application’s deployments only, and report on "*", the one grant both sources accept', () => {
    const policy = deployHookPolicy(input).Properties;
    expect(policy?.Roles).toEqual([{ Ref: 'DeployHookRole' }]);
    const list = statements(policy as never) as never;
    expect(JSON.stringify(grantOf(list, 'codedeploy:GetDeployment'))).toContain(
      `deploymentgroup:\${CanaryapiprodDeploymentApplication}/*`,
    );
    expect(grantOf(list, 'codedeploy:PutLifecycleEventHookExecutionStatus')).toBe('*');
  });
});

describe('the judge’s grants', () => {
  it('let the pre-traffic hook start the judge and the post-traffic hook read its verdicts', () => {
    const list = statements(deployHookPolicy(input).Properties as never) as {
      Action: string;
      Resource: unknown;
    }[];
    const invokes = list.filter((statement) => statement.Action === 'lambda:InvokeFunction');
    expect(invokes.map((statement) => statement.Resource)).toContainEqual({
      'Fn::GetAtt': ['JudgeLambdaFunction', 'Arn'],
    });
    expect(grantOf(list, 'cloudwatch:GetMetricData')).toBe('*');
  });

  it('let the judge publish under its own namespace only, read deployments, start the stage’s canary and hand over to itself', () => {
    const policy = judgePolicy(input).Properties;
    expect(policy?.Roles).toEqual([{ Ref: 'JudgeRole' }]);
    const list = statements(policy as never) as { Action: string; Resource: unknown; Condition?: unknown }[];
    expect(list.find((statement) => statement.Action === 'cloudwatch:PutMetricData')?.Condition).toEqual({
      StringEquals: { 'cloudwatch:namespace': 'CanaryApi/Judge' },
    });
    expect(grantOf(list, 'lambda:InvokeFunction')).toEqual({ 'Fn::GetAtt': ['JudgeLambdaFunction', 'Arn'] });
    expect(JSON.stringify(grantOf(list, 'codedeploy:GetDeployment'))).toContain('deploymentgroup:');
    expect(grantOf(list, 'synthetics:StartCanary')).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:synthetics:${AWS::Region}:${AWS::AccountId}:canary:canary-api-prod',
    });
    expect(list.flatMap((statement) => statement.Action).sort()).toEqual([
      'cloudwatch:GetMetricData',
      'cloudwatch:PutMetricData',
      'codedeploy:GetDeployment',
      'lambda:InvokeFunction',
      'synthetics:GetCanary',
      'synthetics:StartCanary',
    ]);
  });
});
