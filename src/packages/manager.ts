/**
 * Which packages a run needs, and their verified files in the cache. No `vscode` and no Node
 * import: the platform comes in through the options (a store, a fetch, a PyPI resolver), so
 * the extension host, the CLI and a browser worker can all use it.
 */
import { version as bundledPyodideVersion } from 'pyodide/package.json';
import { KeptPromise } from '../sandbox/shared/kept-promise';
import { DownloadBudget, type ProgressCallback } from './budget';
import { loadOrder } from './closure';
import { fetchBytes, probeSize, type Fetch } from './download';
import { PackageError, reasonOf, throwIfCancelled } from './errors';
import { findImports } from './imports';
import { checkLockMatches, formatLock, importsToPackages, parseLock, type LockInfo, type LockPackage, type PackageLock } from './lock';
import { pyodideEnvironment } from './markers';
import { pipInstallRequirements } from './pip-magic';
import { inParallel } from './parallel';
import { checkResolvedWheels, type PyPIResolver, type ResolvedWheel } from './pypi';
import { parseRequirement, type Requirement } from './requirement';
import { readScriptMetadata } from './script-metadata';
import { sha256Hex } from './sha256';
import { parseSpecifiers, satisfies } from './specifier';
import { cacheKeys, type PackageStore } from './store';

/** PyPI's simple index, micropip's default. */
export const DEFAULT_PYPI_INDEX_URL = 'https://pypi.org/simple';

/** What one load may download unless told otherwise. */
export const DEFAULT_MAX_DOWNLOAD_BYTES = 256 * 2 ** 20;

/** Parallel downloads per load. */
const DOWNLOADS_AT_ONCE = 4;

/** Size requests (HEAD) at once: a plan of hundreds must not open hundreds of connections. */
const SIZE_PROBES_AT_ONCE = 6;

/** Largest pyodide-lock.json taken from an index: the real one is about 120 kB. */
export const MAX_LOCK_BYTES = 4 * 2 ** 20;

/**
 * How long planning, or fetching, may take in all: an index that answers a byte at a time must
 * not hold a run forever. Ten minutes fits a slow connection's 256 MiB (the download cap).
 */
export const DEFAULT_DEADLINE_MS = 10 * 60_000;

/** Why `url` cannot be an index's URL, or undefined when it can: an index is an http, https or file URL. */
export function indexUrlProblem(url: string): string | undefined {
  const protocol = URL.canParse(url) ? new URL(url).protocol : undefined;
  return protocol === 'http:' || protocol === 'https:' || protocol === 'file:' ? undefined : `'${url}' is not an http, https or file URL`;
}

/** The CDN folder Pyodide itself loads packages from, for a Pyodide version. */
export function defaultIndexUrl(pyodideVersion: string = bundledPyodideVersion): string {
  return `https://cdn.jsdelivr.net/pyodide/v${pyodideVersion}/full/`;
}

export interface PackageManagerOptions {
  /** Where verified files and records are kept, for this Pyodide version only. */
  readonly store: PackageStore;
  /** The lock that ships with Pyodide: used as it is for the default index, and the `info` any other index's lock must match. */
  readonly bundledLock: PackageLock;
  /** Folder URL (http, https or file) with pyodide-lock.json and the files; default `defaultIndexUrl()`. */
  readonly indexUrl?: string;
  /** PEP 691/503 simple index for packages not in the lock; default PyPI. */
  readonly pypiIndexUrl?: string;
  /** Cap on the bytes one `fetch` downloads; default 256 MiB. */
  readonly maxDownloadBytes?: number;
  /** Never use the network: only the bundled lock and what is cached. */
  readonly offline?: boolean;
  /** Resolves PyPI requirements (the installer process in Node); without one they are refused. */
  readonly resolver?: PyPIResolver;
  /** Why there is no resolver, for the refusal to say (a browser cannot start the installer process). */
  readonly noResolverReason?: string;
  /** Default: global fetch. */
  readonly fetch?: Fetch;
  /** The bundled Pyodide's version, for the default index URL; default the `pyodide` package's. */
  readonly pyodideVersion?: string;
  /** How long one `plan`, `fetch` or `available` may take before it is stopped; default 10 minutes. */
  readonly deadlineMs?: number;
}

/** What a run asks for. Every part is optional; an empty request plans nothing. */
export interface PackageRequest {
  /** The code to run: its `# /// script` dependencies and `%pip install` lines always count, its imports when `autoImports`. */
  readonly code?: string;
  /** Requirement strings named explicitly (setting, command, `--packages`): `numpy`, `attrs>=23`. */
  readonly names?: readonly string[];
  /** Load the lock packages that the code imports (default true). */
  readonly autoImports?: boolean;
}

export type PackageSource = 'lock' | 'pypi';

/** A package the plan loads: a lock entry, or a wheel micropip chose (shaped like one). */
export interface PlannedPackage extends LockPackage {
  /** Canonical (PEP 503) name: the lock's key, not its spelling. */
  readonly name: string;
  /** Where it is downloaded from. */
  readonly url: string;
  readonly source: PackageSource;
  /** The verified file is in the cache; loading it needs no network. */
  readonly cached: boolean;
  /** Bytes to download, when not cached and the server says. */
  readonly size?: number;
}

/** A package a preview names: what the lock (or an earlier PyPI resolution) says the run loads. */
export type PreviewedPackage = Pick<PlannedPackage, 'name' | 'version' | 'source' | 'cached'>;

/**
 * What a run's packages will be, worked out before it starts from what is at hand (the lock, the
 * cache, earlier PyPI resolutions), without asking any server: for a confirmation shown before
 * the run, where nothing may be downloaded yet.
 */
export type PackagePreview =
  | {
      readonly kind: 'known';
      /** What the run loads as far as known now, dependencies first. */
      readonly packages: readonly PreviewedPackage[];
      /** Requirements not in the lock and not resolved before: the PyPI index chooses their versions and dependencies when the run starts. */
      readonly fromPyPI: readonly string[];
      readonly pypiIndexUrl: string;
    }
  | {
      /** The configured index's lock is not in the cache: the run downloads it first, and only then knows what the code's imports need. */
      readonly kind: 'lock-not-cached';
      readonly lockUrl: string;
      /** The requirements named in the settings and the code's PEP 723 block. */
      readonly named: readonly string[];
    }
  | {
      /** Working out the packages fails (a package no index has, a version the lock lacks, bad metadata): the run stops before its code. */
      readonly kind: 'failed';
      readonly reason: string;
    };

export interface PackagePlan {
  /** Dependencies before the packages that need them. */
  readonly packages: readonly PlannedPackage[];
  /** Bytes to download: the sizes of the packages not cached, as far as their servers said. */
  readonly downloadBytes: number;
  /** Whether every package to download has a known size (else downloadBytes is a lower bound). */
  readonly downloadSizesKnown: boolean;
}

/** A package's verified file in the cache. */
export interface LocalPackage extends Omit<PlannedPackage, 'cached' | 'size'> {
  /** Where the file is (an absolute path in Node): its bytes hash to `sha256`. */
  readonly path: string;
  /** It was in the cache already (nothing was downloaded for it). */
  readonly fromCache: boolean;
}

export interface FetchOptions {
  readonly onProgress?: ProgressCallback;
  readonly signal?: AbortSignal;
}

/** Plans, downloads, verifies and caches packages. Every failure is a `PackageError`. */
export class PackageManager {
  readonly indexUrl: string;
  readonly pypiIndexUrl: string;
  readonly offline: boolean;
  private readonly store: PackageStore;
  private readonly bundledLock: PackageLock;
  private readonly maxDownloadBytes: number;
  private readonly resolver?: PyPIResolver;
  private readonly noResolverReason?: string;
  private readonly fetchFn: Fetch;
  private readonly usesBundledLock: boolean;
  private readonly deadlineMs: number;
  private readonly lockLoad = new KeptPromise<PackageLock>();

  constructor(options: PackageManagerOptions) {
    const defaultIndex = defaultIndexUrl(options.pyodideVersion);
    this.indexUrl = folderUrl(options.indexUrl ?? defaultIndex);
    this.usesBundledLock = this.indexUrl === defaultIndex;
    // micropip appends `/<name>/` itself.
    this.pypiIndexUrl = (options.pypiIndexUrl ?? DEFAULT_PYPI_INDEX_URL).replace(/\/+$/, '');
    this.offline = options.offline ?? false;
    this.store = options.store;
    this.bundledLock = options.bundledLock;
    this.maxDownloadBytes = options.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
    this.resolver = options.resolver;
    this.noResolverReason = options.noResolverReason;
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
    this.deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  }

  /** The lock info every loaded package is built for (the bundled Pyodide's). */
  get lockInfo(): LockInfo {
    return this.bundledLock.info;
  }

  /**
   * Works out what `request` needs: the lock packages it names or imports, PyPI packages
   * resolved by micropip (once; the answer is cached), all with their dependencies. It asks
   * the servers for the sizes of what is not cached. Offline, anything not cached fails here.
   */
  plan(request: PackageRequest, signal?: AbortSignal): Promise<PackagePlan> {
    return this.withDeadline('planning the packages', [this.indexUrl, this.pypiIndexUrl], signal, (bounded) =>
      this.planWithin(request, bounded),
    );
  }

  private async planWithin(request: PackageRequest, signal: AbortSignal): Promise<PackagePlan> {
    throwIfCancelled(signal);
    const lock = await this.lock(signal);
    const { fromLock, fromPyPI } = this.sortedRequirements(request, lock);
    const { wheels, record } = fromPyPI.length > 0 ? await this.resolvePyPI(fromPyPI, lock, signal) : { wheels: [] };
    const order = this.loadOrderOf(lock, [...fromLock, ...fromPyPI.map((requirement) => requirement.name)], wheels);
    // Recorded once it makes a plan: a resolution that cannot be loaded must not fail every later run from the cache.
    await record?.();
    return this.withSizes(await this.withCacheState(order), signal);
  }

  /**
   * What `plan` would load, from the lock and the cache alone: no server is asked, nothing is
   * downloaded or resolved. PyPI requirements resolved before are counted; others are named.
   */
  async preview(request: PackageRequest): Promise<PackagePreview> {
    try {
      const lock = await this.cachedLock();
      if (!lock) {
        const named = [...(request.names ?? []), ...((request.code !== undefined && readScriptMetadata(request.code)?.dependencies) || [])];
        return { kind: 'lock-not-cached', lockUrl: this.fileUrl('pyodide-lock.json'), named: named.filter((name) => name.trim() !== '') };
      }
      const { fromLock, fromPyPI } = this.sortedRequirements(request, lock);
      const wheels = fromPyPI.length > 0 ? await this.recordedResolution(fromPyPI) : [];
      const resolved = wheels ? fromPyPI.map((requirement) => requirement.name) : [];
      const packages = await this.withCacheState(this.loadOrderOf(lock, [...fromLock, ...resolved], wheels ?? []));
      return {
        kind: 'known',
        packages: packages.map(({ name, version, source, cached }) => ({ name, version, source, cached })),
        fromPyPI: wheels ? [] : [...new Set(fromPyPI.map((requirement) => requirement.text))],
        pypiIndexUrl: this.pypiIndexUrl,
      };
    } catch (error) {
      return { kind: 'failed', reason: reasonOf(error) };
    }
  }

  /** The request's requirements: those the lock has (at a version that satisfies them), and those for PyPI. */
  private sortedRequirements(request: PackageRequest, lock: PackageLock): { fromLock: string[]; fromPyPI: Requirement[] } {
    const fromLock: string[] = [];
    const fromPyPI: Requirement[] = [];
    for (const requirement of this.requirements(request, lock)) {
      const entry = lock.packages.get(requirement.name);
      if (!entry) fromPyPI.push(requirement);
      else if (!satisfies(entry.version, requirement.specifiers)) {
        throw new PackageError(
          'version',
          `${requirement.name}: the lock has ${entry.version}, which does not satisfy '${requirement.text}'`,
        );
      } else fromLock.push(requirement.name);
    }
    return { fromLock, fromPyPI };
  }

  /** The packages `requested` needs, dependencies first, from the lock and the wheels micropip resolved. */
  private loadOrderOf(lock: PackageLock, requested: readonly string[], wheels: readonly ResolvedWheel[]): Omit<PlannedPackage, 'cached'>[] {
    const candidates = new Map<string, Omit<PlannedPackage, 'cached'>>();
    for (const [name, entry] of lock.packages) candidates.set(name, { ...entry, name, url: this.fileUrl(entry.fileName), source: 'lock' });
    // micropip's choice wins over the lock for what it resolved: its wheels were picked to fit each other.
    for (const wheel of wheels) candidates.set(wheel.name, { ...wheel, source: 'pypi', packageType: 'package', installDir: 'site' });
    // Requested names first, in the order asked, so that the plan's order depends on the request only.
    return loadOrder([...requested, ...wheels.map((wheel) => wheel.name).sort()], (name) => candidates.get(name));
  }

  private withCacheState(packages: readonly Omit<PlannedPackage, 'cached'>[]): Promise<PlannedPackage[]> {
    return Promise.all(packages.map(async (entry) => ({ ...entry, cached: await this.store.has(fileKey(entry)) })));
  }

  /**
   * Makes every planned package's verified file present in the cache: downloads what is
   * missing (at most `maxDownloadBytes` in all), checks each file's sha256 before writing it,
   * and writes it atomically. Resolves in the plan's order.
   */
  fetch(plan: PackagePlan, options: FetchOptions = {}): Promise<LocalPackage[]> {
    const servers = [...new Set(plan.packages.filter((entry) => !entry.cached).map((entry) => new URL(entry.url).origin))];
    return this.withDeadline('downloading the packages', servers, options.signal, (signal) => {
      throwIfCancelled(signal);
      return this.fetchPackages(plan.packages, { ...options, signal });
    });
  }

  /** Every package of the configured index's lock, with its URL and whether its file is cached: what a picker offers. */
  async available(signal?: AbortSignal): Promise<PlannedPackage[]> {
    const lock = await this.withDeadline('reading the lock', [this.indexUrl], signal, (bounded) => this.lock(bounded));
    return Promise.all(
      [...lock.packages].map(async ([name, entry]) => {
        const planned = { ...entry, name, url: this.fileUrl(entry.fileName), source: 'lock' as const };
        return { ...planned, cached: await this.store.has(fileKey(planned)) };
      }),
    );
  }

  /** The size of a package's file as its server gives it; undefined when it does not say, or offline. */
  async sizeOf(entry: PlannedPackage, signal?: AbortSignal): Promise<number | undefined> {
    return this.offline ? undefined : probeSize(this.fetchFn, entry.url, entry.name, signal);
  }

  /** Removes every cached file, lock and resolution of this Pyodide version. */
  async clearCache(): Promise<void> {
    this.lockLoad.forget();
    await this.store.clear();
  }

  /** pyodide-lock.json text listing `packages` by their paths in the cache, for `loadPyodide({ lockFileContents })`. */
  lockForLoading(packages: readonly LocalPackage[]): string {
    return formatLock(
      this.lockInfo,
      packages.map((local) => [local.name, { ...local, fileName: local.path }]),
    );
  }

  private requirements(request: PackageRequest, lock: PackageLock): Requirement[] {
    const texts = (request.names ?? []).filter((name) => name.trim() !== '');
    const metadata = request.code === undefined ? undefined : readScriptMetadata(request.code);
    if (metadata?.requiresPython !== undefined) this.checkPython(metadata.requiresPython, lock.info.python);
    texts.push(...(metadata?.dependencies ?? []));
    // A cell's %pip install lines name packages as explicitly as a PEP 723 block does.
    if (request.code !== undefined) texts.push(...pipInstallRequirements(request.code));
    const requirements = texts.map(parseRequirement);
    if (request.code !== undefined && request.autoImports !== false) {
      const packageOf = importsToPackages(lock);
      for (const module of findImports(request.code)) {
        const name = packageOf.get(module);
        if (name !== undefined) requirements.push(parseRequirement(name));
      }
    }
    const environment = pyodideEnvironment(lock.info);
    return requirements.filter((requirement) => !requirement.marker || requirement.marker(environment));
  }

  private checkPython(requiresPython: string, python: string): void {
    const specifiers = parseSpecifiers(requiresPython);
    if (typeof specifiers === 'string') throw new PackageError('invalid', `inline script metadata: requires-python: ${specifiers}`);
    if (!satisfies(python, specifiers)) {
      throw new PackageError('version', `the script requires Python ${requiresPython}; the sandbox runs Python ${python}`);
    }
  }

  private lock(signal?: AbortSignal): Promise<PackageLock> {
    return this.lockLoad.get(() => this.loadLock(signal));
  }

  /** The bundled lock for the default index; otherwise the index's, from the cache or downloaded, checked before it is cached. */
  private async loadLock(signal?: AbortSignal): Promise<PackageLock> {
    const cached = await this.cachedLock();
    if (cached) return cached;
    const url = this.fileUrl('pyodide-lock.json');
    if (this.offline) throw new PackageError('unreachable', `the lock ${url} is not in the package cache, and downloads are off (offline)`);
    // Capped: a lock is about 120 kB, and an index must not fill memory with one.
    const cap = Math.min(this.maxDownloadBytes, MAX_LOCK_BYTES);
    const bytes = await fetchBytes(this.fetchFn, url, 'the package index', new DownloadBudget(cap).watch(url, signal)).catch(
      (error: unknown) => {
        if (!(error instanceof PackageError) || error.code !== 'too-large') throw error;
        throw new PackageError('too-large', `the lock ${url} is larger than ${(cap / 2 ** 20).toFixed(1)} MiB; it was refused`);
      },
    );
    const lock = this.checkedLock(bytes, url);
    await this.store.write(await this.lockKey(), bytes);
    return lock;
  }

  /** The lock at hand without a download: the bundled one for the default index, else the index's if it is cached (checked). */
  private async cachedLock(): Promise<PackageLock | undefined> {
    if (this.usesBundledLock) return this.bundledLock;
    checkIndexUrl('the package index', this.indexUrl);
    const cached = await this.store.read(await this.lockKey());
    return cached && this.checkedLock(cached, this.fileUrl('pyodide-lock.json'));
  }

  private async lockKey(): Promise<string> {
    return cacheKeys.lock(await sha256Hex(this.indexUrl));
  }

  private checkedLock(bytes: Uint8Array, url: string): PackageLock {
    const lock = parseLock(new TextDecoder().decode(bytes), url);
    checkLockMatches(lock, this.bundledLock, url);
    return lock;
  }

  /** The wheels micropip picks for `requirements`, from the cache's record or the installer; `record` saves a new answer. */
  private async resolvePyPI(
    requirements: readonly Requirement[],
    lock: PackageLock,
    signal?: AbortSignal,
  ): Promise<{ wheels: ResolvedWheel[]; record?: () => Promise<void> }> {
    const recorded = await this.recordedResolution(requirements);
    if (recorded) return { wheels: recorded };
    const texts = requirementTexts(requirements);
    const names = texts.join(', ');
    if (this.offline) {
      throw new PackageError(
        'unreachable',
        `${names}: not in the lock and not resolved before; downloads are off (offline), so ${this.pypiIndexUrl} cannot be asked`,
      );
    }
    if (!this.resolver) {
      const reason = this.noResolverReason === undefined ? '' : `; ${this.noResolverReason}`;
      throw new PackageError('unknown', `${names}: not in the lock of ${this.indexUrl}${reason}`);
    }
    const micropip = lock.packages.get('micropip');
    if (!micropip)
      throw new PackageError('unknown', `${names}: not in the lock of ${this.indexUrl}, which has no micropip to resolve them from PyPI`);
    const [local] = await this.fetchPackages(
      [{ ...micropip, name: 'micropip', url: this.fileUrl(micropip.fileName), source: 'lock', cached: false }],
      { signal },
    );
    const answer = await this.resolver.resolve(
      { requirements: texts, indexUrl: this.pypiIndexUrl, lockJson: formatLock(lock.info, lock.packages), micropipLocation: local.path },
      signal,
    );
    const wheels = checkResolvedWheels(answer, `the package installer's answer for ${names}`, this.pypiIndexUrl);
    const key = await this.resolutionKey(texts);
    return { wheels, record: () => this.store.write(key, new TextEncoder().encode(JSON.stringify(answer))) };
  }

  /** The wheels micropip picked for `requirements` before, from the cache's record; undefined when there is no valid record. */
  private async recordedResolution(requirements: readonly Requirement[]): Promise<ResolvedWheel[] | undefined> {
    checkIndexUrl('the PyPI index', this.pypiIndexUrl);
    const texts = requirementTexts(requirements);
    const record = await this.store.read(await this.resolutionKey(texts));
    return record && this.recordedWheels(record, texts.join(', '));
  }

  private async resolutionKey(texts: readonly string[]): Promise<string> {
    return cacheKeys.resolution(await sha256Hex(JSON.stringify({ pypi: this.pypiIndexUrl, index: this.indexUrl, requirements: texts })));
  }

  /**
   * A cached resolution, checked; undefined when it is not valid JSON or not a valid answer
   * (a partly written or edited file): it is resolved again and the record replaced.
   */
  private recordedWheels(record: Uint8Array, names: string): ResolvedWheel[] | undefined {
    try {
      return checkResolvedWheels(JSON.parse(new TextDecoder().decode(record)), `the cached resolution of ${names}`, this.pypiIndexUrl);
    } catch {
      return undefined;
    }
  }

  /**
   * Runs `work` with a signal that fires when the caller's does or `deadlineMs` has passed. Past
   * the deadline, what failed because of it is an `unreachable` PackageError naming `servers`.
   */
  private async withDeadline<T>(
    what: string,
    servers: readonly string[],
    signal: AbortSignal | undefined,
    work: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const deadline = AbortSignal.timeout(this.deadlineMs);
    try {
      return await work(signal ? AbortSignal.any([signal, deadline]) : deadline);
    } catch (error) {
      if (!deadline.aborted || signal?.aborted) throw error;
      const limit = this.deadlineMs >= 60_000 ? `${this.deadlineMs / 60_000} minutes` : `${this.deadlineMs / 1000} s`;
      throw new PackageError('unreachable', `${what} took longer than ${limit} and was stopped: ${servers.join(', ')} answered too slowly`);
    }
  }

  /** Adds the servers' sizes of what is not cached; offline, something not cached is an error. */
  private async withSizes(packages: readonly PlannedPackage[], signal?: AbortSignal): Promise<PackagePlan> {
    const missing = packages.filter((entry) => !entry.cached);
    if (missing.length > 0 && this.offline) throw this.offlineError(missing[0]);
    const sizes = await inParallel(missing, SIZE_PROBES_AT_ONCE, signal, (entry, stop) =>
      probeSize(this.fetchFn, entry.url, entry.name, stop),
    );
    const sized = new Map(missing.map((entry, i) => [entry, sizes[i]]));
    return {
      packages: packages.map((entry) => (sized.get(entry) === undefined ? entry : { ...entry, size: sized.get(entry) })),
      downloadBytes: sizes.reduce((sum: number, size) => sum + (size ?? 0), 0),
      downloadSizesKnown: sizes.every((size) => size !== undefined),
    };
  }

  private async fetchPackages(packages: readonly PlannedPackage[], { onProgress, signal }: FetchOptions): Promise<LocalPackage[]> {
    const cached = await Promise.all(packages.map((entry) => this.store.has(fileKey(entry))));
    const missing = packages.filter((_, i) => !cached[i]);
    if (missing.length > 0 && this.offline) throw this.offlineError(missing[0]);
    const budget = new DownloadBudget(this.maxDownloadBytes, onProgress);
    for (const entry of missing) if (entry.size !== undefined) budget.expect(entry.name, entry.size);
    await inParallel(missing, DOWNLOADS_AT_ONCE, signal, (entry, stop) => this.download(entry, budget, stop));
    return packages.map(({ cached: _cached, size: _size, ...entry }, i) => ({
      ...entry,
      path: this.store.location(fileKey(entry)),
      fromCache: cached[i],
    }));
  }

  /** Downloads one file, checks every byte against its sha256, and only then caches it. */
  private async download(entry: PlannedPackage, budget: DownloadBudget, signal: AbortSignal): Promise<void> {
    const bytes = await fetchBytes(this.fetchFn, entry.url, entry.name, budget.watch(entry.name, signal));
    const actual = await sha256Hex(bytes);
    if (actual !== entry.sha256) {
      const authority = entry.source === 'lock' ? 'the lock' : 'the index';
      throw new PackageError(
        'hash-mismatch',
        `${entry.name}: ${entry.fileName} from ${entry.url} has sha256 ${actual}, but ${authority} says ${entry.sha256}; it was refused and not cached`,
      );
    }
    await this.store.write(fileKey(entry), bytes);
  }

  private offlineError(entry: PlannedPackage): PackageError {
    const from = entry.source === 'lock' ? `the index ${this.indexUrl}` : entry.url;
    return new PackageError(
      'unreachable',
      `${entry.name}: not in the package cache, and downloads are off (offline); it comes from ${from}`,
    );
  }

  private fileUrl(fileName: string): string {
    return new URL(fileName, this.indexUrl).href;
  }
}

/** The requirements' texts, each once, sorted: a resolution is recorded under these. */
function requirementTexts(requirements: readonly Requirement[]): string[] {
  return [...new Set(requirements.map((requirement) => requirement.text))].sort();
}

function checkIndexUrl(what: string, url: string): void {
  const problem = indexUrlProblem(url);
  if (problem) throw new PackageError('invalid', `${what}: ${problem}`);
}

function fileKey(entry: Pick<PlannedPackage, 'sha256' | 'fileName'>): string {
  return cacheKeys.file(entry.sha256, entry.fileName);
}

/** A folder URL ends in `/`, so that file names resolve inside it. */
function folderUrl(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
