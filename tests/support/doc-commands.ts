import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The shell blocks of the README and docs/*.md, and the commands in them, as a reader would type them.
 *
 * The marking, after the language of a block's fence (docs/testing.md, "The documented commands"):
 * - ```sh            every command runs in tests/e2e/doc-commands.test.ts;
 * - ```sh aws        the commands need an AWS account and credentials, and are not run here;
 * - ```sh run-by=F   the commands are what the tracked file F runs (CI's script, say).
 * Below a command, comment lines are its expected output, each a whole line of what it prints, in order;
 * so is a trailing comment that is JSON. A trailing comment saying `exits N` is its expected exit code.
 */

export const SHELL_LANGUAGES = new Set(['sh', 'bash', 'shell', 'zsh']);
export const MARKS = ['aws', 'run-by'] as const;

export interface DocCommand {
  file: string;
  /** 1-based line of the command's first line. */
  line: number;
  text: string;
  /** Lines the output must hold, in this order. */
  expected: string[];
  exitCode?: number;
}

export interface FencedBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  language: string;
  /** The words after the language: `aws`, `run-by=…`. */
  marks: string[];
  body: string[];
}

export interface ShellBlock extends FencedBlock {
  commands: DocCommand[];
}

/** README.md and every docs/*.md, relative to the repository's root. */
export function documents(root = '.'): string[] {
  const docs = readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md'));
  return ['README.md', ...docs.sort().map((name) => join('docs', name))];
}

/** Every fenced block of a Markdown text, indented ones (in a list item) de-indented. */
export function fencedBlocks(markdown: string, file: string): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  let open: (FencedBlock & { indent: number }) | undefined;
  markdown.split('\n').forEach((text, index) => {
    const fence = /^( *)```(.*)$/.exec(text);
    if (open) {
      if (fence && fence[2]?.trim() === '') {
        const { indent: _, ...block } = open;
        blocks.push(block);
        open = undefined;
      } else open.body.push(text.slice(Math.min(open.indent, /^ */.exec(text)?.[0].length ?? 0)));
    } else if (fence) {
      const [language = '', ...marks] = (fence[2] ?? '').trim().split(/\s+/).filter(Boolean);
      open = { file, line: index + 1, language, marks, body: [], indent: fence[1]?.length ?? 0 };
    }
  });
  return blocks;
}

/**
 * A shell line split at its comment: a `#` outside quotes that starts a word. `globs` are the
 * characters outside quotes that a shell expands as a pattern (zsh refuses one that matches no file).
 */
export function splitComment(line: string): { code: string; comment?: string; globs: string[] } {
  let quote: string | undefined;
  const globs: string[] = [];
  for (let index = 0; index < line.length; index++) {
    const char = line[index] as string;
    if (quote) {
      if (char === quote) quote = undefined;
      else if (char === '\\' && quote === '"') index++;
    } else if (char === '\\') index++;
    else if (char === "'" || char === '"') quote = char;
    else if (char === '#' && (index === 0 || /\s/.test(line[index - 1] as string)))
      return { code: line.slice(0, index).trimEnd(), comment: line.slice(index + 1).trim(), globs };
    else if ('?*['.includes(char)) globs.push(char);
  }
  return { code: line.trimEnd(), globs };
}

const isJson = (text: string) => {
  if (!/^[[{]/.test(text)) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/** The commands of a shell block: continuation lines joined, expected output read from comments. */
export function commandsOf(block: FencedBlock): DocCommand[] {
  const commands: DocCommand[] = [];
  let current: DocCommand | undefined;
  let pending: { text: string; line: number } | undefined;
  block.body.forEach((raw, index) => {
    const line = block.line + index + 1;
    if (raw.trim() === '') {
      current = undefined;
      return;
    }
    const { code, comment } = splitComment(raw);
    if (code === '') {
      if (current && comment !== undefined) current.expected.push(comment);
      return;
    }
    if (code.endsWith('\\')) {
      pending = {
        text: `${pending?.text ?? ''}${code.slice(0, -1).trimEnd()} `,
        line: pending?.line ?? line,
      };
      return;
    }
    current = {
      file: block.file,
      line: pending?.line ?? line,
      text: `${pending?.text ?? ''}${code.trim()}`,
      expected: [],
    };
    pending = undefined;
    if (comment !== undefined && isJson(comment)) current.expected.push(comment);
    const exits = comment === undefined ? undefined : /\bexits (\d+)\b/.exec(comment)?.[1];
    if (exits !== undefined) current.exitCode = Number(exits);
    commands.push(current);
  });
  return commands;
}

/** Every shell block of the README and docs/*.md, with its commands. */
export function shellBlocks(root = '.'): ShellBlock[] {
  return documents(root).flatMap((file) =>
    fencedBlocks(readFileSync(join(root, file), 'utf8'), file)
      .filter((block) => SHELL_LANGUAGES.has(block.language))
      .map((block) => ({ ...block, commands: commandsOf(block) })),
  );
}

/** The file a `run-by=F` block names, if it is one. */
export const runBy = (block: FencedBlock) =>
  block.marks.find((mark) => mark.startsWith('run-by='))?.slice('run-by='.length);

/** True when the block runs in the command test: it is marked neither `aws` nor `run-by=`. */
export const runsHere = (block: FencedBlock) => block.marks.length === 0;
