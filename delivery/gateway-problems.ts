import { PROBLEM_MEDIA_TYPE, problemType } from '../lib/errors';

/**
 * What the gateway in front of the functions answers on its own (throttling, a body over its limit, an
 * integration timeout, anything else it refuses or fails at), as RFC 9457 problems like our own. On AWS
 * these become API Gateway gateway responses (delivery/template/gateway-responses.ts); `npm start`'s
 * gateway (local/gateway.ts) answers the same documents with the same headers. Response types and
 * their default status codes:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
 */
export interface GatewayProblem {
  /** Absent for the DEFAULT_4XX/5XX fallbacks, whose status is the one of the error they stand for. */
  status?: number;
  slug: string;
  title: string;
  detail: string;
  /** On AWS, API Gateway's own message instead of `detail` (what it refused, never anything internal). */
  detailFromGateway?: boolean;
  retryAfterSeconds?: number;
}

export const GATEWAY_PROBLEMS = {
  THROTTLED: {
    status: 429,
    slug: 'throttled',
    title: 'Too Many Requests',
    detail: "The stage's request rate limit is exceeded; retry after a second.",
    retryAfterSeconds: 1,
  },
  REQUEST_TOO_LARGE: {
    status: 413,
    slug: 'body-too-large',
    title: 'Content Too Large',
    detail: "The request exceeds API Gateway's 10 MB limit.",
  },
  INTEGRATION_TIMEOUT: {
    status: 504,
    slug: 'gateway-timeout',
    title: 'Gateway Timeout',
    detail: 'The function did not answer in time; try again.',
  },
  DEFAULT_4XX: {
    slug: 'gateway-rejected',
    title: 'Request Rejected',
    detail: 'The gateway could not route this request: its path, method or headers are malformed.',
    detailFromGateway: true,
  },
  DEFAULT_5XX: {
    slug: 'gateway-error',
    title: 'Gateway Error',
    detail: 'The API could not reach the function; try again shortly.',
  },
} as const satisfies Record<string, GatewayProblem>;

export type GatewayResponseType = keyof typeof GATEWAY_PROBLEMS;

/** API Gateway's limit on a request body (REST APIs), which `npm start` enforces too. */
export const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;
/** API Gateway's default limit on how long it waits for a Lambda integration. */
export const GATEWAY_TIMEOUT_MS = 29_000;
/** What the gateway's answers carry where the functions' carry the Lambda version that served them. */
export const GATEWAY_VERSION = 'gateway';

/** The headers of a gateway problem answer, the same on AWS and under `npm start`. */
export function gatewayProblemHeaders(problem: GatewayProblem): Record<string, string> {
  return {
    'content-type': PROBLEM_MEDIA_TYPE,
    'cache-control': 'no-store',
    'x-function-version': GATEWAY_VERSION,
    ...(problem.retryAfterSeconds !== undefined && { 'retry-after': String(problem.retryAfterSeconds) }),
  };
}

/** The problem members every gateway answer shares, before the detail and request ID. */
export function gatewayProblemHead(problem: GatewayProblem) {
  return {
    type: problemType(problem.slug),
    title: problem.title,
    ...(problem.status !== undefined && { status: problem.status }),
  };
}
