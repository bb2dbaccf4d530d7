/**
 * Downloads through `fetch` (global in Node, browsers and workers; Node's `file:` support is
 * added by `fetchWithFiles`). A file is read whole into memory, so that every byte is hashed
 * before anything is written to the cache.
 */
import { concatBytes } from '../sandbox/shared/bytes';
import { PackageError, reasonOf } from './errors';

export type Fetch = typeof fetch;

/** Hooks into one download: its size as announced, and its bytes as they arrive. */
export interface DownloadWatch {
  readonly signal?: AbortSignal;
  /** Called with the Content-Length, when the server sends one, before any byte is read. Throwing stops the download. */
  readonly expect?: (bytes: number) => void;
  /** Called with each chunk's size as it arrives. Throwing stops the download. */
  readonly received?: (bytes: number) => void;
}

/**
 * Fetches `url` whole. `label` starts every error message: the package, or the lock, that the
 * download is for.
 */
export async function fetchBytes(fetchFn: Fetch, url: string, label: string, watch: DownloadWatch = {}): Promise<Uint8Array> {
  const response = await request(fetchFn, url, label, 'GET', watch.signal);
  if (!response.ok) {
    await response.body?.cancel();
    throw new PackageError('unreachable', `${label}: ${url} answered HTTP ${response.status} ${response.statusText}`.trim());
  }
  const length = contentLength(response);
  const reader = response.body?.getReader();
  const chunks: Uint8Array[] = [];
  try {
    if (length !== undefined) watch.expect?.(length);
    for (;;) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) break;
      chunks.push(chunk.value);
      watch.received?.(chunk.value.length);
    }
  } catch (error) {
    await reader?.cancel().catch(() => undefined);
    throw downloadError(error, url, label, watch.signal);
  }
  return concatBytes(chunks);
}

/**
 * The size the server gives for `url` (a HEAD request), or undefined when it gives none. A
 * server that cannot be reached is an `unreachable` PackageError: better now than at download.
 */
export async function probeSize(fetchFn: Fetch, url: string, label: string, signal?: AbortSignal): Promise<number | undefined> {
  const response = await request(fetchFn, url, label, 'HEAD', signal);
  await response.body?.cancel();
  // A server that answers, but not to HEAD, may still serve the file: its size is just unknown.
  return response.ok ? contentLength(response) : undefined;
}

async function request(fetchFn: Fetch, url: string, label: string, method: string, signal?: AbortSignal): Promise<Response> {
  try {
    return await fetchFn(url, { method, signal });
  } catch (error) {
    throw downloadError(error, url, label, signal);
  }
}

function downloadError(error: unknown, url: string, label: string, signal: AbortSignal | undefined): PackageError {
  if (error instanceof PackageError) return error;
  if (signal?.aborted) return new PackageError('cancelled', `${label}: the download was cancelled`);
  return new PackageError('unreachable', `${label}: cannot download ${url} (${reasonOf(error)})`);
}

function contentLength(response: Response): number | undefined {
  const header = response.headers.get('content-length');
  const length = header === null ? NaN : Number(header);
  return Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}
