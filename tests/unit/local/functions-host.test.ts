import { describe, expect, it, vi } from 'vitest';
import { FunctionsHost } from '../../../local/functions-host';
import { OfflineDidNotStart, type OfflineProcess } from '../../../local/offline-process';

// The host with a stand-in gateway and serverless-offline: every step it takes, in order.
function fakeOffline(port: number, events: string[]) {
  let end: (code: number | null) => void = () => undefined;
  let stopping = false;
  const offline: OfflineProcess = {
    port,
    pid: port,
    exited: new Promise((resolve) => {
      end = resolve;
    }),
    stopping: () => stopping,
    stop: async () => {
      stopping = true;
      events.push(`stop ${port}`);
      end(null);
    },
  };
  return { offline, crash: (code: number) => end(code) };
}

function host(starts: (() => Promise<OfflineProcess>)[]) {
  const events: string[] = [];
  const crashed = vi.fn();
  const functions = new FunctionsHost({
    gateway: {
      hold: async () => {
        events.push('hold');
      },
      release: (port) => events.push(`release ${port}`),
    },
    startOffline: () => {
      events.push('start');
      const next = starts.shift();
      if (!next) throw new Error('no more starts');
      return next();
    },
    announce: () => events.push('announce'),
    say: { log: (line) => events.push(`log ${line}`), error: (line) => events.push(`error ${line}`) },
    crashed,
  });
  return { functions, events, crashed };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('the functions host', () => {
  it('announces the API once serverless-offline serves, after sending the gateway to it', async () => {
    const { functions, events } = host([async () => fakeOffline(1, []).offline]);
    await functions.start();
    expect(events).toEqual(['start', 'release 1', 'announce']);
  });

  it('on a change, holds requests, stops the old serverless-offline, starts one and announces again', async () => {
    const log: string[] = [];
    const { functions, events } = host([
      async () => fakeOffline(1, log).offline,
      async () => fakeOffline(2, log).offline,
    ]);
    await functions.start();
    events.length = 0;
    functions.reload('lib/greeting.ts');
    await vi.waitFor(() => expect(events.at(-1)).toBe('announce'));
    expect(events.filter((event) => !event.startsWith('log Functions reloaded'))).toEqual([
      'log lib/greeting.ts changed: reloading the functions; requests wait for them.',
      'hold',
      'start',
      'release 2',
      'announce',
    ]);
    expect(log).toEqual(['stop 1']);
  });

  it('answers 502 through the gateway and says why when the new one does not start', async () => {
    const { functions, events } = host([
      async () => fakeOffline(1, []).offline,
      async () => Promise.reject(new OfflineDidNotStart(1)),
    ]);
    await functions.start();
    events.length = 0;
    functions.reload('lib/greeting.ts');
    await vi.waitFor(() => expect(events.at(-1)).toMatch(/^error The functions did not start again/));
    expect(events).toContain('release null');
    expect(events).not.toContain('announce');
  });

  it('reloads once more after a reload during which a source changed again, and only once', async () => {
    let finishStart: (offline: OfflineProcess) => void = () => undefined;
    const { functions, events } = host([
      async () => fakeOffline(1, []).offline,
      () =>
        new Promise((resolve) => {
          finishStart = resolve;
        }),
      async () => fakeOffline(3, []).offline,
    ]);
    await functions.start();
    functions.reload('lib/a.ts');
    await vi.waitFor(() => expect(events.at(-1)).toBe('start'));
    functions.reload('lib/b.ts');
    functions.reload('lib/c.ts');
    finishStart(fakeOffline(2, []).offline);
    await vi.waitFor(() => expect(events.filter((event) => event === 'announce')).toHaveLength(3));
    await settled();
    expect(events.filter((event) => event.includes('changed'))).toEqual([
      'log lib/a.ts changed: reloading the functions; requests wait for them.',
      'log lib/c.ts changed: reloading the functions; requests wait for them.',
    ]);
    expect(events.filter((event) => event.startsWith('release'))).toEqual([
      'release 1',
      'release 2',
      'release 3',
    ]);
  });

  it('reports serverless-offline ending by itself, and not one it stopped', async () => {
    const first = fakeOffline(1, []);
    const second = fakeOffline(2, []);
    const { functions, events, crashed } = host([async () => first.offline, async () => second.offline]);
    await functions.start();
    functions.reload('lib/a.ts');
    await vi.waitFor(() => expect(events).toContain('release 2'));
    await settled();
    expect(crashed).not.toHaveBeenCalled();
    second.crash(7);
    await vi.waitFor(() => expect(crashed).toHaveBeenCalledWith(7));
  });

  it('stops serverless-offline on close and reloads nothing after', async () => {
    const log: string[] = [];
    const { functions, events } = host([async () => fakeOffline(1, log).offline]);
    await functions.start();
    await functions.close('SIGINT');
    functions.reload('lib/a.ts');
    await settled();
    expect(log).toEqual(['stop 1']);
    expect(events).toEqual(['start', 'release 1', 'announce']);
  });
});
