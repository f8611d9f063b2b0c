import { readFileSync } from 'node:fs';
import type { DeliveryInput } from '../../../../delivery/template/index';
import { stageNames } from '../../../../delivery/template/names';
import type { DeliverySettings, GradualFunction, Template } from '../../../../delivery/template/types';

/** The settings serverless.yml gives prod, as the plugin entry passes them on. */
export const settings: DeliveryInput['settings'] = {
  logRetentionDays: 90,
  syntheticsRuntime: 'syn-nodejs-5.4',
  idleProbeSchedule: 'rate(1 hour)',
  functionPagingAlarms: true,
  dashboard: true,
  apiGatewayCloudWatchRole: 'existing',
  judgeFunction: 'judge',
  aliasErrorRatePercent: 2,
  throttlingRateLimit: 500,
  throttlingBurstLimit: 1000,
  checkovSkips: {
    'AWS::Lambda::Function': [{ id: 'CKV_AWS_116', comment: 'Every invocation is synchronous.' }],
    'AWS::Logs::LogGroup': [{ id: 'CKV_AWS_158', comment: 'Encrypted by default.' }],
  } satisfies DeliverySettings['checkovSkips'],
};

export const names = stageNames('canary-api', 'prod');

export const hits: GradualFunction = {
  key: 'hits',
  name: 'canary-api-prod-hits',
  logicalId: 'HitsLambdaFunction',
  versionLogicalId: 'HitsLambdaVersionDef',
};

/** A compiled prod template as osls leaves it for the delivery plugin, cut down to two functions. */
export function compiledTemplate(): Template {
  return JSON.parse(readFileSync(new URL('./fixtures/compiled.input.json', import.meta.url), 'utf8'));
}

export function deliveryInput(): DeliveryInput {
  return {
    service: 'canary-api',
    stage: 'prod',
    canaryScript: 'exports.handler = async () => "all checks passed";',
    alias: 'live',
    metricsNamespace: 'CanaryApi',
    applicationId: 'CanaryapiprodDeploymentApplication',
    functions: [
      { key: 'hello', name: 'canary-api-prod-hello', logicalId: 'HelloLambdaFunction' },
      { key: 'hits', name: 'canary-api-prod-hits', logicalId: 'HitsLambdaFunction' },
    ],
    hookFunctionIds: ['PreTrafficLambdaFunction', 'PostTrafficLambdaFunction'],
    judgeFunctionId: 'JudgeLambdaFunction',
    settings,
  };
}
