/**
 * Warm per-invocation cost of the shared middleware stack: the same trivial handler bare and wrapped
 * in api(), called back to back in one process. Run with stdout discarded: the stack writes one EMF
 * line per call, as it does on Lambda. Results go to the parent over IPC.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { proxyEvent as apiEvent } from '../../delivery/api-gateway-event';
import { api, json } from '../../lib/http';
import { lambdaContext } from '../lambda-context';

const CALLS = 200_000;
const event = apiEvent({ resource: '/hello' });
const context = lambdaContext({ version: '1', timeoutMs: 60_000 });

const bare = async (): Promise<APIGatewayProxyResult> => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify({ message: 'Hello, world!' }),
});
const wrapped = api(async () => json(200, { message: 'Hello, world!' }));

async function nanosecondsPerCall(handler: typeof bare): Promise<number> {
  for (let call = 0; call < 20_000; call++) await handler();
  const started = process.hrtime.bigint();
  for (let call = 0; call < CALLS; call++) await handler();
  return Number(process.hrtime.bigint() - started) / CALLS;
}

const bareNs: number[] = [];
const wrappedNs: number[] = [];
for (let round = 0; round < 5; round++) {
  bareNs.push(await nanosecondsPerCall(bare));
  wrappedNs.push(await nanosecondsPerCall(() => wrapped(event, context)));
}
process.send?.({ bareNs, wrappedNs });
