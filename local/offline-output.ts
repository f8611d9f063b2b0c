import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';

/**
 * What of serverless-offline's output reaches the terminal under `npm start`. Its start-up banner
 * names its own ports, which nobody should call (the gateway stands in front of them), in a box of
 * every route and Lambda invocation URL; it would also be the last thing printed, below the API's
 * real address. The banner goes; warnings, errors, stack traces, handler logs and the line per
 * request stay.
 */
export interface Banner {
  /** Lines of the banner, left out until `last` has been seen. */
  lines: RegExp[];
  /** The banner's last line on this stream. */
  last: RegExp;
  /** Left out whenever they come. */
  always: RegExp[];
}

/** serverless-offline 14 draws the route box on stdout and logs everything else on stderr. */
export const OFFLINE_BANNER = {
  stdout: {
    lines: [/^\s*┌─+┐\s*$/, /^\s*│.*│\s*$/],
    last: /^\s*└─+┘\s*$/,
    // Blank lines frame the box; after the API's address they would only push it up.
    always: [/^\s*$/],
  },
  stderr: {
    lines: [
      /^Starting Offline at stage /,
      /^Offline \[http for lambda\] listening on /,
      /^Function names exposed for local invocation by aws-sdk:$/,
      /^ {3}\* [\w-]+: [\w-]+$/,
    ],
    last: /^Server ready: /,
    // Blank lines only space out its own messages; it says goodbye when a reload stops it.
    always: [/^\s*$/, /^Halting offline server$/],
  },
} as const satisfies Record<'stdout' | 'stderr', Banner>;

/** Decides, line by line of one stream, whether a line is printed. */
export function bannerFilter(banner: Banner): (line: string) => boolean {
  let inBanner = true;
  return function keep(line) {
    const text = stripVTControlCharacters(line);
    if (banner.always.some((pattern) => pattern.test(text))) return false;
    if (!inBanner) return true;
    if (banner.last.test(text)) {
      inBanner = false;
      return false;
    }
    return !banner.lines.some((pattern) => pattern.test(text));
  };
}

/** Copies `from` to `to` line by line, leaving out what `keep` refuses. */
export function pipeLines(from: Readable, keep: (line: string) => boolean, to: NodeJS.WritableStream) {
  createInterface({ input: from, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
    if (keep(line)) to.write(`${line}\n`);
  });
}
