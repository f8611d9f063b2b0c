import { parse } from 'yaml';

/** Whether any http event of serverless.yml asks for CORS (`cors:` on the event), as API Gateway would answer it. */
export function configuresCors(serviceYaml: string): boolean {
  const service = parse(serviceYaml, { logLevel: 'silent' }) as {
    functions?: Record<string, { events?: { http?: { cors?: unknown } }[] }>;
  };
  return Object.values(service.functions ?? {}).some((fn) =>
    (fn.events ?? []).some((event) => event.http?.cors !== undefined && event.http.cors !== false),
  );
}
