/**
 * Every failure a client can cause or should know about is one of these; lib/http.ts is the one place
 * that turns them into RFC 9457 problem+json. Anything else thrown is ours and answers a generic 500.
 */
/** A non-dereferenceable tag URI (RFC 9457 §3.1.1 suggests these when no documentation URL exists). */
export const problemType = (slug: string) => `tag:canary-api,2026:problems/${slug}`;

/** The media type of every problem answer, ours and the gateway's. */
export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

export class HttpProblem extends Error {
  readonly type: string;

  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
    slug: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail);
    this.name = new.target.name;
    this.type = problemType(slug);
  }
}

export class BadRequest extends HttpProblem {
  constructor(detail: string, slug = 'invalid-request') {
    super(400, 'Bad Request', detail, slug);
  }
}

export class NotFound extends HttpProblem {
  constructor(detail: string) {
    super(404, 'Not Found', detail, 'not-found');
  }
}

export class MethodNotAllowed extends HttpProblem {
  constructor(method: string, allowed: readonly string[]) {
    super(
      405,
      'Method Not Allowed',
      `${method} is not supported here; use ${allowed.join(' or ')}.`,
      'method-not-allowed',
      {
        allow: allowed.join(', '),
      },
    );
  }
}

/** IETF Idempotency-Key draft, section 2.7: a key reused with a different payload is a 422. */
export class IdempotencyKeyReused extends HttpProblem {
  constructor() {
    super(
      422,
      'Unprocessable Content',
      'This Idempotency-Key was first sent with another counter or body; send a new key for a new request.',
      'idempotency-key-reused',
    );
  }
}

/** A counter records at most so many Idempotency-Keys a window; the next window has room again. */
export class KeyedHitsExhausted extends HttpProblem {
  constructor(keysPerWindow: number, retryAfterSeconds: number) {
    super(
      429,
      'Too Many Requests',
      `This counter took ${keysPerWindow} requests with an Idempotency-Key in this window; retry after ${retryAfterSeconds} s.`,
      'idempotency-keys-exhausted',
      { 'retry-after': String(retryAfterSeconds) },
    );
  }
}

export class PayloadTooLarge extends HttpProblem {
  constructor(limitBytes: number) {
    super(413, 'Content Too Large', `The request body exceeds ${limitBytes} bytes.`, 'body-too-large');
  }
}

export class UnsupportedMediaType extends HttpProblem {
  constructor(received: string | undefined, supported: readonly string[]) {
    super(
      415,
      'Unsupported Media Type',
      `Content-Type ${received ? `'${received}'` : '(none)'} is not supported; send ${supported.join(' or ')}.`,
      'unsupported-media-type',
      { 'accept-post': supported.join(', ') },
    );
  }
}

/** A dependency of ours is unavailable; the client may retry after the given delay. */
export class ServiceUnavailable extends HttpProblem {
  constructor(detail: string, retryAfterSeconds: number) {
    super(503, 'Service Unavailable', detail, 'service-unavailable', {
      'retry-after': String(retryAfterSeconds),
    });
  }
}
