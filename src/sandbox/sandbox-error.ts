/** What went wrong with the sandbox itself: it did not start, it died, or it broke the protocol. */
export type SandboxFault = 'start' | 'crash' | 'protocol';

/** The sandbox could not start, died, or sent what it must not: a fault of the machinery, not of the Python code. */
export class SandboxError extends Error {
  override readonly name = 'SandboxError';

  /**
   * @param fault what happened; after a crash or a protocol fault the next run starts a fresh sandbox.
   * @param reported what the sandbox itself wrote on the way out (stderr or its failure message):
   *   its own words, untrusted, sanitized; show them labelled as the sandbox's, if at all.
   */
  constructor(
    message: string,
    readonly fault: SandboxFault,
    readonly reported?: string,
  ) {
    super(message);
  }

  /** The sandbox died or was stopped under a run (rather than failing to start). */
  get crashed(): boolean {
    return this.fault !== 'start';
  }
}
