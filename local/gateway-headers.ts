import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';

/**
 * What `npm start`'s gateway hands serverless-offline of a request's headers, so that the function sees
 * what API Gateway would give it, and serverless-offline does nothing API Gateway would not.
 */

/** Headers that belong to one connection, never forwarded (RFC 9110 §7.6.1). */
export const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'upgrade',
  'proxy-connection',
];
/**
 * Range requests: serverless-offline's Hapi would answer a byte range of the function's answer (206),
 * while API Gateway hands the function's whole answer back (200). Ours serve no ranges.
 */
const RANGE = ['range', 'if-range'];

/**
 * serverless-offline answers every request that has an `Origin` with CORS headers (the origin
 * reflected, credentials allowed) and turns OPTIONS into a 200; API Gateway adds CORS only where an
 * endpoint configures it. Without CORS in serverless.yml, `Origin` stays here.
 */
const CORS_TRIGGER = ['origin'];

/**
 * The client's headers, each as often as it was sent (Node's `headers` joins repeats into one value;
 * API Gateway hands the function every value in multiValueHeaders, and a repeated header is ours to judge).
 */
export function forwardedHeaders(
  incoming: IncomingMessage,
  body: Buffer,
  cors: boolean,
): OutgoingHttpHeaders {
  const forwarded: OutgoingHttpHeaders = Object.fromEntries(
    Object.entries(incoming.headersDistinct).map(([name, values = []]) => [
      name,
      values.length === 1 ? values[0] : values,
    ]),
  );
  for (const name of [...HOP_BY_HOP, ...RANGE, ...(cors ? [] : CORS_TRIGGER)]) delete forwarded[name];
  if (body.length > 0 || incoming.headers['content-length'] !== undefined)
    forwarded['content-length'] = String(body.length);
  return forwarded;
}
