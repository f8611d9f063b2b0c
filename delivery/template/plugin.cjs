'use strict';
// A local osls plugin for what @flagsmith/serverless-plugin-canary-deployments and osls do not do.
// It must be listed before the canary plugin: both run after custom resources are merged, and the
// canary plugin reads the alarm lists this one writes.
//
// 1. Each gradually deployed function gets its own alarms, wired into its own deployment group with
//    the stack-wide ones from custom.deploymentSettings.alarms (at most 10 per group):
//    - NewVersionServerErrors, the fast alarm: our 1-second EMF metric of 5xx answers, 10-second
//      periods, only the version being deployed (ExecutedVersion) behind the alias;
//    - NewVersionErrors: Lambda's own Errors (crashes, timeouts) of that version only;
//    - AliasErrors and AliasLatency: every version behind the alias (error rate, p99 duration).
//    The new-version alarms carry the version in their name, so each deployment starts from fresh
//    alarms instead of one left in ALARM by the release it replaces. The plugin's own canaryAlarms
//    would put every function's alarms into one composite alarm shared by all deployment groups,
//    so that one function's bad version would roll back all of them.
// 2. The REST API stage becomes an explicit AWS::ApiGateway::Stage with throttling, X-Ray tracing,
//    metrics and JSON access logs. osls leaves the stage implicit in the Deployment and sets tracing
//    and logs through API calls after the deploy, where neither reviewers nor validators see them,
//    and it has no stage throttling at all.
// 3. A CloudWatch dashboard for the stage: traffic per version, 5xx and errors, p99 latency,
//    the canary's success and the state of every alarm a deployment watches.
// 4. The deployment hooks may read and report on this stack's deployments only; the CodeDeploy
//    application's logical ID is derived here the way the canary plugin derives it.
// 5. The Synthetics canary's script (canary/index.ts) is bundled and inlined into its resource, so the
//    template is the whole release.
// 6. checkov skips that custom.delivery.checkovSkips declares for a resource type are written into the
//    Metadata of every resource of that type, osls-generated ones included.
// 7. osls makes each function DependsOn its role although the function's GetAtt of that role already
//    orders them; cfn-lint warns (W3005) about every such pair, so the duplicate is dropped.

const path = require('node:path');
const { buildSync } = require('esbuild');

const ALIAS = 'live';
const FAST_PERIOD_SECONDS = 10;

class ServerlessDelivery {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      'after:aws:package:finalize:mergeCustomProviderResources': () => this.addDeliveryResources(),
    };
  }

  get settings() {
    return this.serverless.service.custom.delivery;
  }

  /** The namespace lib/metrics.ts writes to, as serverless.yml gives it to the functions. */
  get metricsNamespace() {
    return this.serverless.service.provider.environment.METRICS_NAMESPACE;
  }

  addDeliveryResources() {
    const { service } = this.serverless;
    const template = service.provider.compiledCloudFormationTemplate;
    const naming = this.serverless.getProvider('aws').naming;
    const stage = this.serverless.getProvider('aws').getStage();
    const globalAlarms = service.custom.deploymentSettings?.alarms ?? [];
    const gradual = [];

    for (const key of service.getAllFunctions()) {
      const fn = service.getFunction(key);
      if (!fn.deploymentSettings) continue;
      const functionId = naming.getLambdaLogicalId(key);
      const versionId = Object.keys(template.Resources).find((id) => {
        const resource = template.Resources[id];
        return (
          resource.Type === 'AWS::Lambda::Version' && resource.Properties.FunctionName?.Ref === functionId
        );
      });
      if (!versionId)
        throw new this.serverless.classes.Error(`No Lambda version for ${key}: keep versionFunctions on.`);
      const alarms = this.functionAlarms({ key, functionId, versionId, stage, service: service.service });
      Object.assign(template.Resources, alarms);
      fn.deploymentSettings = { ...fn.deploymentSettings, alarms: [...globalAlarms, ...Object.keys(alarms)] };
      gradual.push({ key, name: fn.name, alarmIds: Object.keys(alarms) });
    }
    this.addDashboard(template, gradual, stage, service.service);
    this.useExplicitStage(template, stage);
    this.allowHooksToReport(template, naming);
    this.inlineCanaryScript(template);
    dropDependenciesImpliedByRoles(template);
    this.recordCheckovSkips(template);
  }

  recordCheckovSkips(template) {
    for (const resource of Object.values(template.Resources)) {
      const skips = this.settings.checkovSkips?.[resource.Type];
      if (!skips) continue;
      resource.Metadata = { ...resource.Metadata, checkov: { skip: skips } };
    }
  }

  allowHooksToReport(template, naming) {
    if (!template.Resources.DeployHookRole) return;
    const application = `${naming.normalizeNameToAlphaNumericOnly(naming.getStackName())}DeploymentApplication`;
    template.Resources.DeployHookCodeDeployPolicy = {
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyName: 'report-lifecycle-hooks',
        Roles: [{ Ref: 'DeployHookRole' }],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: ['codedeploy:GetDeployment', 'codedeploy:PutLifecycleEventHookExecutionStatus'],
              Resource: {
                'Fn::Sub': `arn:\${AWS::Partition}:codedeploy:\${AWS::Region}:\${AWS::AccountId}:deploymentgroup:\${${application}}/*`,
              },
            },
          ],
        },
      },
    };
  }

  inlineCanaryScript(template) {
    const canary = template.Resources.SyntheticsCanary;
    if (!canary) return;
    const [bundle] = buildSync({
      entryPoints: [path.join(this.serverless.serviceDir, 'delivery', 'synthetics-canary.ts')],
      bundle: true,
      minify: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      write: false,
      legalComments: 'none',
    }).outputFiles;
    canary.Properties.Code.Script = bundle.text;
  }

  functionAlarms({ key, functionId, versionId, stage, service }) {
    const name = (suffix) => `${service}-${stage}-${key}-${suffix}`;
    const functionName = { Ref: functionId };
    const alias = { 'Fn::Join': [':', [functionName, ALIAS]] };
    const newVersion = [
      { Name: 'FunctionName', Value: functionName },
      { Name: 'Resource', Value: alias },
      { Name: 'ExecutedVersion', Value: { 'Fn::GetAtt': [versionId, 'Version'] } },
    ];
    const anyVersion = newVersion.slice(0, 2);
    const newVersionName = (suffix) => ({
      'Fn::Sub': `${service}-${stage}-${key}-v\${${versionId}.Version}-${suffix}`,
    });
    const metric = (id, namespace, metricName, dimensions, period, stat) => ({
      Id: id,
      ReturnData: false,
      MetricStat: {
        Metric: { Namespace: namespace, MetricName: metricName, Dimensions: dimensions },
        Period: period,
        Stat: stat,
      },
    });
    const { fastErrorRatePercent, fastMinimumRequests, aliasErrorRatePercent, latencyP99Ms } = this.settings;

    return {
      [`${functionId}NewVersionServerErrorsAlarm`]: alarm({
        AlarmName: newVersionName('fast-5xx'),
        AlarmDescription: `Rolls back ${key} within seconds: over ${fastErrorRatePercent}% of the new version's answers are 5xx in two of three ${FAST_PERIOD_SECONDS}-second periods (with at least ${fastMinimumRequests} requests).`,
        Metrics: [
          metric('errors', this.metricsNamespace, 'ServerErrors', newVersion, FAST_PERIOD_SECONDS, 'Sum'),
          metric('requests', this.metricsNamespace, 'Requests', newVersion, FAST_PERIOD_SECONDS, 'Sum'),
          {
            Id: 'rate',
            Label: '5xx % of the new version',
            Expression: `IF(requests >= ${fastMinimumRequests}, 100 * errors / requests, 0)`,
            ReturnData: true,
          },
        ],
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
        Threshold: fastErrorRatePercent,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
      [`${functionId}NewVersionErrorsAlarm`]: alarm({
        AlarmName: newVersionName('errors'),
        AlarmDescription: `Rolls back ${key} when its new version crashes or times out at all (Lambda Errors, ExecutedVersion).`,
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: newVersion,
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
      [`${functionId}AliasErrorsAlarm`]: alarm({
        AlarmName: name('alias-errors'),
        AlarmDescription: `Over ${aliasErrorRatePercent}% of ${key}'s invocations through the alias fail, whichever version serves them.`,
        Metrics: [
          metric('errors', 'AWS/Lambda', 'Errors', anyVersion, 60, 'Sum'),
          metric('invocations', 'AWS/Lambda', 'Invocations', anyVersion, 60, 'Sum'),
          {
            Id: 'rate',
            Label: 'error %',
            Expression: 'IF(invocations > 0, 100 * errors / invocations, 0)',
            ReturnData: true,
          },
        ],
        EvaluationPeriods: 1,
        Threshold: aliasErrorRatePercent,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
      [`${functionId}AliasLatencyAlarm`]: alarm({
        AlarmName: name('alias-p99'),
        AlarmDescription: `${key}'s p99 duration through the alias exceeds ${latencyP99Ms} ms in two of three minutes.`,
        Namespace: 'AWS/Lambda',
        MetricName: 'Duration',
        Dimensions: anyVersion,
        ExtendedStatistic: 'p99',
        Period: 60,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
        Threshold: latencyP99Ms,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    };
  }

  addDashboard(template, functions, stage, service) {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: resolved by CloudFormation's Fn::Sub.
    const region = '${AWS::Region}';
    const perVersion = (namespace, metric, stat, fn) =>
      `SEARCH('{${namespace},FunctionName,Resource,ExecutedVersion} FunctionName="${fn.name}" MetricName="${metric}"', '${stat}', 60)`;
    const expressions = (build) =>
      // ${!…} is Fn::Sub's escape: CloudWatch receives ${PROP(…)}, a label per returned version.
      functions.map((fn, index) => [
        { expression: build(fn), id: `f${index}`, label: `${fn.key} v\${!PROP('Dim.ExecutedVersion')}` },
      ]);
    const widget = (x, y, title, properties) => ({
      type: 'metric',
      x,
      y,
      width: 12,
      height: 6,
      properties: { title, region, view: 'timeSeries', period: 60, ...properties },
    });
    const alarmArns = [
      ...functions.flatMap((fn) => fn.alarmIds),
      'ApiGateway5xxAlarm',
      'SyntheticsFailedAlarm',
    ].map((id) => `\${${id}.Arn}`);
    const body = {
      widgets: [
        widget(0, 0, 'Traffic per version (invocations through the alias)', {
          metrics: expressions((fn) => perVersion('AWS/Lambda', 'Invocations', 'Sum', fn)),
          stacked: true,
        }),
        widget(12, 0, '5xx answers per version (1-second metric, fast alarm)', {
          metrics: expressions((fn) => perVersion(this.metricsNamespace, 'ServerErrors', 'Sum', fn)),
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
            `${fn.name}:${ALIAS}`,
            { stat: 'p99', label: fn.key },
          ]),
        }),
        widget(0, 12, 'Synthetics canary success %', {
          metrics: [
            [
              'CloudWatchSynthetics',
              'SuccessPercent',
              'CanaryName',
              `${service}-${stage}`,
              { stat: 'Average' },
            ],
          ],
          yAxis: { left: { min: 0, max: 100 } },
        }),
        widget(12, 12, 'API Gateway 4xx and 5xx', {
          metrics: [
            ['AWS/ApiGateway', '5XXError', 'ApiName', `${stage}-${service}`, 'Stage', stage, { stat: 'Sum' }],
            ['AWS/ApiGateway', '4XXError', 'ApiName', `${stage}-${service}`, 'Stage', stage, { stat: 'Sum' }],
          ],
        }),
        {
          type: 'alarm',
          x: 0,
          y: 18,
          width: 24,
          height: 8,
          properties: { title: 'Alarms watched by the deployments', alarms: alarmArns },
        },
      ],
    };
    template.Resources.Dashboard = {
      Type: 'AWS::CloudWatch::Dashboard',
      Properties: {
        DashboardName: `${service}-${stage}`,
        DashboardBody: { 'Fn::Sub': JSON.stringify(body) },
      },
    };
    template.Outputs.DashboardUrl = {
      Description: 'The CloudWatch dashboard of this stage.',
      Value: {
        'Fn::Sub':
          // biome-ignore lint/suspicious/noTemplateCurlyInString: resolved by CloudFormation's Fn::Sub.
          'https://${AWS::Region}.console.aws.amazon.com/cloudwatch/home?region=${AWS::Region}#dashboards:name=${Dashboard}',
      },
    };
  }

  useExplicitStage(template, stage) {
    const deploymentId = Object.keys(template.Resources).find(
      (id) => template.Resources[id].Type === 'AWS::ApiGateway::Deployment',
    );
    if (!deploymentId) return;
    delete template.Resources[deploymentId].Properties.StageName;
    const { throttlingRateLimit, throttlingBurstLimit } = this.settings;
    template.Resources.ApiGatewayStage = {
      Type: 'AWS::ApiGateway::Stage',
      DependsOn: ['ApiGatewayAccount'],
      Properties: {
        RestApiId: { Ref: 'ApiGatewayRestApi' },
        DeploymentId: { Ref: deploymentId },
        StageName: stage,
        TracingEnabled: true,
        MethodSettings: [
          {
            ResourcePath: '/*',
            HttpMethod: '*',
            ThrottlingRateLimit: throttlingRateLimit,
            ThrottlingBurstLimit: throttlingBurstLimit,
            MetricsEnabled: true,
            LoggingLevel: 'ERROR',
            DataTraceEnabled: false,
          },
        ],
        AccessLogSetting: {
          DestinationArn: { 'Fn::GetAtt': ['ApiAccessLogGroup', 'Arn'] },
          Format: JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            method: '$context.httpMethod',
            resource: '$context.resourcePath',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integrationLatency',
            responseLength: '$context.responseLength',
            error: '$context.error.responseType',
          }),
        },
      },
    };
    // The canary calls the stage's URL from its first run, so the stage must exist before it starts.
    if (template.Resources.SyntheticsCanary)
      template.Resources.SyntheticsCanary.DependsOn = ['ApiGatewayStage'];
  }
}

function dropDependenciesImpliedByRoles(template) {
  for (const resource of Object.values(template.Resources)) {
    const role = resource.Properties?.Role?.['Fn::GetAtt']?.[0];
    if (resource.Type !== 'AWS::Lambda::Function' || !role || !Array.isArray(resource.DependsOn)) continue;
    resource.DependsOn = resource.DependsOn.filter((dependency) => dependency !== role);
    if (resource.DependsOn.length === 0) delete resource.DependsOn;
  }
}

function alarm(properties) {
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: { TreatMissingData: 'notBreaching', ...properties },
  };
}

module.exports = ServerlessDelivery;
