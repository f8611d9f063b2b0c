import { describe, expect, it } from 'vitest';
import { type CanaryPorts, isIdleProbe, PROBE_EVERY_MS, probeCanary } from '../../../../delivery/judge/probe';

const now = Date.parse('2026-12-05T10:05:00Z');

/** A canary whose latest run started at `lastStarted`; `busy` when a run is under way. */
function canary(lastStarted: number | undefined, busy = false) {
  const starts: number[] = [];
  const ports: CanaryPorts = {
    lastStarted: async () => lastStarted,
    start: async () => {
      starts.push(now);
      return busy ? 'busy' : 'started';
    },
  };
  return { ports, starts };
}

describe('probeCanary', () => {
  it('starts a canary that never ran', async () => {
    const never = canary(undefined);
    expect(await probeCanary(never.ports, now)).toBe('started');
    expect(never.starts).toHaveLength(1);
  });

  it('starts a run when the latest is a minute old, even a few seconds short of it', async () => {
    expect(await probeCanary(canary(now - PROBE_EVERY_MS).ports, now)).toBe('started');
    expect(await probeCanary(canary(now - PROBE_EVERY_MS + 4_000).ports, now)).toBe('started');
  });

  it('leaves the minute to a run another judge started in it', async () => {
    const recent = canary(now - 20_000);
    expect(await probeCanary(recent.ports, now)).toBe('recent');
    expect(recent.starts).toHaveLength(0);
  });

  it('reports a canary already starting or running as busy', async () => {
    expect(await probeCanary(canary(now - 90_000, true).ports, now)).toBe('busy');
  });
});

describe('isIdleProbe', () => {
  it('knows the idle schedule’s event from a deployment’s', () => {
    expect(isIdleProbe({ probe: 'idle' })).toBe(true);
    expect(isIdleProbe({ deploymentId: 'd-1', probe: 'deploy' })).toBe(false);
    expect(isIdleProbe(null)).toBe(false);
    expect(isIdleProbe('idle')).toBe(false);
  });
});
