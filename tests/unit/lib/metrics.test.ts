import { afterEach, describe, expect, it, vi } from 'vitest';
import { lambdaContext } from '../../support/fixtures';

async function loadWithMetrics(enabled: string) {
  vi.resetModules();
  vi.stubEnv('METRICS_ENABLED', enabled);
  vi.stubEnv('METRICS_NAMESPACE', 'TestNamespace');
  return import('../../../lib/metrics');
}

function capturedLines(write: { mock: { calls: unknown[][] } }) {
  return write.mock.calls.map(([chunk]) => JSON.parse(String(chunk)));
}

describe('recordResponse', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it('writes one high-resolution EMF line per answer, with 5xx counted per version', async () => {
    const { recordResponse } = await loadWithMetrics('true');
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const context = lambdaContext({ functionName: 'canary-api-test-fn', version: '12', qualifier: '12' });
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2026, 10, 24, 12) });
    recordResponse(context, 200);
    recordResponse(context, 503);
    const [ok, failed] = capturedLines(write);
    expect(ok._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'TestNamespace',
        Dimensions: [['FunctionName', 'Resource', 'ExecutedVersion']],
        Metrics: [
          { Name: 'Requests', Unit: 'Count', StorageResolution: 1 },
          { Name: 'ServerErrors', Unit: 'Count', StorageResolution: 1 },
        ],
      },
    ]);
    expect(ok).toMatchObject({
      FunctionName: 'canary-api-test-fn',
      Resource: 'canary-api-test-fn:12',
      ExecutedVersion: '12',
      Requests: 1,
      ServerErrors: 0,
    });
    expect(failed).toMatchObject({ ExecutedVersion: '12', ServerErrors: 1 });
    expect(ok._aws.Timestamp).toBe(Date.UTC(2026, 10, 24, 12));
  });

  it('names the alias it was invoked through, as Lambda does for the Resource dimension', async () => {
    const { recordResponse } = await loadWithMetrics('true');
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const functionName = 'canary-api-test-fn';
    const throughAlias = lambdaContext({ functionName, version: '12', qualifier: 'live' });
    const unqualified = lambdaContext({ functionName, version: '12' });
    recordResponse(throughAlias, 200);
    recordResponse(unqualified, 200);
    const [alias, bare] = capturedLines(write);
    expect([alias.Resource, bare.Resource]).toEqual(['canary-api-test-fn:live', 'canary-api-test-fn']);
  });

  it('writes nothing when metrics are disabled', async () => {
    const { recordResponse } = await loadWithMetrics('false');
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    recordResponse(lambdaContext(), 500);
    expect(write).not.toHaveBeenCalled();
  });
});
