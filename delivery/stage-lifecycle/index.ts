import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { S3Client } from '@aws-sdk/client-s3';
import { STAGE_IDS, stageNames } from '../template/names';
import {
  canaryLogGroups,
  deleteCanaryLogs,
  deleteVersionedBucket,
  physicalId,
  retainCanaryLogs,
} from './canary-leftovers';

/**
 * What `sls deploy` and `sls remove` of a stage do beyond CloudFormation, run by plugin.cjs: after a
 * deploy, the canary's run-time log groups get the stage's retention; on removal, the canary's
 * artifact bucket (retained by the stack, so that a run still writing cannot fail the stack's
 * deletion) and its log groups are deleted once the stack, and with it the canary, is gone.
 */

export interface LifecycleClients {
  cloudFormation: CloudFormationClient;
  s3: S3Client;
  logs: CloudWatchLogsClient;
}

export interface StageLifecycleInput {
  clients: LifecycleClients;
  stackName: string;
  service: string;
  stage: string;
  log: (message: string) => void;
}

const canaryOf = ({ service, stage }: StageLifecycleInput) => stageNames(service, stage).canary;

/** Before the stack goes: the bucket's name, which only the stack knows. */
export function canaryBucketOf({ clients, stackName }: StageLifecycleInput): Promise<string | undefined> {
  return physicalId(clients.cloudFormation, stackName, STAGE_IDS.canaryBucket);
}

/** After the stack (and with it the canary) is gone: its bucket and log groups. */
export async function removeCanaryLeftovers(
  input: StageLifecycleInput,
  bucket: string | undefined,
): Promise<void> {
  if (bucket) {
    const objects = await deleteVersionedBucket(input.clients.s3, bucket);
    input.log(`Deleted the canary's artifact bucket ${bucket} (${objects} object versions).`);
  }
  const groups = await deleteCanaryLogs(input.clients.logs, canaryOf(input));
  if (groups.length > 0) input.log(`Deleted the canary's log groups: ${groups.join(', ')}.`);
}

export interface RetentionInput extends StageLifecycleInput {
  retentionInDays: number;
}

/**
 * After a deploy: the stage's log retention on the canary's log groups, which its Lambda creates on
 * its first run. The canary runs only when the judge starts it (delivery/judge/probe.ts), during a
 * deployment or on the idle probe, so a new stage's has not run yet and waiting would not help: the
 * next deploy after a run gives them their retention.
 */
export async function retainCanaryLogsAfterDeploy(input: RetentionInput): Promise<void> {
  const { clients, retentionInDays } = input;
  const canaryName = canaryOf(input);
  if ((await canaryLogGroups(clients.logs, canaryName)).length === 0) {
    input.log(
      `The canary has not run yet, so its log group does not exist; the next deploy gives it ${retentionInDays} days of retention.`,
    );
    return;
  }
  const changed = await retainCanaryLogs(clients.logs, canaryName, retentionInDays);
  if (changed.length > 0) input.log(`Kept the canary's logs ${retentionInDays} days: ${changed.join(', ')}.`);
}
