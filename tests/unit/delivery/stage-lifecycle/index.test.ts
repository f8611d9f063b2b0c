import { CloudFormationClient, DescribeStackResourceCommand } from '@aws-sdk/client-cloudformation';
import {
  CloudWatchLogsClient,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectVersionsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  canaryBucketOf,
  removeCanaryLeftovers,
  retainCanaryLogsAfterDeploy,
  type StageLifecycleInput,
} from '../../../../delivery/stage-lifecycle/index';

const cloudFormation = mockClient(CloudFormationClient);
const s3 = mockClient(S3Client);
const logs = mockClient(CloudWatchLogsClient);
const BUCKET = 'canary-api-prod-syntheticsartifactsbucket-1x2y3z4w5v6u';
const LOG_GROUP = '/aws/lambda/cwsyn-canary-api-prod-0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';

let messages: string[];
const input = (): StageLifecycleInput => ({
  clients: {
    cloudFormation: new CloudFormationClient({ region: 'eu-west-1' }),
    s3: new S3Client({ region: 'eu-west-1' }),
    logs: new CloudWatchLogsClient({ region: 'eu-west-1' }),
  },
  stackName: 'canary-api-prod',
  service: 'canary-api',
  stage: 'prod',
  log: (message) => messages.push(message),
});

beforeEach(() => {
  for (const client of [cloudFormation, s3, logs]) client.reset();
  messages = [];
});

describe('canaryBucketOf', () => {
  it('reads the bucket’s physical name from the stack before it is deleted', async () => {
    // DescribeStackResource (CloudFormation API reference): StackResourceDetail with PhysicalResourceId.
    cloudFormation.on(DescribeStackResourceCommand).resolves({
      StackResourceDetail: {
        StackName: 'canary-api-prod',
        LogicalResourceId: 'SyntheticsArtifactsBucket',
        PhysicalResourceId: BUCKET,
        ResourceType: 'AWS::S3::Bucket',
        ResourceStatus: 'CREATE_COMPLETE',
        LastUpdatedTimestamp: new Date('2026-11-22T10:00:00Z'),
      },
    });
    expect(await canaryBucketOf(input())).toBe(BUCKET);
    expect(cloudFormation.commandCalls(DescribeStackResourceCommand)[0]?.args[0].input).toEqual({
      StackName: 'canary-api-prod',
      LogicalResourceId: 'SyntheticsArtifactsBucket',
    });
  });

  it('answers nothing when the stack does not exist (CloudFormation’s ValidationError)', async () => {
    cloudFormation
      .on(DescribeStackResourceCommand)
      .rejects(
        Object.assign(new Error('Stack with id canary-api-prod does not exist'), { name: 'ValidationError' }),
      );
    expect(await canaryBucketOf(input())).toBeUndefined();
  });
});

describe('removeCanaryLeftovers', () => {
  it('deletes every version and delete marker, page by page, then the bucket and the log groups', async () => {
    // ListObjectVersions (S3 API reference): Versions and DeleteMarkers, IsTruncated with the next markers.
    s3.on(ListObjectVersionsCommand, {
      Bucket: BUCKET,
      KeyMarker: undefined,
      VersionIdMarker: undefined,
    }).resolves({
      IsTruncated: true,
      NextKeyMarker: 'canary/2026/11/22/b.json',
      NextVersionIdMarker: 'v2',
      Versions: [
        { Key: 'canary/2026/11/22/a.json', VersionId: 'v1', IsLatest: true, Size: 310 },
        { Key: 'canary/2026/11/22/b.json', VersionId: 'v2', IsLatest: false, Size: 300 },
      ],
      DeleteMarkers: [{ Key: 'canary/2026/11/21/c.json', VersionId: 'm1', IsLatest: true }],
    });
    s3.on(ListObjectVersionsCommand, { Bucket: BUCKET, KeyMarker: 'canary/2026/11/22/b.json' }).resolves({
      IsTruncated: false,
      Versions: [{ Key: 'canary/2026/11/23/d.json', VersionId: 'v3', IsLatest: true, Size: 290 }],
    });
    // DeleteObjects (S3 API reference): in Quiet mode only the failures come back, under Errors.
    s3.on(DeleteObjectsCommand).resolves({});
    s3.on(DeleteBucketCommand).resolves({});
    // DescribeLogGroups (CloudWatch Logs API reference): logGroups, nextToken while more remain.
    logs
      .on(DescribeLogGroupsCommand)
      .resolves({ logGroups: [{ logGroupName: LOG_GROUP, storedBytes: 5120 }] });
    logs.on(DeleteLogGroupCommand).resolves({});

    await removeCanaryLeftovers(input(), BUCKET);

    const deletes = s3.commandCalls(DeleteObjectsCommand).map((call) => call.args[0].input.Delete?.Objects);
    expect(deletes).toEqual([
      [
        { Key: 'canary/2026/11/22/a.json', VersionId: 'v1' },
        { Key: 'canary/2026/11/22/b.json', VersionId: 'v2' },
        { Key: 'canary/2026/11/21/c.json', VersionId: 'm1' },
      ],
      [{ Key: 'canary/2026/11/23/d.json', VersionId: 'v3' }],
    ]);
    expect(s3.commandCalls(DeleteBucketCommand)[0]?.args[0].input).toEqual({ Bucket: BUCKET });
    expect(logs.commandCalls(DescribeLogGroupsCommand)[0]?.args[0].input.logGroupNamePrefix).toBe(
      '/aws/lambda/cwsyn-canary-api-prod-',
    );
    expect(logs.commandCalls(DeleteLogGroupCommand)[0]?.args[0].input).toEqual({ logGroupName: LOG_GROUP });
    expect(messages).toEqual([
      `Deleted the canary's artifact bucket ${BUCKET} (4 object versions).`,
      `Deleted the canary's log groups: ${LOG_GROUP}.`,
    ]);
  });

  it('stops, keeping the bucket, when S3 refuses to delete some versions', async () => {
    s3.on(ListObjectVersionsCommand).resolves({
      IsTruncated: false,
      Versions: [{ Key: 'k', VersionId: 'v' }],
    });
    s3.on(DeleteObjectsCommand).resolves({
      Errors: [{ Key: 'k', VersionId: 'v', Code: 'AccessDenied', Message: 'Access Denied' }],
    });
    await expect(removeCanaryLeftovers(input(), BUCKET)).rejects.toThrow(
      /1 object\(s\) .* could not be deleted: Access Denied/,
    );
    expect(s3.commandCalls(DeleteBucketCommand)).toHaveLength(0);
  });

  it('has only log groups to delete when the stack had no bucket', async () => {
    logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [] });
    await removeCanaryLeftovers(input(), undefined);
    expect(s3.calls()).toHaveLength(0);
    expect(messages).toEqual([]);
  });
});

describe('retainCanaryLogsAfterDeploy', () => {
  it('gives the canary’s log groups the stage’s retention once a run has created them', async () => {
    logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: LOG_GROUP }] });
    logs.on(PutRetentionPolicyCommand).resolves({});
    await retainCanaryLogsAfterDeploy({ ...input(), retentionInDays: 90 });
    expect(logs.commandCalls(PutRetentionPolicyCommand)[0]?.args[0].input).toEqual({
      logGroupName: LOG_GROUP,
      retentionInDays: 90,
    });
  });

  it('changes nothing that already has the retention, and says so at once when the canary never ran', async () => {
    logs
      .on(DescribeLogGroupsCommand)
      .resolves({ logGroups: [{ logGroupName: LOG_GROUP, retentionInDays: 90 }] });
    await retainCanaryLogsAfterDeploy({ ...input(), retentionInDays: 90 });
    expect(logs.commandCalls(PutRetentionPolicyCommand)).toHaveLength(0);

    logs.reset();
    logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [] });
    await retainCanaryLogsAfterDeploy({ ...input(), retentionInDays: 7 });
    expect(logs.commandCalls(DescribeLogGroupsCommand)).toHaveLength(1);
    expect(logs.commandCalls(PutRetentionPolicyCommand)).toHaveLength(0);
    expect(messages.at(-1)).toMatch(/has not run yet.*next deploy gives it 7 days/);
  });
});
