import { classicHit, currentHits, hit } from '../lib/counters';
import { api, header, json, opaqueBody } from '../lib/http';

/** One function for the counter resource: GET /hits, GET /hits/{counter} and POST /hits/{counter}. */
export const handler = api(async function hits(event) {
  const counter = event.pathParameters?.counter;
  const request = { idempotencyKey: header(event, 'idempotency-key'), body: opaqueBody(event) };
  if (counter === undefined) return json(200, await classicHit(request));
  if (event.httpMethod === 'GET') return json(200, await currentHits(counter));
  return json(200, await hit(counter, request));
});
