/**
 * Loads packages into the worker's Pyodide from bytes the relay handed over. The worker has no
 * file system and no network: the files are served to Pyodide's own loader through the
 * worker's `fetch` (by file name) for the time of the load, and their lock entries are added to
 * Pyodide's lock, so that `loadPackage` installs them as it installs any package of its
 * distribution: wheels into site-packages, shared-library zips into the library folder, and
 * every WebAssembly library in them loaded.
 */
import type { PyodideAPI } from 'pyodide';
import type { LoadPackagesMessage, PackageFile } from '../protocol';
import type { ServedFiles } from './serving-fetch';

/** A lock entry as Pyodide 314 keeps it (`pyodide-lock.json`'s shape). */
interface PyodideLockEntry {
  readonly name: string;
  readonly version: string;
  readonly file_name: string;
  readonly sha256: string;
  readonly depends: readonly string[];
  readonly imports: readonly string[];
  readonly package_type: string;
  readonly install_dir: string;
}

/**
 * Pyodide's internals this uses, pinned to the bundled version (314.0.7): the lock it resolves
 * names against, and the packages it has loaded (name -> where from).
 */
interface PyodideInternals {
  readonly _api: { lockfile_packages: Record<string, PyodideLockEntry> };
  readonly loadedPackages: Record<string, string>;
}

function lockEntry(file: PackageFile): PyodideLockEntry {
  return {
    name: file.name,
    version: file.version,
    file_name: file.fileName,
    sha256: file.sha256,
    depends: [...file.depends],
    imports: [...file.imports],
    package_type: file.packageType,
    install_dir: file.installDir,
  };
}

/**
 * Loads the message's packages; resolves with why not, or undefined once every one is loaded.
 * Packages loaded before are left as they are (Pyodide skips them).
 */
export async function loadPackages(pyodide: PyodideAPI, served: ServedFiles, message: LoadPackagesMessage): Promise<string | undefined> {
  const { packages, files } = message;
  if (packages.length !== files.length) return 'the package files do not match the packages';
  const internals = pyodide as unknown as PyodideInternals;
  const added: string[] = [];
  const problems: string[] = [];
  try {
    for (const [i, file] of packages.entries()) {
      // A package file must not take the place of one of the runtime's own files.
      if (served.has(file.fileName)) return `${file.name}: its file name ${file.fileName} is taken`;
      served.set(file.fileName, files[i]);
      added.push(file.fileName);
      internals._api.lockfile_packages[file.name] = lockEntry(file);
    }
    await pyodide.loadPackage(
      packages.map((file) => file.name),
      // The relay checked every file's sha256 before handing it over.
      { messageCallback: () => undefined, errorCallback: (text) => void problems.push(text), checkIntegrity: false },
    );
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  } finally {
    // The bytes are in Pyodide's file system now; the worker keeps no second copy.
    for (const fileName of added) served.delete(fileName);
  }
  const missing = packages.filter((file) => internals.loadedPackages[file.name] === undefined).map((file) => file.name);
  if (missing.length === 0) return undefined;
  return `${missing.join(', ')} did not load${problems.length > 0 ? `: ${problems.join(' ')}` : ''}`;
}
