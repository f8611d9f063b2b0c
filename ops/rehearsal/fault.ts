/**
 * What the rehearsal injects into the candidate, the one grammar the CLI, the engine and the version
 * hosts share. `errors` and `latency` model bugs that only real traffic triggers: they hit requests
 * through the alias, never the pre-traffic hook's direct invocations (which would stop them first);
 * `crash-on-init` is a bundle that throws at load, which the pre-traffic hook does see.
 */
export type Fault =
  | { kind: 'none' }
  | { kind: 'errors'; share: number }
  | { kind: 'latency'; ms: number }
  | { kind: 'crash-on-init' };

export const FAULT_GRAMMAR = 'none, errors=<0..1>, latency=<ms up to 30000> or crash-on-init';

/** The fault a `--fault` value names, or undefined when it names none. */
export function parseFault(text: string): Fault | undefined {
  if (text === 'none' || text === 'crash-on-init') return { kind: text };
  const [name, ...rest] = text.split('=');
  const value = rest.join('=');
  const number = value.trim() === '' ? Number.NaN : Number(value);
  if (name === 'errors' && number >= 0 && number <= 1) return { kind: 'errors', share: number };
  if (name === 'latency' && number >= 0 && number <= 30_000) return { kind: 'latency', ms: number };
  return undefined;
}

/** The `--fault` text for a fault, the inverse of parseFault. */
export function describeFault(fault: Fault): string {
  switch (fault.kind) {
    case 'errors':
      return `errors=${fault.share}`;
    case 'latency':
      return `latency=${fault.ms}`;
    default:
      return fault.kind;
  }
}
