import { describe, expect, it } from 'vitest';
import { functionKey } from '../../delivery/function-key';
import { checksFor } from '../../delivery/smoke-checks';
import { DEPRECATED_SYNTHETICS_RUNTIMES } from '../../delivery/template/synthetics-runtimes';
import { planFromTemplate } from '../../ops/rehearsal/plan';
import {
  API_FUNCTIONS,
  type Json,
  ofType,
  packageEveryStage,
  refTo,
  resourceIn,
  STAGES,
  type Stage,
  stageTemplates,
  versionOf,
} from '../support/stage-templates';

// Each stage's template exactly as `sls deploy --stage <stage>` would send it, asserted on what makes a
// release safe: the alias, the traffic shift, the hooks, the judge and the alarms of the deployment
// groups, the Synthetics canary, the dashboard, and what the rehearsal reads from it. Its resources, their limits
// and the independent validators: stage-resources.test.ts.

packageEveryStage();

describe.each(Object.keys(STAGES) as Stage[])('the %s template', (stage) => {
  const expected = STAGES[stage];
  const resource = resourceIn(stage);

  it('serves every API function through the alias live, never $LATEST', () => {
    for (const fn of API_FUNCTIONS) {
      const alias = resource(`${fn}LambdaFunctionAliaslive`);
      expect(alias.Properties.Name).toBe('live');
      expect(alias.Properties.FunctionVersion).toEqual({ 'Fn::GetAtt': [versionOf(stage, fn), 'Version'] });
    }
    for (const [id, method] of ofType(stage, 'AWS::ApiGateway::Method')) {
      const uri = JSON.stringify(method.Properties.Integration.Uri);
      expect(uri, id).toMatch(/LambdaFunctionAliaslive/);
    }
    const apiPermissions = ofType(stage, 'AWS::Lambda::Permission').filter(
      ([, permission]) => permission.Properties.Principal === 'apigateway.amazonaws.com',
    );
    for (const [id, permission] of apiPermissions) {
      expect(refTo(permission.Properties.FunctionName), id).toMatch(/LambdaFunctionAliaslive$/);
      // One method and path each, never the whole API (`/*/*`); path parameters are `*`, since API
      // Gateway sends the real path and ArnLike reads `{counter}` as text (the call matrix simulates it).
      expect(permission.Properties.SourceArn['Fn::Sub'], id).toMatch(/\/\*\/(GET|POST|\*)\/[a-z/*]*$/);
      const path = String(permission.Properties.SourceArn['Fn::Sub']).split(`\${ApiGatewayRestApi}`)[1];
      expect(path, id).not.toMatch(/[{}+]/);
    }
    expect(apiPermissions).toHaveLength(ofType(stage, 'AWS::ApiGateway::Method').length);
    // The only other: EventBridge waking the judge for the idle probe.
    const apiIds = new Set(apiPermissions.map(([id]) => id));
    const others = ofType(stage, 'AWS::Lambda::Permission').filter(([id]) => !apiIds.has(id));
    expect(others.map(([id]) => id)).toEqual(expected.idleProbe === 'none' ? [] : ['IdleProbePermission']);
  });

  it(`shifts traffic with ${expected.deploymentType} and rolls back on failure and on alarm`, () => {
    const groups = ofType(stage, 'AWS::CodeDeploy::DeploymentGroup');
    expect(groups.map(([id]) => id).sort()).toEqual(
      API_FUNCTIONS.map((fn) => `${fn}LambdaFunctionDeploymentGroup`).sort(),
    );
    for (const [, group] of groups) {
      expect(group.Properties.DeploymentConfigName['Fn::Sub'][1]).toEqual({
        ConfigName: expected.deploymentType,
      });
      expect(group.Properties.AutoRollbackConfiguration.Enabled).toBe(true);
      expect(group.Properties.AutoRollbackConfiguration.Events).toEqual(
        expect.arrayContaining(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM']),
      );
      expect(group.Properties.ServiceRoleArn).toEqual({ 'Fn::GetAtt': ['CodeDeployServiceRole', 'Arn'] });
    }
  });

  it('runs the pre- and post-traffic hooks for every aliased function, and deploys the hooks at once', () => {
    for (const fn of API_FUNCTIONS) {
      const update = resource(`${fn}LambdaFunctionAliaslive`).UpdatePolicy?.CodeDeployLambdaAliasUpdate;
      expect(update.BeforeAllowTrafficHook).toEqual({ Ref: 'PreTrafficLambdaFunction' });
      expect(update.AfterAllowTrafficHook).toEqual({ Ref: 'PostTrafficLambdaFunction' });
      expect(update.DeploymentGroupName).toEqual({ Ref: `${fn}LambdaFunctionDeploymentGroup` });
    }
    const aliased = ofType(stage, 'AWS::Lambda::Alias').map(([, alias]) =>
      refTo(alias.Properties.FunctionName),
    );
    expect(aliased).not.toContain('PreTrafficLambdaFunction');
    expect(aliased).not.toContain('PostTrafficLambdaFunction');
  });

  it('shifts each alias only after its deployment group knows the new alarms and the hooks may run', () => {
    for (const fn of API_FUNCTIONS) {
      const alias = resource(`${fn}LambdaFunctionAliaslive`);
      const group = `${fn}LambdaFunctionDeploymentGroup`;
      expect(alias.UpdatePolicy?.CodeDeployLambdaAliasUpdate.DeploymentGroupName).toEqual({ Ref: group });
      expect(alias.DependsOn).toEqual(expect.arrayContaining([group, 'DeployHookCodeDeployPolicy']));
      // The group is updated after the new version's crash alarm, whose name carries the version.
      const alarms = JSON.stringify(resource(group).Properties.AlarmConfiguration.Alarms);
      expect(alarms).toContain(`{"Ref":"${fn}LambdaFunctionNewVersionErrorsAlarm"}`);
    }
  });

  it('has smoke checks for every function a deployment group deploys', () => {
    const aliases = ofType(stage, 'AWS::Lambda::Alias').map(([, alias]) => alias);
    const deployed = ofType(stage, 'AWS::CodeDeploy::DeploymentGroup').map(([id]) => {
      const alias = aliases.find(
        (candidate) => candidate.UpdatePolicy?.CodeDeployLambdaAliasUpdate.DeploymentGroupName.Ref === id,
      );
      const functionName = resource(refTo(alias?.Properties.FunctionName)).Properties.FunctionName;
      return functionKey(functionName, `canary-api-${stage}-`);
    });
    expect(deployed).toHaveLength(API_FUNCTIONS.length);
    for (const key of deployed) expect(() => checksFor(key)).not.toThrow();
  });

  it('watches each deployment with the judge’s verdict and the new version’s crashes only', () => {
    for (const fn of API_FUNCTIONS) {
      const alarms = resource(`${fn}LambdaFunctionDeploymentGroup`).Properties.AlarmConfiguration.Alarms.map(
        (alarm: Json) => alarm.Name,
      );
      // No alarm that judges whatever version answers: a shared outage would stop the fix.
      expect(alarms).toEqual([
        { Ref: `${fn}LambdaFunctionJudgeVerdictAlarm` },
        { Ref: `${fn}LambdaFunctionNewVersionErrorsAlarm` },
      ]);
    }
  });

  it('runs a judge the pre-traffic hook starts, within the stage’s boundary', () => {
    const judge = resource('JudgeLambdaFunction').Properties;
    expect(judge.Timeout).toBe(900);
    expect(judge.Role).toEqual({ 'Fn::GetAtt': ['JudgeRole', 'Arn'] });
    expect(resource('PreTrafficLambdaFunction').Properties.Environment.Variables.JUDGE_FUNCTION_NAME).toEqual(
      {
        Ref: 'JudgeLambdaFunction',
      },
    );
    expect(resource('JudgePolicy').Properties.Roles).toEqual([{ Ref: 'JudgeRole' }]);
    // Its own failures page people; no deployment group watches them.
    expect(resource('JudgeErrorsAlarm').Properties.Dimensions).toEqual([
      { Name: 'FunctionName', Value: { Ref: 'JudgeLambdaFunction' } },
    ]);
    // The judge is deployed at once, like the hooks, never through a canary of its own.
    const aliased = ofType(stage, 'AWS::Lambda::Alias').map(([, alias]) =>
      refTo(alias.Properties.FunctionName),
    );
    expect(aliased).not.toContain('JudgeLambdaFunction');
  });

  it('judges only the new version with Errors on ExecutedVersion', () => {
    for (const fn of API_FUNCTIONS) {
      const alarm = resource(`${fn}LambdaFunctionNewVersionErrorsAlarm`).Properties;
      expect([alarm.Namespace, alarm.MetricName]).toEqual(['AWS/Lambda', 'Errors']);
      expect(alarm.Dimensions).toContainEqual({
        Name: 'ExecutedVersion',
        Value: { 'Fn::GetAtt': [versionOf(stage, fn), 'Version'] },
      });
      expect(JSON.stringify(alarm.AlarmName)).toContain(`${versionOf(stage, fn)}.Version`);
    }
  });

  it('rolls a bad new version back on the judge’s verdict for its function, looking back three 10-second periods', () => {
    for (const fn of API_FUNCTIONS) {
      const alarm = resource(`${fn}LambdaFunctionJudgeVerdictAlarm`).Properties;
      expect([alarm.Namespace, alarm.MetricName, alarm.Statistic, alarm.Period]).toEqual([
        'CanaryApi/Judge',
        'Verdict',
        'Maximum',
        10,
      ]);
      expect(alarm.Dimensions).toEqual([{ Name: 'FunctionName', Value: { Ref: `${fn}LambdaFunction` } }]);
      expect([alarm.EvaluationPeriods, alarm.DatapointsToAlarm, alarm.TreatMissingData]).toEqual([
        3,
        1,
        'notBreaching',
      ]);
    }
  });

  it('names the canary’s alarm after the stage, and the alarm does not depend on the canary resource', () => {
    const alarm = resource('SyntheticsFailedAlarm').Properties;
    expect(alarm.AlarmName).toBe(`canary-api-${stage}-synthetics-failed`);
    expect(alarm.Dimensions).toEqual([{ Name: 'CanaryName', Value: `canary-api-${stage}` }]);
    expect(JSON.stringify(resource('SyntheticsFailedAlarm'))).not.toContain('SyntheticsCanary"');
  });

  it('runs the Synthetics canary on a runtime AWS has not deprecated, with its script inlined', () => {
    const canary = resource('SyntheticsCanary');
    expect(canary.Properties.Name).toMatch(/^[0-9a-z_-]{1,21}$/);
    expect(canary.Properties.Name).toBe(`canary-api-${stage}`);
    expect(canary.Properties.RuntimeVersion).toMatch(/^syn-nodejs-/);
    expect(DEPRECATED_SYNTHETICS_RUNTIMES).not.toHaveProperty([canary.Properties.RuntimeVersion]);
    // Run once each time the judge starts it: every minute of a deployment, and on the idle probe.
    expect(canary.Properties.Schedule.Expression).toBe('rate(0 minute)');
    expect(canary.Properties.StartCanaryAfterCreation).toBe(false);
    const judge = resource('JudgeLambdaFunction').Properties;
    expect(judge.Environment.Variables.CANARY_NAME).toBe(`canary-api-${stage}`);
    expect(canary.Properties.ProvisionedResourceCleanup).toBe('AUTOMATIC');
    expect(canary.Properties.Code.Script).toContain('x-function-version');
    expect(canary.DependsOn).toContain('ApiGatewayStage');
    const bucket = resource('SyntheticsArtifactsBucket').Properties;
    expect(bucket.LifecycleConfiguration.Rules[0]).toMatchObject({ Status: 'Enabled', ExpirationInDays: 30 });
  });

  it('gives the rehearsal every group and alarm to simulate, with references resolved to the new version', () => {
    const plan = planFromTemplate(stageTemplates[stage].template, {
      candidateVersion: '2',
      metricsNamespace: 'CanaryApi',
      functionNamePrefix: `canary-api-${stage}-`,
    });
    expect(plan.configName).toBe(`CodeDeployDefault.Lambda${expected.deploymentType}`);
    expect(plan.functions.map((fn) => fn.key).sort()).toEqual(
      API_FUNCTIONS.map((fn) => fn.toLowerCase()).sort(),
    );
    for (const fn of plan.functions) {
      expect([fn.preTrafficHook, fn.postTrafficHook], fn.key).toEqual([true, true]);
      // Its own two alarms, nobody else's.
      expect(fn.alarms, fn.key).toEqual([
        `canary-api-${stage}-${fn.key}-judge`,
        `canary-api-${stage}-${fn.key}-v2-errors`,
      ]);
    }
    expect(plan.notSimulated).toEqual([]);
    expect(plan.alarms).toHaveLength(API_FUNCTIONS.length * 2);
    expect(plan.alias).toBe('live');
    expect([plan.canaryIntervalMs, plan.canaryStartedByJudges]).toEqual([60_000, true]);
    const judge = plan.alarms.find((alarm) => alarm.name === `canary-api-${stage}-hello-judge`);
    expect(judge?.queries[0]?.metric).toMatchObject({
      namespace: 'CanaryApi/Judge',
      name: 'Verdict',
      dimensions: { FunctionName: `canary-api-${stage}-hello` },
    });
    const errors = plan.alarms.find((alarm) => alarm.name === `canary-api-${stage}-hello-v2-errors`);
    expect(errors?.queries[0]?.metric?.dimensions).toEqual({
      FunctionName: `canary-api-${stage}-hello`,
      Resource: `canary-api-${stage}-hello:live`,
      ExecutedVersion: '2',
    });
    expect([plan.apiName, plan.stageName, plan.canaryName]).toEqual([
      `${stage}-canary-api`,
      stage,
      `canary-api-${stage}`,
    ]);
  });
});
