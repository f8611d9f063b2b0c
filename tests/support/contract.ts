import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

const OPENAPI_FILE = fileURLToPath(new URL('../../openapi.yaml', import.meta.url));

interface HeaderSpec {
  required?: boolean;
  $ref?: string;
}
interface ResponseSpec {
  headers?: Record<string, HeaderSpec>;
  content?: Record<string, Examples>;
}
interface Examples {
  examples?: Record<string, { value: unknown }>;
}
type ParameterSpec = Examples & { $ref?: string };
interface Operation {
  parameters?: ParameterSpec[];
  requestBody?: { content: Record<string, Examples> };
  responses: Record<string, ResponseSpec | { $ref: string }>;
}
export interface OpenApi {
  paths: Record<string, Record<string, Operation> & { parameters?: ParameterSpec[] }>;
  components: { responses: Record<string, ResponseSpec>; headers: Record<string, HeaderSpec> };
}

export const openapi: OpenApi = parse(readFileSync(OPENAPI_FILE, 'utf8'));

// The whole document is registered once so that schemas are addressed by JSON pointer and their
// `$ref`s into components resolve exactly as an OpenAPI tool would resolve them.
const ajv = new Ajv2020({ strict: false, validateSchema: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(openapi, 'openapi');

const pointer = (...parts: string[]) =>
  parts.map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

export interface ObservedResponse {
  method: string;
  /** The OpenAPI path template, e.g. `/hits/{counter}`; undefined for a path the API does not have. */
  template: string | undefined;
  status: number;
  headers: Headers;
  body: string;
}

/** Every way a response can break the contract, as readable sentences; empty when it conforms. */
export function contractViolations(response: ObservedResponse): string[] {
  const mediaType = response.headers.get('content-type')?.split(';', 1)[0]?.trim() ?? '';
  const operation = response.template
    ? openapi.paths[response.template]?.[response.method.toLowerCase()]
    : undefined;
  const violations: string[] = [];

  if (!operation) {
    if (!response.headers.get('x-function-version')) violations.push('no x-function-version header');
    // Unknown paths and wrong methods are the fallback's: problem documents, 404 or 405.
    if (![404, 405].includes(response.status))
      violations.push(`undocumented route answered ${response.status}`);
    if (response.status === 405 && !response.headers.get('allow')) violations.push('405 without Allow');
    return [...violations, ...schemaViolations(response.body, mediaType, '#/components/schemas/Problem')];
  }

  const status = String(response.status);
  let spec = operation.responses[status];
  let specPointer = `#/${pointer('paths', response.template as string, response.method.toLowerCase(), 'responses', status)}`;
  if (spec && '$ref' in spec) {
    specPointer = spec.$ref;
    spec = openapi.components.responses[spec.$ref.split('/').pop() as string];
  }
  if (!spec)
    return [...violations, `status ${status} is not documented for ${response.method} ${response.template}`];
  if (!spec.content?.[mediaType])
    violations.push(`content type ${mediaType} is not documented for ${status}`);
  for (const [name, header] of Object.entries(spec.headers ?? {})) {
    const resolved = header.$ref
      ? openapi.components.headers[header.$ref.split('/').pop() as string]
      : header;
    if (resolved?.required && !response.headers.get(name)) violations.push(`required header ${name} missing`);
  }
  return [
    ...violations,
    ...schemaViolations(
      response.body,
      mediaType,
      `${specPointer}/${pointer('content', mediaType, 'schema')}`,
    ),
  ];
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

interface NamedExample {
  where: string;
  schemaPointer: string;
  value: unknown;
}

/** Each named example of a parameter, a request body or an answer, with the pointer to its schema. */
function namedExamples(): NamedExample[] {
  const found: NamedExample[] = [];
  const collect = (holder: Examples | undefined, at: string[]) => {
    for (const [name, example] of Object.entries(holder?.examples ?? {})) {
      const schemaPointer = `#/${pointer(...at, 'schema')}`;
      found.push({ where: `${at.slice(1).join(' ')} example ${name}`, schemaPointer, value: example.value });
    }
  };
  for (const [path, item] of Object.entries(openapi.paths)) {
    for (const [index, parameter] of (item.parameters ?? []).entries()) {
      collect(parameter, ['paths', path, 'parameters', String(index)]);
    }
    for (const method of METHODS.filter((candidate) => candidate in item)) {
      const operation = item[method] as Operation;
      const at = ['paths', path, method];
      for (const [index, parameter] of (operation.parameters ?? []).entries()) {
        collect(parameter, [...at, 'parameters', String(index)]);
      }
      for (const [mediaType, media] of Object.entries(operation.requestBody?.content ?? {})) {
        collect(media, [...at, 'requestBody', 'content', mediaType]);
      }
      for (const [status, response] of Object.entries(operation.responses)) {
        if ('$ref' in response) continue;
        for (const [mediaType, media] of Object.entries(response.content ?? {})) {
          collect(media, [...at, 'responses', status, 'content', mediaType]);
        }
      }
    }
  }
  return found;
}

/** Every named example openapi.yaml gives that its own schema refuses: the smoke checks are made of them. */
export function exampleViolations(): string[] {
  return namedExamples().flatMap(({ where, schemaPointer, value }) =>
    schemaViolations(JSON.stringify(value), 'application/json', schemaPointer).map(
      (violation) => `${where}: ${violation}`,
    ),
  );
}

/** How many named examples openapi.yaml holds (a check that found none checked nothing). */
export const namedExampleCount = () => namedExamples().length;

function schemaViolations(body: string, mediaType: string, schemaPointer: string): string[] {
  if (mediaType === 'text/plain') return [];
  const validate = ajv.getSchema(`openapi${schemaPointer}`);
  if (!validate) return [`no schema at ${schemaPointer}`];
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return [`body is not JSON: ${body.slice(0, 80)}`];
  }
  if (validate(value)) return [];
  return (validate.errors ?? []).map((error) => `body${error.instancePath} ${error.message}`);
}
