import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { resourcePath } from '../../../delivery/template/invoke-permissions';
import type { Json, Template } from '../../../delivery/template/types';
import { ACCOUNT, DYNAMODB_KEY, type PolicyWorld, REGION, restApiId } from './policy-world';
import type { Call, Caller } from './simulate';

/**
 * The call matrix (call-matrix.yml) expanded for one stage: each row's placeholders filled from the
 * stage's packaged template, `each: method` and `each: function` rows made one per API method and
 * gradually deployed function, and the caller turned into the policies that speak for it.
 */

export interface Row {
  call: string;
  caller: string;
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
  token?: Record<string, string>;
  with?: Json[];
  deployerParameters?: Record<string, string>;
  each?: 'method' | 'function';
  stages?: string[];
  expect: 'allow' | 'deny';
  fixes?: string;
  source: string;
}

interface Matrix {
  samples: {
    pathParameters: Record<string, string>;
    anyVerb: string;
    deployerParameters: Record<string, string>;
  };
  rows: Row[];
}

export const MATRIX: Matrix = parse(readFileSync(new URL('./call-matrix.yml', import.meta.url), 'utf8'), {
  merge: true,
});

/** One row for one stage, ready to simulate. */
export interface ExpandedRow {
  row: Row;
  /** The row's call with the method or function it was made for. */
  title: string;
  call: Call;
  deployerParameters: Record<string, string>;
}

/** An API method as API Gateway is asked for it: a verb, a real path and the function behind it. */
export interface ApiMethod {
  id: string;
  verb: string;
  path: string;
  function: string;
}

/** Every AWS::ApiGateway::Method of the template, with a real request for it; an unsampled parameter throws. */
export function apiMethods(template: Template, resolve: (value: unknown) => string): ApiMethod[] {
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::ApiGateway::Method')
    .map(([id, method]) => {
      const properties = method.Properties ?? {};
      const templatePath = resourcePath(template, properties.ResourceId);
      const path = templatePath.replace(/\{[^}]+\}/g, (parameter) => {
        const sample = MATRIX.samples.pathParameters[parameter];
        if (!sample) throw new Error(`${id}: no sample value for ${parameter} in call-matrix.yml`);
        return sample;
      });
      const target = /"Ref":"([A-Za-z0-9]+)"},"\/invocations"/.exec(
        JSON.stringify(properties.Integration?.Uri),
      )?.[1];
      if (!target) throw new Error(`${id} invokes no function of the template`);
      const alias = resolve({ Ref: target });
      const verb = properties.HttpMethod === 'ANY' ? MATRIX.samples.anyVerb : properties.HttpMethod;
      return { id, verb, path, function: alias.split(':')[6] as string };
    });
}

/** Each gradually deployed function: its name and its deployment group's. */
function gradualFunctions(template: Template, resolve: (value: unknown) => string) {
  return Object.values(template.Resources)
    .filter((resource) => resource.Type === 'AWS::Lambda::Alias')
    .map((alias) => {
      const group = resolve(alias.UpdatePolicy?.CodeDeployLambdaAliasUpdate?.DeploymentGroupName);
      return { function: resolve(alias.Properties?.FunctionName), group };
    });
}

const otherStage = (stage: string) => (stage === 'prod' ? 'dev' : 'prod');

function fill(text: string, variables: Record<string, string>, resolve: (value: unknown) => string): string {
  return text.replace(/\$\{([A-Za-z.]+)(?::([A-Za-z0-9]+))?\}/g, (_, name: string, id?: string) => {
    if (name === 'name' && id) return resolve({ Ref: id });
    if (name === 'arn' && id) return resolve({ 'Fn::GetAtt': [id, 'Arn'] });
    const value = variables[name];
    if (value === undefined) throw new Error(`no value for \${${name}}`);
    return value;
  });
}

function callerOf(row: Row, world: PolicyWorld, fillText: (text: string) => string): Caller {
  if (row.caller.startsWith('service:'))
    return { kind: 'service', principal: row.caller.slice('service:'.length) };
  if (row.caller === 'github') {
    const claims = Object.fromEntries(
      Object.entries(row.token ?? {}).map(([key, value]) => [key, fillText(value)]),
    );
    return {
      kind: 'web-identity',
      provider: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
      claims,
    };
  }
  const id = row.caller === 'deployer' ? 'deployer' : row.caller.replace(/^role:/, '');
  const role = world.roles[id];
  if (!role) throw new Error(`${row.call}: no role ${row.caller} in this stage`);
  const extraPolicies = row.with
    ? [{ name: 'added', policy: { Version: '2012-10-17', Statement: row.with } }]
    : undefined;
  return { kind: 'role', role, extraPolicies };
}

/** The rows (the whole matrix unless given) that apply to a stage, expanded against its template. */
export function expandRows(
  stage: string,
  template: Template,
  world: PolicyWorld,
  rows: readonly Row[] = MATRIX.rows,
): ExpandedRow[] {
  const resolve = world.resolveStage;
  const application = Object.keys(template.Resources).find(
    (id) => template.Resources[id]?.Type === 'AWS::CodeDeploy::Application',
  );
  const base: Record<string, string> = {
    stage,
    other: otherStage(stage),
    account: ACCOUNT,
    region: REGION,
    api: restApiId(stage),
    otherApi: restApiId(otherStage(stage)),
    dynamodbKey: DYNAMODB_KEY,
    application: application ? resolve({ Ref: application }) : 'no-application',
  };
  const expanded: ExpandedRow[] = [];
  for (const row of rows) {
    if (row.stages && !row.stages.includes(stage)) continue;
    const instances: { title: string; variables: Record<string, string> }[] =
      row.each === 'method'
        ? apiMethods(template, resolve).map((method) => ({
            title: `${method.verb} ${method.path}`,
            variables: {
              'method.verb': method.verb,
              'method.path': method.path,
              'method.function': method.function,
            },
          }))
        : row.each === 'function'
          ? gradualFunctions(template, resolve).map((fn) => ({ title: fn.function, variables: { ...fn } }))
          : [{ title: '', variables: {} }];
    for (const { title, variables } of instances) {
      const fillText = (text: string) => fill(text, { ...base, ...variables }, resolve);
      const context = Object.fromEntries(
        Object.entries(row.context ?? {}).map(([key, value]) => [
          key,
          Array.isArray(value) ? value.map(fillText) : fillText(String(value)),
        ]),
      );
      expanded.push({
        row,
        title: title ? `${row.call}: ${title}` : row.call,
        call: {
          caller: callerOf(row, world, fillText),
          action: row.action,
          resource: fillText(row.resource),
          context,
        },
        deployerParameters: { ...MATRIX.samples.deployerParameters, ...row.deployerParameters },
      });
    }
  }
  return expanded;
}
