import { describe, expect, it } from 'vitest';
import { codeDeployServiceRole } from '../../delivery/template/deploy-roles';
import type { Template } from '../../delivery/template/types';
import { canMatch } from '../support/iam/arn-match';
import { checkGrants, checkTemplate, WILDCARD_GRANTS } from '../support/iam/check';
import { acceptedArns, REFERENCE_ADDITIONS } from '../support/iam/reference';
import { referenceOrSkip } from '../support/iam/reference-or-skip';

const reference = referenceOrSkip();
const FUNCTION = 'arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}';

describe('canMatch: an IAM Resource against an ARN format', () => {
  it.each([
    ['arn:aws:lambda:eu-west-1:1:function:hello', FUNCTION, true],
    ['arn:aws:lambda:eu-west-1:1:function:hello:*', FUNCTION, false],
    ['arn:aws:lambda:eu-west-1:1:function:hello:*', `${FUNCTION}:\${Qualifier}`, true],
    ['arn:aws:lambda:*:*:function:canary-api-*', FUNCTION, true],
    ['*', FUNCTION, true],
    ['arn:aws:lambda:eu-west-1:1:function:h?llo', FUNCTION, true],
    ['arn:aws:s3:::bucket/canary/*', 'arn:${Partition}:s3:::${BucketName}', false],
    ['arn:aws:s3:::bucket/canary/*', 'arn:${Partition}:s3:::${BucketName}/${ObjectName}', true],
    [
      'arn:aws:logs:eu-west-1:1:log-group:/aws/lambda/hello:*',
      'arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}',
      true,
    ],
    [
      'arn:aws:logs:eu-west-1:1:log-group:/aws/lambda/hello:*',
      'arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}',
      false,
    ],
  ])('%s ~ %s is %s', (resource, format, expected) => {
    expect(canMatch(resource, format)).toBe(expected);
  });
});

describe.skipIf(!reference)('checkGrants', () => {
  const ref = reference as NonNullable<typeof reference>;
  const grant = (actions: string[], resources: string[]) => [{ where: 'TestRole test', actions, resources }];

  it('reads each action’s resource types from the Service Authorization Reference', () => {
    expect(acceptedArns(ref, 'lambda:GetAlias')).toEqual([FUNCTION]);
    expect(acceptedArns(ref, 'xray:PutTraceSegments')).toEqual(['*']);
    expect(acceptedArns(ref, 'lambda:getalias')).toEqual([FUNCTION]);
  });

  it('fails the alias actions on `function:NAME:*`, which never matches the function itself', () => {
    const findings = checkGrants(
      ref,
      grant(['lambda:UpdateAlias'], ['arn:aws:lambda:eu-west-1:1:function:f:*']),
    );
    expect(findings).toEqual([
      expect.objectContaining({
        action: 'lambda:UpdateAlias',
        problem: expect.stringMatching(/authorizes nothing/),
      }),
    ]);
  });

  it('fails a specific ARN on an action that takes only "*", and an action AWS does not have', () => {
    expect(
      checkGrants(ref, grant(['xray:PutTraceSegments'], ['arn:aws:xray:eu-west-1:1:group/x'])),
    ).toHaveLength(1);
    expect(checkGrants(ref, grant(['lambda:UpdateAliases'], ['*']))[0]?.problem).toMatch(/no such action/);
  });

  it('fails "*" on an action that could be scoped, unless allowed with a reason', () => {
    expect(checkGrants(ref, grant(['cloudwatch:DescribeAlarms'], ['*']))).toHaveLength(1);
    expect(
      checkGrants(ref, grant(['cloudwatch:DescribeAlarms'], ['*']), { 'cloudwatch:DescribeAlarms': 'why' }),
    ).toEqual([]);
  });

  it('widens what an action accepts only where a named source says so', () => {
    for (const [action, addition] of Object.entries(REFERENCE_ADDITIONS)) {
      expect(acceptedArns(ref, action), action).toEqual(expect.arrayContaining(addition.arns));
      expect(addition.source.length, action).toBeGreaterThan(40);
    }
  });

  // The role CodeDeploy had before issue 9: its alias grants matched no function, so the first traffic
  // shift of every stage would have been denied.
  const oldRole: Template = {
    Resources: {
      HitsLambdaFunction: {
        Type: 'AWS::Lambda::Function',
        Properties: { FunctionName: 'canary-api-prod-hits' },
      },
      CodeDeployServiceRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          Policies: [
            {
              PolicyName: 'shift-alias-traffic',
              PolicyDocument: {
                Statement: [
                  {
                    Effect: 'Allow',
                    Action: [
                      'lambda:GetAlias',
                      'lambda:UpdateAlias',
                      'lambda:GetProvisionedConcurrencyConfig',
                    ],
                    Resource: [{ 'Fn::Sub': '${HitsLambdaFunction.Arn}:*' }],
                  },
                ],
              },
            },
          ],
        },
      },
    },
  };

  it('fails the CodeDeploy role as it was, and passes the one the builder makes now', () => {
    const before = checkTemplate(ref, oldRole, 'canary-api-prod').map((finding) => finding.action);
    expect(before).toEqual(['lambda:GetAlias', 'lambda:UpdateAlias']);
    const now: Template = {
      Resources: {
        HitsLambdaFunction: oldRole.Resources.HitsLambdaFunction as Template['Resources'][string],
        PreTrafficLambdaFunction: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'pre' } },
        CodeDeployServiceRole: codeDeployServiceRole({
          functions: [
            {
              key: 'hits',
              name: 'canary-api-prod-hits',
              logicalId: 'HitsLambdaFunction',
              versionLogicalId: 'V',
            },
          ],
          hookFunctionIds: ['PreTrafficLambdaFunction'],
          judgeFunctionId: 'JudgeLambdaFunction',
          applicationId: 'App',
          metricsNamespace: 'CanaryApi',
          canaryName: 'canary-api-prod',
        }),
      },
    };
    expect(checkTemplate(ref, now, 'canary-api-prod', WILDCARD_GRANTS)).toEqual([]);
  });
});
