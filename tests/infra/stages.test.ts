import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionKey } from '../../delivery/function-key';
import { checksFor } from '../../delivery/smoke-checks';
import { DEPRECATED_SYNTHETICS_RUNTIMES } from '../../delivery/template/synthetics-runtimes';
import { packageService } from '../../local/packaged-service';
import { planFromTemplate, scheduleIntervalMs, type Template } from '../../ops/rehearsal/plan';
import { checkTemplate } from '../support/iam/check';
import { referenceOrSkip } from '../support/iam/reference-or-skip';
import { checkovVerdict, validator } from '../support/validators';

// Each stage's template exactly as `sls deploy --stage <stage>` would send it, asserted on the
// properties that make a release safe, then handed to two independent validators.

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON is untyped; the assertions check its shape.
type Json = Record<string, any>;
interface Resource {
  Type: string;
  Properties: Json;
  Metadata?: Json;
  DependsOn?: string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  UpdatePolicy?: Json;
}

interface StageExpectation {
  deploymentType: string;
  logRetentionDays: number;
  rateLimit: number;
  tableRetained: boolean;
  canarySchedule: string;
  /** `--param` values the stage is packaged with. */
  params?: Record<string, string>;
}

const STAGES = {
  dev: {
    deploymentType: 'AllAtOnce',
    logRetentionDays: 7,
    rateLimit: 50,
    tableRetained: false,
    canarySchedule: 'rate(1 hour)',
  },
  staging: {
    deploymentType: 'Linear10PercentEvery1Minute',
    logRetentionDays: 30,
    rateLimit: 100,
    tableRetained: false,
    canarySchedule: 'rate(10 minutes)',
  },
  prod: {
    deploymentType: 'Canary10Percent5Minutes',
    logRetentionDays: 90,
    rateLimit: 500,
    tableRetained: true,
    canarySchedule: 'rate(1 minute)',
  },
  // Any other stage name takes the default params; this one also creates the account's API Gateway
  // logging role, as a first stage in a fresh account would (--param apiGatewayCloudWatchRole=create).
  qa: {
    deploymentType: 'AllAtOnce',
    logRetentionDays: 14,
    rateLimit: 50,
    tableRetained: false,
    canarySchedule: 'rate(1 hour)',
    params: { apiGatewayCloudWatchRole: 'create' },
  },
} as const satisfies Record<string, StageExpectation>;
type Stage = keyof typeof STAGES;
const API_FUNCTIONS = ['Hello', 'Echo', 'Hits', 'Health', 'Fallback'];

const outDir = mkdtempSync(join(tmpdir(), 'canary-api-stages-'));
const templates = {} as Record<
  Stage,
  { file: string; resources: Record<string, Resource>; outputs: Json; template: Template }
>;

beforeAll(async () => {
  for (const stage of Object.keys(STAGES) as Stage[]) {
    const { params = {} } = STAGES[stage] as StageExpectation;
    await packageService(join(outDir, stage), stage, process.cwd(), params);
    const file = join(outDir, stage, 'cloudformation-template-update-stack.json');
    const template = JSON.parse(readFileSync(file, 'utf8'));
    templates[stage] = { file, resources: template.Resources, outputs: template.Outputs, template };
  }
}, 320_000);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const ofType = (stage: Stage, type: string) =>
  Object.entries(templates[stage].resources).filter(([, resource]) => resource.Type === type);
const refTo = (value: unknown) => (value as Json | undefined)?.Ref;
const versionOf = (stage: Stage, fn: string) =>
  ofType(stage, 'AWS::Lambda::Version').find(
    ([, version]) => refTo(version.Properties.FunctionName) === `${fn}LambdaFunction`,
  )?.[0];

describe.each(Object.keys(STAGES) as Stage[])('the %s template', (stage) => {
  const expected = STAGES[stage];
  const resource = (id: string) => {
    const found = templates[stage].resources[id];
    if (!found) throw new Error(`${id} is not in the ${stage} template`);
    return found;
  };

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
    for (const [id, permission] of ofType(stage, 'AWS::Lambda::Permission')) {
      expect(refTo(permission.Properties.FunctionName), id).toMatch(/LambdaFunctionAliaslive$/);
      // One method and path each, never the whole API (`/*/*`).
      expect(permission.Properties.SourceArn['Fn::Sub'], id).toMatch(/\/\*\/(GET|POST|\*)\/[a-z{}+/]*$/);
    }
    expect(ofType(stage, 'AWS::Lambda::Permission')).toHaveLength(
      ofType(stage, 'AWS::ApiGateway::Method').length,
    );
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
      // The group is updated after the new version's alarms, whose names carry the version.
      const alarms = JSON.stringify(resource(group).Properties.AlarmConfiguration.Alarms);
      expect(alarms).toContain(`{"Ref":"${fn}LambdaFunctionNewVersionServerErrorsAlarm"}`);
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

  it('watches each deployment with at most 10 alarms: new version, alias, API and canary', () => {
    const canaryAlarmName = resource('SyntheticsFailedAlarm').Properties.AlarmName;
    for (const fn of API_FUNCTIONS) {
      const alarms = resource(`${fn}LambdaFunctionDeploymentGroup`).Properties.AlarmConfiguration.Alarms.map(
        (alarm: Json) => alarm.Name,
      );
      expect(alarms.length).toBeLessThanOrEqual(10);
      expect(alarms).toEqual(
        expect.arrayContaining([
          { Ref: `${fn}LambdaFunctionNewVersionServerErrorsAlarm` },
          { Ref: `${fn}LambdaFunctionNewVersionQuietServerErrorsAlarm` },
          { Ref: `${fn}LambdaFunctionNewVersionErrorsAlarm` },
          { Ref: `${fn}LambdaFunctionAliasErrorsAlarm` },
          { Ref: `${fn}LambdaFunctionAliasLatencyAlarm` },
          { Ref: 'ApiGateway5xxAlarm' },
          canaryAlarmName,
        ]),
      );
    }
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

  it('rolls a bad new version back within seconds: 10-second periods of our high-resolution 5xx metric', () => {
    for (const fn of API_FUNCTIONS) {
      const alarm = resource(`${fn}LambdaFunctionNewVersionServerErrorsAlarm`).Properties;
      const stats = alarm.Metrics.filter((metric: Json) => metric.MetricStat).map(
        (metric: Json) => metric.MetricStat,
      );
      expect(stats.map((stat: Json) => stat.Metric.MetricName).sort()).toEqual(['Requests', 'ServerErrors']);
      for (const stat of stats) {
        expect(stat.Metric.Namespace).toBe('CanaryApi');
        expect(stat.Period).toBe(10);
        expect(stat.Metric.Dimensions).toContainEqual({
          Name: 'ExecutedVersion',
          Value: { 'Fn::GetAtt': [versionOf(stage, fn), 'Version'] },
        });
        expect(stat.Metric.Dimensions).toContainEqual({
          Name: 'Resource',
          Value: { 'Fn::Join': [':', [{ Ref: `${fn}LambdaFunction` }, 'live']] },
        });
      }
      // Two breaching 10-second periods within the last minute: late datapoints still count.
      expect(alarm.EvaluationPeriods * 10).toBe(60);
      expect(alarm.DatapointsToAlarm).toBe(2);
    }
  });

  it('watches every version behind the alias for error rate and p99 latency', () => {
    for (const fn of API_FUNCTIONS) {
      const latency = resource(`${fn}LambdaFunctionAliasLatencyAlarm`).Properties;
      expect([latency.MetricName, latency.ExtendedStatistic]).toEqual(['Duration', 'p99']);
      expect(latency.Dimensions.map((d: Json) => d.Name)).toEqual(['FunctionName', 'Resource']);
      const errors = JSON.stringify(resource(`${fn}LambdaFunctionAliasErrorsAlarm`).Properties.Metrics);
      expect(errors).toContain('"Errors"');
      expect(errors).not.toContain('ExecutedVersion');
    }
    const api = JSON.stringify(resource('ApiGateway5xxAlarm').Properties.Metrics);
    expect(api).toContain('5XXError');
    expect(api).toContain(`"${stage}-canary-api"`);
  });

  it('breaks the canary -> URL -> alias -> deployment group -> alarm -> canary cycle with a fixed alarm name', () => {
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
    expect(canary.Properties.Schedule.Expression).toBe(expected.canarySchedule);
    expect(canary.Properties.ProvisionedResourceCleanup).toBe('AUTOMATIC');
    expect(canary.Properties.Code.Script).toContain('x-function-version');
    expect(canary.DependsOn).toContain('ApiGatewayStage');
    const bucket = resource('SyntheticsArtifactsBucket').Properties;
    expect(bucket.LifecycleConfiguration.Rules[0]).toMatchObject({ Status: 'Enabled', ExpirationInDays: 30 });
  });

  it('grants least privilege: no wildcard actions, no FullAccess policies, DynamoDB only on the table', () => {
    for (const [id, role] of ofType(stage, 'AWS::IAM::Role')) {
      for (const arn of role.Properties.ManagedPolicyArns ?? [])
        expect(JSON.stringify(arn), id).not.toMatch(/FullAccess/);
      const statements = (role.Properties.Policies ?? []).flatMap(
        (policy: Json) => policy.PolicyDocument.Statement,
      );
      for (const statement of statements) {
        for (const action of [statement.Action].flat()) expect(action, id).not.toMatch(/\*/);
        if ([statement.Action].flat().some((action: string) => action.startsWith('dynamodb:'))) {
          expect(statement.Resource, id).toEqual({ 'Fn::GetAtt': ['CountersTable', 'Arn'] });
        }
      }
    }
    const health = JSON.stringify(resource('HealthFunctionRole').Properties.Policies);
    expect(health).toContain('dynamodb:GetItem');
    expect(health).not.toMatch(/dynamodb:(Put|Update|Delete)Item/);
    expect(JSON.stringify(resource('StatelessFunctionRole'))).not.toContain('dynamodb');
  });

  it('keeps the table on demand, recoverable and encrypted; retained and protected in prod only', () => {
    const table = resource('CountersTable');
    expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.Properties.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled).toBe(true);
    expect(table.Properties.SSESpecification.SSEEnabled).toBe(true);
    expect(table.Properties.DeletionProtectionEnabled).toBe(expected.tableRetained);
    expect([table.DeletionPolicy, table.UpdateReplacePolicy]).toEqual(
      expected.tableRetained ? ['Retain', 'Retain'] : ['Delete', 'Delete'],
    );
  });

  it('throttles, traces and logs the API stage explicitly', () => {
    const stageResource = resource('ApiGatewayStage').Properties;
    expect(stageResource.StageName).toBe(stage);
    expect(stageResource.TracingEnabled).toBe(true);
    expect(stageResource.MethodSettings[0]).toMatchObject({
      ThrottlingRateLimit: expected.rateLimit,
      MetricsEnabled: false,
    });
    expect(stageResource.AccessLogSetting.DestinationArn).toEqual({
      'Fn::GetAtt': ['ApiAccessLogGroup', 'Arn'],
    });
    for (const [, deployment] of ofType(stage, 'AWS::ApiGateway::Deployment')) {
      expect(deployment.Properties.StageName).toBeUndefined();
    }
  });

  it('touches the account-wide API Gateway logging role only when asked to create it, and then keeps it', () => {
    const creates = (STAGES[stage] as StageExpectation).params?.apiGatewayCloudWatchRole === 'create';
    expect(ofType(stage, 'AWS::ApiGateway::Account')).toHaveLength(creates ? 1 : 0);
    for (const [id, found] of ofType(stage, 'AWS::ApiGateway::Account')) {
      expect(found.DeletionPolicy, id).toBe('Retain');
      expect(resource(found.Properties.CloudWatchRoleArn['Fn::GetAtt'][0]).DeletionPolicy).toBe('Retain');
    }
  });

  it('answers gateway errors in problem+json too', () => {
    const types = ofType(stage, 'AWS::ApiGateway::GatewayResponse').map(
      ([, response]) => response.Properties,
    );
    const responseTypes = types.map((response) => response.ResponseType);
    expect(responseTypes).toEqual(expect.arrayContaining(['DEFAULT_4XX', 'DEFAULT_5XX']));
    // Two resources for one response type would overwrite each other, and deleting one resets both.
    expect(new Set(responseTypes).size).toBe(responseTypes.length);
    for (const response of types) {
      expect(response.ResponseParameters['gatewayresponse.header.Content-Type']).toBe(
        "'application/problem+json'",
      );
      expect(() =>
        JSON.parse(
          response.ResponseTemplates['application/json'].replaceAll('$context.error.messageString', '"x"'),
        ),
      ).not.toThrow();
    }
  });

  it(`keeps logs ${expected.logRetentionDays} days and traces every function`, () => {
    for (const [id, group] of ofType(stage, 'AWS::Logs::LogGroup')) {
      expect(group.Properties.RetentionInDays, id).toBe(expected.logRetentionDays);
    }
    for (const [id, fn] of ofType(stage, 'AWS::Lambda::Function')) {
      expect(fn.Properties.TracingConfig, id).toEqual({ Mode: 'Active' });
      expect(fn.Properties.Runtime, id).toMatch(/^nodejs(22|24)\.x$/);
      expect(fn.Properties.LoggingConfig?.LogFormat, id).toBe('JSON');
    }
  });

  it('draws a dashboard of traffic per version, errors, p99, canary success and alarm states', () => {
    const body = JSON.parse(resource('Dashboard').Properties.DashboardBody['Fn::Sub']);
    const titles = body.widgets.map((widget: Json) => widget.properties.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        'Traffic per version (invocations through the alias)',
        'Lambda errors per version',
        'p99 duration through the alias (ms)',
        'Synthetics canary success %',
        'Alarms watched by the deployments',
      ]),
    );
    const alarmWidget = body.widgets.find((widget: Json) => widget.type === 'alarm');
    for (const fn of API_FUNCTIONS) {
      expect(alarmWidget.properties.alarms).toContain(
        `\${${fn}LambdaFunctionNewVersionServerErrorsAlarm.Arn}`,
      );
    }
    const traffic = JSON.stringify(body.widgets[0].properties.metrics);
    expect(traffic).toContain(`FunctionName=\\"canary-api-${stage}-hello\\"`);
    expect(traffic).toContain('ExecutedVersion');
  });

  it('gives the rehearsal every group and alarm to simulate, with references resolved to the new version', () => {
    const plan = planFromTemplate(templates[stage].template, {
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
      // Its own five alarms and the stack's two, nobody else's.
      expect(fn.alarms, fn.key).toHaveLength(7);
      expect(
        fn.alarms.filter((name) => name.startsWith(`canary-api-${stage}-${fn.key}-`)),
        fn.key,
      ).toHaveLength(5);
    }
    expect(plan.notSimulated).toEqual([]);
    expect(plan.alarms).toHaveLength(API_FUNCTIONS.length * 5 + 2);
    expect(plan.alias).toBe('live');
    expect(plan.canaryIntervalMs).toBe(scheduleIntervalMs(expected.canarySchedule));
    const fast = plan.alarms.find((alarm) => alarm.name === `canary-api-${stage}-hello-v2-fast-5xx`);
    expect(fast?.queries[0]?.metric?.dimensions).toEqual({
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

  it('holds no secrets and outputs the URL, the canary name and the dashboard URL', () => {
    for (const [id, fn] of ofType(stage, 'AWS::Lambda::Function')) {
      for (const name of Object.keys(fn.Properties.Environment?.Variables ?? {})) {
        expect(name, id).not.toMatch(/SECRET|PASSWORD|ACCESS_KEY|PRIVATE/);
      }
    }
    expect(JSON.stringify(templates[stage].resources)).not.toMatch(/AKIA[0-9A-Z]{16}/);
    expect(Object.keys(templates[stage].outputs)).toEqual(
      expect.arrayContaining(['ApiUrl', 'SyntheticsCanaryName']),
    );
  });
});

const cfnLint = validator('cfn-lint');
const checkov = validator('checkov');

const iamReference = referenceOrSkip();

describe('independent validators', () => {
  it.skipIf(!iamReference)(
    'every IAM grant of every stage matches the resource types its actions accept (Service Authorization Reference)',
    () => {
      for (const [stage, { template }] of Object.entries(templates)) {
        const findings = checkTemplate(
          iamReference as NonNullable<typeof iamReference>,
          template,
          `canary-api-${stage}`,
        );
        expect({ stage, findings }).toEqual({ stage, findings: [] });
      }
    },
  );

  it.skipIf(!cfnLint)('cfn-lint finds no error and no warning in any stage template', () => {
    const files = Object.values(templates).map((template) => template.file);
    const result = spawnSync(cfnLint as string, files, { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it.skipIf(!checkov)(
    'checkov fails no check in any stage template; every skip says why',
    { timeout: 180_000 },
    () => {
      for (const [stage, { file, resources }] of Object.entries(templates)) {
        const verdict = checkovVerdict(checkov as string, file);
        expect({ stage, failed: verdict.failed }).toEqual({ stage, failed: [] });
        expect(verdict.passed).toBeGreaterThan(100);
        for (const [id, resource] of Object.entries(resources)) {
          for (const skip of resource.Metadata?.checkov?.skip ?? []) {
            expect(skip.comment?.length ?? 0, `${stage} ${id} ${skip.id}`).toBeGreaterThan(40);
          }
        }
      }
    },
  );
});
