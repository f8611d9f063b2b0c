/**
 * Every route the API serves, by API Gateway resource path. The fallback function answers 405 for a
 * known resource and 404 for anything else; tests keep this table, serverless.yml and openapi.yaml equal.
 */
export const ROUTES: Readonly<Record<string, readonly string[]>> = {
  '/hello': ['GET'],
  '/echo': ['POST'],
  '/hits': ['GET'],
  '/hits/{counter}': ['GET', 'POST'],
  '/health': ['GET'],
};
