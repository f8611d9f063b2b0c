import { describe, expect, it } from 'vitest';
import { orderAliasUpdates } from '../../../../delivery/template/deploy-order';
import { compiledTemplate } from './inputs';

describe('orderAliasUpdates', () => {
  it('makes an alias CodeDeploy shifts depend on its deployment group and on the hooks’ policy', () => {
    const template = compiledTemplate();
    template.Resources.DeployHookCodeDeployPolicy = { Type: 'AWS::IAM::Policy' };
    orderAliasUpdates(template);
    expect(template.Resources.HitsLambdaFunctionAliaslive?.DependsOn).toEqual([
      'HitsLambdaFunctionDeploymentGroup',
      'DeployHookCodeDeployPolicy',
    ]);
  });

  it('leaves resources that shift nothing alone', () => {
    const template = compiledTemplate();
    orderAliasUpdates(template);
    expect(template.Resources.HelloLambdaFunction?.DependsOn).toEqual([
      'HelloLogGroup',
      'StatelessFunctionRole',
    ]);
  });
});
