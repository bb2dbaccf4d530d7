/** The only `fetch` a sandbox worker has: it serves bytes that were handed over, and nothing else. */

/** File name -> bytes of what `fetch` may serve; anything else is a network request and fails. */
export type ServedFiles = Map<string, Uint8Array>;

/**
 * What Pyodide reads of a response (`ok`, `status`, `url`, `arrayBuffer()`, `json()`; the
 * content type for streaming compilation, which precompiled-wasm.ts answers). A plain object
 * rather than a `Response`: in Node, a `Response` loads the whole of undici, a network client,
 * into the worker, which costs start-up time and is exactly what the worker must not hold.
 */
export interface ServedResponse {
  readonly ok: true;
  readonly status: 200;
  readonly url: string;
  readonly headers: { get(name: string): string | null };
  arrayBuffer(): Promise<ArrayBuffer>;
  json(): Promise<unknown>;
}

function served(url: string, bytes: Uint8Array): ServedResponse {
  // Streaming compilation checks for the wasm MIME type.
  const type = url.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream';
  return Object.freeze({
    ok: true,
    status: 200,
    url,
    headers: Object.freeze({ get: (name: string) => (name.toLowerCase() === 'content-type' ? type : null) }),
    arrayBuffer: async () => bytes.slice().buffer,
    json: async () => JSON.parse(new TextDecoder().decode(bytes)) as unknown,
  });
}

/** A `fetch` that answers from `files` by the URL's last path segment, and refuses the rest. */
export function servingFetch(files: ServedFiles): (input: string | URL | { readonly url: string }) => Promise<ServedResponse> {
  return async (input) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const bytes = files.get(url.slice(url.lastIndexOf('/') + 1));
    if (!bytes) throw new TypeError('the sandbox has no network');
    return served(url, bytes);
  };
}
