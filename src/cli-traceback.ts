/**
 * A Python error as `python3` prints an uncaught one on stderr: `Traceback (most recent call
 * last):`, then each frame's file, line and function with the line's text (and carets under the
 * expression that raised, when they do not cover the whole line or mark an operator), then
 * `Type: message` and the exception's notes; above it, the exceptions chained before it, as
 * python3 prints them. A SyntaxError in the code itself has no traceback, only where the parser
 * stopped. Only the frames in the submitted code are known: the runtime reports no others. No
 * `vscode` import.
 */
import type { ChainedError, PythonError, TraceFrame } from './sandbox/protocol';
import { formatError } from './sandbox/result';

const SYNTAX_ERRORS = new Set(['SyntaxError', 'IndentationError', 'TabError']);

/** How many times python3 draws the same frame in a row before it counts the rest instead. */
const RECURSIVE_CUTOFF = 3;

/**
 * The frame's line as python3 shows it (indented by four), with carets under its columns. A
 * traceback frame's line is stripped; a SyntaxError's (`carets: 'always'`) loses only its
 * indentation, and python3 draws no caret where the parser stopped inside that indentation
 * (`unexpected indent`, a TabError).
 */
function sourceLines(frame: TraceFrame, lines: readonly string[], carets: 'partial' | 'always'): string[] {
  const text = lines[frame.line - 1];
  // Frame lines come from the sandbox, which may lie: a line the code does not have is not shown.
  if (text === undefined || text.trim() === '') return [];
  const indent = text.length - text.trimStart().length;
  const shown = carets === 'always' ? text.trimStart() : text.trim();
  const out = [`    ${shown}`];
  if (frame.column === undefined || (carets === 'always' && frame.column < indent)) return out;
  // Within the line: the columns come from the sandbox, and python3 draws nothing past the line's end.
  const start = Math.min(Math.max(0, frame.column - indent), shown.length);
  // A span onto later lines runs to the end of this one; python3 marks a SyntaxError's with one caret.
  const oneLine = frame.endLine === undefined || frame.endLine === frame.line;
  const end = oneLine && frame.endColumn !== undefined ? frame.endColumn - indent : carets === 'always' ? start + 1 : shown.length;
  const width = Math.max(1, Math.min(end, shown.length) - start);
  // Under a binary operation or a subscript, python3 marks the operator (or the brackets) with ^ and the rest with ~.
  const operator =
    frame.operatorStart !== undefined && frame.operatorEnd !== undefined && oneLine
      ? { start: frame.operatorStart - indent - start, end: frame.operatorEnd - indent - start }
      : undefined;
  const marked = operator !== undefined && operator.end > operator.start;
  // python3 leaves out carets that would underline the whole line, unless they mark an operator.
  if (carets === 'partial' && start === 0 && width >= shown.length && !marked) return out;
  const marks = Array.from({ length: width }, (_, i) => (!marked || (i >= operator.start && i < operator.end) ? '^' : '~'));
  out.push(`    ${' '.repeat(start)}${marks.join('')}`);
  return out;
}

/** What python3 prints between an exception of a chain and the next, by how they are linked. */
const LINKS: Record<ChainedError['link'], string> = {
  cause: 'The above exception was the direct cause of the following exception:',
  context: 'During handling of the above exception, another exception occurred:',
};

/** One exception's lines as python3 prints them: its traceback, `Type: message`, then its notes. */
function exceptionLines(error: Omit<ChainedError, 'link'>, lines: readonly string[], file: string): string[] {
  const described = [formatError(error), ...(error.notes ?? [])];
  if (SYNTAX_ERRORS.has(error.type) && error.frames.length === 1) {
    const [frame] = error.frames;
    return [`  File ${file}, line ${frame.line}`, ...sourceLines(frame, lines, 'always'), ...described];
  }
  if (error.frames.length === 0) return described;
  const frames = error.frames.flatMap((frame) => {
    const shown = [`  File ${file}, line ${frame.line}, in ${frame.name}`, ...sourceLines(frame, lines, 'partial')];
    // python3 draws a frame that ran again and again three times, then counts the rest.
    const repeats = frame.repeats ?? 1;
    const more = repeats - RECURSIVE_CUTOFF;
    return [
      ...Array.from({ length: Math.min(repeats, RECURSIVE_CUTOFF) }, () => shown).flat(),
      ...(more > 0 ? [`  [Previous line repeated ${more} more time${more > 1 ? 's' : ''}]`] : []),
    ];
  });
  return ['Traceback (most recent call last):', ...frames, ...described];
}

/**
 * The text python3 would print for `error`, raised by `source` run as `filename` (`<string>` for
 * `-c`, `<stdin>`, or a file's path), ending with a newline: the exceptions chained before it
 * first, each followed by what links it to the next.
 */
export function pythonTraceback(error: PythonError, source: string, filename: string): string {
  const lines = source.split(/\r?\n/);
  const file = `"${filename}"`;
  const chain = (error.chain ?? []).flatMap((earlier) => [...exceptionLines(earlier, lines, file), '', LINKS[earlier.link], '']);
  return [...chain, ...exceptionLines(error, lines, file), ''].join('\n');
}
