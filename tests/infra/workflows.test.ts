import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Json } from '../../delivery/template/types';
import { validator } from '../support/validators';

// The GitHub workflows (.github/workflows/): actionlint's verdict, then the properties that make the
// path to prod safe, which no linter knows about.

const DIR = '.github/workflows';
const files = readdirSync(DIR).filter((file) => file.endsWith('.yml'));
const workflows: Record<string, Json> = Object.fromEntries(
  files.map((file) => [file, parse(readFileSync(join(DIR, file), 'utf8'))]),
);
const texts = files.map((file) => readFileSync(join(DIR, file), 'utf8'));
const stepsOf = (file: string, job: string): Json[] => workflows[file]?.jobs[job].steps ?? [];
const uses = (steps: Json[], action: string) => steps.filter((step) => step.uses?.startsWith(`${action}@`));

const actionlint = validator('actionlint', 'go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12');

describe('the workflows', () => {
  it.skipIf(!actionlint)('pass actionlint', () => {
    const result = spawnSync(actionlint as string, ['-no-color', '-oneline'], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('pin every action to a full commit SHA, with the version it is beside it', () => {
    const references = texts.flatMap((text) => [...text.matchAll(/uses:\s*(\S+)(.*)$/gm)]);
    expect(references.length).toBeGreaterThan(5);
    for (const [, target, rest] of references) {
      if (target?.startsWith('./')) continue;
      expect(target).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
      expect(rest?.trim()).toMatch(/^# v\d+\.\d+\.\d+$/);
    }
  });

  it('take Node from package.json and AWS credentials only from OIDC, never from stored keys', () => {
    for (const text of texts) {
      expect(text).not.toMatch(/secrets\.|aws-access-key-id|aws-secret-access-key|AWS_SECRET/);
      for (const match of text.matchAll(/setup-node@.*\n\s+with:\n\s+node-version-file: (\S+)/g))
        expect(match[1]).toBe('package.json');
    }
    expect(texts.join('\n').match(/setup-node@/g)?.length).toBe(
      texts.join('\n').match(/node-version-file: package\.json/g)?.length,
    );
  });

  it('run the README test command and a prod rehearsal against the base branch on every pull request', () => {
    const workflow = workflows['pull-request.yml'];
    expect(Object.keys(workflow?.on)).toEqual(['pull_request']);
    expect(stepsOf('pull-request.yml', 'test').map((step) => step.run)).toContainEqual(
      expect.stringMatching(/bash \.ci\/run$/),
    );
    const rehearsal = stepsOf('pull-request.yml', 'rehearsal');
    const rehearse = rehearsal.find((step) => step.run?.includes('npm run rehearse'));
    expect(rehearse?.run).toMatch(/--stage prod --baseline "origin\/\$BASE_REF"/);
    expect(rehearse?.run).toContain('--markdown "$GITHUB_STEP_SUMMARY"');
    expect(rehearse?.env.BASE_REF).toBe('${{ github.base_ref }}');
    // The failing check is the rehearse command's own exit code: 1 for a rolled-back release.
    expect(rehearse?.['continue-on-error']).toBeUndefined();
    const [upload] = uses(rehearsal, 'actions/upload-artifact');
    expect(upload?.if).toBe('always()');
    expect(upload?.with.path.trim().split('\n')).toEqual(['rehearsal-summary.json', 'rehearsal-report.html']);
    expect(uses(rehearsal, 'actions/checkout')[0]?.with['fetch-depth']).toBe(0);
  });

  it('deploy main to dev, then staging, then prod, each through the stage workflow with an OIDC token', () => {
    const jobs = workflows['deploy.yml']?.jobs;
    expect(workflows['deploy.yml']?.on).toEqual({ push: { branches: ['main'] } });
    expect(Object.keys(jobs)).toEqual(['dev', 'staging', 'prod']);
    expect([jobs.dev.needs, jobs.staging.needs, jobs.prod.needs]).toEqual([undefined, 'dev', 'staging']);
    for (const [stage, job] of Object.entries<Json>(jobs)) {
      expect(job.uses).toBe('./.github/workflows/deploy-stage.yml');
      expect(job.with).toEqual({ stage, ref: '${{ github.sha }}' });
      expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    }
  });

  it('deploy a stage in its GitHub environment, one at a time, and go on only when watch says it succeeded', () => {
    const job = workflows['deploy-stage.yml']?.jobs.deploy;
    expect(job.environment).toBe('${{ inputs.stage }}');
    expect(job.concurrency).toEqual({ group: 'deploy-${{ inputs.stage }}', 'cancel-in-progress': false });
    const steps: Json[] = job.steps;
    const [credentials] = uses(steps, 'aws-actions/configure-aws-credentials');
    expect(credentials?.with['role-to-assume']).toBe(
      'arn:aws:iam::${{ vars.AWS_ACCOUNT_ID }}:role/canary-api-deployer-${{ inputs.stage }}',
    );
    const commands = steps.map((step) => step.run ?? '');
    const deploy = commands.findIndex((run) => run.startsWith('npx sls deploy --stage "$STAGE"'));
    const watch = commands.findIndex((run) => run.startsWith('npm run watch -- --stage "$STAGE"'));
    expect(deploy).toBeGreaterThan(steps.indexOf(credentials as Json));
    expect(watch).toBe(deploy + 1);
    for (const index of [deploy, watch]) expect(steps[index]?.env.STAGE).toBe('${{ inputs.stage }}');
  });

  it('refuse to deploy from any ref but main, before any AWS credential is asked for', () => {
    const steps: Json[] = workflows['deploy-stage.yml']?.jobs.deploy.steps;
    const [guard] = steps;
    expect(guard?.if).toBe("github.ref != 'refs/heads/main'");
    expect(guard?.env.REF).toBe('${{ github.ref }}');
    expect(guard?.run).toMatch(/exit 1\s*$/);
    const result = spawnSync('bash', ['-c', guard?.run], {
      env: { REF: 'refs/heads/feature' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('refs/heads/feature is not main');
    const credentials = steps.findIndex((step) =>
      step.uses?.startsWith('aws-actions/configure-aws-credentials@'),
    );
    expect(credentials).toBeGreaterThan(0);
  });

  it('ask in the README for each environment to accept deployments from main only', () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('## From a pipeline'), readme.indexOf('## The API'));
    expect(section).toMatch(/deployment\s+branches\s+restricted\s+to\s+`main`/);
    expect(section).toContain('GitHubRepositoryWithIds');
  });

  it('roll a stage back by hand only to a commit of main, through the same stage workflow', () => {
    const workflow = workflows['rollback.yml'];
    const inputs = workflow?.on.workflow_dispatch.inputs;
    expect(inputs.stage.options).toEqual(['dev', 'staging', 'prod']);
    expect(inputs.ref.required).toBe(true);
    const check = workflow?.jobs.check.steps.find((step: Json) => step.id === 'commit');
    expect(check.run).toContain('git merge-base --is-ancestor "$sha" origin/main');
    expect(workflow?.jobs.rollback).toMatchObject({
      needs: 'check',
      uses: './.github/workflows/deploy-stage.yml',
      permissions: { 'id-token': 'write' },
      with: { stage: '${{ inputs.stage }}', ref: '${{ needs.check.outputs.sha }}' },
    });
  });

  it('name the roles the deployer stack creates, and use only the repository variables the README asks for', () => {
    const roles = readFileSync('ops/deployer-roles.yml', 'utf8');
    expect(roles).toContain('Fn::Sub: ${ServiceName}-deployer-${Stage}');
    expect(roles).toMatch(/ServiceName:\n(.*\n)*?\s+Default: canary-api\n/);
    const variables = new Set(
      texts.flatMap((text) => [...text.matchAll(/vars\.([A-Z_]+)/g)].map((m) => m[1])),
    );
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('## From a pipeline'));
    expect([...variables].sort()).toEqual(['AWS_ACCOUNT_ID', 'AWS_REGION']);
    for (const variable of variables) expect(section).toContain(`\`${variable}\``);
  });
});
