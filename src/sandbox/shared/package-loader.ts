/**
 * Loads a run's packages into the worker before its code, for whoever posts to the worker: the
 * relay on Node (process/worker-relay.ts), the browser transport in the extension host. It reads
 * and checks the files, posts `load-packages` with their bytes, and waits for the worker's
 * `packages-loaded`, which it takes as it takes anything from the worker: untrusted. No `vscode`
 * and no Node import.
 */
import { isTagged, MESSAGE_LIMITS, type LoadPackagesMessage, type PackageFile } from '../protocol';
import { readPackageFiles, type PackageCache } from './package-files';

/** One worker's package loads, one at a time (a worker serves one run at a time). */
export class PackageLoader {
  private waiting: { readonly id: number; readonly settle: (error: string | undefined) => void } | undefined;

  /**
   * @param cache where the verified files are; without one, a run with packages is refused.
   * @param post posts to the worker, handing over the buffers in `transfer`.
   */
  constructor(
    private readonly cache: PackageCache | undefined,
    private readonly post: (message: LoadPackagesMessage, transfer: ArrayBuffer[]) => void,
  ) {}

  /** Loads the run's packages; resolves with why not (the worker's words among them), or undefined once the worker loaded them. */
  async load(id: number, packages: readonly PackageFile[]): Promise<string | undefined> {
    if (!this.cache) return 'this extension host has no package cache to load packages from';
    let files: Uint8Array[];
    try {
      files = await readPackageFiles(packages, this.cache);
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
    return new Promise((settle) => {
      this.waiting = { id, settle };
      this.post(
        { type: 'load-packages', id, packages, files },
        files.map((bytes) => bytes.buffer as ArrayBuffer),
      );
    });
  }

  /**
   * Takes a message from the worker that is not a frame. True when it is the answer to the load
   * under way (which it settles); false for anything else, which the transport treats as a breach.
   */
  answer(data: unknown): boolean {
    const waiting = this.waiting;
    if (!waiting || !isTagged(data) || data.type !== 'packages-loaded') return false;
    const { id, error } = data as { id?: unknown; error?: unknown };
    if (id !== waiting.id || (error !== undefined && typeof error !== 'string')) return false;
    this.waiting = undefined;
    // Cut to what the client takes in a result; the client sanitizes it as the worker's words.
    waiting.settle(error?.slice(0, MESSAGE_LIMITS.errorMessageChars));
    return true;
  }

  /** The worker is gone: the load waiting for it ends, with `reason`. */
  stop(reason: string): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.settle(reason);
  }
}
