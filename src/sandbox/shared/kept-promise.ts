/**
 * A value made once and kept, unless making it failed: then the next call makes it again, rather
 * than every later call failing the same way (a read or a download that failed may work later).
 * No `vscode` and no Node import.
 */
export class KeptPromise<T> {
  private kept: Promise<T> | undefined;

  /** The kept value, made by `make` when there is none (or the last making failed). */
  get(make: () => Promise<T>): Promise<T> {
    if (this.kept) return this.kept;
    const making = make().catch((error: unknown) => {
      // Only this making is dropped: one started after a forget() stays.
      if (this.kept === making) this.kept = undefined;
      throw error;
    });
    this.kept = making;
    return making;
  }

  /** Drops the kept value: the next call makes it anew. */
  forget(): void {
    this.kept = undefined;
  }
}
