import type { RehearsalSummary } from './summary';

/**
 * The rehearsal's verdict in one line, built from the same figures as its tables, so that it never
 * says less than they do: a promotion with failed requests says how many, and an alarm that fired
 * after every group had finished is reported as firing after promotion, not hidden behind ✅.
 */
export function verdictLine(summary: RehearsalSummary): string {
  const { requests } = summary;
  const failed =
    requests.failed === 0
      ? 'no request failed'
      : `${requests.failed} of ${requests.total} requests failed (candidate ${requests.byVersion.candidate.failed}, baseline ${requests.byVersion.baseline.failed})`;
  if (summary.outcome === 'hook_failed')
    return `❌ stopped before any user request: ${summary.hookFailures[0] ?? 'the pre-traffic hook failed'}`;
  if (summary.outcome === 'rolled_back') {
    const first = summary.functions.find((fn) => fn.outcome === 'rolled_back');
    return `❌ rolled back: ${first ? `${first.key}: ${first.reason}` : 'the stack update failed'}; ${failed}`;
  }
  const doneAt = Math.max(0, ...summary.functions.map((fn) => fn.endedAtSeconds));
  const firedAfter = summary.alarms
    .filter((alarm) => alarm.transitions.some((t) => t.to === 'ALARM' && t.simulatedSeconds > doneAt))
    .map((alarm) => alarm.name);
  const after = firedAfter.length > 0 ? `; ⚠ after promotion ${firedAfter.join(', ')} fired` : '';
  return `✅ promoted: every group finished and no alarm stopped it; ${failed}${after}`;
}
