import { describe, expect, it } from 'vitest';
import { dashboard } from '../../../../delivery/template/dashboard';
import { hits, names } from './inputs';

const built = () =>
  dashboard({
    functions: [{ ...hits, alarmIds: ['HitsFastAlarm'] }],
    stackAlarmIds: ['ApiAlarm'],
    alias: 'live',
    metricsNamespace: 'CanaryApi',
    stage: 'prod',
    names,
  });
const body = () => JSON.parse(built().resources.Dashboard?.Properties?.DashboardBody['Fn::Sub']);

describe('dashboard', () => {
  it('shows every alarm the deployments watch, the function’s and the stack’s', () => {
    const alarms = body().widgets.find((widget: { type: string }) => widget.type === 'alarm');
    expect(alarms.properties.alarms).toEqual([`\${HitsFastAlarm.Arn}`, `\${ApiAlarm.Arn}`]);
  });

  it('splits traffic and 5xx per executed version, in the namespace the functions write to', () => {
    const [traffic, serverErrors] = body().widgets;
    expect(JSON.stringify(traffic.properties.metrics)).toContain('FunctionName=\\"canary-api-prod-hits\\"');
    expect(JSON.stringify(serverErrors.properties.metrics)).toContain(
      '{CanaryApi,FunctionName,Resource,ExecutedVersion}',
    );
  });

  it('names the dashboard after the stage and outputs its URL', () => {
    expect(built().resources.Dashboard?.Properties?.DashboardName).toBe('canary-api-prod');
    expect(built().outputs.DashboardUrl.Value['Fn::Sub']).toMatch(/#dashboards:name=\$\{Dashboard\}$/);
  });
});
