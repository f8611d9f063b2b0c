import { describe, expect, it } from 'vitest';
import { idleProbe } from '../../../../delivery/template/idle-probe';
import { flag } from '../../../../delivery/template/settings';
import { names } from './inputs';

describe('idleProbe', () => {
  it('wakes the judge on the schedule with the idle event, through the judge’s resource policy', () => {
    const resources = idleProbe({ names, schedule: 'rate(1 hour)', judgeFunctionId: 'JudgeLambdaFunction' });
    expect(resources).toEqual({
      IdleProbeRule: {
        Type: 'AWS::Events::Rule',
        Properties: {
          Name: 'canary-api-prod-idle-probe',
          Description: expect.any(String),
          ScheduleExpression: 'rate(1 hour)',
          State: 'ENABLED',
          Targets: [
            { Id: 'judge', Arn: { 'Fn::GetAtt': ['JudgeLambdaFunction', 'Arn'] }, Input: '{"probe":"idle"}' },
          ],
        },
      },
      IdleProbePermission: {
        Type: 'AWS::Lambda::Permission',
        Properties: {
          Action: 'lambda:InvokeFunction',
          FunctionName: { 'Fn::GetAtt': ['JudgeLambdaFunction', 'Arn'] },
          Principal: 'events.amazonaws.com',
          SourceArn: { 'Fn::GetAtt': ['IdleProbeRule', 'Arn'] },
        },
      },
    });
  });

  it('adds nothing to a stage that asks for no idle probe', () => {
    expect(idleProbe({ names, schedule: 'none', judgeFunctionId: 'JudgeLambdaFunction' })).toEqual({});
  });

  it('refuses what EventBridge would not schedule', () => {
    expect(() => idleProbe({ names, schedule: 'hourly', judgeFunctionId: 'JudgeLambdaFunction' })).toThrow(
      /rate\(\) or cron\(\)/,
    );
  });
});

describe('flag', () => {
  it('reads YAML booleans and --param strings, and refuses anything else', () => {
    expect([
      flag(true, 'dashboard'),
      flag('true', 'dashboard'),
      flag(false, 'x'),
      flag('false', 'x'),
    ]).toEqual([true, true, false, false]);
    expect(() => flag('yes', 'dashboard')).toThrow(
      'custom.delivery.dashboard must be true or false, not "yes"',
    );
  });
});
