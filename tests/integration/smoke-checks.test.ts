import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { proxyEvent } from '../../delivery/api-gateway-event';
import { judgeCheck, type Sleep, SMOKE_CHECKS } from '../../delivery/smoke-checks';
import type { EmbeddedDynamoDB } from '../../local/embedded-dynamodb';
import { contractViolations } from '../support/contract';
import { lambdaContext } from '../support/fixtures';
import { startTestDynamoDB } from '../support/local-api';

let dynamodb: EmbeddedDynamoDB;
beforeAll(async () => {
  dynamodb = await startTestDynamoDB();
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamodb.endpoint);
});
afterAll(() => dynamodb?.close());

// A check that a correct release fails would roll back every deployment of that function; one it
// passes only on a retry would lean on the retries meant for shared noise. An endpoint's checks are
// the examples of openapi.yaml, so each answer is also held to the contract there.
describe.each(Object.entries(SMOKE_CHECKS))('the %s smoke checks', (key, checks) => {
  it.each(checks.map((check) => [check.name, check] as const))(
    'pass against the real handler at the first attempt, as openapi.yaml describes: %s',
    async (_, check) => {
      const { handler } = await import(`../../functions/${key}.ts`);
      const sleep = vi.fn<Sleep>(async () => undefined);
      const answers: { statusCode: number; headers: Record<string, string>; body: string }[] = [];
      const attempt = async () => {
        const answer = await handler(proxyEvent(check.request), lambdaContext({ version: '9' }));
        answers.push(answer);
        return { answer };
      };
      expect(await judgeCheck(check, attempt, '9', { sleep })).toBeUndefined();
      expect(sleep).not.toHaveBeenCalled();
      const [answer] = answers;
      const { method = 'GET', resource } = check.request;
      const observed = {
        method,
        // The fallback's resources are no operation of openapi.yaml.
        template: key === 'fallback' ? undefined : resource,
        status: answer?.statusCode ?? 0,
        headers: new Headers(answer?.headers),
        body: answer?.body ?? '',
      };
      expect(contractViolations(observed)).toEqual([]);
    },
  );
});
