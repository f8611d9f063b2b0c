import type { AlarmDefinition, Dimensions, MetricQuery } from './cloudwatch';

/**
 * What a rehearsal takes from the packaged template `sls deploy` would send: the deployment config,
 * the hooks and every alarm of the deployment groups, with CloudFormation references resolved to the
 * values they will have locally. Nothing here is a second copy of the settings.
 */

type Json = Record<string, unknown>;
interface Resource {
  Type: string;
  Properties: Json;
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

export interface RehearsedFunction {
  key: string;
  name: string;
}

export interface RehearsalPlan {
  configName: string;
  steps: TrafficStep[];
  functions: RehearsedFunction[];
  preTrafficHook: boolean;
  postTrafficHook: boolean;
  alarms: AlarmDefinition[];
  notSimulated: { alarm: string; reason: string }[];
  apiName: string;
  stageName: string;
  canaryName: string | undefined;
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

export function planFromTemplate(
  template: Template,
  candidateVersion: string,
  metricsNamespace: string,
): RehearsalPlan {
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
  const watched = new Set<string>();
  for (const [, group] of groups) {
    const configuration = group.Properties.AlarmConfiguration as { Alarms?: { Name: unknown }[] } | undefined;
    for (const alarm of configuration?.Alarms ?? []) watched.add(resolve(alarm.Name));
  }

  const alarms: AlarmDefinition[] = [];
  const notSimulated: RehearsalPlan['notSimulated'] = [];
  for (const name of watched) {
    const resource = alarmsByName.get(name);
    if (!resource) {
      notSimulated.push({ alarm: name, reason: 'not defined in this template' });
      continue;
    }
    const definition = toDefinition(resource.Properties);
    const unknown = definition.queries.find(
      ({ metric }) =>
        metric &&
        metric.namespace !== metricsNamespace &&
        !SIMULATED[metric.namespace]?.includes(metric.name),
    );
    if (unknown?.metric)
      notSimulated.push({
        alarm: name,
        reason: `${unknown.metric.namespace} ${unknown.metric.name} is not produced locally`,
      });
    else alarms.push(definition);
  }

  const [, firstGroup] = groups[0] as [string, Resource];
  const configName = resolveConfigName(firstGroup.Properties.DeploymentConfigName);
  const aliases = ofType('AWS::Lambda::Alias');
  const update = (aliases[0]?.[1].UpdatePolicy?.CodeDeployLambdaAliasUpdate ?? {}) as Json;
  const restApi = ofType('AWS::ApiGateway::RestApi')[0]?.[1];
  const stage = ofType('AWS::ApiGateway::Stage')[0]?.[1];
  const canary = ofType('AWS::Synthetics::Canary')[0]?.[1];

  return {
    configName,
    steps: trafficSteps(configName),
    functions: aliases.map(([, alias]) => {
      const name = resolve(alias.Properties.FunctionName);
      return { name, key: name.split('-').pop() as string };
    }),
    preTrafficHook: 'BeforeAllowTrafficHook' in update,
    postTrafficHook: 'AfterAllowTrafficHook' in update,
    alarms,
    notSimulated,
    apiName: restApi ? String(restApi.Properties.Name) : '',
    stageName: stage ? String(stage.Properties.StageName) : '',
    canaryName: canary ? String(canary.Properties.Name) : undefined,
  };
}

function resolveConfigName(value: unknown): string {
  if (typeof value === 'string') return value;
  const [pattern, variables] = (value as { 'Fn::Sub': [string, Record<string, string>] })['Fn::Sub'];
  return pattern.replace(/\$\{(\w+)\}/g, (_, name: string) => variables[name] ?? '');
}
