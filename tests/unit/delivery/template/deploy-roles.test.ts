import { describe, expect, it } from 'vitest';
import { codeDeployServiceRole, deployHookPolicy } from '../../../../delivery/template/deploy-roles';
import { hits } from './inputs';

const input = {
  functions: [hits],
  hookFunctionIds: ['PreTrafficLambdaFunction', 'PostTrafficLambdaFunction'],
  applicationId: 'CanaryapiprodDeploymentApplication',
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
