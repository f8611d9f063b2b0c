import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const SERVERLESS_YML = fileURLToPath(new URL('../../serverless.yml', import.meta.url));

/** The stage's `expectedTraffic` param in serverless.yml (requests per second to the whole API). */
export function expectedTraffic(stage: string): number {
  const { params } = parse(readFileSync(SERVERLESS_YML, 'utf8'), { logLevel: 'silent' }) as {
    params: Record<string, { expectedTraffic?: number } | undefined>;
  };
  const value = params[stage]?.expectedTraffic ?? params.default?.expectedTraffic;
  if (typeof value !== 'number') throw new Error('serverless.yml has no expectedTraffic param');
  return value;
}
