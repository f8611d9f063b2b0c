import type { RequestSpec } from '../api-gateway-event';
import type { SmokeCheck } from '../smoke-checks';
import { type Example, type OpenApiDocument, type ServedOperation, servedOperations } from './openapi';

/**
 * What lib/endpoints.json holds: what the Lambda bundles, the hooks and the Synthetics canary need
 * from openapi.yaml, compiled, so that none of them parses YAML at run time.
 */
export interface Endpoints {
  /** By API Gateway resource path, the methods the API serves (the fallback's 405 table). */
  routes: Record<string, string[]>;
  /** By function key, the examples of its operations' answers: the function's smoke checks. */
  examples: Record<string, SmokeCheck[]>;
}

const isJson = (mediaType: string) => /^application\/([\w.-]+\+)?json$/.test(mediaType);
const isEmpty = (record: object) => Object.keys(record).length === 0;

function fail(served: ServedOperation, name: string, problem: string): never {
  throw new Error(`openapi.yaml, ${served.method} ${served.path}, example ${name}: ${problem}`);
}

/** The values the parameters in one place give for the example `name`. */
function valuesIn(served: ServedOperation, where: string, name: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const parameter of served.parameters.filter((candidate) => candidate.in === where)) {
    const example = parameter.examples?.[name];
    if (example) values[parameter.name] = String(example.value);
    else if (parameter.required)
      fail(served, name, `the ${where} parameter ${parameter.name} has no example of this name`);
  }
  return values;
}

/** The request of the example `name`: every parameter's and the body's example of that name. */
function requestOf(served: ServedOperation, name: string): RequestSpec {
  const pathParameters = valuesIn(served, 'path', name);
  const query = valuesIn(served, 'query', name);
  const headers = valuesIn(served, 'header', name);
  const content = Object.entries(served.operation.requestBody?.content ?? {});
  const bodyExample = content.find(([, media]) => media.examples?.[name]);
  let body: string | undefined;
  if (bodyExample) {
    const [mediaType, media] = bodyExample;
    const value = media.examples?.[name]?.value;
    headers['Content-Type'] = mediaType;
    body = isJson(mediaType) ? JSON.stringify(value) : String(value);
  } else if (served.operation.requestBody?.required) {
    fail(served, name, 'the request body has no example of this name');
  }
  const path = served.path.replace(/\{(\w+)\}/g, (_, key: string) =>
    encodeURIComponent(pathParameters[key] ?? ''),
  );
  return {
    method: served.method,
    resource: served.path,
    ...(isEmpty(pathParameters) ? {} : { path, pathParameters }),
    ...(isEmpty(query) ? {} : { query }),
    ...(isEmpty(headers) ? {} : { headers }),
    ...(body === undefined ? {} : { body }),
  };
}

/** The members of an example answer a check compares: all but those that vary. */
function expectedBody(served: ServedOperation, name: string, example: Example): Record<string, unknown> {
  const value = example.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(served, name, 'a checked answer is a JSON object');
  }
  const varies = example['x-varies'] ?? [];
  const unknown = varies.filter((member) => !(member in value));
  if (unknown.length > 0) fail(served, name, `x-varies names ${unknown.join(', ')}, which the value lacks`);
  return Object.fromEntries(Object.entries(value).filter(([member]) => !varies.includes(member)));
}

/** Each named example of the operation's own answers, as a smoke check. */
function checksOf(served: ServedOperation): SmokeCheck[] {
  const checks: SmokeCheck[] = [];
  for (const [status, response] of Object.entries(served.operation.responses)) {
    if ('$ref' in response) continue;
    for (const [mediaType, media] of Object.entries(response.content ?? {})) {
      for (const [name, example] of Object.entries(media.examples ?? {})) {
        if (!/^[1-5]\d\d$/.test(status)) fail(served, name, `its status must be a number, not ${status}`);
        if (!isJson(mediaType)) fail(served, name, `only JSON answers are checked, not ${mediaType}`);
        if (!example.summary) fail(served, name, 'it needs a summary, which names the check');
        const request = requestOf(served, name);
        const query = new URLSearchParams(request.query as Record<string, string> | undefined).toString();
        checks.push({
          name: `${served.method} ${request.path ?? served.path}${query ? `?${query}` : ''} ${example.summary}`,
          request,
          status: Number(status),
          body: expectedBody(served, name, example),
        });
      }
    }
  }
  return checks;
}

/** The routes and the smoke checks openapi.yaml declares; every function needs one check at least. */
export function compileEndpoints(document: OpenApiDocument): Endpoints {
  const endpoints: Endpoints = { routes: {}, examples: {} };
  for (const served of servedOperations(document)) {
    endpoints.routes[served.path] = [...(endpoints.routes[served.path] ?? []), served.method].sort();
    endpoints.examples[served.functionKey] = [
      ...(endpoints.examples[served.functionKey] ?? []),
      ...checksOf(served),
    ];
  }
  const unchecked = Object.entries(endpoints.examples).filter(([, checks]) => checks.length === 0);
  for (const [key] of unchecked) {
    throw new Error(
      `openapi.yaml: no answer of the operations of ${key} has a named example, and each becomes a smoke check; give one of them one`,
    );
  }
  return endpoints;
}
