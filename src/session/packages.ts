/**
 * Packages under the editor's settings: one package manager on the extension's cache, rebuilt
 * when a `pythonSandbox.packages.*` setting changes, and the preparers that runs, the install
 * command, the API and the agent tool hand to their sandboxes.
 */
import * as vscode from 'vscode';
import type { PackageInstallPolicy, Settings, SettingsStore } from '../config';
import { PackageError } from '../packages/errors';
import { type PackageManager, type PackagePlan, type PlannedPackage } from '../packages/manager';
import { cacheRoot, createNodePackageManager } from '../packages/node';
import { downloadsOf, namesAndVersions, packagePreparer, type PrepareHooks } from '../packages/prepare';
import type { PreparePackages } from '../sandbox/package-memory';
import { askConsent, showDownload } from './package-consent';

const PACKAGE_SETTINGS: ReadonlyArray<keyof Settings> = [
  'packagesInstall',
  'packagesIndexUrl',
  'packagesPypiIndexUrl',
  'packagesMaxDownloadMb',
];

/** The editor's package cache and the rules for filling it. */
export class PackageService implements vscode.Disposable {
  private manager: PackageManager;
  private readonly cleared = new vscode.EventEmitter<void>();
  private readonly subscription: vscode.Disposable;
  /** Fires when the cache was cleared: runtimes stop reloading what they loaded from it. */
  readonly onDidClearCache = this.cleared.event;

  /**
   * @param cacheDir the package cache (the extension's global storage); each Pyodide version
   *   keeps its files in a folder of its own below it.
   */
  constructor(
    private readonly settings: SettingsStore,
    private readonly distDir: string,
    readonly cacheDir: string,
  ) {
    this.manager = this.createManager();
    this.subscription = settings.onDidChange(({ keys }) => {
      if (keys.some((key) => PACKAGE_SETTINGS.includes(key))) this.manager = this.createManager();
    });
  }

  /** The folder the sandbox process may read packages from. */
  get cacheRoot(): string {
    return cacheRoot(this.cacheDir);
  }

  /**
   * What a run of `code` needs: its PEP 723 block, its imports and `pythonSandbox.packages.preload`, all
   * with their dependencies, downloaded as `pythonSandbox.packages.install` says.
   * @param who names the run in the consent question, e.g. `Python Sandbox: hello.py:1-3`.
   */
  forRun(code: string, who: string): PreparePackages {
    const { packagesPreload, packagesInstall } = this.settings.current;
    return packagePreparer(this.manager, { code, names: packagesPreload }, this.hooks(packagesInstall, who));
  }

  /** Packages the user named in Install Packages…: naming them is the consent to download them, unless downloads are `never`. */
  forInstall(names: readonly string[], who: string): PreparePackages {
    const policy = this.settings.current.packagesInstall === 'never' ? 'never' : 'auto';
    return packagePreparer(this.manager, { names, autoImports: false }, this.hooks(policy, who));
  }

  /** The packages of the configured index, for the install picker. */
  available(signal?: AbortSignal): Promise<PlannedPackage[]> {
    return this.manager.available(signal);
  }

  /** A package's download size, as its server gives it. */
  sizeOf(entry: PlannedPackage, signal?: AbortSignal): Promise<number | undefined> {
    return this.manager.sizeOf(entry, signal);
  }

  /** Removes every cached package, lock and resolution. */
  async clearCache(): Promise<void> {
    await this.manager.clearCache();
    this.cleared.fire();
  }

  dispose(): void {
    this.subscription.dispose();
    this.cleared.dispose();
  }

  private hooks(policy: PackageInstallPolicy, who: string): PrepareHooks {
    switch (policy) {
      case 'auto':
        return { showDownload };
      case 'never':
        return { consent: (plan) => Promise.reject(declined(plan)) };
      case 'ask':
        return { consent: (plan, signal) => askConsent(plan, who, signal), showDownload };
    }
  }

  private createManager(): PackageManager {
    const { packagesIndexUrl, packagesPypiIndexUrl, packagesMaxDownloadMb } = this.settings.current;
    return createNodePackageManager({
      cacheDir: this.cacheDir,
      distDir: this.distDir,
      indexUrl: packagesIndexUrl,
      pypiIndexUrl: packagesPypiIndexUrl,
      maxDownloadBytes: Math.round(packagesMaxDownloadMb * 1e6),
    });
  }
}

/** Downloads are off: the run does not start, and the message says which setting keeps it so. */
function declined(plan: PackagePlan): PackageError {
  return new PackageError(
    'declined',
    `${namesAndVersions(downloadsOf(plan))}: not in the package cache, and pythonSandbox.packages.install is "never", so nothing is downloaded; the code did not run`,
  );
}
