/** The only `fetch` a sandbox worker has: it serves bytes that were handed over, and nothing else. */

/** File name -> bytes of what `fetch` may serve; anything else is a network request and fails. */
export type ServedFiles = Map<string, Uint8Array>;

/**
 * A `fetch` that answers from `files` by the URL's last path segment, and refuses the rest.
 * `Response_` is taken now, before the caller removes the globals it came from.
 */
export function servingFetch(files: ServedFiles): typeof fetch {
  const Response_ = Response;
  return async (input) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const bytes = files.get(url.slice(url.lastIndexOf('/') + 1));
    if (!bytes) throw new TypeError('the sandbox has no network');
    // Streaming compilation needs the wasm MIME type.
    const type = url.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream';
    return new Response_(bytes, { status: 200, headers: { 'content-type': type } });
  };
}
