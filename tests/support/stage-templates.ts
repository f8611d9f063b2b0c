import { readFileSync } from 'node:fs';
import { beforeAll } from 'vitest';
import type { Template } from '../../ops/rehearsal/plan';
import { packagedStage } from './packaged-stages';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON is untyped; the assertions check its shape.
export type Json = Record<string, any>;
export interface Resource {
  Type: string;
  Properties: Json;
  Metadata?: Json;
  DependsOn?: string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  UpdatePolicy?: Json;
}

export interface StageExpectation {
  deploymentType: string;
  logRetentionDays: number;
  rateLimit: number;
  tableRetained: boolean;
  /** The EventBridge schedule that wakes the judge to probe an idle stage, or none. */
  idleProbe: string;
  /** Per-function paging alarms and a dashboard: what only a busy stage pays for. */
  paging: boolean;
  /** `--param` values the stage is packaged with. */
  params?: Record<string, string>;
}

/** What each stage must be; every stage test runs against each. */
export const STAGES = {
  dev: {
    deploymentType: 'AllAtOnce',
    logRetentionDays: 7,
    rateLimit: 50,
    tableRetained: false,
    idleProbe: 'none',
    paging: false,
  },
  staging: {
    deploymentType: 'Linear10PercentEvery1Minute',
    logRetentionDays: 30,
    rateLimit: 100,
    tableRetained: false,
    idleProbe: 'none',
    paging: false,
  },
  prod: {
    deploymentType: 'Canary10Percent5Minutes',
    logRetentionDays: 90,
    rateLimit: 500,
    tableRetained: true,
    idleProbe: 'rate(1 hour)',
    paging: true,
  },
  // Any other stage name takes the default params; this one also creates the account's API Gateway
  // logging role, as a first stage in a fresh account would (--param apiGatewayCloudWatchRole=create).
  qa: {
    deploymentType: 'AllAtOnce',
    logRetentionDays: 14,
    rateLimit: 50,
    tableRetained: false,
    idleProbe: 'none',
    paging: false,
    params: { apiGatewayCloudWatchRole: 'create' },
  },
} as const satisfies Record<string, StageExpectation>;
export type Stage = keyof typeof STAGES;
export const API_FUNCTIONS = ['Hello', 'Echo', 'Hits', 'Health', 'Fallback'];

export const stageTemplates = {} as Record<
  Stage,
  { file: string; resources: Record<string, Resource>; outputs: Json; template: Template }
>;

/** Fills stageTemplates before the file's tests run: each stage packaged once per test run. */
export function packageEveryStage() {
  beforeAll(async () => {
    for (const stage of Object.keys(STAGES) as Stage[]) {
      const { params = {} } = STAGES[stage] as StageExpectation;
      const file = await packagedStage(stage, params);
      const template = JSON.parse(readFileSync(file, 'utf8'));
      stageTemplates[stage] = { file, resources: template.Resources, outputs: template.Outputs, template };
    }
  }, 320_000);
}

export const ofType = (stage: Stage, type: string) =>
  Object.entries(stageTemplates[stage].resources).filter(([, resource]) => resource.Type === type);
export const refTo = (value: unknown) => (value as Json | undefined)?.Ref;
export const versionOf = (stage: Stage, fn: string) =>
  ofType(stage, 'AWS::Lambda::Version').find(
    ([, version]) => refTo(version.Properties.FunctionName) === `${fn}LambdaFunction`,
  )?.[0];

/** A resource of the stage's template by logical ID; a missing one fails the test that asked. */
export const resourceIn = (stage: Stage) => (id: string) => {
  const found = stageTemplates[stage].resources[id];
  if (!found) throw new Error(`${id} is not in the ${stage} template`);
  return found;
};
