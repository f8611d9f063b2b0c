import { readdirSync, readFileSync } from 'node:fs';

/**
 * Resident memory of a whole process group, in bytes, from /proc (Linux): what `npm start` really holds,
 * serverless-offline's children and threads included. 0 once the group is gone.
 */
export function groupRssBytes(pgid: number): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 5 of /proc/<pid>/stat is the process group; the command name before it may hold spaces.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const group = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      if (group !== pgid) continue;
      const rssKb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1];
      total += Number(rssKb ?? 0) * 1024;
    } catch {
      // The process ended between listing and reading.
    }
  }
  return total;
}

/** Samples a group's RSS until stopped; `peak()` is the highest sample so far. */
export function watchGroupRss(pgid: number, everyMs = 100) {
  let peak = groupRssBytes(pgid);
  const timer = setInterval(() => {
    peak = Math.max(peak, groupRssBytes(pgid));
  }, everyMs);
  return {
    peak: () => Math.max(peak, groupRssBytes(pgid)),
    stop: () => clearInterval(timer),
  };
}
