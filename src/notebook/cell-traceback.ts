/**
 * A Python error as a notebook cell shows it: IPython's layout (`Cell In[3], line 2, in f` and
 * the line marked `---->`), which VS Code's error renderer turns into links to the cell. Only
 * the cell's own frames are there: the runtime reports frames in the submitted code alone.
 * No `vscode` import.
 */
import type { PythonError, TraceFrame } from '../sandbox/protocol';
import { formatError } from '../sandbox/result';

const MARKER = '---->';

/** One frame: where it is, the line it ran with its number, and carets under a SyntaxError's columns. */
function frameText(frame: TraceFrame, lines: readonly string[], cell: string, withName: boolean): string[] {
  const where = `${cell}, line ${frame.line}${withName ? `, in ${frame.name}` : ''}`;
  const source = lines[frame.line - 1];
  if (source === undefined) return [where]; // frame lines come from the sandbox, which may lie
  const prefix = `${MARKER} ${frame.line} `;
  const shown = [where, `${prefix}${source}`];
  if (!withName && frame.column !== undefined) {
    const span = frame.endLine === frame.line && frame.endColumn !== undefined ? Math.max(1, frame.endColumn - frame.column) : 1;
    shown.push(`${' '.repeat(prefix.length + frame.column)}${'^'.repeat(span)}`);
  }
  return shown;
}

/**
 * A frame as often as IPython draws it: one that ran four times or more in a row (recursion)
 * twice, a line that counts the rest, and once more.
 */
function repeated(frame: TraceFrame, text: string): string[] {
  const repeats = frame.repeats ?? 1;
  if (repeats <= 3) return Array.from({ length: repeats }, () => text);
  return [text, text, `    [... skipping similar frames: ${frame.name} at line ${frame.line} (${repeats - 3} times)]`, text];
}

/** The traceback text of `error` raised by a cell's `source`; `executionCount` names the cell (`Cell In[3]`). */
export function cellTraceback(error: PythonError, source: string, executionCount: number): string {
  const cell = `Cell In[${executionCount}]`;
  const lines = source.split(/\r?\n/);
  // A SyntaxError has one frame, for the place the parser stopped: it ran in no function.
  const syntax = error.type === 'SyntaxError' || error.type === 'IndentationError' || error.type === 'TabError';
  const frames = error.frames.flatMap((frame) => repeated(frame, frameText(frame, lines, cell, !syntax).join('\n')));
  return [...frames, formatError(error)].join('\n\n');
}
