import { describe, expect, it } from 'vitest';
import { GATEWAY_PROBLEMS } from '../../../../delivery/gateway-problems';
import { addGatewayResponses, gatewayResponse } from '../../../../delivery/template/gateway-responses';
import type { Template } from '../../../../delivery/template/types';

/**
 * What API Gateway does with a gateway response template: plain substitution of $context variables,
 * `messageString` being the message as a quoted JSON string (the developer guide's
 * api-gateway-gatewayResponse-definition and its examples: `{"message":$context.error.messageString}`).
 */
function render(template: string, message: string, requestId: string): unknown {
  return JSON.parse(
    template
      .replaceAll('$context.error.messageString', JSON.stringify(message))
      .replaceAll('$context.requestId', requestId),
  );
}

describe('gateway responses', () => {
  it('answer throttling with a problem document, its status, Retry-After, no-store and the version header', () => {
    const properties = gatewayResponse('THROTTLED').Properties ?? {};
    expect([properties.ResponseType, properties.StatusCode]).toEqual(['THROTTLED', '429']);
    expect(properties.ResponseParameters).toEqual({
      'gatewayresponse.header.Content-Type': "'application/problem+json'",
      'gatewayresponse.header.Cache-Control': "'no-store'",
      'gatewayresponse.header.X-Function-Version': "'gateway'",
      'gatewayresponse.header.Retry-After': "'1'",
    });
    expect(render(properties.ResponseTemplates['application/json'], 'ignored', 'r-1')).toEqual({
      type: 'tag:canary-api,2026:problems/throttled',
      title: 'Too Many Requests',
      status: 429,
      detail: GATEWAY_PROBLEMS.THROTTLED.detail,
      requestId: 'r-1',
    });
  });

  it("quote API Gateway's message only where it says what was refused (DEFAULT_4XX)", () => {
    const rejected = gatewayResponse('DEFAULT_4XX').Properties?.ResponseTemplates['application/json'];
    expect(render(rejected, 'Missing "Authentication" Token', 'r')).toMatchObject({
      detail: 'Missing "Authentication" Token',
    });
    const failed = gatewayResponse('DEFAULT_5XX').Properties?.ResponseTemplates['application/json'];
    expect(render(failed, 'Internal server error', 'r')).toMatchObject({
      detail: GATEWAY_PROBLEMS.DEFAULT_5XX.detail,
    });
  });

  it('leave the status out of the DEFAULT_4XX and DEFAULT_5XX fallbacks, which stand for many', () => {
    for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX'] as const) {
      const properties = gatewayResponse(type).Properties ?? {};
      expect(properties.StatusCode).toBeUndefined();
      const body = render(properties.ResponseTemplates['application/json'], 'm', 'r');
      expect(Object.keys(body as object)).toEqual(['type', 'title', 'detail', 'requestId']);
      expect(body).toMatchObject({ type: `tag:canary-api,2026:problems/${GATEWAY_PROBLEMS[type].slug}` });
    }
  });

  it('are all added under the IDs serverless.yml once gave them, and the API deployment waits for them', () => {
    const template: Template = {
      Resources: { ApiGatewayDeployment1: { Type: 'AWS::ApiGateway::Deployment', DependsOn: ['X'] } },
    };
    addGatewayResponses(template, 'ApiGatewayDeployment1');
    const ids = Object.keys(template.Resources).filter((id) => id.startsWith('GatewayResponse'));
    expect([...ids].sort()).toEqual([
      'GatewayResponseDefault4xx',
      'GatewayResponseDefault5xx',
      'GatewayResponseThrottled',
      'GatewayResponseTimeout',
      'GatewayResponseTooLarge',
    ]);
    const waitsFor = template.Resources.ApiGatewayDeployment1?.DependsOn ?? [];
    expect([...waitsFor].sort()).toEqual(['X', ...ids].sort());
  });
});
