import cliProgress from 'cli-progress';

/**
 * The one view of a deployment in progress, shared by `npm run rehearse` and `npm run watch`: phase,
 * the alias weights, progress to the next traffic shift, requests and errors per version, and the
 * alarms. On a terminal it redraws in place; elsewhere (CI logs, pipes) it prints a timestamped line
 * whenever something a reader cares about changed.
 */

export interface DeployViewState {
  title: string;
  phase: string;
  /** Per function (or one line for all): the percentages of traffic per version. */
  weights: { name: string; versions: { version: string; percent: number }[] }[];
  /** Time to the next shift, when one is scheduled. */
  progress?: { fraction: number; label: string };
  requests?: Record<string, { total: number; failed: number }>;
  alarms: { name: string; state: string }[];
}

interface Output {
  isTTY?: boolean;
  write(text: string): unknown;
}

const BAR_WIDTH = 30;
const colour = (code: number, text: string) => `\x1b[${code}m${text}\x1b[0m`;

/** cli-progress's bar, drawn into the view's own block of lines (which it redraws as a whole). */
const bar = (fraction: number) =>
  `[${cliProgress.Format.BarFormat(Math.min(1, Math.max(0, fraction)), {
    barsize: BAR_WIDTH,
    barCompleteString: '#'.repeat(BAR_WIDTH),
    barIncompleteString: '.'.repeat(BAR_WIDTH),
    barGlue: '',
  })}]`;

const weightsText = (weights: DeployViewState['weights'][number]) =>
  weights.versions.map(({ version, percent }) => `v${version} ${percent.toFixed(0)}%`).join(' / ');

/** The screen for a terminal: a block of lines, redrawn in place. */
export function renderScreen(state: DeployViewState): string[] {
  const lines = [colour(1, state.title), `phase     ${state.phase}`];
  for (const weights of state.weights)
    lines.push(`traffic   ${weights.name.padEnd(28)} ${weightsText(weights)}`);
  if (state.progress) lines.push(`next      ${bar(state.progress.fraction)} ${state.progress.label}`);
  for (const [version, counts] of Object.entries(state.requests ?? {})) {
    const failed = counts.failed > 0 ? colour(31, `${counts.failed} failed`) : '0 failed';
    lines.push(`requests  ${version.padEnd(10)} ${String(counts.total).padStart(6)} total, ${failed}`);
  }
  const firing = state.alarms.filter((alarm) => alarm.state === 'ALARM');
  lines.push(
    `alarms    ${state.alarms.length - firing.length} OK${firing.length ? `, ${colour(31, `${firing.length} in ALARM`)}` : ''}`,
  );
  for (const alarm of firing) lines.push(`          ${colour(31, 'ALARM')} ${alarm.name}`);
  return lines;
}

/** What a log reader needs to know changed, in one line; equal lines are not repeated. */
export function renderLine(state: DeployViewState): string {
  const weights = state.weights.map((entry) => `${entry.name} ${weightsText(entry)}`).join('; ');
  const firing = state.alarms.filter((alarm) => alarm.state === 'ALARM').map((alarm) => alarm.name);
  return `${state.phase} | ${weights}${firing.length ? ` | ALARM: ${firing.join(', ')}` : ''}`;
}

export function createView(output: Output = process.stdout, now: () => Date = () => new Date()) {
  let drawnLines = 0;
  let lastLine = '';
  const stamp = () => now().toISOString().slice(11, 19);
  return {
    update(state: DeployViewState) {
      if (output.isTTY) {
        const lines = renderScreen(state);
        output.write(`${drawnLines ? `\x1b[${drawnLines}A\x1b[0J` : ''}${lines.join('\n')}\n`);
        drawnLines = lines.length;
        return;
      }
      const line = renderLine(state);
      if (line !== lastLine) output.write(`${stamp()} ${line}\n`);
      lastLine = line;
    },
    /** A message that stays: above the redrawn block on a terminal, a timestamped line elsewhere. */
    note(message: string) {
      if (output.isTTY && drawnLines) {
        output.write(`\x1b[${drawnLines}A\x1b[0J`);
        drawnLines = 0;
      }
      output.write(`${stamp()} ${message}\n`);
    },
  };
}
