/** How one part of the integration suite ended. */
export interface PartResult {
  /** The suite's exit code: 0 when every test passed. */
  code: number;
  /**
   * The tests that failed, a `FAILED: title: first line of the error` line each, for the
   * launcher to repeat at the end (CI keeps only the tail of a long log). Empty where the host
   * prints straight to this console (the desktop build).
   */
  failures: string[];
}
