import { describe, expect, it } from 'vitest';
import { ECHO_MAX_NESTING, echo } from '../../../lib/echo';
import { BadRequest, UnsupportedMediaType } from '../../../lib/errors';

const JSON_TYPE = 'application/json';

describe('echo without a transform', () => {
  it.each([
    ['an object', '{"a":1,"b":[true,null]}'],
    ['a bare string', '"hi"'],
    ['a number beyond double precision', '123456789012345678901234567890'],
    ['whitespace and key order', '{ "z" : 1 ,\n "a" : 2 }'],
    ['a __proto__ key', '{"__proto__":{"polluted":true}}'],
    ['nesting at the limit', `${'['.repeat(ECHO_MAX_NESTING)}${']'.repeat(ECHO_MAX_NESTING)}`],
  ])('returns %s byte for byte', (_, body) => {
    expect(echo(JSON_TYPE, body, undefined)).toEqual({ mediaType: JSON_TYPE, body });
  });

  it.each([
    ['arrays', `${'['.repeat(ECHO_MAX_NESTING + 1)}${']'.repeat(ECHO_MAX_NESTING + 1)}`],
    ['objects', `${'{"a":'.repeat(ECHO_MAX_NESTING + 1)}1${'}'.repeat(ECHO_MAX_NESTING + 1)}`],
  ])('refuses %s nested one level deeper than the limit with a 400', (_, body) => {
    expect(() => echo(JSON_TYPE, body, undefined)).toThrow(
      expect.objectContaining({ status: 400, type: 'tag:canary-api,2026:problems/json-too-deep' }),
    );
  });

  it('counts brackets inside strings as text, not nesting', () => {
    const body = `{"data":"${'['.repeat(ECHO_MAX_NESTING * 2)}\\\\"}`;
    expect(echo(JSON_TYPE, body, undefined).body).toBe(body);
  });

  it('accepts any charset parameter and media type case', () => {
    expect(echo('Application/JSON; charset=ISO-8859-1', '[1]', undefined).body).toBe('[1]');
  });

  it('echoes text/plain as text', () => {
    expect(echo('text/plain; charset=utf-8', 'héllo\nworld', undefined)).toEqual({
      mediaType: 'text/plain',
      body: 'héllo\nworld',
    });
  });

  it('echoes an empty text body', () => {
    expect(echo('text/plain', '', undefined).body).toBe('');
  });

  it.each([['{'], ['{"a":}'], [''], ['NaN'], ["{'a':1}"]])('rejects malformed JSON %j with a 400', (body) => {
    expect(() => echo(JSON_TYPE, body, undefined)).toThrow(BadRequest);
  });

  it.each([[undefined], ['application/xml'], ['text/html'], ['application/jsonx'], ['multipart/form-data']])(
    'rejects content type %s with a 415',
    (contentType) => {
      expect(() => echo(contentType, '{}', undefined)).toThrow(UnsupportedMediaType);
    },
  );
});

describe('a body that starts with a UTF-8 byte order mark', () => {
  const BOM = '\uFEFF';

  it('comes back with its BOM, byte for byte, as JSON and as text', () => {
    expect(echo(JSON_TYPE, `${BOM}{"a":1}`, undefined).body).toBe(`${BOM}{"a":1}`);
    expect(echo('text/plain', `${BOM}hi`, undefined).body).toBe(`${BOM}hi`);
  });

  it('keeps the BOM in front when a transform rewrites the rest', () => {
    expect(echo(JSON_TYPE, `${BOM}{"data":"abc"}`, 'reverse').body).toBe(`${BOM}{"data":"cba"}`);
    expect(echo('text/plain', `${BOM}abc`, 'reverse').body).toBe(`${BOM}cba`);
  });
});

describe('echo with a transform', () => {
  it('shouts: upper-cases and reverses `data`', () => {
    expect(echo(JSON_TYPE, '{"data":"hello, world!"}', 'shout').body).toBe('{"data":"!DLROW ,OLLEH"}');
  });

  it('reverses and upper-cases separately', () => {
    expect(echo(JSON_TYPE, '{"data":"abc"}', 'reverse').body).toBe('{"data":"cba"}');
    expect(echo(JSON_TYPE, '{"data":"straße"}', 'upper').body).toBe('{"data":"STRASSE"}');
  });

  it('reverses by grapheme, keeping emoji sequences and combining accents whole', () => {
    const family = '👨‍👩‍👧';
    const accented = 'e\u0301';
    expect(
      JSON.parse(echo(JSON_TYPE, JSON.stringify({ data: `a${family}${accented}` }), 'reverse').body),
    ).toEqual({
      data: `${accented}${family}a`,
    });
  });

  it('keeps every other member exactly as sent, even values JSON.parse would alter', () => {
    const body = '{ "id" : 12345678901234567890123, "data" : "ab", "tiny": 1e-400, "nested": {"data": "x"} }';
    expect(echo(JSON_TYPE, body, 'upper').body).toBe(
      '{ "id" : 12345678901234567890123, "data" : "AB", "tiny": 1e-400, "nested": {"data": "x"} }',
    );
  });

  it('finds `data` after members holding escaped quotes, brackets and deep nesting', () => {
    const deep = `${'['.repeat(ECHO_MAX_NESTING - 1)}${']'.repeat(ECHO_MAX_NESTING - 1)}`;
    const body = `{"a":"q\\"}]{[","b":${deep},"c":{"d":[1,{"e":"]"}]},"data":"xy"}`;
    expect(echo(JSON_TYPE, body, 'reverse').body).toBe(
      `{"a":"q\\"}]{[","b":${deep},"c":{"d":[1,{"e":"]"}]},"data":"yx"}`,
    );
  });

  it('treats a duplicated `data` like JSON.parse does: the last one wins', () => {
    expect(echo(JSON_TYPE, '{"data":"ab","data":"cd"}', 'reverse').body).toBe('{"data":"ab","data":"dc"}');
  });

  it('matches the key after unescaping it', () => {
    expect(echo(JSON_TYPE, '{"d\\u0061ta":"ab"}', 'upper').body).toBe('{"d\\u0061ta":"AB"}');
  });

  it('keeps a __proto__ member an ordinary member', () => {
    const body = '{"__proto__":{"data":"no"},"data":"ok"}';
    expect(echo(JSON_TYPE, body, 'upper').body).toBe('{"__proto__":{"data":"no"},"data":"OK"}');
    // A `data` inherited through __proto__ is not the object's own: nothing to transform.
    expect(echo(JSON_TYPE, '{"__proto__":{"data":"no"}}', 'upper').body).toBe('{"__proto__":{"data":"no"}}');
  });

  it('escapes what the transform produces', () => {
    const body = echo(JSON_TYPE, JSON.stringify({ data: 'a"b\\' }), 'reverse').body;
    expect(JSON.parse(body)).toEqual({ data: '\\b"a' });
  });

  it.each([
    ['an array', '[1]'],
    ['a string', '"data"'],
    ['null', 'null'],
    ['an object without data', '{"datum":"x"}'],
    ['a non-string data', '{"data":42}'],
    ['data only in the prototype chain', '{"__proto__":{"data":"x"}}'],
  ])('echoes %s unchanged: valid JSON with nothing to transform', (_, body) => {
    expect(echo(JSON_TYPE, body, 'reverse')).toEqual({ mediaType: JSON_TYPE, body });
  });

  it('transforms a text body whole', () => {
    expect(echo('text/plain', 'hello, world!', 'shout')).toEqual({
      mediaType: 'text/plain',
      body: '!DLROW ,OLLEH',
    });
  });

  it('still rejects malformed JSON with a transform', () => {
    expect(() => echo(JSON_TYPE, '{"data":', 'upper')).toThrow(BadRequest);
  });

  it.each([['lower'], [''], ['toString'], ['__proto__']])(
    'rejects the unknown transform %j with a 400',
    (name) => {
      expect(() => echo(JSON_TYPE, '{"data":"x"}', name)).toThrow(BadRequest);
    },
  );
});
