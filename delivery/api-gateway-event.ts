import type { APIGatewayProxyEvent } from 'aws-lambda';

/** One HTTP request, as a smoke check or a test describes it. */
export interface RequestSpec {
  method?: string;
  /** The API Gateway resource template, e.g. `/hits/{counter}`. */
  resource?: string;
  path?: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  /** The body as text; base64 when `isBase64Encoded` is set. */
  body?: string;
  isBase64Encoded?: boolean;
}

/**
 * Every media type is binary to our API (serverless.yml, binaryMediaTypes), so API Gateway hands every
 * body over base64-encoded; a text body is encoded the same way here.
 */
function encodedBody(spec: RequestSpec): Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'> {
  if (spec.body === undefined) return { body: null, isBase64Encoded: false };
  if (spec.isBase64Encoded !== undefined) return { body: spec.body, isBase64Encoded: spec.isBase64Encoded };
  return { body: Buffer.from(spec.body, 'utf8').toString('base64'), isBase64Encoded: true };
}

/** A REST API (v1) Lambda proxy event shaped like the ones API Gateway sends (pre-traffic checks, tests). */
export function proxyEvent(spec: RequestSpec = {}): APIGatewayProxyEvent {
  const method = spec.method ?? 'GET';
  const path = spec.path ?? spec.resource ?? '/';
  const query = Object.entries(spec.query ?? {});
  const headers = {
    Host: 'abc123.execute-api.eu-west-1.amazonaws.com',
    'User-Agent': 'canary-api-smoke-check',
    ...spec.headers,
  };
  return {
    httpMethod: method,
    resource: spec.resource ?? path,
    path,
    pathParameters: spec.pathParameters ?? null,
    queryStringParameters: query.length
      ? Object.fromEntries(
          query.map(([name, value]) => [name, Array.isArray(value) ? String(value.at(-1)) : value]),
        )
      : null,
    multiValueQueryStringParameters: query.length
      ? Object.fromEntries(query.map(([name, value]) => [name, Array.isArray(value) ? value : [value]]))
      : null,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    ...encodedBody(spec),
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '203.0.113.7',
        user: null,
        userAgent: 'vitest',
        userArn: null,
      },
      path: `/dev${path}`,
      stage: 'dev',
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      requestTimeEpoch: Date.now(),
      resourceId: 'r1',
      resourcePath: spec.resource ?? path,
    },
  };
}
