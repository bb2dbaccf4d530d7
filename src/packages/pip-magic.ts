/**
 * The requirements of a cell's `%pip install` lines, which the host loads before the cell runs
 * (as JupyterLite's piplite loads them, but verified and with consent, like imports): the
 * sandbox's `%pip` then finds them loaded. Only lines IPython reads as the magic count: a logical
 * line that starts with `%pip` (not in a string or brackets, backslash continuations joined),
 * whose first word after pip's options is `install`. Words are split as a shell splits them
 * (IPython hands the line to pip that way). Options are skipped with their values; what needs
 * a file or another index (-r, -e, -i, ...) is left to the magic, which refuses it, as it does
 * a word with a variable in it (`{name}`, `$name`), which IPython would expand when the cell
 * runs. No `vscode` and no Node import.
 */
import { logicalLineStarts } from './imports';

/** pip's options that take a value, as pip spells them. */
const WITH_VALUE = new Set(['-r', '--requirement', '-c', '--constraint', '-e', '--editable', '-i', '--index-url', '--extra-index-url', '-f', '--find-links', '-t', '--target', '--prefix', '--root', '--src', '--upgrade-strategy', '--platform', '--python-version', '--implementation', '--abi', '--progress-bar', '--log', '--cache-dir', '--proxy', '--retries', '--timeout', '--exists-action', '--trusted-host', '--cert', '--client-cert', '--report']); // prettier-ignore

const PIP_LINE = /^%pip(?=[ \t\\]|$)/;

/** The requirement strings of `code`'s `%pip install` lines, in order. */
export function pipInstallRequirements(code: string): string[] {
  const requirements: string[] = [];
  for (const start of logicalLineStarts(code)) {
    if (!PIP_LINE.test(code.slice(start, start + 5))) continue;
    const words = shellWords(continuedLine(code, start + 4));
    const command = words.findIndex((word, i) => !word.startsWith('-') && !WITH_VALUE.has(words[i - 1] ?? ''));
    if (words[command] !== 'install') continue;
    for (let i = command + 1; i < words.length; i++) {
      const word = words[i];
      if (WITH_VALUE.has(word)) i++;
      else if (!word.startsWith('-') && !/[{$]/.test(word)) requirements.push(word);
    }
  }
  return requirements;
}

/** The rest of a physical line from `start`, with the lines its backslashes continue it onto. */
function continuedLine(code: string, start: number): string {
  let text = '';
  let position = start;
  for (;;) {
    const end = code.slice(position).search(/\r?\n|\r/);
    const line = end === -1 ? code.slice(position) : code.slice(position, position + end);
    if (end === -1 || !line.endsWith('\\')) return text + line;
    text += `${line.slice(0, -1)} `;
    position += end + (code.startsWith('\r\n', position + end) ? 2 : 1);
  }
}

/** Words as a POSIX shell splits them: whitespace apart, quotes grouping, backslashes escaping. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (char === ' ' || char === '\t') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (char === "'" || char === '"') {
      const end = line.indexOf(char, i + 1);
      const close = end === -1 ? line.length : end;
      word = (word ?? '') + line.slice(i + 1, close);
      i = close;
    } else if (char === '\\' && i + 1 < line.length) {
      word = (word ?? '') + line[++i];
    } else if (char === '#' && word === undefined) {
      break; // a comment
    } else {
      word = (word ?? '') + char;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}
