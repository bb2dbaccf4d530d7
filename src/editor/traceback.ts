/** Traceback frames -> document ranges, for diagnostics. No `vscode` import. */
import type { PythonError, TraceFrame } from '../sandbox/protocol';
import { toDocument, type CodeRegion, type DocPosition } from './code-region';

/** A span of the document. */
export interface DocRange {
  readonly start: DocPosition;
  readonly end: DocPosition;
}

/** Where an error points in the document, and the calls that led there. */
export interface ErrorLocation {
  readonly range: DocRange;
  /** Outer frames, outermost first, each with a short note. */
  readonly related: ReadonlyArray<{ readonly range: DocRange; readonly message: string }>;
}

/**
 * Maps the frames of `error` to the document. The innermost frame is where it was raised;
 * a frame without a column covers its line's text (`lineText` reads document lines).
 */
export function locateError(region: CodeRegion, error: PythonError, lineText: (line: number) => string): ErrorLocation | undefined {
  const frames = error.frames;
  if (frames.length === 0) return undefined;
  const rangeOf = (frame: TraceFrame): DocRange => {
    if (frame.column === undefined) {
      const start = toDocument(region, frame.line, 0);
      const text = lineText(start.line);
      const indent = text.length - text.trimStart().length;
      return { start: { line: start.line, character: indent }, end: { line: start.line, character: text.length } };
    }
    const start = toDocument(region, frame.line, frame.column);
    const end =
      frame.endColumn === undefined
        ? { line: start.line, character: lineText(start.line).length }
        : toDocument(region, frame.endLine ?? frame.line, frame.endColumn);
    // A SyntaxError at the end of input can have its end before its start; keep it visible.
    return end.line > start.line || end.character > start.character
      ? { start, end }
      : { start, end: { line: start.line, character: start.character + 1 } };
  };
  return {
    range: rangeOf(frames[frames.length - 1]),
    related: frames.slice(0, -1).map((frame, i) => ({ range: rangeOf(frame), message: `${frame.name} called ${frames[i + 1].name}` })),
  };
}
