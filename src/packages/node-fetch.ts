/** `fetch` for Node with `file:` URLs too, so that an index may be a local folder. */
import * as fs from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Fetch } from './download';

/** Global `fetch` for http(s); a file for `file:` URLs (404 when it does not exist). */
export const fetchWithFiles: Fetch = async (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (url.protocol !== 'file:') return fetch(input, init);
  init?.signal?.throwIfAborted();
  const file = fileURLToPath(url);
  let size: number;
  try {
    const stat = await fs.promises.stat(file);
    if (!stat.isFile()) return new Response(null, { status: 404, statusText: 'Not Found' });
    size = stat.size;
  } catch {
    return new Response(null, { status: 404, statusText: 'Not Found' });
  }
  const headers = { 'content-length': String(size) };
  if (init?.method === 'HEAD') return new Response(null, { headers });
  const stream = fs.createReadStream(file, { signal: init?.signal ?? undefined });
  return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, { headers });
};
