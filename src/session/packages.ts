/**
 * Packages under the editor's settings: one package manager on the extension's cache, made again
 * when a `pythonSandbox.packages.*` setting changes, and the preparers that runs, the install
 * command, the API and the agent tool hand to their sandboxes. The platform makes the manager
 * (a cache folder and the installer process on Node, `vscode.workspace.fs` in a browser); the
 * rules are the same on both.
 */
import * as vscode from 'vscode';
import type { PackageInstallPolicy, Settings, SettingsStore } from '../config';
import { PackageError, reasonOf } from '../packages/errors';
import type {
  PackageManager,
  PackageManagerOptions,
  PackagePlan,
  PackagePreview,
  PackageRequest,
  PlannedPackage,
} from '../packages/manager';
import { downloadsOf, namesAndVersions, packagePreparer, type PrepareHooks } from '../packages/prepare';
import type { PreparePackages } from '../sandbox/package-memory';
import { KeptPromise } from '../sandbox/shared/kept-promise';
import { askConsent, showDownload } from './package-consent';

const PACKAGE_SETTINGS: ReadonlyArray<keyof Settings> = [
  'packagesInstall',
  'packagesIndexUrl',
  'packagesPypiIndexUrl',
  'packagesMaxDownloadMb',
];

/** What the settings decide of a package manager; the platform brings the rest. */
export type PackageManagerSettings = Pick<PackageManagerOptions, 'indexUrl' | 'pypiIndexUrl' | 'maxDownloadBytes'>;

/**
 * Makes the platform's package manager under the settings. It may take a while (the browser
 * reads the bundled lock through `vscode.workspace.fs`); a failure is tried again at the next use.
 */
export type CreatePackageManager = (settings: PackageManagerSettings) => PackageManager | Promise<PackageManager>;

/** The editor's package cache and the rules for filling it. */
export class PackageService implements vscode.Disposable {
  /** The manager under the current settings, made at its first use after they changed. */
  private readonly managerLoad = new KeptPromise<PackageManager>();
  private readonly cleared = new vscode.EventEmitter<void>();
  private readonly subscription: vscode.Disposable;
  /** Fires when the cache was cleared: runtimes stop reloading what they loaded from it. */
  readonly onDidClearCache = this.cleared.event;

  /** @param createManager makes the platform's manager, on the extension's cache (its global storage). */
  constructor(
    private readonly settings: SettingsStore,
    private readonly createManager: CreatePackageManager,
  ) {
    this.subscription = settings.onDidChange(({ keys }) => {
      if (keys.some((key) => PACKAGE_SETTINGS.includes(key))) this.managerLoad.forget();
    });
  }

  /**
   * What a run of `code` needs: its PEP 723 block, its imports and `pythonSandbox.packages.preload`, all
   * with their dependencies, downloaded as `pythonSandbox.packages.install` says.
   * @param who names the run in the consent question, e.g. `Python Sandbox: hello.py:1-3`.
   */
  forRun(code: string, who: string): PreparePackages {
    const { packagesPreload, packagesInstall } = this.settings.current;
    return this.preparer({ code, names: packagesPreload }, this.hooks(packagesInstall, who));
  }

  /**
   * What `forRun(code)` would load, worked out from the lock and the cache alone (no server is
   * asked, nothing downloaded): for a confirmation shown before the run.
   */
  async preview(code: string): Promise<PackagePreview> {
    try {
      return await (await this.manager()).preview({ code, names: this.settings.current.packagesPreload });
    } catch (error) {
      // The manager could not be made (the browser's lock could not be read): the run would fail the same way.
      return { kind: 'failed', reason: reasonOf(error) };
    }
  }

  /** Packages the user named in Install Packages…: naming them is the consent to download them, unless downloads are `never`. */
  forInstall(names: readonly string[], who: string): PreparePackages {
    const policy = this.settings.current.packagesInstall === 'never' ? 'never' : 'auto';
    return this.preparer({ names, autoImports: false }, this.hooks(policy, who));
  }

  /** The packages of the configured index, for the install picker. */
  async available(signal?: AbortSignal): Promise<PlannedPackage[]> {
    return (await this.manager()).available(signal);
  }

  /** A package's download size, as its server gives it. */
  async sizeOf(entry: PlannedPackage, signal?: AbortSignal): Promise<number | undefined> {
    return (await this.manager()).sizeOf(entry, signal);
  }

  /** Removes every cached package, lock and resolution. */
  async clearCache(): Promise<void> {
    await (await this.manager()).clearCache();
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

  /** Prepares `request` with the manager of the settings in force when the run's turn comes. */
  private preparer(request: PackageRequest, hooks: PrepareHooks): PreparePackages {
    return async (signal) => packagePreparer(await this.manager(), request, hooks)(signal);
  }

  private manager(): Promise<PackageManager> {
    return this.managerLoad.get(() => this.loadManager());
  }

  private async loadManager(): Promise<PackageManager> {
    const { packagesIndexUrl, packagesPypiIndexUrl, packagesMaxDownloadMb } = this.settings.current;
    return this.createManager({
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
