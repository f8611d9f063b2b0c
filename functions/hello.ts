import { greet } from '../lib/greeting';
import { api, json, queryParam } from '../lib/http';

export const handler = api(async function hello(event) {
  return json(200, { message: greet(queryParam(event, 'name')) });
});
