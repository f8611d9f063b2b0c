import { incrementCounter, incrementCounterOnce, readCounter } from './dynamodb';
import { BadRequest, NotFound } from './errors';

const COUNTER_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
/** Printable ASCII, as in the IETF Idempotency-Key draft's examples (UUIDs, ULIDs, random tokens). */
const IDEMPOTENCY_KEY = /^[\x20-\x7E]{1,128}$/;
/** The counter behind GET /hits, the web hit counter this service grew from. */
const CLASSIC_COUNTER = 'default';

export interface CounterState {
  counter: string;
  hits: number;
}

/** `.` and `..` are dot segments of a path (RFC 3986 §3.3), which clients remove: `/hits/.` is `/hits/`. */
const DOT_SEGMENT = /^\.{1,2}$/;

function checkName(name: string): string {
  if (DOT_SEGMENT.test(name))
    throw new NotFound(`'${name}' is a path segment, not a counter: there is no such path.`);
  if (!COUNTER_NAME.test(name)) {
    throw new BadRequest(
      'Counter names are 1-64 characters of A-Z, a-z, 0-9, _, . and -.',
      'invalid-counter-name',
    );
  }
  return name;
}

/** A request to count a hit: the key and body matter only to tell a retry from a new request. */
export interface HitRequest {
  idempotencyKey: string | undefined;
  body: string | null;
}

/** Counts one hit, at most once per Idempotency-Key when the client sends one. */
export async function hit(name: string, { idempotencyKey, body }: HitRequest): Promise<CounterState> {
  const counter = checkName(name);
  if (idempotencyKey === undefined) return { counter, hits: await incrementCounter(counter) };
  if (!IDEMPOTENCY_KEY.test(idempotencyKey)) {
    throw new BadRequest(
      'Idempotency-Key must be 1-128 printable ASCII characters.',
      'invalid-idempotency-key',
    );
  }
  return { counter, hits: await incrementCounterOnce({ counter, idempotencyKey, body }) };
}

/** The current value of a counter without counting. */
export async function currentHits(name: string): Promise<CounterState> {
  const counter = checkName(name);
  return { counter, hits: await readCounter(counter) };
}

/** Counts a hit on the classic counter and says so the way the original service did. */
export async function classicHit(request: HitRequest) {
  const state = await hit(CLASSIC_COUNTER, request);
  return { ...state, message: `Holla! we have hit ${state.hits} times` };
}
