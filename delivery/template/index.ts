import { apiErrorRateAlarm, functionAlarms, judgeErrorsAlarm } from './alarms';
import { apiDeploymentId, apiStage, cloudWatchRoleMode, dropEmptyApiPolicy, tagRestApi } from './api-stage';
import { dashboard } from './dashboard';
import { orderAliasUpdates } from './deploy-order';
import { codeDeployServiceRole, deployHookPolicy, judgePolicy } from './deploy-roles';
import { addGatewayResponses } from './gateway-responses';
import { idleProbe } from './idle-probe';
import { scopeInvokePermissions } from './invoke-permissions';
import { DEPLOYMENT_GROUP_ALARMS, type FunctionAlarm, functionAlarmId, STAGE_IDS, stageNames } from './names';
import { applyPermissionsBoundary, boundaryArn, boundaryMode } from './permissions-boundary';
import { flag } from './settings';
import { syntheticsCanary } from './synthetics';

import { dropDependenciesImpliedByRoles, recordCheckovSkips } from './template-hygiene';
import type { DeliverySettings, GradualFunction, Json, Template } from './types';

export { bundleCanaryScript } from './synthetics';

/**
 * The delivery resources osls and the canary plugin do not make, added to the compiled template by
 * the osls plugin in plugin.cjs: per-function alarms (the judge's and the crash alarm in each function's own deployment group),
 * the explicit API stage, the gateway's problem answers, the Synthetics canary, CodeDeploy's and the hooks' permissions, and the
 * dashboard. Each comes from one small builder; this module only puts them together.
 */

export interface DeliveryInput {
  service: string;
  stage: string;
  /** The Synthetics canary's script, bundled (bundleCanaryScript). */
  canaryScript: string;
  /** custom.deploymentSettings.alias: the alias CodeDeploy shifts. */
  alias: string;
  /** The namespace lib/metrics.ts writes to (the functions' METRICS_NAMESPACE). */
  metricsNamespace: string;
  /** The canary plugin's CodeDeploy application, as it names it. */
  applicationId: string;
  /** Gradually deployed functions: key, deployed name and the logical ID osls gives it. */
  functions: readonly Omit<GradualFunction, 'versionLogicalId'>[];
  hookFunctionIds: readonly string[];
  /** The judge function's logical ID (custom.delivery.judgeFunction). */
  judgeFunctionId: string;
  settings: DeliverySettings;
}

/** What the canary plugin reads back: each function's deployment group alarms (logical IDs or names). */
export type AlarmLists = Record<string, (string | { name: string })[]>;

function versionOf(template: Template, functionId: string): string {
  const found = Object.entries(template.Resources).find(
    ([, resource]) =>
      resource.Type === 'AWS::Lambda::Version' && resource.Properties?.FunctionName?.Ref === functionId,
  );
  if (!found) throw new Error(`No Lambda version for ${functionId}: keep versionFunctions on.`);
  return found[0];
}

/**
 * The judge starts the canary's runs (delivery/judge/probe.ts). Its name is given literally: a Ref
 * would close the loop judge -> canary -> stage -> methods -> aliases -> hooks -> judge.
 */
function giveJudgeTheCanary(template: Template, judgeFunctionId: string, canaryName: string) {
  const judge = template.Resources[judgeFunctionId];
  if (!judge?.Properties) throw new Error(`The template has no judge function ${judgeFunctionId}.`);
  judge.Properties.Environment ??= {};
  judge.Properties.Environment.Variables = {
    ...judge.Properties.Environment.Variables,
    CANARY_NAME: canaryName,
  };
}

/** Adds every delivery resource to the template and returns the alarm lists of the deployment groups. */
export function addDeliveryResources(template: Template, input: DeliveryInput): AlarmLists {
  const { stage, alias, metricsNamespace, settings } = input;
  const names = stageNames(input.service, stage);
  const functions = input.functions.map((fn) => ({
    ...fn,
    versionLogicalId: versionOf(template, fn.logicalId),
  }));
  template.Outputs ??= {};
  const outputs: Record<string, Json> = template.Outputs;

  const apiUrl = outputs.ApiUrl?.Value;
  if (!apiUrl) throw new Error('serverless.yml must output ApiUrl, the URL the canary calls');
  const canary = syntheticsCanary({
    names,
    runtimeVersion: settings.syntheticsRuntime,
    apiUrl,
    script: input.canaryScript,
  });
  giveJudgeTheCanary(template, input.judgeFunctionId, names.canary);
  const alarmLists: AlarmLists = {};
  const withAlarms = functions.map((fn) => {
    const alarms = functionAlarms({ fn, alias, metricsNamespace, settings, names });
    Object.assign(template.Resources, alarms);
    alarmLists[fn.key] = DEPLOYMENT_GROUP_ALARMS.map((kind: FunctionAlarm) => functionAlarmId(fn, kind));
    return { ...fn, alarmIds: Object.keys(alarms) };
  });

  const deploymentId = apiDeploymentId(template);
  if (!deploymentId) throw new Error('The template has no API Gateway deployment to give a stage.');
  delete template.Resources[deploymentId]?.Properties?.StageName;
  tagRestApi(template, names);
  dropEmptyApiPolicy(template);
  addGatewayResponses(template, deploymentId);
  const board = flag(settings.dashboard, 'dashboard')
    ? dashboard({
        functions: withAlarms,
        stackAlarmIds: [STAGE_IDS.api5xxAlarm, STAGE_IDS.canaryAlarm, STAGE_IDS.judgeErrorsAlarm],
        alias,
        metricsNamespace,
        stage,
        names,
      })
    : { resources: {}, outputs: {} };
  const roles = {
    functions,
    hookFunctionIds: input.hookFunctionIds,
    judgeFunctionId: input.judgeFunctionId,
    applicationId: input.applicationId,
    metricsNamespace,
    canaryName: names.canary,
  };
  Object.assign(
    template.Resources,
    apiStage({ stage, names, deploymentId, ...settings, cloudWatchRole: cloudWatchRoleMode(settings) }),
    {
      [STAGE_IDS.api5xxAlarm]: apiErrorRateAlarm(names, stage),
      [STAGE_IDS.judgeErrorsAlarm]: judgeErrorsAlarm(names, input.judgeFunctionId),
    },
    canary.resources,
    idleProbe({ names, schedule: settings.idleProbeSchedule, judgeFunctionId: input.judgeFunctionId }),
    board.resources,
    {
      [STAGE_IDS.codeDeployRole]: codeDeployServiceRole(roles),
      [STAGE_IDS.hookPolicy]: deployHookPolicy(roles),
      [STAGE_IDS.judgePolicy]: judgePolicy(roles),
    },
  );
  Object.assign(outputs, canary.outputs, board.outputs);
  return alarmLists;
}

/** Last touches, once the canary plugin has added its resources too. */
export function finishTemplate(
  template: Template,
  settings: Pick<DeliverySettings, 'checkovSkips' | 'permissionsBoundary'>,
  stage: { service: string; stage: string },
): void {
  orderAliasUpdates(template);
  scopeInvokePermissions(template);
  const names = stageNames(stage.service, stage.stage);
  applyPermissionsBoundary(template, boundaryArn(boundaryMode(settings.permissionsBoundary), names));
  dropDependenciesImpliedByRoles(template);
  recordCheckovSkips(template, settings.checkovSkips);
}
