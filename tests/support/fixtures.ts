import type { APIGatewayProxyResult } from 'aws-lambda';

export { proxyEvent as apiEvent, type RequestSpec } from '../../delivery/api-gateway-event';
export { lambdaContext } from '../../local/lambda-context';

/** The parsed JSON body of a result. */
export function bodyOf(result: APIGatewayProxyResult): Record<string, unknown> {
  return JSON.parse(result.body);
}

/** Asserts the parts of an RFC 9457 problem every error answer must have. */
export function problemOf(result: APIGatewayProxyResult) {
  const body = bodyOf(result);
  return {
    contentType: result.headers?.['content-type'],
    type: body.type,
    title: body.title,
    status: body.status,
    detail: body.detail,
    body,
  };
}
