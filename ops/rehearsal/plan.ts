import { functionKey } from '../../delivery/function-key';
import { VERDICT_METRIC, verdictNamespace } from '../../delivery/judge/observe';
import { PROBE_EVERY_MS, RUN_ONCE_SCHEDULE } from '../../delivery/judge/probe';
import type { AlarmDefinition, Dimensions, MetricQuery } from './cloudwatch';

/**
 * What a rehearsal takes from the packaged template `sls deploy` would send: the deployment config,
 * the hooks and every alarm of the deployment groups, with CloudFormation references resolved to the
 * values they will have locally. Nothing here is a second copy of the settings.
 */

type Json = Record<string, unknown>;
interface Resource {
  Type: string;
  // biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties are arbitrary JSON, read by shape below.
  Properties: Record<string, any>;
  UpdatePolicy?: Json;
}
export interface Template {
  Resources: Record<string, Resource>;
}

export interface TrafficStep {
  /** Simulated seconds after traffic starts shifting. */
  atSeconds: number;
  candidateWeight: number;
}

/** One function's CodeDeploy deployment group: what it shifts and which alarms stop it. */
export interface RehearsedFunction {
  key: string;
  name: string;
  /** The names of the alarms its deployment group watches that the rehearsal simulates. */
  alarms: string[];
  preTrafficHook: boolean;
  postTrafficHook: boolean;
}

export interface RehearsalPlan {
  configName: string;
  steps: TrafficStep[];
  /** The alias CodeDeploy shifts (`live`), as the template names it. */
  alias: string;
  functions: RehearsedFunction[];
  /** Every simulated alarm, once, whichever groups watch it. */
  alarms: AlarmDefinition[];
  notSimulated: { alarm: string; reason: string }[];
  apiName: string;
  stageName: string;
  canaryName: string | undefined;
  /** How often the Synthetics canary runs, in milliseconds. */
  canaryIntervalMs: number | undefined;
  /**
   * Whether it runs only while a deployment is in flight, started by the judges from their first look
   * (a run-once schedule, delivery/judge/probe.ts), rather than on its own schedule from the start.
   */
  canaryStartedByJudges: boolean;
  /**
   * Functions the baseline does not have: a function's first deploy creates its alias at the new
   * version, with no CodeDeploy deployment to rehearse (dropNewFunctions).
   */
  newFunctions: string[];
}

/** Namespaces and metrics the rehearsal produces from the requests it routes. */
const SIMULATED: Record<string, readonly string[]> = {
  'AWS/Lambda': ['Invocations', 'Errors', 'Duration'],
  'AWS/ApiGateway': ['Count', '5XXError', '4XXError', 'Latency'],
  CloudWatchSynthetics: ['SuccessPercent', 'Failed'],
};

/** CodeDeploy's predefined Lambda configs (and custom ones named the same way) as weight steps. */
export function trafficSteps(configName: string): TrafficStep[] {
  const name = configName.replace(/^CodeDeployDefault\.Lambda/, '');
  if (name === 'AllAtOnce') return [{ atSeconds: 0, candidateWeight: 1 }];
  const canary = /^Canary(\d+)Percent(\d+)Minutes?$/.exec(name);
  if (canary) {
    return [
      { atSeconds: 0, candidateWeight: Number(canary[1]) / 100 },
      { atSeconds: Number(canary[2]) * 60, candidateWeight: 1 },
    ];
  }
  const linear = /^Linear(\d+)PercentEvery(\d+)Minutes?$/.exec(name);
  if (linear) {
    const percent = Number(linear[1]);
    const steps: TrafficStep[] = [];
    for (let index = 0; index * percent < 100; index++) {
      steps.push({
        atSeconds: index * Number(linear[2]) * 60,
        candidateWeight: Math.min(1, ((index + 1) * percent) / 100),
      });
    }
    return steps;
  }
  throw new Error(`the deployment config ${configName} is not one the rehearsal understands`);
}

/** A Synthetics schedule `rate(N minute|minutes|hour|hours)` in milliseconds. */
export function scheduleIntervalMs(expression: string): number {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours)\)$/.exec(expression);
  if (!rate) throw new Error(`the canary schedule ${expression} is not one the rehearsal understands`);
  return Number(rate[1]) * (rate[2]?.startsWith('hour') ? 3_600_000 : 60_000);
}

export interface PlanContext {
  /** The version number the candidate gets (what GetAtt Version resolves to). */
  candidateVersion: string;
  /** The functions' METRICS_NAMESPACE, where the EMF alarms read. */
  metricsNamespace: string;
  /** The functions' FUNCTION_NAME_PREFIX, to name each function by its key in serverless.yml. */
  functionNamePrefix: string;
}

export function planFromTemplate(template: Template, context: PlanContext): RehearsalPlan {
  const { candidateVersion, metricsNamespace } = context;
  const resources = template.Resources;
  const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);

  function resolve(value: unknown): string {
    if (typeof value === 'string' || typeof value === 'number') return String(value);
    const node = value as Json;
    if ('Ref' in node) {
      const target = resources[String(node.Ref)];
      if (target?.Type === 'AWS::Lambda::Function') return String(target.Properties.FunctionName);
      if (target?.Type === 'AWS::CloudWatch::Alarm') return resolve(target.Properties.AlarmName);
      return String(node.Ref);
    }
    if ('Fn::GetAtt' in node) {
      const [id, attribute] = node['Fn::GetAtt'] as [string, string];
      if (resources[id]?.Type === 'AWS::Lambda::Version' && attribute === 'Version') return candidateVersion;
      throw new Error(`cannot resolve GetAtt ${id}.${attribute} locally`);
    }
    if ('Fn::Join' in node) {
      const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
      return parts.map(resolve).join(separator);
    }
    if ('Fn::Sub' in node) {
      return String(node['Fn::Sub']).replace(
        /\$\{([^}.]+)(?:\.([^}]+))?\}/g,
        (_, id: string, attribute?: string) =>
          attribute ? resolve({ 'Fn::GetAtt': [id, attribute] }) : resolve({ Ref: id }),
      );
    }
    throw new Error(`cannot resolve ${JSON.stringify(value)} locally`);
  }

  const dimensionsOf = (list: unknown): Dimensions =>
    Object.fromEntries(
      ((list as { Name: string; Value: unknown }[]) ?? []).map(({ Name, Value }) => [Name, resolve(Value)]),
    );

  function toQuery(query: Json): MetricQuery {
    const stat = query.MetricStat as Json | undefined;
    if (!stat)
      return {
        id: String(query.Id),
        expression: String(query.Expression),
        returnData: query.ReturnData !== false,
      };
    const metric = stat.Metric as Json;
    return {
      id: String(query.Id),
      returnData: query.ReturnData === true,
      metric: {
        namespace: String(metric.Namespace),
        name: String(metric.MetricName),
        dimensions: dimensionsOf(metric.Dimensions),
        stat: String(stat.Stat),
        periodSeconds: Number(stat.Period),
      },
    };
  }

  function toDefinition(properties: Json): AlarmDefinition {
    const queries: MetricQuery[] = properties.Metrics
      ? (properties.Metrics as Json[]).map(toQuery)
      : [
          {
            id: 'm1',
            returnData: true,
            metric: {
              namespace: String(properties.Namespace),
              name: String(properties.MetricName),
              dimensions: dimensionsOf(properties.Dimensions),
              stat: String(properties.ExtendedStatistic ?? properties.Statistic),
              periodSeconds: Number(properties.Period),
            },
          },
        ];
    const evaluationPeriods = Number(properties.EvaluationPeriods);
    return {
      name: resolve(properties.AlarmName),
      queries,
      periodSeconds: Math.max(
        ...queries.flatMap((query) => (query.metric ? [query.metric.periodSeconds] : [])),
      ),
      evaluationPeriods,
      datapointsToAlarm: Number(properties.DatapointsToAlarm ?? evaluationPeriods),
      threshold: Number(properties.Threshold),
      comparison: properties.ComparisonOperator as AlarmDefinition['comparison'],
      treatMissingData: (properties.TreatMissingData ?? 'missing') as AlarmDefinition['treatMissingData'],
    };
  }

  const alarmsByName = new Map(
    ofType('AWS::CloudWatch::Alarm').map(([, alarm]) => [resolve(alarm.Properties.AlarmName), alarm]),
  );
  const groups = ofType('AWS::CodeDeploy::DeploymentGroup');
  if (groups.length === 0)
    throw new Error('the template has no CodeDeploy deployment group: nothing deploys gradually');

  const simulated = new Map<string, AlarmDefinition>();
  const notSimulated = new Map<string, string>();
  function simulate(name: string): boolean {
    if (simulated.has(name)) return true;
    if (notSimulated.has(name)) return false;
    const resource = alarmsByName.get(name);
    if (!resource) {
      notSimulated.set(name, 'not defined in this template');
      return false;
    }
    const definition = toDefinition(resource.Properties);
    const unknown = definition.queries.find(
      ({ metric }) =>
        metric &&
        metric.namespace !== metricsNamespace &&
        !(metric.namespace === verdictNamespace(metricsNamespace) && metric.name === VERDICT_METRIC.name) &&
        !SIMULATED[metric.namespace]?.includes(metric.name),
    )?.metric;
    if (unknown) {
      notSimulated.set(name, `${unknown.namespace} ${unknown.name} is not produced locally`);
      return false;
    }
    simulated.set(name, definition);
    return true;
  }

  const aliases = ofType('AWS::Lambda::Alias');
  const functions = groups.map(([groupId, group]): RehearsedFunction => {
    const alias = aliases.find(
      ([, candidate]) =>
        (candidate.UpdatePolicy?.CodeDeployLambdaAliasUpdate as { DeploymentGroupName?: { Ref?: string } })
          ?.DeploymentGroupName?.Ref === groupId,
    )?.[1];
    if (!alias) throw new Error(`no alias is deployed by ${groupId}`);
    const update = alias.UpdatePolicy?.CodeDeployLambdaAliasUpdate as Json;
    const configuration = group.Properties.AlarmConfiguration as { Alarms?: { Name: unknown }[] } | undefined;
    const name = resolve(alias.Properties.FunctionName);
    return {
      key: functionKey(name, context.functionNamePrefix),
      name,
      alarms: (configuration?.Alarms ?? []).map((alarm) => resolve(alarm.Name)).filter(simulate),
      preTrafficHook: 'BeforeAllowTrafficHook' in update,
      postTrafficHook: 'AfterAllowTrafficHook' in update,
    };
  });

  const [, firstGroup] = groups[0] as [string, Resource];
  const configName = resolveConfigName(firstGroup.Properties.DeploymentConfigName);
  const restApi = ofType('AWS::ApiGateway::RestApi')[0]?.[1];
  const stage = ofType('AWS::ApiGateway::Stage')[0]?.[1];
  const canary = ofType('AWS::Synthetics::Canary')[0]?.[1];
  const schedule = (canary?.Properties.Schedule as Json | undefined)?.Expression;

  return {
    configName,
    steps: trafficSteps(configName),
    alias: String(aliases[0]?.[1].Properties.Name),
    functions,
    alarms: [...simulated.values()],
    notSimulated: [...notSimulated].map(([alarm, reason]) => ({ alarm, reason })),
    apiName: restApi ? String(restApi.Properties.Name) : '',
    stageName: stage ? String(stage.Properties.StageName) : '',
    canaryName: canary ? String(canary.Properties.Name) : undefined,
    canaryIntervalMs:
      schedule === RUN_ONCE_SCHEDULE
        ? PROBE_EVERY_MS
        : typeof schedule === 'string'
          ? scheduleIntervalMs(schedule)
          : undefined,
    canaryStartedByJudges: schedule === RUN_ONCE_SCHEDULE,
    newFunctions: [],
  };
}

function resolveConfigName(value: unknown): string {
  if (typeof value === 'string') return value;
  const [pattern, variables] = (value as { 'Fn::Sub': [string, Record<string, string>] })['Fn::Sub'];
  return pattern.replace(/\$\{(\w+)\}/g, (_, name: string) => variables[name] ?? '');
}
