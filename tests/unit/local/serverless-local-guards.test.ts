import inspector from 'node:inspector';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';

interface FakeServerless {
  processedInput: { commands: string[] };
  service: { custom: { esbuild: Record<string, unknown>; embeddedDynamoDB: { requiredBy: string[] } } };
  serviceDir: string;
  classes: { Error: typeof Error };
}
type Guards = new (
  serverless: FakeServerless,
  options: { function?: string },
) => { hooks: Record<string, () => Promise<void>> };

const Guards = createRequire(import.meta.url)('../../../local/serverless-local-guards.cjs') as Guards;

const serverless = (commands: string[]): FakeServerless => ({
  processedInput: { commands },
  service: {
    custom: { esbuild: { minify: true, target: 'node20' }, embeddedDynamoDB: { requiredBy: ['hits'] } },
  },
  serviceDir: '/nowhere',
  classes: { Error },
});

describe('the local osls guards', () => {
  // A debugger attached, as `node --inspect-brk` gives one, without opening a real inspector.
  const underInspector = () => vi.spyOn(inspector, 'url').mockReturnValue('ws://127.0.0.1:9229/test');
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('bundles sls invoke local under the inspector unminified, with inline source maps', () => {
    // Prepare
    const invoke = serverless(['invoke', 'local']);
    underInspector();
    // Act
    new Guards(invoke, { function: 'hello' });
    // Assess
    expect(invoke.service.custom.esbuild).toEqual({ minify: false, sourcemap: 'inline', target: 'node20' });
  });

  it('leaves the bundle as deployed without the inspector, and for any other command', () => {
    const invoke = serverless(['invoke', 'local']);
    new Guards(invoke, { function: 'hello' });
    underInspector();
    const pack = serverless(['package']);
    new Guards(pack, {});
    for (const { service } of [invoke, pack])
      expect(service.custom.esbuild).toEqual({ minify: true, target: 'node20' });
  });

  it("hides the AWS SDK's Node 22 reminder from sls invoke local, unless it was asked for", async () => {
    const { hooks } = new Guards(serverless(['invoke', 'local']), { function: 'hello' });
    vi.stubEnv('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', undefined);
    await hooks['before:invoke:local:loadEnvVars']?.();
    expect(process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBe('true');
    vi.stubEnv('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'false');
    await hooks['before:invoke:local:loadEnvVars']?.();
    expect(process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBe('false');
  });
});
