import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createView, type DeployViewState, renderLine, renderScreen } from '../../../ops/view';

const state = (overrides: Partial<DeployViewState> = {}): DeployViewState => ({
  title: 'canary-api-prod',
  phase: 'shifting',
  weights: [
    {
      name: 'canary-api-prod-hello',
      versions: [
        { version: '7', percent: 90 },
        { version: '8', percent: 10 },
      ],
    },
  ],
  progress: { fraction: 0.5, label: '2m30s to 100%' },
  requests: { baseline: { total: 90, failed: 0 }, candidate: { total: 10, failed: 2 } },
  alarms: [
    { name: 'hello-fast-5xx', state: 'ALARM' },
    { name: 'api-5xx', state: 'OK' },
  ],
  ...overrides,
});
const plain = stripVTControlCharacters;

function capture(isTTY: boolean) {
  const writes: string[] = [];
  return { output: { isTTY, write: (text: string) => writes.push(text) }, writes };
}

describe('the deployment view', () => {
  it('shows phase, weights, progress to the next shift, requests per version and the alarms in ALARM', () => {
    const screen = renderScreen(state()).map(plain);
    expect(screen).toEqual([
      'canary-api-prod',
      'phase     shifting',
      'traffic   canary-api-prod-hello        v7 90% / v8 10%',
      'next      [###############...............] 2m30s to 100%',
      'requests  baseline       90 total, 0 failed',
      'requests  candidate      10 total, 2 failed',
      'alarms    1 OK, 1 in ALARM',
      '          ALARM hello-fast-5xx',
    ]);
  });

  it('redraws in place on a terminal', () => {
    const { output, writes } = capture(true);
    const view = createView(output);
    view.update(state());
    view.update(state({ phase: 'rolled back' }));
    expect(writes[0]).not.toContain('\x1b[8A');
    expect(writes[1]?.startsWith('\x1b[8A\x1b[0J')).toBe(true);
    expect(plain(writes[1] ?? '')).toContain('phase     rolled back');
  });

  it('prints a timestamped line per change, and nothing for an unchanged state, elsewhere', () => {
    const { output, writes } = capture(false);
    const view = createView(output, () => new Date('2026-11-22T10:11:12Z'));
    view.update(state());
    view.update(state({ progress: { fraction: 0.6, label: '2m to 100%' } }));
    view.update(state({ phase: 'rolled back' }));
    view.note('rollback started');
    expect(writes).toEqual([
      `10:11:12 ${renderLine(state())}\n`,
      `10:11:12 ${renderLine(state({ phase: 'rolled back' }))}\n`,
      '10:11:12 rollback started\n',
    ]);
    expect(renderLine(state())).toBe(
      'shifting | canary-api-prod-hello v7 90% / v8 10% | ALARM: hello-fast-5xx',
    );
  });
});
