/**
 * CloudWatch metric math, the part alarms use here: numbers, query ids, + - * /, comparisons and
 * IF(condition, then, else). Missing data propagates as CloudWatch's does: an expression over a
 * missing value, or a division by zero, is missing.
 */

type Token =
  | { kind: 'number'; value: number }
  | { kind: 'name'; value: string }
  | { kind: 'op'; value: string };

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(>=|<=|==|!=|[-+*/(),<>]))/y;
  const end = expression.trimEnd().length;
  while (pattern.lastIndex < end) {
    const match = pattern.exec(expression);
    if (!match) throw new Error(`cannot read metric math "${expression}"`);
    if (match[1] !== undefined) tokens.push({ kind: 'number', value: Number(match[1]) });
    else if (match[2] !== undefined) tokens.push({ kind: 'name', value: match[2] });
    else tokens.push({ kind: 'op', value: match[3] as string });
  }
  return tokens;
}

/** Evaluates a metric math expression for one period; undefined (missing) propagates like CloudWatch's. */
export function evaluateExpression(expression: string, values: Readonly<Record<string, number | undefined>>) {
  const tokens = tokenize(expression);
  let position = 0;
  const peek = () => tokens[position];
  const take = (op?: string) => {
    const token = tokens[position++];
    if (!token || (op && token.value !== op)) throw new Error(`metric math "${expression}": expected ${op}`);
    return token;
  };
  type Value = number | undefined;
  const binary = (a: Value, b: Value, f: (x: number, y: number) => number): Value =>
    a === undefined || b === undefined ? undefined : f(a, b);

  function primary(): Value {
    const token = take();
    if (token.kind === 'number') return token.value;
    if (token.kind === 'op' && token.value === '(') {
      const inner = comparison();
      take(')');
      return inner;
    }
    if (token.kind === 'op' && token.value === '-') return binary(0, primary(), (x, y) => x - y);
    if (token.kind === 'name' && token.value === 'IF') {
      take('(');
      const condition = comparison();
      take(',');
      const then = comparison();
      take(',');
      const otherwise = comparison();
      take(')');
      return condition === undefined ? undefined : condition !== 0 ? then : otherwise;
    }
    if (token.kind === 'name') {
      if (!(token.value in values)) throw new Error(`metric math "${expression}": unknown id ${token.value}`);
      return values[token.value];
    }
    throw new Error(`metric math "${expression}": unexpected ${token.value}`);
  }
  function product(): Value {
    let left = primary();
    while (peek()?.value === '*' || peek()?.value === '/') {
      const op = take().value;
      const right = primary();
      left = binary(left, right, (x, y) => (op === '*' ? x * y : y === 0 ? Number.NaN : x / y));
    }
    return left;
  }
  function sum(): Value {
    let left = product();
    while (peek()?.value === '+' || peek()?.value === '-') {
      const op = take().value;
      const right = product();
      left = binary(left, right, (x, y) => (op === '+' ? x + y : x - y));
    }
    return left;
  }
  function comparison(): Value {
    const left = sum();
    const op = peek()?.value;
    if (!op || !['>', '<', '>=', '<=', '==', '!='].includes(String(op))) return left;
    take();
    const right = sum();
    return binary(left, right, (x, y) => {
      const holds = { '>': x > y, '<': x < y, '>=': x >= y, '<=': x <= y, '==': x === y, '!=': x !== y }[
        op as string
      ];
      return holds ? 1 : 0;
    });
  }

  const result = comparison();
  if (position !== tokens.length) throw new Error(`metric math "${expression}": trailing input`);
  return result === undefined || Number.isNaN(result) ? undefined : result;
}
