import { problemType } from '../lib/errors';

/**
 * What the gateway in front of the functions answers on its own (throttling, a body over its limit, an
 * integration timeout, anything else it refuses or fails at), as RFC 9457 problems like our own. On AWS
 * these become API Gateway gateway responses (delivery/template/gateway-responses.ts); `npm start`'s
 * gateway (local/gateway.ts) answers the same documents. Response types and default status codes:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
 */
export interface GatewayProblem {
  /** Absent for the DEFAULT_4XX/5XX fallbacks, whose status is the one of the error they stand for. */
  status?: number;
  slug: string;
  title: string;
  /** What `npm start` says; on AWS the detail is API Gateway's own message. */
  detail: string;
}

export const GATEWAY_PROBLEMS = {
  THROTTLED: {
    status: 429,
    slug: 'throttled',
    title: 'Too Many Requests',
    detail: 'Too many requests are waiting; retry after a short pause.',
  },
  REQUEST_TOO_LARGE: {
    status: 413,
    slug: 'body-too-large',
    title: 'Content Too Large',
    detail: 'The request body exceeds the gateway limit of 10 MB.',
  },
  INTEGRATION_TIMEOUT: {
    status: 504,
    slug: 'gateway-timeout',
    title: 'Gateway Timeout',
    detail: 'The function did not answer in time; the request may or may not have taken effect.',
  },
  DEFAULT_4XX: {
    slug: 'request-rejected',
    title: 'Request Rejected',
    detail: 'The gateway could not route this request: its path, method or headers are malformed.',
  },
  DEFAULT_5XX: {
    slug: 'gateway-error',
    title: 'Gateway Error',
    detail: 'The gateway could not get an answer from the function; try again later.',
  },
} as const satisfies Record<string, GatewayProblem>;

export type GatewayResponseType = keyof typeof GATEWAY_PROBLEMS;

/** API Gateway's limit on a request body (REST APIs), which `npm start` enforces too. */
export const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;
/** API Gateway's limit on how long it waits for a Lambda integration by default (29 s). */
export const GATEWAY_TIMEOUT_MS = 29_000;

/** The problem members every gateway answer shares, before the detail and request ID. */
export function gatewayProblemHead(problem: GatewayProblem) {
  return {
    type: problemType(problem.slug),
    title: problem.title,
    ...(problem.status !== undefined && { status: problem.status }),
  };
}
