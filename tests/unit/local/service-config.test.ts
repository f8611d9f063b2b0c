import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configuresCors } from '../../../local/service-config';

describe('configuresCors', () => {
  it('is false for this service: no endpoint asks for CORS', () => {
    expect(configuresCors(readFileSync('serverless.yml', 'utf8'))).toBe(false);
  });

  it('is true when an http event sets cors, and false when it sets it false', () => {
    const service = (cors: string) =>
      `functions:\n  hello:\n    handler: h\n    events:\n      - http: { method: get, path: hello, cors: ${cors} }\n`;
    expect(configuresCors(service('true'))).toBe(true);
    expect(configuresCors(service('false'))).toBe(false);
  });
});
