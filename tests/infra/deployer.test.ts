import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import type { Json, Template } from '../../delivery/template/types';
import {
  deployerNeeds,
  HANDLER_SOURCE,
  normalAction,
  UNNEEDED,
  unneededPremisesBroken,
} from '../support/aws/deployer-needs';
import { expandTemplate } from '../support/cfn-expand';
import { canMatch } from '../support/iam/arn-match';
import { checkGrants, WILDCARD_GRANTS } from '../support/iam/check';
import { referenceOrSkip } from '../support/iam/reference-or-skip';
import { grantsOf, resolver } from '../support/iam/template-policies';
import { packagedStage } from '../support/packaged-stages';
import { cfnLintVerdict, checkovVerdict, validator } from '../support/validators';

// ops/deployer-roles.yml against what the stages really need: every action derived from the packaged
// templates' resource types (CloudFormation's handler permissions) and the tools' own calls must be
// granted, nothing else may be, and each grant must reach the stage's own resources and no other's.

const ROLE_FILE = 'ops/deployer-roles.yml';
const REPOSITORY = 'example-org/canary-api';
// What the deployer roles deploy: stages with the default params, and prod, whose params add what
// quiet stages go without (the idle probe's rule, the dashboard). (apiGatewayCloudWatchRole=create
// makes the region's logging role, outside any stage's boundary: only an administrator's deploy may.)
const STAGES = { dev: {}, qa: {}, prod: {} } as const;
type Stage = keyof typeof STAGES;

const stageTemplates = {} as Record<Stage, Template>;
const source: Json = parse(readFileSync(ROLE_FILE, 'utf8'));
const roles = expandTemplate(source, { GitHubRepository: REPOSITORY, Stages: Object.keys(STAGES).join(',') });

beforeAll(async () => {
  for (const [stage, params] of Object.entries(STAGES) as [Stage, Record<string, string>][]) {
    stageTemplates[stage] = JSON.parse(readFileSync(await packagedStage(stage, params), 'utf8'));
  }
}, 240_000);

const grantsFor = (stage: Stage) =>
  grantsOf(roles, 'canary-api-deployers').filter((grant) => grant.where.endsWith(`Policy${stage}`));

function grantedActions(stage: Stage): Set<string> {
  return new Set(grantsFor(stage).flatMap((grant) => grant.actions.map(normalAction)));
}

describe('the deployer role of each stage', () => {
  it(`grants every action the stages need and none they do not (handler permissions: ${HANDLER_SOURCE.slice(0, 60)}…)`, () => {
    const needs = deployerNeeds(Object.values(stageTemplates));
    for (const stage of Object.keys(STAGES) as Stage[]) {
      const granted = grantedActions(stage);
      const missing = [...needs.keys()].filter((action) => !granted.has(action));
      const needless = [...granted].filter((action) => !needs.has(action));
      expect({ stage, missing: missing.map((action) => `${action}: ${needs.get(action)?.[0]}`) }).toEqual({
        stage,
        missing: [],
      });
      expect({ stage, needless }).toEqual({ stage, needless: [] });
    }
  });

  it('leaves out only handler permissions whose reason holds in every stage template', () => {
    const templates = Object.values(stageTemplates);
    expect(unneededPremisesBroken(templates)).toEqual([]);
    const needs = deployerNeeds(templates);
    for (const [action, { authorizedBy }] of Object.entries(UNNEEDED)) {
      if (authorizedBy)
        expect(needs.has(normalAction(authorizedBy)), `${action} → ${authorizedBy}`).toBe(true);
    }
  });

  it("reaches each stage's own resources: every function, table, log group, alarm and role of the stage", () => {
    for (const stage of Object.keys(STAGES) as Stage[]) {
      // Alarm names carry the function version; any number stands for it here.
      const template: Template = JSON.parse(
        JSON.stringify(stageTemplates[stage]).replace(/\$\{[A-Za-z0-9]+\.Version\}/g, '7'),
      );
      const resolve = resolver(template, `canary-api-${stage}`);
      const arnsOf: Record<string, (name: string) => string> = {
        'AWS::Lambda::Function': (name) => `arn:aws:lambda:eu-west-1:123456789012:function:${name}`,
        'AWS::DynamoDB::Table': (name) => `arn:aws:dynamodb:eu-west-1:123456789012:table/${name}`,
        'AWS::Logs::LogGroup': (name) => `arn:aws:logs:eu-west-1:123456789012:log-group:${name}`,
        'AWS::CloudWatch::Alarm': (name) => `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${name}`,
        'AWS::IAM::Role': (name) => `arn:aws:iam::123456789012:role/${name}`,
        'AWS::S3::Bucket': (name) => `arn:aws:s3:::${name}`,
        'AWS::Synthetics::Canary': (name) => `arn:aws:synthetics:eu-west-1:123456789012:canary:${name}`,
      };
      const grantResources = grantsFor(stage).flatMap((grant) => grant.resources);
      for (const [id, resource] of Object.entries(template.Resources)) {
        const arn = arnsOf[resource.Type];
        if (!arn) continue;
        const name = resolve({ Ref: id });
        const concrete = arn(resource.Type === 'AWS::Synthetics::Canary' ? resource.Properties?.Name : name);
        const covered = grantResources.some((pattern) => canMatch(pattern, concrete.replace(/[$]/g, '')));
        expect(covered, `${stage}: ${id} ${concrete}`).toBe(true);
      }
    }
  });

  it("never reaches another stage's resources", () => {
    // What cannot carry a stage's name: '*' for actions that take no resource, REST APIs (generated IDs),
    // AWS's Synthetics runtime layers, CodeDeploy's predefined configs, and KMS keys (through services).
    const unnamed =
      /^\*$|::\/(restapis|account)|:layer:(Synthetics|AWS-CW-Synthetics)\*|:deploymentconfig:CodeDeployDefault\.Lambda\*$|:key\/\*$/;
    for (const stage of Object.keys(STAGES) as Stage[]) {
      for (const grant of grantsFor(stage)) {
        for (const resource of grant.resources.filter((candidate) => !unnamed.test(candidate))) {
          expect(resource, grant.where).toMatch(new RegExp(`canary-api-${stage}(-|/|:|$)`));
        }
      }
    }
  });

  it("is assumable only through GitHub's OIDC, by this repository's jobs in the stage's environment, in either subject form", () => {
    const withIds = expandTemplate(source, {
      GitHubRepository: REPOSITORY,
      GitHubRepositoryWithIds: 'example-org@1000/canary-api@2000',
      Stages: Object.keys(STAGES).join(','),
    });
    for (const stage of Object.keys(STAGES) as Stage[]) {
      const subjects = (template: Template) => {
        const role = template.Resources[`DeployerRole${stage}`];
        const [statement, ...others] = role?.Properties?.AssumeRolePolicyDocument.Statement ?? [];
        expect(others).toEqual([]);
        expect(statement.Action).toBe('sts:AssumeRoleWithWebIdentity');
        expect(statement.Principal.Federated['Fn::Sub']).toMatch(
          /:oidc-provider\/token\.actions\.githubusercontent\.com$/,
        );
        expect(Object.keys(statement.Condition)).toEqual(['StringEquals']);
        expect(statement.Condition.StringEquals['token.actions.githubusercontent.com:aud']).toBe(
          'sts.amazonaws.com',
        );
        return statement.Condition.StringEquals['token.actions.githubusercontent.com:sub'];
      };
      expect(subjects(roles)).toEqual([{ 'Fn::Sub': `repo:${REPOSITORY}:environment:${stage}` }]);
      expect(subjects(withIds)).toEqual([
        { 'Fn::Sub': `repo:${REPOSITORY}:environment:${stage}` },
        { 'Fn::Sub': `repo:example-org@1000/canary-api@2000:environment:${stage}` },
      ]);
    }
  });

  it('passes its roles only to the services that run them', () => {
    const passes = grantsFor('dev').filter((grant) => grant.actions.includes('iam:PassRole'));
    expect(passes.map((grant) => grant.where)).toEqual([expect.stringContaining('RolesPolicydev')]);
    const statement = roles.Resources.RolesPolicydev?.Properties?.PolicyDocument.Statement.find(
      (candidate: Json) => candidate.Sid === 'PassOwnRoles',
    );
    expect(statement.Condition.StringEquals['iam:PassedToService']).toEqual([
      'lambda.amazonaws.com',
      'synthetics.amazonaws.com',
      'codedeploy.amazonaws.com',
      'apigateway.amazonaws.com',
    ]);
  });

  it('keeps each managed policy within IAM’s 6,144 characters (whitespace aside)', () => {
    for (const [id, resource] of Object.entries(roles.Resources)) {
      if (resource.Type !== 'AWS::IAM::ManagedPolicy') continue;
      expect(JSON.stringify(resource.Properties?.PolicyDocument).length, id).toBeLessThan(6_144);
    }
  });
});

const reference = referenceOrSkip();
const cfnLint = validator('cfn-lint');
const checkov = validator('checkov');

describe('independent validators of the deployer role template', () => {
  it.skipIf(!reference)('every grant matches the resource types its actions accept', () => {
    const findings = checkGrants(
      reference as NonNullable<typeof reference>,
      grantsOf(roles, 'canary-api-deployers'),
      WILDCARD_GRANTS,
    );
    expect(findings).toEqual([]);
  });

  it.skipIf(!cfnLint)('cfn-lint finds nothing, the language extensions included', () => {
    expect(cfnLintVerdict(cfnLint as string, [ROLE_FILE])).toEqual({ status: 0, output: '' });
  });

  it.skipIf(!checkov)(
    'checkov fails no check on the roles as CloudFormation expands them',
    { timeout: 120_000 },
    () => {
      const file = join(inject('runScratch'), 'deployer-roles.expanded.json');
      writeFileSync(file, JSON.stringify(roles));
      const verdict = checkovVerdict(checkov as string, file);
      expect(verdict.failed).toEqual([]);
      expect(verdict.passed).toBeGreaterThan(10);
    },
  );
});
