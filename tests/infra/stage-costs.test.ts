import { describe, expect, it } from 'vitest';
import {
  API_FUNCTIONS,
  type Json,
  packageEveryStage,
  resourceIn,
  STAGES,
  type Stage,
  stageTemplates,
} from '../support/stage-templates';

// What each stage pays for by the month, whether or not a deployment runs (docs/operating.md, cost):
// an idle probe, per-function paging alarms and a dashboard where its params ask for them, and the
// stage-wide 5xx alarm everywhere.

packageEveryStage();

describe.each(Object.keys(STAGES) as Stage[])('the %s template', (stage) => {
  const expected = STAGES[stage];
  const resource = resourceIn(stage);

  it('pages people on every version behind the alias for error rate and p99 where the stage pays for it, and on the stage’s 5xx everywhere', () => {
    const { resources } = stageTemplates[stage];
    for (const fn of API_FUNCTIONS) {
      if (!expected.paging) {
        expect(resources[`${fn}LambdaFunctionAliasLatencyAlarm`]).toBeUndefined();
        expect(resources[`${fn}LambdaFunctionAliasErrorsAlarm`]).toBeUndefined();
        continue;
      }
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

  it('probes an idle stage on its schedule through the judge, or not at all', () => {
    const { resources } = stageTemplates[stage];
    if (expected.idleProbe === 'none') {
      expect(resources.IdleProbeRule).toBeUndefined();
      return;
    }
    expect(resource('IdleProbeRule').Properties).toMatchObject({
      Name: `canary-api-${stage}-idle-probe`,
      ScheduleExpression: expected.idleProbe,
      Targets: [{ Arn: { 'Fn::GetAtt': ['JudgeLambdaFunction', 'Arn'] }, Input: '{"probe":"idle"}' }],
    });
    expect(resource('IdleProbePermission').Properties.Principal).toBe('events.amazonaws.com');
  });

  it('draws a dashboard of traffic per version, errors, p99, canary success and alarm states, where the stage pays for one', () => {
    if (!expected.paging) {
      expect(stageTemplates[stage].resources.Dashboard).toBeUndefined();
      return;
    }
    const body = JSON.parse(resource('Dashboard').Properties.DashboardBody['Fn::Sub']);
    const titles = body.widgets.map((widget: Json) => widget.properties.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        'Traffic per version (invocations through the alias)',
        'Lambda errors per version',
        'p99 duration through the alias (ms)',
        'Synthetics canary success %',
        "The stage's alarms (a deployment watches its function's judge and errors alarms)",
      ]),
    );
    const alarmWidget = body.widgets.find((widget: Json) => widget.type === 'alarm');
    for (const fn of API_FUNCTIONS) {
      expect(alarmWidget.properties.alarms).toContain(`\${${fn}LambdaFunctionJudgeVerdictAlarm.Arn}`);
    }
    const traffic = JSON.stringify(body.widgets[0].properties.metrics);
    expect(traffic).toContain(`FunctionName=\\"canary-api-${stage}-hello\\"`);
    expect(traffic).toContain('ExecutedVersion');
  });
});
