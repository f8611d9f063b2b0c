/**
 * Whether a Resource in an IAM policy can match any ARN of a format the Service Authorization
 * Reference gives, e.g. `arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}`.
 *
 * Policy side, as IAM reads it: `?` is one character and `*` any run of characters within an ARN
 * segment; a `*` that ends a segment (the last character before a `:`, or of the ARN) matches across
 * `:` too. So `function:NAME:*` matches versions and aliases (`function:NAME:7`), never the bare
 * `function:NAME`. Format side: each `${Var}` stands for one or more characters without `:`, and
 * without `/` where the name rules of the resource forbid it (bucket, function and table names).
 * Both sides are small automata; the answer is whether their product accepts some string.
 */

type Token =
  | { kind: 'literal'; char: string }
  | { kind: 'one' } // policy `?`
  | { kind: 'run'; crossesColons: boolean } // policy `*`
  | { kind: 'variable'; excludes: string }; // format `${Var}`

/** Variables whose values cannot hold a `/` (S3, Lambda and DynamoDB naming rules). */
const NO_SLASH = new Set(['BucketName', 'FunctionName', 'TableName']);

function policyTokens(pattern: string): Token[] {
  return [...pattern].map((char, index): Token => {
    if (char === '?') return { kind: 'one' };
    if (char !== '*') return { kind: 'literal', char };
    const next = pattern[index + 1];
    return { kind: 'run', crossesColons: next === undefined || next === ':' };
  });
}

function formatTokens(format: string): Token[] {
  const tokens: Token[] = [];
  for (const part of format.split(/(\$\{[^}]+\})/)) {
    if (part.startsWith('${'))
      tokens.push({ kind: 'variable', excludes: NO_SLASH.has(part.slice(2, -1)) ? ':/' : ':' });
    else for (const char of part) tokens.push({ kind: 'literal', char });
  }
  return tokens;
}

/** States reachable by reading `char` from state `index`; a run or variable may stay put. */
function step(tokens: Token[], index: number, char: string): number[] {
  const token = tokens[index];
  if (!token) return [];
  switch (token.kind) {
    case 'literal':
      return token.char === char ? [index + 1] : [];
    case 'one':
      return char === ':' ? [] : [index + 1];
    case 'run':
      return char === ':' && !token.crossesColons ? [] : [index, index + 1];
    case 'variable':
      // A variable takes at least one character: read it here, then either stay or move on.
      return token.excludes.includes(char) ? [] : [index + 0.5, index + 1];
  }
}

/** Index + 0.5 marks "inside a variable that has read a character"; resolve it to real states. */
function closure(tokens: Token[], states: number[]): number[] {
  const seen = new Set<number>();
  const stack = [...states];
  while (stack.length > 0) {
    const state = stack.pop() as number;
    if (seen.has(state)) continue;
    seen.add(state);
    // A run matches nothing as well: skip it.
    if (Number.isInteger(state) && tokens[state]?.kind === 'run') stack.push(state + 1);
  }
  return [...seen];
}

function advance(tokens: Token[], state: number, char: string): number[] {
  if (!Number.isInteger(state)) {
    // Inside a variable: read more of it, or leave it and read the next token.
    const variable = Math.floor(state);
    const token = tokens[variable] as Extract<Token, { kind: 'variable' }>;
    const more = token.excludes.includes(char) ? [] : [state];
    return [...more, ...step(tokens, variable + 1, char)];
  }
  return step(tokens, state, char);
}

const accepts = (tokens: Token[], state: number) =>
  Number.isInteger(state) ? state === tokens.length : Math.floor(state) + 1 === tokens.length;

/** True when some ARN both matches the policy Resource pattern and has the given format. */
export function canMatch(policyResource: string, arnFormat: string): boolean {
  const policy = policyTokens(policyResource);
  const format = formatTokens(arnFormat);
  const alphabet = new Set([...policyResource, ...arnFormat.replace(/\$\{[^}]+\}/g, ''), 'x', ':', '/']);
  alphabet.delete('*');
  alphabet.delete('?');
  const key = (p: number, f: number) => `${p}|${f}`;
  const start = closure(policy, [0]).flatMap((p) => closure(format, [0]).map((f) => [p, f] as const));
  const seen = new Set(start.map(([p, f]) => key(p, f)));
  const queue = [...start];
  while (queue.length > 0) {
    const [p, f] = queue.shift() as readonly [number, number];
    if (accepts(policy, p) && accepts(format, f)) return true;
    for (const char of alphabet) {
      for (const nextP of closure(policy, advance(policy, p, char))) {
        for (const nextF of closure(format, advance(format, f, char))) {
          if (seen.has(key(nextP, nextF))) continue;
          seen.add(key(nextP, nextF));
          queue.push([nextP, nextF]);
        }
      }
    }
  }
  return false;
}
