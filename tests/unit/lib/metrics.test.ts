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
  });

  it('writes one high-resolution EMF line per answer, with 5xx counted per version', async () => {
    const { recordResponse } = await loadWithMetrics('true');
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    recordResponse(lambdaContext('12'), 200);
    recordResponse(lambdaContext('12'), 503);
    const [ok, failed] = capturedLines(write);
    expect(ok._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'TestNamespace',
        Dimensions: [['FunctionName', 'Version']],
        Metrics: [
          { Name: 'Requests', Unit: 'Count', StorageResolution: 1 },
          { Name: 'ServerErrors', Unit: 'Count', StorageResolution: 1 },
        ],
      },
    ]);
    expect(ok).toMatchObject({
      FunctionName: 'canary-api-test-fn',
      Version: '12',
      Requests: 1,
      ServerErrors: 0,
    });
    expect(failed).toMatchObject({ Version: '12', ServerErrors: 1 });
    expect(Math.abs(ok._aws.Timestamp - Date.now())).toBeLessThan(5_000);
  });

  it('writes nothing when metrics are disabled', async () => {
    const { recordResponse } = await loadWithMetrics('false');
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    recordResponse(lambdaContext(), 500);
    expect(write).not.toHaveBeenCalled();
  });
});
