'use strict';
// The osls plugin entry of delivery/stage-lifecycle: the canary's leftovers after `sls deploy` and
// `sls remove` (see index.ts). It builds AWS clients with osls's own credentials and region.
const { require: requireTs } = require('tsx/cjs/api');

const { canaryBucketOf, removeCanaryLeftovers, retainCanaryLogsAfterDeploy } = requireTs(
  './index.ts',
  __filename,
);

class StageLifecycle {
  constructor(serverless, _options, { log }) {
    this.serverless = serverless;
    this.log = log;
    this.hooks = {
      'after:deploy:deploy': () =>
        retainCanaryLogsAfterDeploy({
          ...this.input(),
          retentionInDays: serverless.service.custom.delivery.logRetentionDays,
        }),
      'before:remove:remove': async () => {
        this.bucket = await canaryBucketOf(this.input());
      },
      'after:remove:remove': () => removeCanaryLeftovers(this.input(), this.bucket),
    };
  }

  input() {
    const provider = this.serverless.getProvider('aws');
    const config = { region: provider.getRegion(), credentials: provider.getAwsSdkV3CredentialsProvider() };
    const { CloudFormationClient } = require('@aws-sdk/client-cloudformation');
    const { CloudWatchLogsClient } = require('@aws-sdk/client-cloudwatch-logs');
    const { S3Client } = require('@aws-sdk/client-s3');
    return {
      clients: {
        cloudFormation: new CloudFormationClient(config),
        s3: new S3Client(config),
        logs: new CloudWatchLogsClient(config),
      },
      stackName: provider.naming.getStackName(),
      service: this.serverless.service.service,
      stage: provider.getStage(),
      log: (message) => this.log.notice(message),
    };
  }
}

module.exports = StageLifecycle;
