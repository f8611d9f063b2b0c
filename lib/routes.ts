import { routes } from './endpoints.json';

/**
 * Every route the API serves, by API Gateway resource path, as openapi.yaml declares them (compiled into
 * lib/endpoints.json, so that no bundle parses YAML). The fallback function answers 405 for a known
 * resource and 404 for anything else.
 */
export const ROUTES: Readonly<Record<string, readonly string[]>> = routes;
