import { BadRequest } from './errors';

const MAX_NAME_LENGTH = 100;
const CONTROL_CHARACTER = /\p{Cc}/u;
/** What a decoder puts where the query string's percent-escapes were not UTF-8 (`%FF`). */
const REPLACEMENT_CHARACTER = '\uFFFD';

/** The greeting for an optional name: 1-100 characters (code points), no control characters. */
export function greet(name: string | undefined): string {
  if (name === undefined) return 'Hello, world!';
  const length = [...name].length;
  if (length < 1 || length > MAX_NAME_LENGTH) {
    throw new BadRequest(
      `'name' must be 1 to ${MAX_NAME_LENGTH} characters long; it has ${length}.`,
      'invalid-name',
    );
  }
  if (CONTROL_CHARACTER.test(name)) {
    throw new BadRequest("'name' must not contain control characters.", 'invalid-name');
  }
  if (name.includes(REPLACEMENT_CHARACTER)) {
    throw new BadRequest(
      "'name' is not valid UTF-8 once its percent-escapes are decoded.",
      'invalid-encoding',
    );
  }
  return `Hello, ${name}!`;
}
