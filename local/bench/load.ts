/**
 * The load table of `npm run bench`: POST /hits/{counter} from 1, 10, 100 and 1,000 concurrent clients
 * against `npm start` (local/gateway.ts in front of serverless-offline in-process) and, in the same run,
 * against serverless-offline's default mode (offline-default.ts), the anchor. Each cell gets a freshly
 * started server, so each peak RSS (the whole process group) is its own.
 */
import { spawn } from 'node:child_process';
import { freemem } from 'node:os';
import autocannon from 'autocannon';
import { freePort } from '../free-port';
import { watchGroupRss } from '../process-group';

export const CLIENT_LEVELS = [1, 10, 100, 1_000];
/** The anchor at 1,000 clients once took 11 GB (issue 11); below this much free memory it is skipped. */
const ANCHOR_1000_NEEDS_BYTES = 16 * 1024 ** 3;

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  failed: number;
  peakRssBytes: number;
}

type Runtime = 'npm start' | 'default mode';

async function startRuntime(runtime: Runtime) {
  const port = await freePort();
  const script = runtime === 'npm start' ? 'local/start.ts' : 'local/bench/offline-default.ts';
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    detached: true,
    stdio: 'ignore',
    env: {
      ...process.env,
      PORT: String(port),
      DYNAMODB_PORT: String(await freePort()),
      LAMBDA_PORT: String(await freePort()),
    },
  });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 240; attempt++) {
    if (
      await fetch(`${url}/health`).then(
        (answer) => answer.ok,
        () => false,
      )
    )
      break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const pgid = child.pid as number;
  return {
    url,
    pgid,
    stop: async () => {
      process.kill(-pgid, 'SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      // offline-default's child may outlive it by a moment; the group goes entirely.
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    },
  };
}

/** Each client sends its requests one after another; 500 in all, one per client at 1,000. */
export async function measureLoad(runtime: Runtime, clients: number): Promise<LoadResult | undefined> {
  if (runtime === 'default mode' && clients >= 1_000 && freemem() < ANCHOR_1000_NEEDS_BYTES) return undefined;
  const server = await startRuntime(runtime);
  const memory = watchGroupRss(server.pgid);
  try {
    const started = performance.now();
    const result = await autocannon({
      url: `${server.url}/hits/bench-${clients}`,
      method: 'POST',
      connections: clients,
      amount: Math.max(500, clients),
      timeout: 60,
      // autocannon checks whether it is done once per sample; the default (1 s) would round every run up.
      sampleInt: 10,
    });
    const seconds = (performance.now() - started) / 1000;
    return {
      // autocannon's own duration is in whole seconds; the runs here are often shorter.
      requestsPerSecond: result.requests.total / seconds,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      // autocannon counts a timed-out request among its errors too.
      failed: result.non2xx + result.errors,
      peakRssBytes: memory.peak(),
    };
  } finally {
    memory.stop();
    await server.stop();
  }
}
