/**
 * Packages that are not in the lock come from a PyPI-compatible simple index, resolved by
 * micropip outside the sandbox. This file holds what both sides of that agree on: the question,
 * the answer's shape, and the check of an answer (which crosses a process boundary, and is
 * read back from the cache).
 */
import { PackageError } from './errors';
import { canonicalName, fileNameProblem, IMPORT_NAME, isListOf, PACKAGE_NAME, VERSION } from './names';

/** What micropip is asked to resolve. */
export interface PyPIRequest {
  /** PEP 508 requirement strings, none of them in the lock. */
  readonly requirements: readonly string[];
  /** The simple index (PEP 691 JSON or PEP 503 HTML), e.g. `https://pypi.org/simple`. */
  readonly indexUrl: string;
  /** The lock micropip resolves against, as pyodide-lock.json text: its packages are not fetched from the index. */
  readonly lockJson: string;
  /** The verified micropip wheel, where the resolver can read it. */
  readonly micropipLocation: string;
}

/** Resolves PyPI requirements; the answer is checked with `checkResolvedWheels`. */
export interface PyPIResolver {
  /** Resolves to entries in micropip.freeze()'s shape for the wheels micropip would install (not the lock's). */
  resolve(request: PyPIRequest, signal?: AbortSignal): Promise<unknown>;
}

/** A wheel micropip chose from the index, checked. */
export interface ResolvedWheel {
  /** Canonical name. */
  readonly name: string;
  readonly version: string;
  /** Absolute http(s) URL of the wheel (file: only inside a file: index's folder). */
  readonly url: string;
  /** The URL's last segment: a plain `.whl` file name. */
  readonly fileName: string;
  /** From the index, lower-case hex. */
  readonly sha256: string;
  /** Canonical names: other resolved wheels, or lock packages. */
  readonly depends: readonly string[];
  readonly imports: readonly string[];
}

const SHA256 = /^[0-9a-f]{64}$/i;

/**
 * Why the host may not download `url` for the PyPI index `indexUrl`, or undefined when it may.
 * The URL comes from the index and the installer, both untrusted: the host must not read its
 * own files for them (and echo their sha256). So http(s) only, and `file:` only when the user's
 * index is a `file:` URL itself and the file is inside its folder.
 */
export function wheelUrlProblem(url: URL, indexUrl: string): string | undefined {
  // Credentials would be sent along, and shown wherever the URL is.
  if (url.username || url.password) return 'it carries a user name or password';
  if (url.protocol === 'http:' || url.protocol === 'https:') return undefined;
  const onlyHttp = `${url.protocol} URLs are not downloaded, only http(s)`;
  if (url.protocol !== 'file:') return onlyHttp;
  const index = URL.canParse(indexUrl) ? new URL(indexUrl) : undefined;
  if (index?.protocol !== 'file:') return `${onlyHttp} (file: only from a PyPI index that is a file: URL)`;
  const folder = index.pathname.endsWith('/') ? index.pathname : `${index.pathname}/`;
  const inside = url.host === index.host && url.pathname.startsWith(folder) && url.search === '' && url.hash === '';
  // The URL parser has removed `..` segments already; an escaped separator could still hide one.
  const segments = inside ? url.pathname.slice(folder.length).split('/') : [];
  if (!inside || segments.some((segment) => /%(2f|5c|2e)/i.test(segment) || segment === '')) {
    return `it is outside the folder of the PyPI index ${index.href}`;
  }
  return undefined;
}

/**
 * Checks resolver output (entries in micropip.freeze()'s shape: `name`, `version`, `file_name` holding
 * the URL, `sha256`, `depends`, `imports`). Anything else is an `invalid` PackageError naming
 * `source`: the installer's answer, or a cached record. `indexUrl` is the PyPI index asked,
 * which decides which URLs may be downloaded (`wheelUrlProblem`).
 */
export function checkResolvedWheels(raw: unknown, source: string, indexUrl: string): ResolvedWheel[] {
  const invalid = (why: string, code: 'invalid' | 'bad-file-name' = 'invalid'): never => {
    throw new PackageError(code, `${source} is not usable: ${why}`);
  };
  if (!Array.isArray(raw)) return invalid('it is not a list of wheels');
  return raw.map((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) return invalid('an entry is not an object');
    const { name, version, file_name: url, sha256, depends, imports } = entry as Record<string, unknown>;
    if (typeof name !== 'string' || !PACKAGE_NAME.test(name)) return invalid(`${JSON.stringify(name)} is not a package name`);
    const problem = (why: string, code?: 'bad-file-name'): never => invalid(`${name}: ${why}`, code);
    if (typeof version !== 'string' || !VERSION.test(version)) problem(`${JSON.stringify(version)} is not a version`);
    if (typeof sha256 !== 'string' || !SHA256.test(sha256)) problem('the sha256 is not 64 hex digits');
    if (!isListOf(depends, PACKAGE_NAME) || !isListOf(imports, IMPORT_NAME)) problem('depends and imports must be lists of names');
    const parsed = typeof url === 'string' && URL.canParse(url) ? new URL(url) : problem(`${JSON.stringify(url)} is not a URL`);
    const urlProblem = wheelUrlProblem(parsed, indexUrl);
    if (urlProblem) problem(`${parsed.href} is refused: ${urlProblem}`, 'bad-file-name');
    const fileName = lastSegment(parsed);
    const badName =
      fileName === undefined
        ? 'it has a malformed escape'
        : (fileNameProblem(fileName) ?? (fileName.endsWith('.whl') ? undefined : 'it is not a wheel'));
    if (badName) problem(`${JSON.stringify(fileName ?? parsed.pathname)} is not a plain wheel file name (${badName})`, 'bad-file-name');
    return {
      name: canonicalName(name),
      version: version as string,
      url: parsed.href,
      fileName: fileName!,
      sha256: (sha256 as string).toLowerCase(),
      depends: (depends as string[]).map(canonicalName),
      imports: imports as string[],
    };
  });
}

/** The URL's file name, unescaped (indexes escape the `+` of local versions), or undefined when an escape is malformed. */
function lastSegment(url: URL): string | undefined {
  try {
    return decodeURIComponent(url.pathname.slice(url.pathname.lastIndexOf('/') + 1));
  } catch {
    return undefined;
  }
}
