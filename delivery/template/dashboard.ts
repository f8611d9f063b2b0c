import { STAGE_IDS, type StageNames } from './names';
import type { GradualFunction, Json, Resource } from './types';

/**
 * A CloudWatch dashboard for the stage: traffic per version, 5xx and errors, p99 latency, the canary's
 * success and the state of every alarm a deployment watches.
 */

export interface DashboardInput {
  functions: readonly (GradualFunction & { alarmIds: readonly string[] })[];
  /** The stage-wide alarms, by logical ID: shown beside the functions' own. */
  stackAlarmIds: readonly string[];
  alias: string;
  metricsNamespace: string;
  stage: string;
  names: StageNames;
}

// biome-ignore lint/suspicious/noTemplateCurlyInString: resolved by CloudFormation's Fn::Sub.
const REGION = '${AWS::Region}';

function widget(x: number, y: number, title: string, properties: Json): Json {
  return {
    type: 'metric',
    x,
    y,
    width: 12,
    height: 6,
    properties: { title, region: REGION, view: 'timeSeries', period: 60, ...properties },
  };
}

export function dashboard({
  functions,
  stackAlarmIds,
  alias,
  metricsNamespace,
  stage,
  names,
}: DashboardInput) {
  const perVersion = (namespace: string, metric: string, stat: string, fn: GradualFunction) =>
    `SEARCH('{${namespace},FunctionName,Resource,ExecutedVersion} FunctionName="${fn.name}" MetricName="${metric}"', '${stat}', 60)`;
  const expressions = (build: (fn: GradualFunction) => string) =>
    // ${!…} is Fn::Sub's escape: CloudWatch receives ${PROP(…)}, a label per returned version.
    functions.map((fn, index) => [
      { expression: build(fn), id: `f${index}`, label: `${fn.key} v\${!PROP('Dim.ExecutedVersion')}` },
    ]);
  const alarmArns = [...functions.flatMap((fn) => fn.alarmIds), ...stackAlarmIds].map(
    (id) => `\${${id}.Arn}`,
  );
  const apiMetric = (name: string) => [
    'AWS/ApiGateway',
    name,
    'ApiName',
    names.apiName,
    'Stage',
    stage,
    { stat: 'Sum' },
  ];
  const body = {
    widgets: [
      widget(0, 0, 'Traffic per version (invocations through the alias)', {
        metrics: expressions((fn) => perVersion('AWS/Lambda', 'Invocations', 'Sum', fn)),
        stacked: true,
      }),
      widget(12, 0, '5xx answers per version (the 1-second metric the judge compares)', {
        metrics: expressions((fn) => perVersion(metricsNamespace, 'ServerErrors', 'Sum', fn)),
      }),
      widget(0, 6, 'Lambda errors per version', {
        metrics: expressions((fn) => perVersion('AWS/Lambda', 'Errors', 'Sum', fn)),
      }),
      widget(12, 6, 'p99 duration through the alias (ms)', {
        metrics: functions.map((fn) => [
          'AWS/Lambda',
          'Duration',
          'FunctionName',
          fn.name,
          'Resource',
          `${fn.name}:${alias}`,
          { stat: 'p99', label: fn.key },
        ]),
      }),
      widget(0, 12, 'Synthetics canary success %', {
        metrics: [
          ['CloudWatchSynthetics', 'SuccessPercent', 'CanaryName', names.canary, { stat: 'Average' }],
        ],
        yAxis: { left: { min: 0, max: 100 } },
      }),
      widget(12, 12, 'API Gateway 4xx and 5xx', { metrics: [apiMetric('5XXError'), apiMetric('4XXError')] }),
      {
        type: 'alarm',
        x: 0,
        y: 18,
        width: 24,
        height: 8,
        properties: {
          title: "The stage's alarms (a deployment watches its function's judge and errors alarms)",
          alarms: alarmArns,
        },
      },
    ],
  };
  const resource: Resource = {
    Type: 'AWS::CloudWatch::Dashboard',
    Properties: { DashboardName: names.prefix, DashboardBody: { 'Fn::Sub': JSON.stringify(body) } },
  };
  const outputs = {
    DashboardUrl: {
      Description: 'The CloudWatch dashboard of this stage.',
      Value: {
        'Fn::Sub': `https://\${AWS::Region}.console.aws.amazon.com/cloudwatch/home?region=\${AWS::Region}#dashboards:name=\${${STAGE_IDS.dashboard}}`,
      },
    },
  };
  return { resources: { [STAGE_IDS.dashboard]: resource }, outputs };
}
