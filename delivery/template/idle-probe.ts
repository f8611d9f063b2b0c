import { IDLE_PROBE_EVENT } from '../judge/probe';
import { STAGE_IDS, type StageNames } from './names';
import type { Resource } from './types';

/**
 * The stage's idle probe: an EventBridge schedule that wakes the judge, which starts one run of the
 * Synthetics canary (delivery/judge/probe.ts). It is how a stage no deployment is changing still gets
 * checked through its public URL now and then; `none` leaves a quiet stage unprobed between deployments,
 * and unbilled for runs and for the custom metrics each run's requests would keep alive.
 */

export interface IdleProbeInput {
  names: StageNames;
  /** An EventBridge schedule expression, e.g. `rate(1 hour)`, or `none`. */
  schedule: string;
  judgeFunctionId: string;
}

export const NO_IDLE_PROBE = 'none';

export function idleProbe({ names, schedule, judgeFunctionId }: IdleProbeInput): Record<string, Resource> {
  if (schedule === NO_IDLE_PROBE) return {};
  if (!/^(rate|cron)\(.+\)$/.test(schedule))
    throw new Error(`idleProbe must be an EventBridge rate() or cron() expression, or none: got ${schedule}`);
  return {
    [STAGE_IDS.idleProbeRule]: {
      Type: 'AWS::Events::Rule',
      Properties: {
        // Named, so that the stage's deployer may manage only its own rules (ops/deployer-roles.yml).
        Name: names.idleProbeRule,
        Description:
          'Wakes the judge to have the Synthetics canary check the stage once (delivery/judge/probe.ts).',
        ScheduleExpression: schedule,
        State: 'ENABLED',
        Targets: [
          {
            Id: 'judge',
            Arn: { 'Fn::GetAtt': [judgeFunctionId, 'Arn'] },
            Input: JSON.stringify(IDLE_PROBE_EVENT),
          },
        ],
      },
    },
    // EventBridge invokes a Lambda target through the function's resource policy, not a role
    // ("Using resource-based policies for Amazon EventBridge", Lambda permissions).
    [STAGE_IDS.idleProbePermission]: {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [judgeFunctionId, 'Arn'] },
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [STAGE_IDS.idleProbeRule, 'Arn'] },
      },
    },
  };
}
