import { BadRequest, UnsupportedMediaType } from './errors';

const JSON_MEDIA_TYPE = 'application/json';
const TEXT_MEDIA_TYPE = 'text/plain';
const SUPPORTED_MEDIA_TYPES = [JSON_MEDIA_TYPE, TEXT_MEDIA_TYPE];

// Built on first use: creating it loads ICU segmentation data, ~10 ms of cold start that only
// transformed requests need.
let graphemes: Intl.Segmenter | undefined;

/** Reversed by user-perceived characters, so emoji and combining accents survive the trip. */
function reverse(text: string): string {
  graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return Array.from(graphemes.segment(text), (part) => part.segment)
    .reverse()
    .join('');
}

const transforms = {
  reverse,
  upper: (text: string) => text.toUpperCase(),
  shout: (text: string) => reverse(text.toUpperCase()),
} satisfies Record<string, (text: string) => string>;
type TransformName = keyof typeof transforms;

export interface EchoReply {
  mediaType: typeof JSON_MEDIA_TYPE | typeof TEXT_MEDIA_TYPE;
  body: string;
}

function isTransformName(name: string): name is TransformName {
  return Object.hasOwn(transforms, name);
}

/**
 * Echoes a JSON or text body unchanged or, with a transform, transformed where there is something to
 * transform: the whole of a text body, or the string `data` member of a JSON object. Any other JSON is
 * valid input with nothing to transform, and comes back as it was sent.
 */
export function echo(
  contentType: string | undefined,
  body: string,
  transformName: string | undefined,
): EchoReply {
  if (transformName !== undefined && !isTransformName(transformName)) {
    throw new BadRequest(
      `'transform' must be one of ${Object.keys(transforms).join(', ')}; got '${transformName}'.`,
      'invalid-transform',
    );
  }
  const mediaType = contentType?.split(';', 1)[0]?.trim().toLowerCase();
  if (mediaType === TEXT_MEDIA_TYPE) {
    // A byte order mark stays in front: it marks the encoding, it is not text to transform.
    const bom = body.startsWith(BOM) ? BOM : '';
    const text = body.slice(bom.length);
    return { mediaType, body: transformName ? bom + transforms[transformName](text) : body };
  }
  if (mediaType !== JSON_MEDIA_TYPE) throw new UnsupportedMediaType(contentType, SUPPORTED_MEDIA_TYPES);

  const value = parseJson(body);
  if (!transformName || !isObject(value) || !Object.hasOwn(value, 'data') || typeof value.data !== 'string') {
    return { mediaType, body };
  }
  return {
    mediaType,
    body: replaceMember(body, 'data', JSON.stringify(transforms[transformName](value.data))),
  };
}

/**
 * serde_json's default recursion limit: deeper than any real document, and shallow enough that no
 * recursive consumer downstream of an echo (a logger, a serialiser) runs out of stack on it.
 */
export const ECHO_MAX_NESTING = 128;

/** U+FEFF, which a UTF-8 body may start with; RFC 8259 §8.1 lets a JSON parser ignore it. */
const BOM = '\uFEFF';

function parseJson(body: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(body.startsWith(BOM) ? body.slice(BOM.length) : body);
  } catch {
    throw new BadRequest('The request body is not valid JSON.', 'malformed-json');
  }
  if (nestingDepth(body) > ECHO_MAX_NESTING) {
    throw new BadRequest(
      `JSON nested deeper than ${ECHO_MAX_NESTING} arrays or objects is not accepted.`,
      'json-too-deep',
    );
  }
  return value;
}

/** How deeply arrays and objects nest in valid JSON text. */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (let at = 0; at < text.length; at++) {
    const char = text[at];
    if (char === '"') at = endOfString(text, at) - 1;
    else if (char === '{' || char === '[') deepest = Math.max(deepest, ++depth);
    else if (char === '}' || char === ']') depth--;
  }
  return deepest;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Replaces the value of a top-level member in already-validated JSON text. Splicing the text instead of
 * re-serialising the parsed value keeps every other byte as received: numbers beyond double precision,
 * key order and whitespace.
 */
function replaceMember(text: string, key: string, replacement: string): string {
  let position = skipWhitespace(text, text.startsWith(BOM) ? BOM.length : 0) + 1;
  let found: [number, number] | undefined;
  for (;;) {
    position = skipWhitespace(text, position);
    if (text[position] === '}') break;
    const keyEnd = endOfString(text, position);
    const name: unknown = JSON.parse(text.slice(position, keyEnd));
    const valueStart = skipWhitespace(text, skipWhitespace(text, keyEnd) + 1);
    position = endOfValue(text, valueStart);
    // JSON.parse keeps the last of duplicate keys; so does this.
    if (name === key) found = [valueStart, position];
    position = skipWhitespace(text, position);
    if (text[position] === ',') position++;
  }
  if (!found) return text;
  return text.slice(0, found[0]) + replacement + text.slice(found[1]);
}

function skipWhitespace(text: string, position: number): number {
  let at = position;
  while (at < text.length && ' \t\n\r'.includes(text[at] as string)) at++;
  return at;
}

/** `position` is at an opening quote; returns the index just past the closing one. */
function endOfString(text: string, position: number): number {
  let at = position + 1;
  while (text[at] !== '"') at += text[at] === '\\' ? 2 : 1;
  return at + 1;
}

function endOfValue(text: string, position: number): number {
  const first = text[position];
  if (first === '"') return endOfString(text, position);
  if (first !== '{' && first !== '[') {
    let at = position;
    while (at < text.length && !',}] \t\n\r'.includes(text[at] as string)) at++;
    return at;
  }
  let depth = 0;
  let at = position;
  do {
    const char = text[at];
    if (char === '"') {
      at = endOfString(text, at);
      continue;
    }
    if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') depth--;
    at++;
  } while (depth > 0);
  return at;
}
