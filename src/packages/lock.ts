/** `pyodide-lock.json`: the list of a Pyodide distribution's packages, read and checked. */
import { countJsonValues } from '../sandbox/shared/json-text';
import { PackageError } from './errors';
import { canonicalName, fileNameProblem, IMPORT_NAME, isListOf, PACKAGE_NAME, VERSION } from './names';

/** Which Pyodide a lock was built for; a lock from an index must match the bundled one. */
export interface LockInfo {
  readonly abi_version: string;
  readonly arch: string;
  readonly platform: string;
  readonly python: string;
}

/** One package of a lock, as Pyodide's loader needs it. */
export interface LockPackage {
  /** As the lock spells it (`Cartopy`); the lock's key is its canonical form. */
  readonly name: string;
  readonly version: string;
  /** A plain file name, relative to the index folder. */
  readonly fileName: string;
  /** Lower-case hex. */
  readonly sha256: string;
  /** Canonical names of the packages it needs, which the lock also lists. */
  readonly depends: readonly string[];
  /** Top-level modules it provides: `import yaml` -> pyyaml. */
  readonly imports: readonly string[];
  /** `package`, or `shared_library` for a zip of shared libraries other packages link to. */
  readonly packageType: string;
  /** Where Pyodide unpacks it: `site` (site-packages) or `dynlib` (shared libraries). */
  readonly installDir: string;
}

/** A checked lock: its `info`, and its packages by canonical name. */
export interface PackageLock {
  readonly info: LockInfo;
  readonly packages: ReadonlyMap<string, LockPackage>;
}

const INFO_FIELDS = ['abi_version', 'arch', 'platform', 'python'] as const;
const SHA256 = /^[0-9a-f]{64}$/i;

/** Most JSON values a lock may hold: Pyodide's own, with every package of the distribution, has about 5,000. */
const MAX_LOCK_VALUES = 200_000;

/**
 * Reads a lock (its JSON text, or the parsed JSON) and checks every entry: a malformed entry,
 * one whose key, name or dependencies are not package names, or whose `file_name` is not a
 * plain file name, refuses the whole lock, since a lock that has one is corrupt or hostile.
 * `source` names the lock in messages (a URL or a path).
 */
export function parseLock(json: unknown, source: string): PackageLock {
  const invalid = (why: string, code: 'invalid' | 'bad-file-name' = 'invalid'): never => {
    throw new PackageError(code, `the lock ${source} is not usable: ${why}`);
  };
  let data = json;
  if (typeof data === 'string') {
    // Counted before parsing: a few MiB of `[],` would take the extension host seconds and
    // hundreds of MB to parse.
    if (countJsonValues(data, MAX_LOCK_VALUES) > MAX_LOCK_VALUES) invalid(`it holds more than ${MAX_LOCK_VALUES} values`);
    try {
      data = JSON.parse(data);
    } catch (error) {
      invalid(`it is not JSON (${(error as Error).message})`);
    }
  }
  if (!isObject(data) || !isObject(data.info) || !isObject(data.packages)) return invalid('it has no "info" and "packages" objects');
  const info = data.info;
  for (const field of INFO_FIELDS) if (typeof info[field] !== 'string') invalid(`info.${field} is not a string`);
  const packages = new Map<string, LockPackage>();
  for (const [key, entry] of Object.entries(data.packages)) {
    // Keys and names end up in messages, cache records and the sandbox's lock: names only.
    if (!PACKAGE_NAME.test(key)) invalid(`the key ${JSON.stringify(key)} is not a package name`);
    const entryProblem = (why: string, code?: 'bad-file-name'): never => invalid(`package '${key}': ${why}`, code);
    if (!isObject(entry)) return entryProblem('the entry is not an object');
    const { name, version, file_name: fileName, sha256, depends, imports, package_type: packageType, install_dir: installDir } = entry;
    for (const [field, value] of Object.entries({ name, version, package_type: packageType, install_dir: installDir })) {
      if (typeof value !== 'string' || value === '') entryProblem(`${field} is not a non-empty string`);
    }
    if (typeof name === 'string' && !PACKAGE_NAME.test(name)) entryProblem(`name ${JSON.stringify(name)} is not a package name`);
    const badName = fileNameProblem(fileName);
    if (badName) entryProblem(`file_name ${JSON.stringify(fileName)} is not a plain file name (${badName})`, 'bad-file-name');
    if (typeof sha256 !== 'string' || !SHA256.test(sha256)) entryProblem('sha256 is not 64 hex digits');
    if (typeof version === 'string' && !VERSION.test(version)) entryProblem(`version ${JSON.stringify(version)} is not a version`);
    if (!isListOf(depends, PACKAGE_NAME)) entryProblem('depends is not a list of package names');
    if (!isListOf(imports, IMPORT_NAME)) entryProblem('imports is not a list of module names');
    const canonical = canonicalName(key);
    if (packages.has(canonical)) entryProblem(`it is listed twice (as '${packages.get(canonical)!.name}' too)`);
    packages.set(canonical, {
      name: name as string,
      version: version as string,
      fileName: fileName as string,
      sha256: (sha256 as string).toLowerCase(),
      depends: (depends as string[]).map(canonicalName),
      imports: imports as string[],
      packageType: packageType as string,
      installDir: installDir as string,
    });
  }
  return { info: Object.fromEntries(INFO_FIELDS.map((field) => [field, info[field]])) as unknown as LockInfo, packages };
}

/**
 * Refuses a lock from a configured index that is not for the bundled Pyodide: its packages
 * would be built for another ABI or Python, and fail to load or crash.
 */
export function checkLockMatches(lock: PackageLock, bundled: PackageLock, source: string): void {
  const differing = INFO_FIELDS.filter((field) => lock.info[field] !== bundled.info[field]);
  if (differing.length === 0) return;
  const describe = (info: LockInfo): string => differing.map((field) => `${field} ${info[field]}`).join(', ');
  throw new PackageError(
    'lock-mismatch',
    `the lock ${source} is for another Pyodide (${describe(lock.info)}); this one needs ${describe(bundled.info)}`,
  );
}

/**
 * pyodide-lock.json text for `loadPyodide({ lockFileContents })`. A package's `fileName` may
 * be replaced by an absolute path: Pyodide in Node then reads that file instead of fetching.
 */
export function formatLock(info: LockInfo, packages: Iterable<readonly [string, LockPackage]>): string {
  const entries = [...packages].map(([key, entry]) => [
    key,
    {
      name: entry.name,
      version: entry.version,
      file_name: entry.fileName,
      sha256: entry.sha256,
      depends: entry.depends,
      imports: entry.imports,
      package_type: entry.packageType,
      install_dir: entry.installDir,
    },
  ]);
  return JSON.stringify({ info, packages: Object.fromEntries(entries) });
}

/** Import name -> canonical package name, as Pyodide maps `import yaml` to pyyaml. */
export function importsToPackages(lock: PackageLock): Map<string, string> {
  const map = new Map<string, string>();
  for (const [key, entry] of lock.packages) for (const module of entry.imports) if (!SANDBOX_MODULES.has(module)) map.set(module, key);
  return map;
}

/**
 * Modules the sandbox has of its own, which an import must not download: its small `IPython`
 * (Pyodide's lock maps `IPython` to the `ipython` package and its dependencies).
 */
const SANDBOX_MODULES: ReadonlySet<string> = new Set(['IPython']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
