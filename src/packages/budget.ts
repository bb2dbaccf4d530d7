/** One load's downloads counted against its byte cap, with progress reports. */
import type { DownloadWatch } from './download';
import { PackageError } from './errors';

/** `(doneBytes, totalBytes)`: totalBytes grows when a server announces a size the plan did not know. */
export type ProgressCallback = (doneBytes: number, totalBytes: number) => void;

/** Counts bytes across parallel downloads; throws a `too-large` PackageError past the cap. */
export class DownloadBudget {
  private done = 0;
  private readonly sizes = new Map<string, number>();

  constructor(
    private readonly maxBytes: number,
    private readonly onProgress?: ProgressCallback,
  ) {}

  /** Hooks for `fetchBytes` that count the download of `name` here. */
  watch(name: string, signal?: AbortSignal): DownloadWatch {
    return { signal, expect: (bytes) => this.expect(name, bytes), received: (bytes) => this.received(name, bytes) };
  }

  /** A package's size, known from the plan or announced by its server. */
  expect(name: string, bytes: number): void {
    this.sizes.set(name, bytes);
    this.check(name, this.total, 'needs');
    this.report();
  }

  /** Bytes of `name` that arrived. */
  received(name: string, bytes: number): void {
    this.done += bytes;
    this.check(name, this.done, 'downloaded');
    this.report();
  }

  private get total(): number {
    let sum = 0;
    for (const size of this.sizes.values()) sum += size;
    return Math.max(sum, this.done);
  }

  private check(name: string, bytes: number, what: string): void {
    if (bytes <= this.maxBytes) return;
    throw new PackageError(
      'too-large',
      `${name}: the load ${what} ${megabytes(bytes)} MB, over the ${megabytes(this.maxBytes)} MB download cap (maxDownloadBytes ${this.maxBytes})`,
    );
  }

  private report(): void {
    this.onProgress?.(this.done, this.total);
  }
}

function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}
