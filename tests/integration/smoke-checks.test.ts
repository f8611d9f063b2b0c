import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { proxyEvent } from '../../delivery/api-gateway-event';
import { SMOKE_CHECKS, verdict } from '../../delivery/smoke-checks';
import type { EmbeddedDynamoDB } from '../../local/embedded-dynamodb';
import { lambdaContext } from '../support/fixtures';
import { startTestDynamoDB } from '../support/local-api';

let dynamodb: EmbeddedDynamoDB;
beforeAll(async () => {
  dynamodb = await startTestDynamoDB();
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamodb.endpoint);
});
afterAll(() => dynamodb?.close());

// A check that a correct release fails would roll back every deployment of that function.
describe.each(Object.entries(SMOKE_CHECKS))('the %s smoke checks', (key, checks) => {
  it.each(checks.map((check) => [check.name, check] as const))(
    'pass against the real handler: %s',
    async (_, check) => {
      const { handler } = await import(`../../functions/${key}.ts`);
      const answer = await handler(proxyEvent(check.request), lambdaContext({ version: '9' }));
      expect(verdict(check, answer, '9')).toBeUndefined();
    },
  );
});
