/**
 * `npx tsx delivery/endpoints/write.ts`: compiles openapi.yaml into lib/endpoints.json, the routes and
 * smoke checks the bundles import. Run it after changing an operation; packaging and the tests refuse a
 * stale file.
 */
import { fileURLToPath } from 'node:url';
import { ENDPOINTS_FILE, writeEndpoints } from './serverless';

const serviceDir = fileURLToPath(new URL('../..', import.meta.url));
console.log(`${ENDPOINTS_FILE}: ${writeEndpoints(serviceDir) ? 'written' : 'already up to date'}`);
