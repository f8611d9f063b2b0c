import { MethodNotAllowed, NotFound } from '../lib/errors';
import { api } from '../lib/http';
import { ROUTES } from '../lib/routes';

/** Answers whatever no endpoint matched: a wrong method on a known path, or an unknown path. */
export const handler = api(async function fallback(event) {
  const allowed = ROUTES[event.resource];
  if (allowed) throw new MethodNotAllowed(event.httpMethod, allowed);
  throw new NotFound(`There is nothing at ${event.path}.`);
});
