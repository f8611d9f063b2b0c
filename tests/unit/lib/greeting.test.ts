import { describe, expect, it } from 'vitest';
import { BadRequest } from '../../../lib/errors';
import { greet } from '../../../lib/greeting';

describe('greet', () => {
  it('greets the world when no name is given', () => {
    expect(greet(undefined)).toBe('Hello, world!');
  });

  it('refuses a name whose percent-escapes were not UTF-8 (decoded as U+FFFD) with 400, as a body would be', () => {
    expect(() => greet('caf\uFFFD')).toThrow(BadRequest);
    expect(() => greet('caf\uFFFD')).toThrow(/not valid UTF-8/);
  });

  it('keeps a UTF-8 name exactly, including astral-plane characters', () => {
    expect(greet('Zoë 🦊 北京')).toBe('Hello, Zoë 🦊 北京!');
  });

  it('counts characters, not UTF-16 units: 100 emoji are allowed', () => {
    expect(greet('🦊'.repeat(100))).toBe(`Hello, ${'🦊'.repeat(100)}!`);
  });

  it.each([
    ['an empty name', ''],
    ['101 characters', 'a'.repeat(101)],
    ['a newline', 'Ann\nEve'],
    ['a NUL', 'Ann\u0000'],
    ['a DEL', 'Ann\u007f'],
    ['a C1 control', 'Ann\u0085'],
  ])('rejects %s with a 400', (_, name) => {
    expect(() => greet(name)).toThrow(BadRequest);
  });
});
