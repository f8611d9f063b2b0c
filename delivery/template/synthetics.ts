import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { RUN_ONCE_SCHEDULE } from '../judge/probe';
import { STAGE_IDS, type StageNames } from './names';
import type { Json, Resource } from './types';

/**
 * The CloudWatch Synthetics canary: each run sends every function's smoke checks through the stage's
 * public URL; its alarm pages people (no deployment group watches it: docs/operating.md). It runs only
 * when the judge starts it, every minute of a deployment and on the stage's idle schedule
 * (delivery/judge/probe.ts), so a stage pays for the runs that decide something. Its script is bundled
 * and inlined, so the template is the whole release.
 */

export interface SyntheticsInput {
  names: StageNames;
  runtimeVersion: string;
  /** The stage's public URL as a CloudFormation value (the template's ApiUrl output). */
  apiUrl: Json;
  script: string;
}

const lambdaAssumeRole = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

/** delivery/synthetics-canary.ts as one minified CommonJS file, for Code.Script. */
export function bundleCanaryScript(serviceDir: string): string {
  const [bundle] = buildSync({
    entryPoints: [join(serviceDir, 'delivery', 'synthetics-canary.ts')],
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    write: false,
    legalComments: 'none',
  }).outputFiles;
  if (!bundle) throw new Error('esbuild produced no canary script');
  return bundle.text;
}

/** The canary, its artifact bucket and role, and the alarm on its failed runs. */
export function syntheticsCanary({ names, runtimeVersion, apiUrl, script }: SyntheticsInput) {
  const bucketArn = { 'Fn::GetAtt': [STAGE_IDS.canaryBucket, 'Arn'] };
  const resources: Record<string, Resource> = {
    [STAGE_IDS.canary]: {
      Type: 'AWS::Synthetics::Canary',
      // The canary calls the stage's URL from its first run, so the stage must exist before it starts.
      DependsOn: [STAGE_IDS.apiStage],
      Properties: {
        Name: names.canary,
        RuntimeVersion: runtimeVersion,
        Code: { Handler: 'index.handler', Script: script },
        ExecutionRoleArn: { 'Fn::GetAtt': [STAGE_IDS.canaryRole, 'Arn'] },
        ArtifactS3Location: { 'Fn::Sub': `s3://\${${STAGE_IDS.canaryBucket}}/canary` },
        Schedule: { Expression: RUN_ONCE_SCHEDULE, DurationInSeconds: '0' },
        // Its Lambda functions and layers go with it; its log groups and bucket go with `sls remove`
        // (delivery/stage-lifecycle).
        ProvisionedResourceCleanup: 'AUTOMATIC',
        RunConfig: { TimeoutInSeconds: 50, ActiveTracing: true, EnvironmentVariables: { API_URL: apiUrl } },
        SuccessRetentionPeriod: 7,
        FailureRetentionPeriod: 30,
        // Created READY, not run: CloudFormation's create handler starts it only when this is true, and
        // its update handler stops a RUNNING canary when it is false, which ends at most one run early
        // (aws-cloudformation-resource-providers-synthetics, CreateHandler.java, UpdateHandler.java).
        StartCanaryAfterCreation: false,
      },
    },
    [STAGE_IDS.canaryBucket]: {
      Type: 'AWS::S3::Bucket',
      // A run still writing could refill it while the stack is deleted, failing the deletion: the
      // stack keeps it, and `sls remove` deletes it once the canary is gone (delivery/stage-lifecycle).
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        VersioningConfiguration: { Status: 'Enabled' },
        LifecycleConfiguration: {
          Rules: [
            {
              Id: 'expire-canary-artifacts',
              Status: 'Enabled',
              ExpirationInDays: 30,
              NoncurrentVersionExpiration: { NoncurrentDays: 1 },
              AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
            },
          ],
        },
      },
    },
    [STAGE_IDS.canaryBucketPolicy]: {
      Type: 'AWS::S3::BucketPolicy',
      Properties: {
        Bucket: { Ref: STAGE_IDS.canaryBucket },
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'TlsOnly',
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:*',
              Resource: [bucketArn, { 'Fn::Sub': `\${${STAGE_IDS.canaryBucket}.Arn}/*` }],
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ],
        },
      },
    },
    [STAGE_IDS.canaryRole]: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: lambdaAssumeRole,
        Policies: [
          {
            PolicyName: 'synthetics-canary',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Action: ['s3:PutObject', 's3:GetObject'],
                  Resource: { 'Fn::Sub': `\${${STAGE_IDS.canaryBucket}.Arn}/canary/*` },
                },
                { Effect: 'Allow', Action: 's3:GetBucketLocation', Resource: bucketArn },
                // "Required roles and permissions for canaries" lists it for every canary; it takes only "*".
                { Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' },
                {
                  Effect: 'Allow',
                  Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
                  Resource: {
                    'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/cwsyn-${names.canary}-*`,
                  },
                },
                {
                  Effect: 'Allow',
                  Action: 'cloudwatch:PutMetricData',
                  Resource: '*',
                  Condition: { StringEquals: { 'cloudwatch:namespace': 'CloudWatchSynthetics' } },
                },
                {
                  Effect: 'Allow',
                  Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
                  // X-Ray has no resource-level permissions for these two actions.
                  Resource: '*',
                },
              ],
            },
          },
        ],
      },
    },
    [STAGE_IDS.canaryAlarm]: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        // Fixed: the deployment groups name it literally; a Ref would close the loop canary -> URL ->
        // alias -> deployment group -> alarm -> canary.
        AlarmName: names.alarm('synthetics-failed'),
        AlarmDescription: 'A run of the Synthetics canary failed a check through the public URL.',
        Namespace: 'CloudWatchSynthetics',
        MetricName: 'SuccessPercent',
        Dimensions: [{ Name: 'CanaryName', Value: names.canary }],
        Statistic: 'Minimum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 100,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'notBreaching',
      },
    },
  };
  const outputs = {
    SyntheticsCanaryName: {
      Description:
        'The CloudWatch Synthetics canary: the judge has it call the public URL every minute of a deployment.',
      Value: { Ref: STAGE_IDS.canary },
    },
  };
  return { resources, outputs };
}
