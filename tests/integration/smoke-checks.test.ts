import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { proxyEvent } from '../../delivery/api-gateway-event';
import { judgeCheck, type Sleep, SMOKE_CHECKS } from '../../delivery/smoke-checks';
import type { EmbeddedDynamoDB } from '../../local/embedded-dynamodb';
import { lambdaContext } from '../support/fixtures';
import { startTestDynamoDB } from '../support/local-api';

let dynamodb: EmbeddedDynamoDB;
beforeAll(async () => {
  dynamodb = await startTestDynamoDB();
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamodb.endpoint);
});
afterAll(() => dynamodb?.close());

// A check that a correct release fails would roll back every deployment of that function; one it
// passes only on a retry would lean on the retries meant for shared noise.
describe.each(Object.entries(SMOKE_CHECKS))('the %s smoke checks', (key, checks) => {
  it.each(checks.map((check) => [check.name, check] as const))(
    'pass against the real handler at the first attempt: %s',
    async (_, check) => {
      const { handler } = await import(`../../functions/${key}.ts`);
      const sleep = vi.fn<Sleep>(async () => undefined);
      const attempt = async () => ({
        answer: await handler(proxyEvent(check.request), lambdaContext({ version: '9' })),
      });
      expect(await judgeCheck(check, attempt, '9', { sleep })).toBeUndefined();
      expect(sleep).not.toHaveBeenCalled();
    },
  );
});
