/** The CLI's package options, read into a package manager and a preparer for the run. */
import * as path from 'node:path';
import type { PreparePackages } from '../sandbox/package-memory';
import { DEFAULT_PYPI_INDEX_URL, indexUrlProblem } from './manager';
import { cacheRoot, createNodePackageManager } from './node';
import { defaultCacheDir } from './node-store';
import { packagePreparer } from './prepare';
import { splitRequirementList } from './requirement-list';

/** The options' lines of the CLI's usage text. */
export const PACKAGE_USAGE = `  --packages A,B     load these packages and their dependencies first (repeatable)
  --no-auto-packages do not load the packages that CODE imports
  --index-url URL    folder with pyodide-lock.json and the packages (default: Pyodide's CDN)
  --pypi-url URL     simple index for packages not in the lock (default: ${DEFAULT_PYPI_INDEX_URL})
  --cache-dir DIR    package cache (default: $XDG_CACHE_HOME/python-sandbox, else ~/.cache/python-sandbox)
  --offline          never download; load only what the cache holds`;

/** The package options, as `parseArgs` takes them. */
export const PACKAGE_ARGS = {
  packages: { type: 'string', multiple: true },
  'no-auto-packages': { type: 'boolean', default: false },
  'index-url': { type: 'string' },
  'pypi-url': { type: 'string' },
  'cache-dir': { type: 'string' },
  offline: { type: 'boolean', default: false },
} as const;

/** The options as `parseArgs` returns them. */
export interface PackageArgs {
  readonly packages?: string[];
  readonly 'no-auto-packages'?: boolean;
  readonly 'index-url'?: string;
  readonly 'pypi-url'?: string;
  readonly 'cache-dir'?: string;
  readonly offline?: boolean;
}

/** What the CLI does with packages. */
export interface PackageCommand {
  /** This Pyodide version's folder in the cache: the sandbox process may read it. */
  readonly cacheRoot: string;
  /** What loads the packages a run of `code` needs: named ones, its PEP 723 block's, and (unless turned off) its imports. */
  preparer(code: string): PreparePackages;
}

/** A folder URL the package manager can fetch from; throws a message for the usage text otherwise. */
function indexUrl(option: string, value: string | undefined): string | undefined {
  const problem = value === undefined ? undefined : indexUrlProblem(value);
  if (problem) throw new Error(`--${option} takes an http, https or file URL: ${problem}`);
  return value;
}

/** Reads the package options; throws an Error whose message fits the usage text when one is malformed. */
export function packageOptions(args: PackageArgs, distDir: string = __dirname): PackageCommand {
  const names = (args.packages ?? []).flatMap(splitRequirementList);
  const autoImports = args['no-auto-packages'] !== true;
  const cacheDir = path.resolve(args['cache-dir'] ?? defaultCacheDir());
  const options = {
    cacheDir,
    distDir,
    indexUrl: indexUrl('index-url', args['index-url']),
    pypiIndexUrl: indexUrl('pypi-url', args['pypi-url']),
    offline: args.offline === true,
  };
  return {
    cacheRoot: cacheRoot(cacheDir),
    preparer: (code) => packagePreparer(createNodePackageManager(options), { code, names, autoImports }),
  };
}
