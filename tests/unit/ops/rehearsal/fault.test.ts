import { describe, expect, it } from 'vitest';
import { describeFault, parseFault } from '../../../../ops/rehearsal/fault';

describe('the fault grammar', () => {
  it.each([
    ['none', { kind: 'none' }],
    ['crash-on-init', { kind: 'crash-on-init' }],
    ['errors=0.5', { kind: 'errors', share: 0.5 }],
    ['errors=1', { kind: 'errors', share: 1 }],
    ['latency=2000', { kind: 'latency', ms: 2000 }],
  ])('reads %s, and writes it back the same', (text, fault) => {
    expect(parseFault(text)).toEqual(fault);
    expect(describeFault(fault as never)).toBe(text);
  });

  it.each(['errors=2', 'errors=', 'errors=-0.1', 'latency=40000', 'latency=fast', 'slow', 'errors=0.5=1'])(
    'refuses %s',
    (text) => {
      expect(parseFault(text)).toBeUndefined();
    },
  );
});
