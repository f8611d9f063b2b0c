import middy, { type MiddlewareObj } from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import {
  BadRequest,
  HttpProblem,
  MethodNotAllowed,
  PayloadTooLarge,
  PROBLEM_MEDIA_TYPE,
  ServiceUnavailable,
} from './errors';
import { recordResponse } from './metrics';
import { ROUTES } from './routes';

export type ApiEvent = APIGatewayProxyEvent;
export type ApiResult = APIGatewayProxyResult;
type ApiHandler = (event: ApiEvent, context: Context) => Promise<ApiResult>;
type ApiMiddleware = MiddlewareObj<ApiEvent, ApiResult, Error, Context>;

const JSON_TYPE = 'application/json; charset=utf-8';
const PROBLEM_TYPE = `${PROBLEM_MEDIA_TYPE}; charset=utf-8`;

/** Stop the handler this long before Lambda would kill it, so the client gets a 503, not a gateway 502. */
const TIMEOUT_MARGIN_MS = 500;

/** A JSON answer with our content type. */
export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResult {
  return { statusCode, headers: { 'content-type': JSON_TYPE, ...headers }, body: JSON.stringify(body) };
}

/** What every failure of ours answers: the details go to the log, never to the client. */
const INTERNAL_ERROR = new HttpProblem(
  500,
  'Internal Server Error',
  'The server could not answer this request. It has been logged; try again later.',
  'internal-error',
);

function problemFor(error: Error, context: Context): ApiResult {
  const problem = error instanceof HttpProblem ? error : INTERNAL_ERROR;
  if (problem.status >= 500) console.error(error);
  return {
    statusCode: problem.status,
    // 404 and 405 are heuristically cacheable (RFC 9111 §4.2.2): no error of ours may be reused.
    headers: { 'content-type': PROBLEM_TYPE, 'cache-control': 'no-store', ...problem.headers },
    body: JSON.stringify({
      type: problem.type,
      title: problem.title,
      status: problem.status,
      detail: problem.message,
      requestId: context.awsRequestId,
    }),
  };
}

/** The single place where a thrown error becomes an RFC 9457 answer; nothing internal leaks into it. */
const problemDetails = (): ApiMiddleware => ({
  onError: (request) => {
    if (request.error) request.response = problemFor(request.error, request.context);
  },
});

/** Stamps every answer, success or problem, with the serving version and counts it for the alarms. */
const responseMetadata = (): ApiMiddleware => {
  const finish: NonNullable<ApiMiddleware['after']> = (request) => {
    const response = request.response;
    if (!response) return;
    response.headers = { ...response.headers, 'x-function-version': request.context.functionVersion };
    recordResponse(request.context, response.statusCode);
  };
  return { after: finish, onError: finish };
};

/**
 * Only the methods a route declares reach its handler. API Gateway sends any other method of a known
 * path to the fallback's ANY, which answers 405; serverless-offline also hands a GET route its HEAD
 * requests, which must not reach a handler that counts (HEAD never changes state, RFC 9110).
 */
const declaredMethodsOnly = (): ApiMiddleware => ({
  before: ({ event }) => {
    const allowed = ROUTES[event.resource];
    if (allowed && !allowed.includes(event.httpMethod)) throw new MethodNotAllowed(event.httpMethod, allowed);
  },
});

function timedOut(): never {
  throw new ServiceUnavailable('The request took too long to complete; try again.', 1);
}

/** Wraps an API Gateway proxy handler in the one middleware stack every endpoint shares. */
export function api(handler: ApiHandler) {
  return middy<ApiEvent, ApiResult, Error, Context>({
    timeoutEarlyInMillis: TIMEOUT_MARGIN_MS,
    timeoutEarlyResponse: timedOut,
  })
    .use(httpHeaderNormalizer())
    .use(responseMetadata())
    .use(problemDetails())
    .use(declaredMethodsOnly())
    .handler(handler);
}

/** A single-valued query parameter; repeating it is ambiguous and therefore a 400. */
export function queryParam(event: ApiEvent, name: string): string | undefined {
  const values = event.multiValueQueryStringParameters?.[name];
  if (values && values.length > 1)
    throw new BadRequest(`Query parameter '${name}' must be given at most once.`);
  return event.queryStringParameters?.[name] ?? undefined;
}

/**
 * A single-valued request header by lower-case name (the header normalizer has lower-cased them all).
 * Sent twice it is ambiguous, and API Gateway would hand the function only the last: a 400.
 */
export function header(event: ApiEvent, name: string): string | undefined {
  const values = event.multiValueHeaders?.[name];
  if (values && values.length > 1) throw new BadRequest(`Header '${name}' must be given at most once.`);
  return event.headers?.[name] ?? undefined;
}

/** API Gateway allows 10 MB; no endpoint of this API has a use for more than this. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Fatal: a body that is not UTF-8 is refused, never patched with U+FFFD. ignoreBOM: a BOM is kept, the echo is byte for byte. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The body's bytes (API Gateway sends them base64), refused with 413 above MAX_BODY_BYTES. */
function bodyBytes(event: ApiEvent): Buffer | undefined {
  if (event.body === null || event.body === undefined) return undefined;
  const bytes = Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  if (bytes.byteLength > MAX_BODY_BYTES) throw new PayloadTooLarge(MAX_BODY_BYTES);
  return bytes;
}

/** The request body as text, refused with 413 when too large and with 400 when it is not UTF-8. */
export function textBody(event: ApiEvent): string {
  const bytes = bodyBytes(event);
  if (!bytes) return '';
  try {
    return utf8.decode(bytes);
  } catch {
    throw new BadRequest('The request body is not valid UTF-8.', 'invalid-encoding');
  }
}

/** A body the endpoint does not read but must tell apart from another (base64), within the same limit. */
export function opaqueBody(event: ApiEvent): string | null {
  return bodyBytes(event)?.toString('base64') ?? null;
}
