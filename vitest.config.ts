import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // What serverless.yml gives every function; lib/config.ts refuses to load without it.
    env: {
      TABLE_NAME: 'canary-api-test',
      AWS_REGION: 'us-east-1',
      METRICS_ENABLED: 'false',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    testTimeout: 20_000,
    hookTimeout: 120_000,
    // Package and end-to-end tests spawn whole toolchains; two files at once is what two cores carry.
    maxWorkers: 2,
  },
});
