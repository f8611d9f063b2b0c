import { describe, expect, it } from 'vitest';
import { stageNames } from '../../../../delivery/template/names';
import {
  applyPermissionsBoundary,
  boundaryArn,
  boundaryMode,
} from '../../../../delivery/template/permissions-boundary';
import type { Template } from '../../../../delivery/template/types';

const names = stageNames('canary-api', 'prod');
const role = () => ({ Type: 'AWS::IAM::Role', Properties: { RoleName: 'r' } });

describe('the permissions boundary', () => {
  it('is the stage’s boundary from the deployer stack by default', () => {
    expect(boundaryArn(boundaryMode(undefined), names)).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/canary-api-prod-boundary',
    });
  });

  it('takes an account’s own boundary by ARN, or none', () => {
    const arn = 'arn:aws:iam::123456789012:policy/org/boundary';
    expect(boundaryArn(boundaryMode(arn), names)).toBe(arn);
    expect(boundaryArn(boundaryMode('none'), names)).toBeUndefined();
  });

  it('refuses anything else with a sentence naming the choices', () => {
    expect(() => boundaryMode('yes')).toThrow(/deployers, none or an IAM policy ARN, not "yes"/);
  });

  it('goes on every role of the template, and nothing else', () => {
    const template: Template = {
      Resources: {
        A: role(),
        B: role(),
        ApiGatewayLoggingRole: role(),
        Table: { Type: 'AWS::DynamoDB::Table', Properties: {} },
      },
    };
    applyPermissionsBoundary(template, 'arn:b');
    expect(template.Resources.A?.Properties).toEqual({ RoleName: 'r', PermissionsBoundary: 'arn:b' });
    expect(template.Resources.B?.Properties?.PermissionsBoundary).toBe('arn:b');
    expect(template.Resources.Table?.Properties).toEqual({});
    // The region's logging role serves every API of the region: no stage's boundary fits it.
    expect(template.Resources.ApiGatewayLoggingRole).toEqual(role());
    const untouched: Template = { Resources: { A: role() } };
    applyPermissionsBoundary(untouched, undefined);
    expect(untouched.Resources.A).toEqual(role());
  });

  it('refuses the stage names the deployer roles and their stack are named under', () => {
    expect(() => stageNames('canary-api', 'deployer')).toThrow(/reserved/);
    expect(() => stageNames('canary-api', 'deployers')).toThrow(/reserved/);
    expect(stageNames('canary-api', 'dev').prefix).toBe('canary-api-dev');
  });
});
