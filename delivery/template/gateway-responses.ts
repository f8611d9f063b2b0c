import { PROBLEM_MEDIA_TYPE } from '../../lib/errors';
import { GATEWAY_PROBLEMS, type GatewayResponseType, gatewayProblemHead } from '../gateway-problems';
import { EXTERNAL_IDS, gatewayResponseId } from './names';
import type { Resource, Template } from './types';

/**
 * API Gateway's own answers as RFC 9457 problems instead of its default `{"message": …}`. A gateway
 * response template is not run through VTL, only variable substitution, so the status of the
 * DEFAULT_4XX/5XX fallbacks cannot be written into the body and is left out (RFC 9457 makes it
 * optional). The Content-Type header is set with a static response parameter, as public code that
 * runs against API Gateway does (claudia's gateway-response spec, for example).
 */
export function gatewayResponse(type: GatewayResponseType): Resource {
  const head = JSON.stringify(gatewayProblemHead(GATEWAY_PROBLEMS[type]));
  // `$context.error.messageString` is API Gateway's message already quoted as a JSON string.
  const body = `${head.slice(0, -1)},"detail":$context.error.messageString,"requestId":"$context.requestId"}`;
  return {
    Type: 'AWS::ApiGateway::GatewayResponse',
    Properties: {
      RestApiId: { Ref: EXTERNAL_IDS.restApi },
      ResponseType: type,
      ResponseParameters: { 'gatewayresponse.header.Content-Type': `'${PROBLEM_MEDIA_TYPE}'` },
      ResponseTemplates: { 'application/json': body },
    },
  };
}

/**
 * All gateway responses, and the API deployment made to wait for them: a deployment snapshots the API
 * as it is when created, so one created before the responses would serve the defaults until the next
 * deploy (the CDK adds the same dependency for the same reason).
 */
export function addGatewayResponses(template: Template, deploymentId: string): void {
  const ids = (Object.keys(GATEWAY_PROBLEMS) as GatewayResponseType[]).map((type) => {
    template.Resources[gatewayResponseId(type)] = gatewayResponse(type);
    return gatewayResponseId(type);
  });
  const deployment = template.Resources[deploymentId];
  if (!deployment) throw new Error(`no API deployment ${deploymentId}`);
  deployment.DependsOn = [...new Set([...(deployment.DependsOn ?? []), ...ids])];
}
