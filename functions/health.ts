import { checkHealth } from '../lib/health';
import { api, json } from '../lib/http';

export const handler = api(async function health() {
  const report = await checkHealth();
  const noStore = { 'cache-control': 'no-store' };
  if (report.status === 'UP') return json(200, report, noStore);
  // Same shape as UP, plus problem members: monitors read `status`, people read `detail`.
  return json(
    503,
    {
      type: 'tag:canary-api,2026:problems/unhealthy',
      title: 'Service Unavailable',
      detail: 'A dependency of this service is not answering.',
      ...report,
    },
    { ...noStore, 'retry-after': '5' },
  );
});
