import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Json, Template } from '../../delivery/template/types';
import { ROUTES } from '../../lib/routes';
import { expandTemplate, refusedParameter } from '../support/cfn-expand';
import { apiMethods, type ExpandedRow, expandRows, MATRIX, type Row } from '../support/iam/call-matrix';
import { type PolicyWorld, policyWorld } from '../support/iam/policy-world';
import { simulate, type Verdict } from '../support/iam/simulate';
import { packageEveryStage, STAGES, type Stage, stageTemplates } from '../support/stage-templates';

// Every call AWS makes for the stack and every call our code and tools make (tests/support/iam/
// call-matrix.yml), evaluated by an IAM policy simulator against every policy that decides it, for every
// stage: what must be allowed is, what must not be is denied, and no method or policy statement goes
// without a row that exercises it.

packageEveryStage();

const STAGE_NAMES = Object.keys(STAGES) as Stage[];
const deployerSource: Json = parse(readFileSync('ops/deployer-roles.yml', 'utf8'));
const oldDeployerSource: Json = parse(
  readFileSync('tests/support/iam/fixtures/deployer-roles.before-issue-16.yml', 'utf8'),
);
const oldDevTemplate: Template = JSON.parse(
  readFileSync('tests/support/iam/fixtures/dev-stage.before-issue-16.json', 'utf8'),
);

/** The defects issue 16 named, each of which some row must catch in the fixtures of before. */
const FIXED = [
  'path-templates-in-source-arn',
  'describe-alarms-scoped-by-name',
  'synthetics-layer-names',
  'immutable-oidc-subjects',
  'no-permissions-boundary',
  'rest-apis-of-every-stage',
  'region-logging-setting',
  'log-group-arn-forms',
];

interface Outcome {
  stage: Stage;
  expanded: ExpandedRow;
  verdict: Verdict;
}
const outcomes: Outcome[] = [];
const worlds = {} as Record<Stage, PolicyWorld>;

const worldOf = (stage: string, template: Template, source: Json, parameters: Record<string, string>) =>
  policyWorld(template, expandTemplate(source, { ...parameters, Stages: STAGE_NAMES.join(',') }), stage);

const agrees = (expected: 'allow' | 'deny', verdict: Verdict) =>
  expected === 'allow' ? verdict.decision === 'Allowed' : verdict.decision.endsWith('Denied');

async function evaluate(
  stage: string,
  template: Template,
  source: Json,
  matrixRows: readonly Row[] = MATRIX.rows,
): Promise<Omit<Outcome, 'stage'>[]> {
  const byParameters = new Map<string, PolicyWorld>();
  const world = (parameters: Record<string, string>) => {
    const key = JSON.stringify(parameters);
    if (!byParameters.has(key)) byParameters.set(key, worldOf(stage, template, source, parameters));
    return byParameters.get(key) as PolicyWorld;
  };
  const rows = expandRows(stage, template, world(MATRIX.samples.deployerParameters), matrixRows);
  const results = [];
  for (const expanded of rows)
    results.push({ expanded, verdict: await simulate(world(expanded.deployerParameters), expanded.call) });
  return results;
}

beforeAll(async () => {
  for (const stage of STAGE_NAMES) {
    const { template } = stageTemplates[stage];
    worlds[stage] = worldOf(stage, template, deployerSource, MATRIX.samples.deployerParameters);
    for (const outcome of await evaluate(stage, template, deployerSource))
      outcomes.push({ stage, ...outcome });
  }
}, 120_000);

/** Every statement of every policy of the world we wrote (AWS managed ones aside), as `<policy>#<n>`. */
function statementsOf(world: PolicyWorld): string[] {
  const named = [
    ...Object.values(world.roles).flatMap((role) => [
      ...role.identity.filter((policy) => !policy.name.startsWith('arn:aws:iam::aws:')),
      role.trust,
      ...(role.boundaryArn ? [world.managedPolicies[role.boundaryArn]] : []),
    ]),
    ...Object.values(world.resourcePolicies),
  ].filter((policy) => policy !== undefined);
  return [
    ...new Set(
      named.flatMap((policy) =>
        [policy.policy.Statement].flat().map((_, index) => `${policy.name}#${index + 1}`),
      ),
    ),
  ];
}

describe('the call matrix', () => {
  it.each(STAGE_NAMES)('decides every row in %s as AWS must', (stage) => {
    const wrong = outcomes
      .filter((outcome) => outcome.stage === stage && !agrees(outcome.expanded.row.expect, outcome.verdict))
      .map(({ expanded, verdict }) => ({
        call: expanded.title,
        resource: expanded.call.resource,
        expected: expanded.row.expect,
        got: verdict.error ?? verdict.decision,
      }));
    expect(wrong).toEqual([]);
    expect(outcomes.filter((outcome) => outcome.stage === stage).length).toBeGreaterThan(100);
  });

  it('exercises every statement of every policy in some stage (the logging role exists only where created)', () => {
    const general = (statement: string, stage: Stage) => statement.replaceAll(stage, '<stage>');
    const decisive = new Set(
      outcomes.flatMap((outcome) =>
        outcome.verdict.decisive.map((statement) => general(statement, outcome.stage)),
      ),
    );
    const statements = new Set(
      STAGE_NAMES.flatMap((stage) =>
        statementsOf(worlds[stage]).map((statement) => general(statement, stage)),
      ),
    );
    expect([...statements].filter((statement) => !decisive.has(statement))).toEqual([]);
    expect(statements.size).toBeGreaterThan(60);
  });

  it.each(STAGE_NAMES)(
    'gives every API method of %s, and every route of lib/routes.ts, a real request',
    (stage) => {
      const methods = apiMethods(stageTemplates[stage].template, worlds[stage].resolveStage);
      const requests = new Set(methods.map((method) => `${method.verb} ${method.path}`));
      for (const [path, verbs] of Object.entries(ROUTES)) {
        const real = path.replace(
          /\{[^}]+\}/g,
          (parameter) => MATRIX.samples.pathParameters[parameter] ?? parameter,
        );
        for (const verb of verbs) expect(requests, `${verb} ${path}`).toContain(`${verb} ${real}`);
      }
      expect(methods.length).toBe(Object.values(ROUTES).flat().length + Object.keys(ROUTES).length + 2);
    },
  );

  it('gives every row a source', () => {
    for (const row of MATRIX.rows) expect(row.source.length, row.call).toBeGreaterThan(20);
  });
});

describe('the defects it found, each caught by a row in the policies as they were', () => {
  it('decides every "fixes" row otherwise, for some method or function, in the dev stage and deployer roles of before', async () => {
    // Only the rows that name a defect: the template of before lacks the roles made since (the judge's).
    const before = await evaluate(
      'dev',
      oldDevTemplate,
      oldDeployerSource,
      MATRIX.rows.filter((row) => row.fixes),
    );
    const wrongBefore = new Map<Row, boolean>();
    for (const { expanded, verdict } of before) {
      if (!expanded.row.fixes) continue;
      wrongBefore.set(
        expanded.row,
        (wrongBefore.get(expanded.row) ?? false) || !agrees(expanded.row.expect, verdict),
      );
    }
    expect([...wrongBefore].filter(([, wrong]) => !wrong).map(([row]) => row.call)).toEqual([]);
    expect([...new Set([...wrongBefore.keys()].map((row) => row.fixes))].sort()).toEqual([...FIXED].sort());
  });

  it('refuses the stage name whose grants would reach the deployer roles, which the old template took', () => {
    expect(refusedParameter(oldDeployerSource, 'Stages', 'dev,deployer')).toBeUndefined();
    expect(refusedParameter(deployerSource, 'Stages', 'dev,deployer')).toMatch(/deployer/);
    // A stage named deployers would own stack/canary-api-deployers, the deployer roles' own stack.
    expect(refusedParameter(deployerSource, 'Stages', 'dev,deployers,prod')).toMatch(/deployers/);
    expect(refusedParameter(deployerSource, 'Stages', 'dev,staging,prod,qa')).toBeUndefined();
  });
});
