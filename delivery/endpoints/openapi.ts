import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** The parts of an OpenAPI 3.1 document the endpoints are derived from. */
export interface Example {
  summary?: string;
  value: unknown;
  /** Members of an answer's example that differ from call to call, so a check does not compare them. */
  'x-varies'?: string[];
}
export interface MediaType {
  examples?: Record<string, Example>;
}
export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  examples?: Record<string, Example>;
}
export type Ref = { $ref: string };
export interface Operation {
  /** The key of the function in functions/ that serves the operation. */
  'x-function'?: string;
  parameters?: (Parameter | Ref)[];
  requestBody?: { required?: boolean; content: Record<string, MediaType> };
  responses: Record<string, { content?: Record<string, MediaType> } | Ref>;
}
export type PathItem = { parameters?: (Parameter | Ref)[] } & Record<string, Operation | unknown>;
export interface OpenApiDocument {
  paths: Record<string, PathItem>;
  components?: { parameters?: Record<string, Parameter> };
}

/** One method of one path, as the API serves it. */
export interface ServedOperation {
  method: string;
  /** The OpenAPI path, which is also API Gateway's resource path: `/hits/{counter}`. */
  path: string;
  functionKey: string;
  operation: Operation;
  /** Path-level and operation-level parameters, references resolved. */
  parameters: Parameter[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** The API's document, openapi.yaml at the root of the service. */
export function readOpenApi(serviceDir: string): OpenApiDocument {
  return parse(readFileSync(join(serviceDir, 'openapi.yaml'), 'utf8'));
}

function resolved(document: OpenApiDocument, parameter: Parameter | Ref): Parameter {
  if (!('$ref' in parameter)) return parameter;
  const name = parameter.$ref.replace('#/components/parameters/', '');
  const found = document.components?.parameters?.[name];
  if (!found) throw new Error(`openapi.yaml: ${parameter.$ref} does not resolve`);
  return found;
}

/** Every operation, in the document's order; each must name the function that serves it. */
export function servedOperations(document: OpenApiDocument): ServedOperation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((method) => METHODS.includes(method))
      .map((method) => {
        const operation = item[method] as Operation;
        const functionKey = operation['x-function'];
        if (!functionKey || !/^[A-Za-z][A-Za-z0-9]*$/.test(functionKey)) {
          throw new Error(
            `openapi.yaml: ${method.toUpperCase()} ${path} needs x-function, the key (letters and digits) of the function in functions/ that serves it`,
          );
        }
        const own = (operation.parameters ?? []).map((parameter) => resolved(document, parameter));
        // An operation's parameter replaces the path's of the same name and location (OpenAPI 3.1).
        const inherited = (item.parameters ?? [])
          .map((parameter) => resolved(document, parameter))
          .filter(
            (parameter) => !own.some((mine) => mine.name === parameter.name && mine.in === parameter.in),
          );
        const parameters = [...inherited, ...own];
        return { method: method.toUpperCase(), path, functionKey, operation, parameters };
      }),
  );
}
