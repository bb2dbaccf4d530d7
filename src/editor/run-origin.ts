/** Where editor code came from, so that what its run reports can be placed back. No `vscode` import. */
import type { CodeRegion } from './code-region';

/** The document and region a run's code was cut from. */
export interface RunOrigin {
  /** The document's URI, as text. */
  readonly documentUri: string;
  readonly region: CodeRegion;
  /** The document's text of a 0-based line as it was when the run was made ('' past the end). */
  readonly lineText: (line: number) => string;
}
