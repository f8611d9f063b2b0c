import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import type { EmbeddedDynamoDB, EmbeddedDynamoDBOptions } from './embedded-dynamodb';

/**
 * The embedded DynamoDB in a process of its own, as DynamoDB is a service of its own: when it crashes
 * or stalls, the functions answer their documented 503 while the front door keeps answering, and a
 * busy event loop elsewhere never holds its connections past the SDK's timeouts.
 */
export interface DynamoDBProcess extends EmbeddedDynamoDB {
  child: ChildProcess;
}

/** Starts it and resolves once it listens with the table made; rejects with the child's reason. */
export async function startDynamoDBProcess(options: EmbeddedDynamoDBOptions = {}): Promise<DynamoDBProcess> {
  const child = fork(new URL('./dynamodb-child.ts', import.meta.url), [JSON.stringify(options)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [started] = (await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(([code]) => [{ error: `exit ${code}` }]),
  ])) as [{ endpoint?: string; tableName?: string; error?: string }];
  if (!started.endpoint || !started.tableName) {
    child.kill();
    throw Object.assign(new Error(`the embedded DynamoDB did not start: ${started.error}`), {
      code: started.error,
    });
  }
  return {
    endpoint: started.endpoint,
    tableName: started.tableName,
    child,
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGCONT');
      const exited = once(child, 'exit');
      child.disconnect();
      await exited;
    },
  };
}

/** What npm start tells its user; console in practice. */
export interface Say {
  log(message: string): void;
  error(message: string): void;
}

const RESTARTS = 3;

/**
 * Keeps the embedded DynamoDB running for npm start: when its process dies, the API answers 503 from
 * the functions that need it, and it is started again on the same port, at most RESTARTS times, each
 * time with one line saying what happened and what was lost.
 */
export async function superviseDynamoDB(options: EmbeddedDynamoDBOptions, say: Say) {
  let stopping = false;
  let restarts = 0;
  const memory = options.dataDir
    ? `the counters in ${options.dataDir} are kept`
    : 'its counters were in memory and are gone';
  let current = await startDynamoDBProcess(options);
  const watch = (dynamodb: DynamoDBProcess) =>
    dynamodb.child.once('exit', async (code, signal) => {
      if (stopping) return;
      const how = signal ?? `exit code ${code}`;
      if (restarts >= RESTARTS) {
        say.error(
          `The embedded DynamoDB stopped (${how}) for the ${RESTARTS + 1}th time; not restarting it. hits and health answer 503; restart npm start.`,
        );
        return;
      }
      restarts++;
      say.error(
        `The embedded DynamoDB stopped (${how}): hits and health answer 503 until it is back; restarting it (${memory}).`,
      );
      current = await startDynamoDBProcess(options).catch((error: Error) => {
        say.error(
          `The embedded DynamoDB could not be restarted: ${error.message}. hits and health answer 503.`,
        );
        return current;
      });
      if (current !== dynamodb) {
        say.log(`Embedded DynamoDB back on ${current.endpoint} (pid ${current.child.pid})`);
        watch(current);
      }
    });
  watch(current);
  return {
    first: current,
    close: async () => {
      stopping = true;
      await current.close();
    },
  };
}
