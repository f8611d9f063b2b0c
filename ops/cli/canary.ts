/**
 * `npm run canary [-- <base URL>]`: the Synthetics canary's checks, run here against `npm start`
 * (default http://localhost:3000) or any deployed stage URL. Exits 1 when a check fails.
 */
import { checkWholeApi } from '../../delivery/smoke-checks';

const baseUrl = process.argv[2] ?? `http://localhost:${process.env.PORT ?? 3000}`;
const failures = await checkWholeApi(baseUrl, AbortSignal.timeout(30_000));
for (const failure of failures) console.error(`✗ ${failure}`);
console.log(
  failures.length === 0 ? `✓ every check passed against ${baseUrl}` : `${failures.length} check(s) failed`,
);
process.exit(failures.length === 0 ? 0 : 1);
