/**
 * A piece of a document turned into runnable code: dedented, with what is needed to map
 * Python's 1-based line and 0-based column back to the document. No `vscode` import.
 */

/** Runnable code cut from a document, and how its positions map back. */
export interface CodeRegion {
  readonly code: string;
  /** Document line (0-based) of the code's first line. */
  readonly firstLine: number;
  /** Per code line: document column = code column + offset. */
  readonly columnOffsets: readonly number[];
}

/** A position in the document, 0-based like `vscode.Position`. */
export interface DocPosition {
  readonly line: number;
  readonly character: number;
}

const leadingWhitespace = (line: string): string => /^[ \t]*/.exec(line)![0];

/**
 * Cuts `text`, which starts in the document at (`firstLine`, `firstColumn`), into a region.
 * The common indentation of its non-blank lines is removed (as `textwrap.dedent` does), so an
 * indented block runs instead of failing with IndentationError.
 */
export function regionFromText(text: string, firstLine: number, firstColumn = 0): CodeRegion {
  const lines = text.split(/\r?\n/);
  const indents = lines.filter((line) => line.trim() !== '').map(leadingWhitespace);
  const common = indents.reduce((prefix, indent) => {
    let i = 0;
    while (i < prefix.length && i < indent.length && prefix[i] === indent[i]) i++;
    return prefix.slice(0, i);
  }, indents[0] ?? '');
  const dedented = lines.map((line) => (line.startsWith(common) ? line.slice(common.length) : line.trimStart()));
  const columnOffsets = lines.map((line, i) => line.length - dedented[i].length + (i === 0 ? firstColumn : 0));
  return { code: dedented.join('\n'), firstLine, columnOffsets };
}

/** Maps a 1-based code line and 0-based code column to the document. */
export function toDocument(region: CodeRegion, line: number, column = 0): DocPosition {
  const index = Math.min(Math.max(line - 1, 0), region.columnOffsets.length - 1);
  return { line: region.firstLine + index, character: column + region.columnOffsets[index] };
}

/**
 * The document line (0-based) of the region's last non-blank line: a selection or file that
 * ends with a newline ends on an empty line nobody thinks of as run.
 */
export function lastCodeLine(region: CodeRegion): number {
  const lines = region.code.split('\n');
  let last = lines.length - 1;
  while (last > 0 && lines[last].trim() === '') last--;
  return region.firstLine + last;
}

/**
 * The document line (0-based) of the region's last line, blank or not, which is as far as a run
 * of it goes. The empty rest after a final newline does not count: a selection of whole lines
 * ends at column 0 of the line below, which does not run.
 */
export function lastLine(region: CodeRegion): number {
  const lines = region.code.split('\n');
  const count = lines.length > 1 && lines[lines.length - 1] === '' ? lines.length - 1 : lines.length;
  return region.firstLine + count - 1;
}

/** The document lines the region's code covers, as `first-last` (1-based, for people). */
export function lineLabel(region: CodeRegion): string {
  const first = region.firstLine + 1;
  const last = lastCodeLine(region) + 1;
  return first === last ? `${first}` : `${first}-${last}`;
}

/**
 * Where the cursor goes after running `line` without a selection: the next line with code,
 * or the last line if there is none.
 */
export function nextCodeLine(lines: readonly string[], line: number): number {
  for (let next = line + 1; next < lines.length; next++) {
    if (lines[next].trim() !== '' && !lines[next].trimStart().startsWith('#')) return next;
  }
  return Math.max(0, lines.length - 1);
}

/**
 * The expression under the cursor, for a prefilled Eval input: the dotted name (with any
 * subscripts directly after it), or the whole trimmed line when the cursor is on none.
 */
export function expressionAt(lineText: string, character: number): string {
  const name = /[A-Za-z_][\w.]*(\[[^[\]]*\])*/g;
  for (let match = name.exec(lineText); match; match = name.exec(lineText)) {
    if (match.index <= character && character <= match.index + match[0].length) return match[0];
  }
  return lineText.trim();
}
