import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import { parse } from 'yaml';

const provider = parse(readFileSync('serverless.yml', 'utf8'), { logLevel: 'silent' }).provider;

// What serverless.yml gives every function (lib/config.ts refuses to load without it), with a table
// and region of the tests' own.
const lambdaEnvironment = {
  METRICS_NAMESPACE: provider.environment.METRICS_NAMESPACE,
  TABLE_NAME: 'canary-api-test',
  AWS_REGION: 'us-east-1',
  METRICS_ENABLED: 'false',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

export default defineConfig({
  test: {
    env: lambdaEnvironment,
    testTimeout: 20_000,
    hookTimeout: 180_000,
    coverage: {
      provider: 'v8',
      // What runs on Lambda and during a deploy; the template builders run in-process in their tests.
      include: ['lib/**/*.ts', 'functions/**/*.ts', 'delivery/**/*.ts'],
      reporter: ['text-summary', 'html'],
      thresholds: {
        'lib/**': { lines: 95 },
        'functions/**': { lines: 95 },
        'delivery/**': { lines: 95 },
      },
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'code',
          include: [
            'tests/unit/**/*.test.ts',
            'tests/integration/**/*.test.ts',
            'tests/infra/**/*.test.ts',
            'tests/architecture/**/*.test.ts',
          ],
          exclude: [
            'tests/infra/stage-*.test.ts',
            'tests/infra/deployer.test.ts',
            'tests/infra/call-matrix.test.ts',
          ],
        },
      },
      {
        // sls package, sls invoke local and npm start share serverless-esbuild's .esbuild folder, and
        // packaging empties it: these files run one at a time (the stage templates are packaged too).
        extends: true,
        test: {
          name: 'toolchain',
          globalSetup: ['tests/support/scratch-setup.ts'],
          include: [
            'tests/e2e/**/*.test.ts',
            'tests/package/**/*.test.ts',
            'tests/infra/stage-*.test.ts',
            'tests/infra/deployer.test.ts',
            'tests/infra/call-matrix.test.ts',
          ],
          fileParallelism: false,
        },
      },
    ],
  },
});
