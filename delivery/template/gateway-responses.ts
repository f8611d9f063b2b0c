import {
  GATEWAY_PROBLEMS,
  type GatewayResponseType,
  gatewayProblemHead,
  gatewayProblemHeaders,
} from '../gateway-problems';
import { EXTERNAL_IDS, GATEWAY_RESPONSE_IDS } from './names';
import type { Resource, Template } from './types';

/**
 * `Content-Type` as the public examples write it: API Gateway sets a Content-Type of its own, which a
 * parameter of another spelling might stand beside instead of replacing.
 */
const canonical = (header: string) =>
  header.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());

/**
 * API Gateway's own answers as RFC 9457 problems instead of its default `{"message": …}`. A gateway
 * response template is not run through VTL, only variable substitution, so the status of the
 * DEFAULT_4XX/5XX fallbacks cannot be written into the body and is left out (RFC 9457 makes it
 * optional). Headers are static response parameters; setting Content-Type this way is what public
 * code that runs against API Gateway does (claudia's gateway-response spec, for example).
 */
export function gatewayResponse(type: GatewayResponseType): Resource {
  const problem = GATEWAY_PROBLEMS[type];
  const head = JSON.stringify(gatewayProblemHead(problem));
  // `$context.error.messageString` is API Gateway's message already quoted as a JSON string.
  const detail =
    'detailFromGateway' in problem ? '$context.error.messageString' : JSON.stringify(problem.detail);
  const body = `${head.slice(0, -1)},"detail":${detail},"requestId":"$context.requestId"}`;
  return {
    Type: 'AWS::ApiGateway::GatewayResponse',
    Properties: {
      RestApiId: { Ref: EXTERNAL_IDS.restApi },
      ResponseType: type,
      ...('status' in problem && { StatusCode: String(problem.status) }),
      ResponseParameters: Object.fromEntries(
        Object.entries(gatewayProblemHeaders(problem)).map(([name, value]) => [
          `gatewayresponse.header.${canonical(name)}`,
          `'${value}'`,
        ]),
      ),
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
    template.Resources[GATEWAY_RESPONSE_IDS[type]] = gatewayResponse(type);
    return GATEWAY_RESPONSE_IDS[type];
  });
  const deployment = template.Resources[deploymentId];
  if (!deployment) throw new Error(`no API deployment ${deploymentId}`);
  deployment.DependsOn = [...new Set([...(deployment.DependsOn ?? []), ...ids])];
}
