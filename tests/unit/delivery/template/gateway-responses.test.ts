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
  it('answer throttling with a problem document carrying the status, AWS message and request ID', () => {
    const properties = gatewayResponse('THROTTLED').Properties ?? {};
    expect(properties.ResponseType).toBe('THROTTLED');
    expect(properties.ResponseParameters).toEqual({
      'gatewayresponse.header.Content-Type': "'application/problem+json'",
    });
    expect(render(properties.ResponseTemplates['application/json'], 'Too Many "Requests"', 'r-1')).toEqual({
      type: 'tag:canary-api,2026:problems/throttled',
      title: 'Too Many Requests',
      status: 429,
      detail: 'Too Many "Requests"',
      requestId: 'r-1',
    });
  });

  it('leave the status out of the DEFAULT_4XX and DEFAULT_5XX fallbacks, which stand for many', () => {
    for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX'] as const) {
      const body = render(gatewayResponse(type).Properties?.ResponseTemplates['application/json'], 'm', 'r');
      expect(body).toEqual({
        type: `tag:canary-api,2026:problems/${GATEWAY_PROBLEMS[type].slug}`,
        title: GATEWAY_PROBLEMS[type].title,
        detail: 'm',
        requestId: 'r',
      });
    }
  });

  it('are all added, and the API deployment waits for them', () => {
    const template: Template = {
      Resources: { ApiGatewayDeployment1: { Type: 'AWS::ApiGateway::Deployment', DependsOn: ['X'] } },
    };
    addGatewayResponses(template, 'ApiGatewayDeployment1');
    const ids = Object.keys(template.Resources).filter((id) => id.startsWith('GatewayResponse'));
    expect([...ids].sort()).toEqual([
      'GatewayResponseDefault4xx',
      'GatewayResponseDefault5xx',
      'GatewayResponseIntegrationTimeout',
      'GatewayResponseRequestTooLarge',
      'GatewayResponseThrottled',
    ]);
    const waitsFor = template.Resources.ApiGatewayDeployment1?.DependsOn ?? [];
    expect([...waitsFor].sort()).toEqual(['X', ...ids].sort());
  });
});
