import { firedAlarms, type RehearsalRecord, revisionText } from './summary';
import { verdictLine } from './verdict-line';

const percent = (share: number) => `${Math.round(share * 100)} %`;
const ratio = ({ failed, total }: { failed: number; total: number }) => `${failed} of ${total}`;

/**
 * The rehearsal's verdict and key figures as GitHub-flavoured Markdown, for a pull request's job
 * summary: what a reviewer needs to decide, with the full report attached as an artifact.
 */
export function markdownSummary(summary: RehearsalRecord, title = 'Rehearsal'): string {
  const { byVersion } = summary.requests;
  const fired = firedAlarms(summary);
  const lines = [
    `## ${title}: ${verdictLine(summary)}`,
    '',
    `${summary.config} at ${summary.trafficPerSecond} requests/s, fault \`${summary.fault}\`, seed ${summary.seed}; the stack ends ${summary.stack}.`,
    '',
    '| | |',
    '| --- | --- |',
    `| stage | ${summary.stage} |`,
    `| baseline | ${revisionText(summary.baseline)} |`,
    `| candidate | ${revisionText(summary.candidate)} |`,
    `| failed requests, candidate | ${ratio(byVersion.candidate)} |`,
    `| failed requests, baseline | ${ratio(byVersion.baseline)} |`,
    `| highest candidate share | ${percent(summary.maxCandidateShare)} |`,
    `| time to rollback | ${summary.timeToRollbackSeconds === null ? '–' : `${summary.timeToRollbackSeconds} s after the fault's first request`} |`,
    `| alarms that fired | ${fired.map(({ name, at }) => `\`${name}\` at ${at.map((t) => `t+${t} s`).join(', ')}`).join(', ') || 'none'} |`,
    '',
    '| function | outcome | why |',
    '| --- | --- | --- |',
    ...summary.functions.map(
      (fn) => `| ${fn.key} | ${fn.outcome.replaceAll('_', ' ')} | ${fn.reason ?? ''} |`,
    ),
  ];
  if (summary.notSimulated.length > 0) {
    lines.push(
      '',
      `Not simulated: ${summary.notSimulated.map((missing) => `\`${missing.alarm}\``).join(', ')}.`,
    );
  }
  return `${lines.join('\n')}\n`;
}
