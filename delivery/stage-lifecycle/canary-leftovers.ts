import { type CloudFormationClient, DescribeStackResourceCommand } from '@aws-sdk/client-cloudformation';
import {
  type CloudWatchLogsClient,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  type LogGroup,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectVersionsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';

/**
 * What the Synthetics canary leaves that CloudFormation cannot clean: its artifact bucket, versioned
 * and never empty while the canary runs (a stack cannot delete a bucket with objects), and the log
 * groups its Lambda creates at run time, named `/aws/lambda/cwsyn-<canary name>-<id>` (Synthetics API
 * reference, DeleteCanary: "Other resources used and created by the canary are not automatically
 * deleted"), which no template can give a retention because their names are not known in advance.
 */

/** The physical name of a stack's resource, or undefined when the stack or the resource is gone. */
export async function physicalId(
  cloudFormation: CloudFormationClient,
  stackName: string,
  logicalId: string,
): Promise<string | undefined> {
  try {
    const { StackResourceDetail } = await cloudFormation.send(
      new DescribeStackResourceCommand({ StackName: stackName, LogicalResourceId: logicalId }),
    );
    return StackResourceDetail?.PhysicalResourceId;
  } catch (error) {
    // CloudFormation answers a ValidationError for a stack or logical ID that does not exist.
    if ((error as Error).name === 'ValidationError') return undefined;
    throw error;
  }
}

/** Deletes every version and delete marker of a bucket, then the bucket; returns how many objects went. */
export async function deleteVersionedBucket(s3: S3Client, bucket: string): Promise<number> {
  let deleted = 0;
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  for (;;) {
    const page = await s3.send(
      new ListObjectVersionsCommand({
        Bucket: bucket,
        KeyMarker: keyMarker,
        VersionIdMarker: versionIdMarker,
      }),
    );
    const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map(({ Key, VersionId }) => ({
      Key,
      VersionId,
    }));
    // A page holds at most 1,000 entries, which is also DeleteObjects' limit.
    if (objects.length > 0) {
      const { Errors = [] } = await s3.send(
        new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }),
      );
      if (Errors.length > 0) {
        throw new Error(
          `${Errors.length} object(s) of ${bucket} could not be deleted: ${Errors[0]?.Message}`,
        );
      }
      deleted += objects.length;
    }
    if (!page.IsTruncated) break;
    keyMarker = page.NextKeyMarker;
    versionIdMarker = page.NextVersionIdMarker;
  }
  await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  return deleted;
}

/** The log groups the canary's Lambda functions created, all pages. */
export async function canaryLogGroups(logs: CloudWatchLogsClient, canaryName: string): Promise<LogGroup[]> {
  const groups: LogGroup[] = [];
  let nextToken: string | undefined;
  do {
    const page = await logs.send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: `/aws/lambda/cwsyn-${canaryName}-`, nextToken }),
    );
    groups.push(...(page.logGroups ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return groups;
}

/** Gives every canary log group the stage's retention; returns the names it changed. */
export async function retainCanaryLogs(
  logs: CloudWatchLogsClient,
  canaryName: string,
  retentionInDays: number,
): Promise<string[]> {
  const changed: string[] = [];
  for (const group of await canaryLogGroups(logs, canaryName)) {
    if (!group.logGroupName || group.retentionInDays === retentionInDays) continue;
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: group.logGroupName, retentionInDays }));
    changed.push(group.logGroupName);
  }
  return changed;
}

/** Deletes every canary log group; returns their names. */
export async function deleteCanaryLogs(logs: CloudWatchLogsClient, canaryName: string): Promise<string[]> {
  const names = (await canaryLogGroups(logs, canaryName)).flatMap((group) =>
    group.logGroupName ? [group.logGroupName] : [],
  );
  for (const logGroupName of names) await logs.send(new DeleteLogGroupCommand({ logGroupName }));
  return names;
}
