import { describe, expect, it } from 'vitest';
import { parseAppSpec } from '../../../delivery/appspec';

describe('parseAppSpec', () => {
  it('reads the JSON AppSpec CloudFormation writes', () => {
    const content =
      '{"version":0.0,"Resources":[{"fn":{"Type":"AWS::Lambda::Function","Properties":{"Name":"f","Alias":"live","CurrentVersion":"3","TargetVersion":"4"}}}]}';
    expect(parseAppSpec(content)).toEqual({
      functionName: 'f',
      alias: 'live',
      currentVersion: '3',
      targetVersion: '4',
    });
  });

  it('reads a YAML AppSpec', () => {
    const content = `version: 0.0
Resources:
  - fn:
      Type: AWS::Lambda::Function
      Properties:
        Name: "f"
        Alias: live
        CurrentVersion: 3
        TargetVersion: '4' # the new one`;
    expect(parseAppSpec(content)).toEqual({
      functionName: 'f',
      alias: 'live',
      currentVersion: '3',
      targetVersion: '4',
    });
  });

  it('refuses an AppSpec without a target', () => {
    expect(() => parseAppSpec('{"Resources":[]}')).toThrow(/no function and target version/);
  });
});
