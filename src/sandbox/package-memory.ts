/**
 * What a sandbox client knows of packages: which its current sandbox has loaded, and every
 * package any of its sandboxes loaded, which a new sandbox (after a restart, a crash or a
 * recycle) loads again from the cache before its first run. No `vscode` and no Node import.
 */
import type { PackageFile } from './protocol';

/** A verified package file ready to load, and whether it was in the cache already (rather than just downloaded). */
export interface PreparedPackage extends PackageFile {
  readonly fromCache: boolean;
}

/** What a run loaded before its code, as presenters show it: `numpy 2.4.6 (cached)`. */
export interface PackageLoad {
  readonly name: string;
  readonly version: string;
  readonly fromCache: boolean;
}

/**
 * Finds, downloads and verifies the packages a run needs, once the run is next in the queue.
 * Rejects (with a message naming the package and why) when one cannot be had; the run then
 * ends without running. The signal fires when the run is cancelled.
 */
export type PreparePackages = (signal: AbortSignal) => Promise<readonly PreparedPackage[]>;

/** The packages one sandbox has loaded: name -> sha256 of the file it loaded. */
export type LoadedPackages = Map<string, string>;

/** Only the fields the sandbox needs: a prepared package may carry more. */
function packageFile(file: PackageFile): PackageFile {
  const { name, version, fileName, path: filePath, sha256, depends, imports, packageType, installDir } = file;
  return { name, version, fileName, path: filePath, sha256, depends, imports, packageType, installDir };
}

/** The packages to send with one run. */
export interface PackageSelection {
  /** What the sandbox loads before the run's code, dependencies first. */
  readonly files: readonly PackageFile[];
  /** The same, as presenters show them. */
  readonly loads: readonly PackageLoad[];
}

/** Every package this client's sandboxes loaded, in the order they were loaded. */
export class PackageMemory {
  private readonly remembered = new Map<string, PreparedPackage>();

  /** @param canRead whether the platform's sandbox can read a package file (see TransportFactory.canRead). */
  constructor(private readonly canRead: (file: PackageFile) => boolean) {}

  /**
   * What a sandbox that has `loaded` must load for a run that needs `wanted`: the packages
   * remembered from earlier sandboxes, then the run's own, leaving out what it has. A string
   * says why the run cannot have them.
   */
  select(loaded: LoadedPackages, wanted: readonly PreparedPackage[]): PackageSelection | string {
    const chosen = new Map<string, PreparedPackage>();
    for (const file of [...this.remembered.values(), ...wanted]) {
      const have = loaded.get(file.name);
      if (have === file.sha256) continue;
      if (have !== undefined) {
        // The other file takes this one's place after a restart.
        this.remembered.set(file.name, file);
        return `${file.name}: another file of it (sha256 ${have.slice(0, 12)}…) is loaded in this runtime; restart the runtime to load ${file.version}`;
      }
      // A run's own entry replaces a remembered one in its place: the same file, just prepared.
      chosen.set(file.name, file);
    }
    const files = [...chosen.values()];
    const outside = files.find((file) => !this.canRead(file));
    if (outside) return `${outside.name}: its file is not in the package cache folder that the sandbox may read`;
    return {
      files: files.map(packageFile),
      loads: files.map(({ name, version, fromCache }) => ({ name, version, fromCache })),
    };
  }

  /** The sandbox loaded `files`: a new one loads them again. */
  remember(loaded: LoadedPackages, files: readonly PackageFile[]): void {
    for (const file of files) {
      loaded.set(file.name, file.sha256);
      this.remembered.set(file.name, { ...file, fromCache: true });
    }
  }

  /** Forgets every package (the cache was cleared, or a load failed): new sandboxes load only what their runs need. */
  forget(): void {
    this.remembered.clear();
  }
}
