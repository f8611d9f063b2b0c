'use strict';
// The osls plugin entry of delivery/template: it reads what the builders need from osls and
// serverless.yml and hands it to index.ts, which only puts the builders' resources together. osls
// loads local plugins as CommonJS, so the TypeScript is loaded through tsx. Listed before the canary
// plugin in serverless.yml, because that plugin reads the alarm lists this one writes.
const { require: requireTs } = require('tsx/cjs/api');

const { addDeliveryResources, bundleCanaryScript, finishTemplate } = requireTs('./index.ts', __filename);

class ServerlessDelivery {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      'after:aws:package:finalize:mergeCustomProviderResources': () => this.addResources(),
      'before:aws:package:finalize:saveServiceState': () =>
        finishTemplate(this.template, serverless.service.custom.delivery, {
          service: serverless.service.service,
          stage: serverless.getProvider('aws').getStage(),
        }),
    };
  }

  get template() {
    return this.serverless.service.provider.compiledCloudFormationTemplate;
  }

  addResources() {
    const { service, serviceDir } = this.serverless;
    const provider = this.serverless.getProvider('aws');
    const { naming } = provider;
    const deployment = service.custom.deploymentSettings;
    const gradual = service.getAllFunctions().filter((key) => service.getFunction(key).deploymentSettings);
    const alarmLists = addDeliveryResources(this.template, {
      service: service.service,
      stage: provider.getStage(),
      canaryScript: bundleCanaryScript(serviceDir),
      alias: deployment.alias,
      metricsNamespace: service.provider.environment.METRICS_NAMESPACE,
      // As the canary plugin names its application.
      applicationId: `${naming.normalizeNameToAlphaNumericOnly(naming.getStackName())}DeploymentApplication`,
      functions: gradual.map((key) => ({
        key,
        name: service.getFunction(key).name,
        logicalId: naming.getLambdaLogicalId(key),
      })),
      hookFunctionIds: [deployment.preTrafficHook, deployment.postTrafficHook].map((key) =>
        naming.getLambdaLogicalId(key),
      ),
      judgeFunctionId: naming.getLambdaLogicalId(service.custom.delivery.judgeFunction),
      settings: service.custom.delivery,
    });
    for (const key of gradual) {
      const fn = service.getFunction(key);
      fn.deploymentSettings = { ...fn.deploymentSettings, alarms: alarmLists[key] };
    }
  }
}

module.exports = ServerlessDelivery;
