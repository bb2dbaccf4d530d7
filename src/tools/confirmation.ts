/**
 * The agent tool's confirmation, the user's only look at what an agent runs: exactly the code
 * that runs, in a Markdown code block nothing in the code can close, with every invisible,
 * control and text-direction character marked; then the time limit and the packages the run
 * will load. Markdown text, no `vscode` import: tested with real Markdown renderers.
 */
import type { PackageInstallPolicy } from '../config';
import type { PackagePreview, PreviewedPackage } from '../packages/manager';
import type { RunTimeout } from './agent-text';

/** What the confirmation shows. */
export interface ConfirmationFacts {
  readonly code: string;
  readonly mode: 'exec' | 'eval';
  readonly timeout: RunTimeout;
  /** The packages the run will load; undefined when its runtime loads none (the standard library only). */
  readonly packages: PackagePreview | undefined;
  /** What `pythonSandbox.packages.install` says of packages that are not cached. */
  readonly install: PackageInstallPolicy;
  /** The run starts from an empty namespace (`pythonSandbox.persistentNamespace` is off). */
  readonly fresh: boolean;
}

/** Opens a mark; shown marked itself where the code holds it, so that a mark in the code cannot pass for one of ours. */
const MARK_OPEN = '⟦';

/**
 * What is marked: control characters but tab and line endings; format characters (bidi
 * controls, zero-width characters, the BOM, the soft hyphen, tags); line and paragraph
 * separators; spaces other than U+0020; lone surrogates; what Unicode says to draw as nothing
 * (Hangul fillers, variation selectors, ...); the Braille blank; combining marks past the second
 * on one character (stacked, they draw over the lines around them); the mark's own opener; and
 * the `<` of `<vscode_`: VS Code's chat takes `<vscode_annotation details='…'>` and
 * `<vscode_codeblock_uri>…</vscode_codeblock_uri>` in a code block for its own markup and
 * leaves them out of what it shows, lines between them included.
 * Line endings (`\r\n`, `\r`, `\n`) are matched to be shown as the line breaks Python reads.
 */
const SHOWN_DIFFERENTLY =
  /\r\n?|\n|[^\P{Cc}\t]|[\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Default_Ignorable_Code_Point}\u2800\u27E6]|[^\P{Zs} ]|(?<=\p{M}{2})\p{M}|<(?=[Vv][Ss][Cc][Oo][Dd][Ee]_)/gu;

/** Code as the confirmation shows it, and the code points it marked (each once, in order). */
export interface VisibleCode {
  readonly text: string;
  readonly marked: readonly string[];
}

/**
 * `code` with every character that would not show, or would show as something else, written
 * as `⟦U+XXXX⟧`, and line endings as `\n`. Nothing else changes: two codes that differ show
 * differently (but for the line endings, which Python reads alike).
 */
export function visibleCode(code: string): VisibleCode {
  const marked = new Set<string>();
  const text = code.replace(SHOWN_DIFFERENTLY, (char) => {
    if (char[0] === '\r' || char === '\n') return '\n';
    const mark = `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    marked.add(mark);
    return `${MARK_OPEN}${mark}⟧`;
  });
  return { text, marked: [...marked] };
}

/** The longest run of `char` in `text`. */
function longestRun(text: string, char: '`'): number {
  // A loop, not Math.max(...runs): code can hold more runs than a call can take arguments.
  let longest = 0;
  for (const [run] of text.matchAll(new RegExp(`${char}+`, 'g'))) longest = Math.max(longest, run.length);
  return longest;
}

/**
 * A fenced code block that shows `text` (no line ending but `\n`) as it is. CommonMark closes a
 * block at a line of up to three spaces and at least as many fence characters as opened it, so
 * the fence is longer than any run of backticks anywhere in the text; a tilde line cannot close
 * a backtick fence. Fenced content is never Markdown, HTML or an entity; the fence is not
 * indented, so no indentation is taken from the lines.
 */
export function codeBlock(text: string, language: string): string {
  const fence = '`'.repeat(Math.max(3, longestRun(text, '`') + 1));
  const body = text === '' || text.endsWith('\n') ? text : `${text}\n`;
  return `${fence}${language}\n${body}${fence}`;
}

/**
 * Text that is not ours (a requirement from the code, an index URL, an error message) as a code
 * span: never a link, emphasis or HTML. One line, marked as code is.
 */
export function codeSpan(text: string): string {
  const shown = visibleCode(text).text.replace(/\n/g, ' ');
  const ticks = '`'.repeat(longestRun(shown, '`') + 1);
  // A space inside the ticks keeps a span that starts or ends with a backtick (or a space) whole; CommonMark drops one each side.
  const pad = /^[` ]|[` ]$/.test(shown) ? ' ' : '';
  return `${ticks}${pad}${shown}${pad}${ticks}`;
}

/** The confirmation's Markdown. */
export function confirmationMarkdown(facts: ConfirmationFacts): string {
  const { text, marked } = visibleCode(facts.code);
  const what = facts.mode === 'eval' ? 'This expression is evaluated' : 'This code runs';
  const items = [
    `**Size:** ${sizeOf(text)}`,
    marked.length > 0 &&
      `**Marked:** characters that do not show, that change how the text around them shows, or that VS Code's chat would take for its own markup are written as ⟦U+…⟧ here: ${marked.join(', ')}. The code that runs holds the characters themselves.`,
    `**Time limit:** ${timeLimit(facts.timeout)}`,
    `**Packages:** ${packagesLine(facts.packages, facts.install)}`,
    `**Namespace:** ${facts.fresh ? 'a fresh one: nothing from earlier runs.' : "the agents' own (never yours), which keeps what earlier agent runs defined."}`,
  ].filter((item): item is string => typeof item === 'string');
  // The facts come first: the chat folds a long message, and they say how much there is to unfold.
  return [
    `${what} in the Python Sandbox (no file, network or process access).`,
    items.map((item) => `- ${item}`).join('\n'),
    'The code, exactly as it runs:',
    codeBlock(text, 'python'),
  ].join('\n\n');
}

/**
 * Characters that most fonts draw two columns wide: East Asian wide and full-width forms (the
 * ranges VS Code's editor counts so), and emoji.
 */
const WIDE =
  /[\u1100-\u115F\u2E80-\uD7AF\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{20000}-\u{3FFFD}]|\p{Extended_Pictographic}/u;

/**
 * How many columns `line` takes as the block shows it: a tab reaches the next multiple of 8 (a
 * browser's default, and more than the editor's 4), a wide character takes 2, any other 1. A
 * tab is one character and can push what follows it far past the block's edge.
 */
function columns(line: string): number {
  let width = 0;
  for (const char of line) {
    if (char === '\t') width = (Math.floor(width / 8) + 1) * 8;
    else width += char >= '\u1100' && WIDE.test(char) ? 2 : 1;
  }
  return width;
}

/** `3 lines; the longest, line 2, is 40 columns wide.` A long line may reach past the block's edge; a long code past the screen. */
function sizeOf(text: string): string {
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  if (lines.length === 0) return 'no code.';
  let longest = 0;
  let width = 0;
  lines.forEach((line, i) => {
    const lineWidth = columns(line);
    if (lineWidth > width) [longest, width] = [i, lineWidth];
  });
  const count = lines.length === 1 ? '1 line' : `${lines.length} lines`;
  return `${count}; the longest${lines.length === 1 ? '' : `, line ${longest + 1},`} is ${width} column${width === 1 ? '' : 's'} wide.`;
}

function timeLimit(timeout: RunTimeout): string {
  if (timeout.chosenBy === 'setting')
    return timeout.seconds > 0
      ? `${seconds(timeout.seconds)} (\`pythonSandbox.timeoutSeconds\`).`
      : 'none (`pythonSandbox.timeoutSeconds` is 0).';
  if (timeout.asked !== undefined) return `${seconds(timeout.seconds)}, the most allowed (the agent asked for ${seconds(timeout.asked)}).`;
  return `${seconds(timeout.seconds)}, as the agent asked.`;
}

function seconds(value: number): string {
  return `${value} s`;
}

/** What the run loads before its code, and what happens to what is not cached. */
function packagesLine(preview: PackagePreview | undefined, install: PackageInstallPolicy): string {
  if (!preview) return 'none: the standard library only.';
  switch (preview.kind) {
    case 'failed':
      return `they cannot be had, so the run will stop before its code: ${codeSpan(preview.reason)}`;
    case 'lock-not-cached': {
      const named = preview.named.length > 0 ? `${preview.named.map(codeSpan).join(', ')} and ` : '';
      return `${named}what the code imports, worked out when the run starts: the lock of the package index, ${codeSpan(preview.lockUrl)}, is downloaded first. ${downloads(install)}`;
    }
    case 'known': {
      const { packages, fromPyPI } = preview;
      if (packages.length === 0 && fromPyPI.length === 0) return 'none: the standard library only.';
      const parts = packages.length > 0 ? [packages.map(packageItem).join(', ')] : [];
      if (fromPyPI.length > 0)
        parts.push(
          `from the PyPI index ${codeSpan(preview.pypiIndexUrl)}, in versions it chooses when the run starts, with their dependencies: ${fromPyPI.map(codeSpan).join(', ')}`,
        );
      const toDownload = fromPyPI.length > 0 || packages.some((entry) => !entry.cached);
      return `${parts.join('; and ')}.${toDownload ? ` ${downloads(install)}` : ''}`;
    }
  }
}

function packageItem(entry: PreviewedPackage): string {
  return `${codeSpan(`${entry.name} ${entry.version}`)} (${entry.cached ? 'cached' : 'to download'}${entry.source === 'pypi' ? ', from PyPI' : ''})`;
}

/** What `pythonSandbox.packages.install` does with what is not cached. */
function downloads(install: PackageInstallPolicy): string {
  switch (install) {
    case 'ask':
      return 'Nothing is downloaded before you agree to it (`pythonSandbox.packages.install` is `ask`).';
    case 'auto':
      return 'What is not cached is downloaded without asking (`pythonSandbox.packages.install` is `auto`).';
    case 'never':
      return 'Nothing is downloaded (`pythonSandbox.packages.install` is `never`): a package that is not cached stops the run before its code.';
  }
}
