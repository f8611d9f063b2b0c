import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { proxyEvent } from '../../delivery/api-gateway-event';
import { checkWholeApi, judgeVersion } from '../../delivery/smoke-checks';
import type { DeployViewState } from '../view';
import { type AlarmState, alarmState, MetricStore } from './cloudwatch';
import type { RehearsalPlan, Template } from './plan';

/**
 * Runs one compressed deployment: baseline and candidate builds in isolated processes behind a
 * weighted alias router, probe load and the Synthetics checks through it, the stage's traffic
 * schedule, and the template's alarms evaluated on metrics derived from every routed request.
 * Simulated time runs `speed` times faster than real time, and each probe request stands for `speed`
 * requests of simulated traffic, so counts per simulated period match `rate` requests per second.
 * The router gives each function's candidate exactly its weight of that function's requests, evenly
 * spread (Lambda picks at random); with the harness's even error injection, verdicts are reproducible.
 */

export type Version = 'baseline' | 'candidate';
export type Outcome = 'promoted' | 'rolled_back' | 'hook_failed';

export interface RehearsalOptions {
  plan: RehearsalPlan;
  template: Template;
  /** Folders holding functions/<key>.cjs of each build. */
  builds: Record<Version, string>;
  /** The functions' environment (TABLE_NAME, …) plus where the shared DynamoDB is. */
  environment: NodeJS.ProcessEnv;
  fault: string;
  speed: number;
  rate: number;
  onEvent?: (event: RehearsalEvent) => void;
  /** The live view's state, at every alarm evaluation (every 10 simulated seconds). */
  onState?: (state: DeployViewState) => void;
}

export interface RehearsalEvent {
  simulatedSeconds: number;
  kind: 'phase' | 'weights' | 'alarm';
  message: string;
}

export interface RequestRecord {
  simulatedMs: number;
  version: Version;
  functionKey: string;
  status: number;
  latencyMs: number;
}

export interface TimelinePoint {
  simulatedSeconds: number;
  candidateWeight: number;
  requests: Record<Version, number>;
  failed: Record<Version, number>;
  p99Ms: number | undefined;
  alarmsInAlarm: string[];
}

export interface RehearsalSummary {
  outcome: Outcome;
  config: string;
  speed: number;
  rate: number;
  fault: string;
  requests: { total: number; failed: number; byVersion: Record<Version, { total: number; failed: number }> };
  timeToRollbackSeconds: number | null;
  maxCandidateShare: number;
  hookFailures: string[];
  alarms: { name: string; transitions: { simulatedSeconds: number; from: AlarmState; to: AlarmState }[] }[];
  notSimulated: RehearsalPlan['notSimulated'];
  timeline: TimelinePoint[];
  /** Phases, weight changes and alarm transitions as they happened. */
  events: RehearsalEvent[];
  realSeconds: number;
}

const VERSION_IDS: Record<Version, string> = { baseline: '1', candidate: '2' };
const ALARM_EVALUATION_SECONDS = 10;
/** After the last shift CodeDeploy runs AfterAllowTraffic at once; we keep watching this long for the report. */
const TAIL_SECONDS = 30;

interface Route {
  method: string;
  segments: string[];
  functionKey: string;
}

/** The REST API's routes as the template defines them: method, resource path, function behind it. */
export function routesFromTemplate(template: Template, plan: RehearsalPlan): Route[] {
  const resources = template.Resources;
  const pathOf = (resourceId: unknown): string[] => {
    const ref = (resourceId as { Ref?: string }).Ref;
    const resource = ref ? resources[ref] : undefined;
    if (!resource) return [];
    return [...pathOf(resource.Properties.ParentId), String(resource.Properties.PathPart)];
  };
  const keyOfAlias = (aliasId: string) => {
    const functionId = (resources[aliasId]?.Properties.FunctionName as { Ref?: string } | undefined)?.Ref;
    const name = functionId ? resources[functionId]?.Properties.FunctionName : undefined;
    return plan.functions.find((fn) => fn.name === name)?.key;
  };
  const routes: Route[] = [];
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::ApiGateway::Method') continue;
    const aliasId = JSON.stringify(resource.Properties.Integration).match(/"Ref":"(\w+Aliaslive)"/)?.[1];
    const functionKey = aliasId && keyOfAlias(aliasId);
    if (!functionKey) continue;
    routes.push({
      method: String(resource.Properties.HttpMethod),
      segments: pathOf(resource.Properties.ResourceId),
      functionKey,
    });
  }
  return routes;
}

/** API Gateway's choice: exact method over ANY, static segments over {param}, {proxy+} last. */
function match(routes: Route[], method: string, path: string) {
  const parts = path.split('/').filter(Boolean);
  let best: { route: Route; score: number; parameters: Record<string, string> } | undefined;
  for (const route of routes) {
    if (route.method !== method && route.method !== 'ANY') continue;
    const parameters: Record<string, string> = {};
    let score = route.method === method ? 1 : 0;
    let matched = route.segments.length === parts.length;
    route.segments.forEach((segment, index) => {
      const part = parts[index];
      if (segment.endsWith('+}')) {
        matched = parts.length >= index + 1;
        parameters[segment.slice(1, -2)] = parts.slice(index).join('/');
      } else if (segment.startsWith('{')) parameters[segment.slice(1, -1)] = String(part);
      else if (segment === part) score += 10;
      else matched = false;
    });
    if (route.segments.at(-1)?.endsWith('+}')) score -= 100;
    if (matched && (!best || score > best.score)) best = { route, score, parameters };
  }
  return best;
}

class VersionRuntime {
  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
  ) {}

  async stop() {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill();
    await once(this.child, 'exit');
  }

  static async start(
    codeDir: string,
    version: Version,
    environment: NodeJS.ProcessEnv,
    fault: string,
    speed: number,
  ) {
    const child = fork(
      fileURLToPath(new URL('./runtime.cjs', import.meta.url)),
      [codeDir, VERSION_IDS[version]],
      {
        execArgv: [],
        env: {
          ...environment,
          FAULT: version === 'candidate' ? fault : 'none',
          REHEARSAL_SPEED: String(speed),
        },
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      },
    );
    const [{ port }] = (await once(child, 'message')) as [{ port: number }];
    return new VersionRuntime(child, port);
  }

  async invoke(functionKey: string, qualifier: string, event: unknown) {
    const response = await fetch(`http://127.0.0.1:${this.port}/invoke/${functionKey}`, {
      method: 'POST',
      headers: { 'x-qualifier': qualifier },
      body: JSON.stringify(event),
    });
    return (await response.json()) as {
      result?: { statusCode: number; headers?: Record<string, string>; body?: string };
      functionError?: string;
      durationMs: number;
      /** Injected latency beyond what really passed, in simulated milliseconds. */
      extraMs: number;
    };
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

/** The probe load: every endpoint in turn, like the blackbox probe of the original project. */
const PROBES: { method: string; path: string; headers?: Record<string, string>; body?: string }[] = [
  { method: 'GET', path: '/hello?name=probe' },
  {
    method: 'POST',
    path: '/echo?transform=shout',
    headers: { 'content-type': 'application/json' },
    body: '{"data":"probe"}',
  },
  { method: 'POST', path: '/hits/probe' },
  { method: 'GET', path: '/hits/probe' },
  { method: 'GET', path: '/health' },
  { method: 'GET', path: '/missing' },
];

export async function rehearse(options: RehearsalOptions): Promise<RehearsalSummary> {
  const { plan, speed } = options;
  const startedAt = Date.now();
  const simulatedMs = () => (Date.now() - startedAt) * speed;
  const simulatedSeconds = () => Math.round(simulatedMs() / 100) / 10;
  const events: RehearsalEvent[] = [];
  let phase = 'starting';
  let nextShift: { atMs: number; fromMs: number; weight: number } | undefined;
  const emit = (kind: RehearsalEvent['kind'], message: string) => {
    const event = { simulatedSeconds: simulatedSeconds(), kind, message };
    if (kind === 'phase') phase = message;
    events.push(event);
    options.onEvent?.(event);
  };

  const store = new MetricStore();
  const metricsNamespace = options.environment.METRICS_NAMESPACE ?? 'CanaryApi';
  const records: RequestRecord[] = [];
  const routes = routesFromTemplate(options.template, plan);
  let candidateWeight = 0;
  let maxCandidateShare = 0;
  const candidateCredit = new Map<string, number>();
  /** Smooth weighted routing per function: the candidate gets every request that crosses its share. */
  function pickVersion(functionKey: string): Version {
    const credit = (candidateCredit.get(functionKey) ?? 0) + candidateWeight;
    const toCandidate = credit >= 1 - 1e-9;
    candidateCredit.set(functionKey, toCandidate ? credit - 1 : credit);
    return toCandidate ? 'candidate' : 'baseline';
  }

  const runtimes = {
    baseline: await VersionRuntime.start(
      options.builds.baseline,
      'baseline',
      options.environment,
      options.fault,
      speed,
    ),
    candidate: await VersionRuntime.start(
      options.builds.candidate,
      'candidate',
      options.environment,
      options.fault,
      speed,
    ),
  };

  /** Everything CloudWatch would receive for one routed invocation, each count standing for `speed`. */
  function recordMetrics(
    functionKey: string,
    version: Version,
    status: number,
    functionError: boolean,
    durationMs: number,
  ) {
    const at = simulatedMs();
    const name = plan.functions.find((fn) => fn.key === functionKey)?.name ?? functionKey;
    const alias = { FunctionName: name, Resource: `${name}:live` };
    const executed = { ...alias, ExecutedVersion: VERSION_IDS[version] };
    for (const dimensions of [{ FunctionName: name }, alias, executed]) {
      store.put('AWS/Lambda', 'Invocations', dimensions, speed, at);
      store.put('AWS/Lambda', 'Errors', dimensions, functionError ? speed : 0, at);
      store.put('AWS/Lambda', 'Duration', dimensions, durationMs, at);
    }
    // The EMF line lib/metrics.ts writes for every answer.
    store.put(metricsNamespace, 'Requests', executed, speed, at);
    store.put(metricsNamespace, 'ServerErrors', executed, status >= 500 ? speed : 0, at);
    const api = { ApiName: plan.apiName, Stage: plan.stageName };
    store.put('AWS/ApiGateway', 'Count', api, speed, at);
    store.put('AWS/ApiGateway', '5XXError', api, status >= 500 ? speed : 0, at);
    store.put('AWS/ApiGateway', '4XXError', api, status >= 400 && status < 500 ? speed : 0, at);
  }

  let inFlight = 0;
  const router: Server = createServer(async (request, response) => {
    inFlight++;
    response.on('close', () => inFlight--);
    const started = performance.now();
    const url = new URL(request.url ?? '/', 'http://local');
    const found = match(routes, String(request.method), url.pathname);
    if (!found) {
      response
        .writeHead(404, { 'content-type': 'application/problem+json' })
        .end('{"title":"Not Found","status":404}');
      return;
    }
    const version = pickVersion(found.route.functionKey);
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [name, String(value)]),
    );
    const event = proxyEvent({
      method: String(request.method),
      resource: `/${found.route.segments.join('/')}`,
      path: url.pathname,
      pathParameters: Object.keys(found.parameters).length ? found.parameters : undefined,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: (await readBody(request)) || undefined,
    });
    const outcome = await runtimes[version]
      .invoke(found.route.functionKey, 'live', event)
      .catch(() => undefined);
    const result = outcome?.result;
    // A function error reaches the client as API Gateway's 502.
    const status = result?.statusCode ?? 502;
    recordMetrics(
      found.route.functionKey,
      version,
      status,
      Boolean(outcome?.functionError),
      outcome?.durationMs ?? 0,
    );
    records.push({
      simulatedMs: simulatedMs(),
      version,
      functionKey: found.route.functionKey,
      status,
      latencyMs: performance.now() - started,
    });
    response
      .writeHead(status, { ...(result?.headers ?? { 'content-type': 'application/problem+json' }) })
      .end(result?.body ?? '');
  });
  router.listen(0, '127.0.0.1');
  await once(router, 'listening');
  const baseUrl = `http://127.0.0.1:${(router.address() as AddressInfo).port}`;

  // Probe load at `rate` per real second, and the canary once per simulated minute.
  let probeIndex = 0;
  const load = setInterval(() => {
    const probe = PROBES[probeIndex++ % PROBES.length] as (typeof PROBES)[number];
    fetch(`${baseUrl}${probe.path}`, {
      method: probe.method,
      headers: probe.headers,
      body: probe.body,
    }).catch(() => undefined);
  }, 1000 / options.rate);
  const canaryTimer = setInterval(async () => {
    const at = simulatedMs();
    // The canary's own 30-second budget, unscaled: answers take real milliseconds here too.
    const failures = await checkWholeApi(baseUrl, AbortSignal.timeout(30_000));
    if (plan.canaryName) {
      store.put(
        'CloudWatchSynthetics',
        'SuccessPercent',
        { CanaryName: plan.canaryName },
        failures.length ? 0 : 100,
        at,
      );
    }
  }, 60_000 / speed);

  const states = new Map(plan.alarms.map((alarm) => [alarm.name, 'OK' as AlarmState]));
  const transitions = new Map<string, RehearsalSummary['alarms'][number]['transitions']>();
  const timeline: TimelinePoint[] = [];
  const sleepSimulated = (seconds: number) =>
    new Promise((resolve) => setTimeout(resolve, (seconds * 1000) / speed));

  function evaluateAlarms(): string[] {
    const now = simulatedMs();
    for (const alarm of plan.alarms) {
      const state = alarmState(store, alarm, now);
      const previous = states.get(alarm.name) as AlarmState;
      if (state !== previous) {
        states.set(alarm.name, state);
        transitions.set(alarm.name, [
          ...(transitions.get(alarm.name) ?? []),
          { simulatedSeconds: simulatedSeconds(), from: previous, to: state },
        ]);
        emit('alarm', `${alarm.name}: ${previous} -> ${state}`);
      }
    }
    const windowStart = now - ALARM_EVALUATION_SECONDS * 1000;
    const recent = records.filter((record) => record.simulatedMs >= windowStart);
    const latencies = recent.map((record) => record.latencyMs).sort((a, b) => a - b);
    const count = (version: Version, failed: boolean) =>
      recent.filter((record) => record.version === version && (!failed || record.status >= 500)).length;
    timeline.push({
      simulatedSeconds: simulatedSeconds(),
      candidateWeight,
      requests: { baseline: count('baseline', false), candidate: count('candidate', false) },
      failed: { baseline: count('baseline', true), candidate: count('candidate', true) },
      p99Ms: latencies.length ? latencies[Math.ceil(latencies.length * 0.99) - 1] : undefined,
      alarmsInAlarm: [...states].filter(([, state]) => state === 'ALARM').map(([name]) => name),
    });
    options.onState?.({
      title: `Rehearsal of ${plan.configName} (${speed}x)`,
      phase,
      weights: [
        {
          name: 'all functions',
          versions: [
            { version: VERSION_IDS.baseline, percent: 100 * (1 - candidateWeight) },
            { version: VERSION_IDS.candidate, percent: 100 * candidateWeight },
          ],
        },
      ],
      progress: nextShift && {
        fraction: (now - nextShift.fromMs) / (nextShift.atMs - nextShift.fromMs),
        label: `${Math.max(0, Math.round((nextShift.atMs - now) / 1000))}s to ${Math.round(nextShift.weight * 100)}%`,
      },
      requests: {
        baseline: {
          total: records.filter((r) => r.version === 'baseline').length,
          failed: records.filter((r) => r.version === 'baseline' && r.status >= 500).length,
        },
        candidate: {
          total: records.filter((r) => r.version === 'candidate').length,
          failed: records.filter((r) => r.version === 'candidate' && r.status >= 500).length,
        },
      },
      alarms: [...states].map(([name, state]) => ({ name, state })),
    });
    return [...states].filter(([, state]) => state === 'ALARM').map(([name]) => name);
  }

  let outcome: Outcome = 'promoted';
  let rolledBackAtMs: number | undefined;
  const hookFailures: string[] = [];
  try {
    emit('phase', `BeforeAllowTraffic: smoke checks against candidate version ${VERSION_IDS.candidate}`);
    if (plan.preTrafficHook) {
      for (const fn of plan.functions) {
        const failures = await judgeVersion(fn.key, fn.name, VERSION_IDS.candidate, async (event) => {
          const { result, functionError } = await runtimes.candidate.invoke(
            fn.key,
            VERSION_IDS.candidate,
            event,
          );
          if (!result) return { functionError: String(functionError), detail: '' };
          return {
            answer: { statusCode: result.statusCode, headers: result.headers ?? {}, body: result.body ?? '' },
          };
        }).catch((error: Error) => [error.message]);
        hookFailures.push(...failures);
      }
    }
    if (hookFailures.length > 0) {
      outcome = 'hook_failed';
      emit('phase', `BeforeAllowTraffic failed: ${hookFailures[0]}`);
    } else {
      const shiftStart = simulatedMs();
      for (const [index, step] of plan.steps.entries()) {
        nextShift = {
          atMs: shiftStart + step.atSeconds * 1000,
          fromMs: simulatedMs(),
          weight: step.candidateWeight,
        };
        while (simulatedMs() - shiftStart < step.atSeconds * 1000) {
          await sleepSimulated(ALARM_EVALUATION_SECONDS);
          if (evaluateAlarms().length > 0) break;
        }
        if ([...states.values()].includes('ALARM')) break;
        candidateWeight = step.candidateWeight;
        maxCandidateShare = Math.max(maxCandidateShare, candidateWeight);
        emit(
          'weights',
          `traffic: baseline ${Math.round((1 - candidateWeight) * 100)}%, candidate ${Math.round(candidateWeight * 100)}% (step ${index + 1} of ${plan.steps.length})`,
        );
      }
      nextShift = undefined;
      if (![...states.values()].includes('ALARM')) {
        // Alarms are judged once more on the data of the final shift before AfterAllowTraffic.
        await sleepSimulated(ALARM_EVALUATION_SECONDS);
        evaluateAlarms();
      }
      if ([...states.values()].includes('ALARM')) {
        candidateWeight = 0;
        rolledBackAtMs = simulatedMs();
        outcome = 'rolled_back';
        emit(
          'phase',
          `rollback: ${[...states]
            .filter(([, s]) => s === 'ALARM')
            .map(([n]) => n)
            .join(', ')} in ALARM; all traffic back on baseline`,
        );
      } else if (plan.postTrafficHook) {
        emit('phase', 'AfterAllowTraffic: smoke checks through the alias');
        const failures = await checkWholeApi(baseUrl, AbortSignal.timeout(10_000));
        if (failures.length > 0) {
          hookFailures.push(...failures);
          candidateWeight = 0;
          candidateCredit.clear();
          rolledBackAtMs = simulatedMs();
          outcome = 'rolled_back';
          emit('phase', `AfterAllowTraffic failed: ${failures[0]}`);
        }
      }
    }
    const tailEnd = simulatedMs() + TAIL_SECONDS * 1000;
    while (simulatedMs() < tailEnd) {
      await sleepSimulated(ALARM_EVALUATION_SECONDS);
      evaluateAlarms();
    }
    emit('phase', `outcome: ${outcome}`);
  } finally {
    clearInterval(load);
    clearInterval(canaryTimer);
    // Requests still on their way are answered before anything stops, so none is recorded as failed.
    const drainUntil = Date.now() + 5_000;
    while (inFlight > 0 && Date.now() < drainUntil) await new Promise((resolve) => setTimeout(resolve, 20));
    router.closeAllConnections();
    router.close();
    await Promise.all([runtimes.baseline.stop(), runtimes.candidate.stop()]);
  }

  const failed = (version?: Version) =>
    records.filter((record) => (!version || record.version === version) && record.status >= 500).length;
  const total = (version?: Version) =>
    records.filter((record) => !version || record.version === version).length;
  const firstCandidateFailure = records.find(
    (record) => record.version === 'candidate' && record.status >= 500,
  );
  return {
    outcome,
    config: plan.configName,
    speed,
    rate: options.rate,
    fault: options.fault,
    requests: {
      total: total(),
      failed: failed(),
      byVersion: {
        baseline: { total: total('baseline'), failed: failed('baseline') },
        candidate: { total: total('candidate'), failed: failed('candidate') },
      },
    },
    timeToRollbackSeconds:
      rolledBackAtMs !== undefined && firstCandidateFailure
        ? Math.round((rolledBackAtMs - firstCandidateFailure.simulatedMs) / 100) / 10
        : null,
    maxCandidateShare,
    hookFailures,
    alarms: plan.alarms.map((alarm) => ({
      name: alarm.name,
      transitions: transitions.get(alarm.name) ?? [],
    })),
    notSimulated: plan.notSimulated,
    timeline,
    events,
    realSeconds: Math.round((Date.now() - startedAt) / 100) / 10,
  };
}
