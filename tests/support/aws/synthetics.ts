/**
 * The Synthetics API as the judge calls it (delivery/judge/synthetics-api.ts), answering as the API
 * reference says it does (REST-JSON):
 * - GetCanary, GET /canary/{Name}: 200 with `Canary`, its Timeline's timestamps in epoch seconds
 *   (@aws-sdk/client-synthetics 3.669's de_CanaryTimeline parses them with parseEpochTimestamp);
 *   LastStarted absent before the first run.
 * - StartCanary, POST /canary/{Name}/start: 200 with an empty object; 409 ConflictException while a run
 *   is starting or running; 404 ResourceNotFoundException for an unknown canary.
 * REST-JSON names an error in the x-amzn-ErrorType header, and some services only in the body's
 * `__type`: both shapes are served (`errorIn`).
 */

export interface FakeSyntheticsOptions {
  canaryName: string;
  /** Epoch ms of the latest run's start, if it ever ran. */
  lastStarted?: number;
  /** StartCanary's answer: started, or refused because a run is under way. */
  busy?: boolean;
  errorIn?: 'header' | 'body';
}

export interface FakeAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function fakeSynthetics(options: FakeSyntheticsOptions) {
  const calls: { method: string; path: string; headers: Record<string, string> }[] = [];
  const error = (status: number, name: string, message: string): FakeAnswer =>
    options.errorIn === 'body'
      ? {
          status,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ __type: name, message }),
        }
      : {
          status,
          headers: {
            'content-type': 'application/json',
            'x-amzn-errortype': `${name}:http://internal.amazon.com/`,
          },
          body: JSON.stringify({ message }),
        };
  function answer(method: string, path: string, headers: Record<string, string>): FakeAnswer {
    calls.push({ method, path, headers });
    const canary = `/canary/${encodeURIComponent(options.canaryName)}`;
    if (!path.startsWith(`${canary}`) || (path !== canary && path !== `${canary}/start`))
      return error(404, 'ResourceNotFoundException', 'Canary not found');
    if (method === 'GET' && path === canary)
      return {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          Canary: {
            Name: options.canaryName,
            Schedule: { Expression: 'rate(0 minute)', DurationInSeconds: 0 },
            Status: { State: options.busy ? 'RUNNING' : 'STOPPED' },
            Timeline: {
              Created: 1_764_489_600,
              LastModified: 1_764_489_600,
              ...(options.lastStarted !== undefined && {
                LastStarted: options.lastStarted / 1000,
                LastStopped: options.lastStarted / 1000 + 21.5,
              }),
            },
          },
        }),
      };
    if (method === 'POST' && path === `${canary}/start`)
      return options.busy
        ? error(409, 'ConflictException', 'A conflicting operation is already in progress.')
        : { status: 200, headers: { 'content-type': 'application/json' }, body: '{}' };
    return error(404, 'ResourceNotFoundException', 'No such operation');
  }
  return { answer, calls };
}
