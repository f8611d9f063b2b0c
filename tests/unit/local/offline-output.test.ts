import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { bannerFilter, OFFLINE_BANNER, pipeLines } from '../../../local/offline-output';

// serverless-offline 14.8's start under npm start, as it printed it (routes shortened).
const STDOUT = [
  '',
  '',
  ' ┌─────────────────────────────────────────────────────────────────────────────┐',
  ' │                                                                             │',
  ' │   GET  | http://127.0.0.1:44967/hello                                       │',
  ' │   POST | http://127.0.0.1:44967/2015-03-31/functions/hello/invocations      │',
  ' │   ANY  | http://127.0.0.1:44967/{proxy*}                                    │',
  ' │                                                                             │',
  ' └─────────────────────────────────────────────────────────────────────────────┘',
  '',
  '{"level":"INFO","message":"a handler log"}',
  ' │ a handler line drawn like the box │',
];
const STDERR = [
  'Warning: something osls wants you to know',
  'Starting Offline at stage dev (eu-west-1)',
  'Offline [http for lambda] listening on http://127.0.0.1:36817',
  'Function names exposed for local invocation by aws-sdk:',
  '   * hello: canary-api-dev-hello',
  '   * postTraffic: canary-api-dev-postTraffic',
  'Server ready: http://127.0.0.1:44967 🚀',
  '',
  '',
  'GET /hello (λ: hello)',
  '(λ: hello) RequestId: d188fbce  Duration: 26.03 ms  Billed Duration: 27 ms',
  '   * not: a-banner-line-any-more',
  'Halting offline server',
];

const kept = (lines: string[], filter: (line: string) => boolean) => lines.filter(filter);

describe("serverless-offline's output under npm start", () => {
  it('leaves out the route box with its internal port, and nothing a handler prints after it', () => {
    expect(kept(STDOUT, bannerFilter(OFFLINE_BANNER.stdout))).toEqual([
      '{"level":"INFO","message":"a handler log"}',
      ' │ a handler line drawn like the box │',
    ]);
  });

  it('leaves out its start-up lines and goodbye, and keeps warnings and the line per request', () => {
    expect(kept(STDERR, bannerFilter(OFFLINE_BANNER.stderr))).toEqual([
      'Warning: something osls wants you to know',
      'GET /hello (λ: hello)',
      '(λ: hello) RequestId: d188fbce  Duration: 26.03 ms  Billed Duration: 27 ms',
      '   * not: a-banner-line-any-more',
    ]);
  });

  it('keeps a build error that comes instead of the banner, esbuild drawing included', () => {
    const error = [
      '✘ [ERROR] Unterminated string literal',
      '    lib/greeting.ts:10:48:',
      "      10 │   if (name === undefined) return 'Hello, world!;",
      '         ╵                                                 ^',
      'Error: Build failed with 1 error:',
    ];
    expect(kept(error, bannerFilter(OFFLINE_BANNER.stdout))).toEqual(error);
    expect(kept(error, bannerFilter(OFFLINE_BANNER.stderr))).toEqual(error);
  });

  it('recognises its lines in colour too', () => {
    expect(bannerFilter(OFFLINE_BANNER.stderr)('\u001b[2mStarting Offline at stage dev\u001b[22m')).toBe(
      false,
    );
  });

  it('copies a stream line by line, the last line without its newline too', async () => {
    const from = new PassThrough();
    const to = new PassThrough();
    pipeLines(from, (line) => line !== 'drop', to);
    from.end('one\ndrop\ntw');
    from.on('end', () => setImmediate(() => to.end()));
    const chunks: string[] = [];
    for await (const chunk of to) chunks.push(String(chunk));
    expect(chunks.join('')).toBe('one\ntw\n');
  });
});
