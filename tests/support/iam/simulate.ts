import { runSimulation, runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import type { Json } from '../../../delivery/template/types';
import { ACCOUNT, type NamedPolicy, type PolicyWorld, type Role, resourcePolicyFor } from './policy-world';

/**
 * One call evaluated as AWS evaluates it, by @cloud-copilot/iam-simulate: the caller's identity
 * policies and permissions boundary, the resource's policy (a role's trust, a function's or a bucket's
 * policy) and the context keys the caller sends. The simulator's data has no keys for GitHub's OIDC
 * claims, and drops conditions on them (then denies), so those two are evaluated here (`oidcClaims`).
 */

export type Caller =
  | { kind: 'service'; principal: string }
  | { kind: 'role'; role: Role; extraPolicies?: NamedPolicy[] }
  | { kind: 'web-identity'; provider: string; claims: Record<string, string> };

export interface Call {
  caller: Caller;
  action: string;
  resource: string;
  context: Record<string, string | string[]>;
}

export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

export interface Verdict {
  decision: Decision | 'Error';
  /** The statements that decided it, `<policy name>#<1-based index>`. */
  decisive: string[];
  error?: string;
  /** Why the simulator could not validate the request, when it was evaluated without validation. */
  unvalidated?: string;
}

/**
 * Where the simulator's data cannot place a valid ARN, the call is evaluated without validation:
 * iam-data writes two ARN formats into one string for API Gateway's collections (Deployments,
 * Resources, Stages, …), so it matches no resource type; and an alias ARN also has the shape of a
 * version ARN, which it reports as two resource types (docs/operating.md).
 */
const UNPLACEABLE = ['no.resource.types', 'multiple.resource.types'];

/**
 * A `*` inside an ARN, as an unfiltered call sends it (DescribeAlarms on `alarm:*`), is a character
 * to AWS, matched only by a policy's own wildcards; the simulator would read it as "any alarm". U+2217
 * (∗) stands for it: only a wildcard of the policy matches it, as only one matches `*` on AWS.
 */
const literalWildcards = (resource: string) =>
  resource === '*' ? resource : resource.replace(/\*/g, '\u2217');

const OIDC_PREFIX = 'token.actions.githubusercontent.com:';

function globMatch(pattern: string, value: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(value);
}

/** StringEquals and StringLike on the token's claims (the only operators the trust policies use). */
function claimHolds(operator: string, expected: unknown, actual: string | undefined): boolean {
  if (actual === undefined) return false;
  const values = [expected].flat().map(String);
  if (operator === 'StringEquals') return values.includes(actual);
  if (operator === 'StringLike') return values.some((value) => globMatch(value, actual));
  throw new Error(`${operator} on an OIDC claim is not evaluated here`);
}

/**
 * The trust policy with each statement's OIDC conditions evaluated against the token: a statement
 * they fail is dropped (it cannot allow), and the keys are removed from those that pass.
 */
export function withClaimsEvaluated(trust: Json, claims: Record<string, string>): Json {
  const statements = [trust.Statement].flat() as Json[];
  const kept: Json[] = [];
  for (const statement of statements) {
    const condition: Json = {};
    let holds = true;
    for (const [operator, keys] of Object.entries((statement.Condition ?? {}) as Json)) {
      const rest: Json = {};
      for (const [key, expected] of Object.entries(keys as Json)) {
        if (!key.startsWith(OIDC_PREFIX)) rest[key] = expected;
        else holds &&= claimHolds(operator, expected, claims[key.slice(OIDC_PREFIX.length)]);
      }
      if (Object.keys(rest).length > 0) condition[operator] = rest;
    }
    if (!holds) continue;
    const { Condition: _condition, ...unconditioned } = statement;
    kept.push(Object.keys(condition).length > 0 ? { ...unconditioned, Condition: condition } : unconditioned);
  }
  return { ...trust, Statement: kept };
}

function principalOf(caller: Caller): string {
  if (caller.kind === 'service') return caller.principal;
  if (caller.kind === 'role') return caller.role.arn;
  return caller.provider;
}

/** The statements an analysis names as deciding, by the names the simulation gave the policies. */
function decisiveStatements(analysis: Json | undefined, resourcePolicy: NamedPolicy | undefined): string[] {
  if (!analysis) return [];
  const named = (part: Json | undefined, name?: string) =>
    [...(part?.allowStatements ?? []), ...(part?.denyStatements ?? [])].map(
      (statement: Json) => `${name ?? statement.policyId}#${statement.statement.index()}`,
    );
  return [
    ...named(analysis.identityAnalysis),
    ...named(analysis.permissionBoundaryAnalysis),
    ...named(analysis.resourceAnalysis, resourcePolicy?.name),
  ];
}

/** How AWS decides the call, against every policy of the world that applies to it. */
export async function simulate(world: PolicyWorld, call: Call): Promise<Verdict> {
  const { caller } = call;
  let resourcePolicy = resourcePolicyFor(world, call.action, call.resource);
  if (caller.kind === 'web-identity' && resourcePolicy) {
    resourcePolicy = { ...resourcePolicy, policy: withClaimsEvaluated(resourcePolicy.policy, caller.claims) };
  }
  const boundary =
    caller.kind === 'role' && caller.role.boundaryArn
      ? world.managedPolicies[caller.role.boundaryArn]
      : undefined;
  if (caller.kind === 'role' && caller.role.boundaryArn && !boundary) {
    return { decision: 'Error', decisive: [], error: `boundary ${caller.role.boundaryArn} does not exist` };
  }
  const simulation: Simulation = {
    request: {
      principal: principalOf(caller),
      action: call.action,
      resource: { resource: call.resource, accountId: ACCOUNT },
      contextVariables: call.context,
    },
    identityPolicies:
      caller.kind === 'role' ? [...caller.role.identity, ...(caller.extraPolicies ?? [])] : [],
    permissionBoundaryPolicies: boundary ? [boundary] : undefined,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: resourcePolicy?.policy,
  };
  simulation.request.resource.resource = literalWildcards(call.resource);
  // runSimulation adds the default resource control policy to what it is given: it gets a copy.
  const result = await runSimulation(structuredClone(simulation), {});
  if (result.resultType === 'error') {
    const message = String(result.errors.message ?? '');
    if (UNPLACEABLE.includes(message)) return unvalidated(simulation, message, resourcePolicy);
    return { decision: 'Error', decisive: [], error: JSON.stringify(result.errors) };
  }
  // Only `*` itself reaches here as a wildcard: an action whose resource type is optional.
  const analyses =
    result.resultType === 'single' ? [result.result.analysis] : result.results.map((one) => one.analysis);
  return {
    decision: result.overallResult as Decision,
    decisive: analyses.flatMap((analysis) =>
      decisiveStatements(analysis as Json | undefined, resourcePolicy),
    ),
  };
}

/**
 * The decision without validation, and the statements that decided it found by taking each away: a
 * statement is decisive when the decision changes without it.
 */
function unvalidated(
  validated: Simulation,
  message: string,
  resourcePolicy: NamedPolicy | undefined,
): Verdict {
  // The unvalidated path cannot read a resource policy (it loads it without the name it then asks
  // for); one whose statements name only other principals (API Gateway on an alias) decides nothing.
  const caller = String(validated.request.principal);
  const speaksFor = (statement: Json) => {
    const principal = JSON.stringify(statement.Principal ?? '*');
    return principal === '"*"' || /"AWS"/.test(principal) || principal.includes(caller);
  };
  if (resourcePolicy && [resourcePolicy.policy.Statement].flat().some(speaksFor))
    return { decision: 'Error', decisive: [], error: `${message}, and a resource policy that may apply` };
  const simulation: Simulation = { ...validated, resourcePolicy: undefined };
  const decision = runUnsafeSimulation(simulation, {}) as Decision;
  const without = (policy: NamedPolicy, index: number): NamedPolicy => ({
    ...policy,
    policy: { ...policy.policy, Statement: [policy.policy.Statement].flat().filter((_, at) => at !== index) },
  });
  const decisive: string[] = [];
  const tryEach = (policies: NamedPolicy[], rebuild: (changed: NamedPolicy[]) => Simulation) => {
    policies.forEach((policy, at) => {
      [policy.policy.Statement].flat().forEach((_, index) => {
        const changed = policies.map((other, which) => (which === at ? without(policy, index) : other));
        if (runUnsafeSimulation(rebuild(changed), {}) !== decision)
          decisive.push(`${policy.name}#${index + 1}`);
      });
    });
  };
  tryEach(simulation.identityPolicies, (changed) => ({ ...simulation, identityPolicies: changed }));
  tryEach(simulation.permissionBoundaryPolicies ?? [], (changed) => ({
    ...simulation,
    permissionBoundaryPolicies: changed,
  }));
  return { decision, decisive, unvalidated: message };
}
