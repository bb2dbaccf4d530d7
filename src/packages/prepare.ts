/**
 * From what a run asks for to verified files ready to load: plan, ask (when something must be
 * downloaded), download with progress, all cancellable. The same steps for the editor, the CLI,
 * the API and the agent tool; only how they ask and show progress differs. No `vscode` import.
 */
import type { PreparePackages } from '../sandbox/package-memory';
import type { ProgressCallback } from './budget';
import type { PackageManager, PackagePlan, PackageRequest, PlannedPackage } from './manager';

/** How a caller takes part in a load. */
export interface PrepareHooks {
  /**
   * Called when the plan downloads something (never when everything is cached). Resolves to go
   * ahead; throws a PackageError to refuse (the user said no, or downloads are off).
   */
  readonly consent?: (plan: PackagePlan, signal: AbortSignal) => Promise<void>;
  /**
   * Shows the download while `download` runs, and may cancel it through the signal it passes.
   * Called only when something is downloaded.
   */
  readonly showDownload?: <T>(
    plan: PackagePlan,
    download: (onProgress: ProgressCallback, signal: AbortSignal) => Promise<T>,
    signal: AbortSignal,
  ) => Promise<T>;
}

/** Prepares `request`'s packages with `manager` when the run that needs them is next. */
export function packagePreparer(manager: PackageManager, request: PackageRequest, hooks: PrepareHooks = {}): PreparePackages {
  return async (signal) => {
    const plan = await manager.plan(request, signal);
    if (plan.packages.length === 0) return [];
    if (plan.packages.every((entry) => entry.cached)) return manager.fetch(plan, { signal });
    await hooks.consent?.(plan, signal);
    const download = (onProgress: ProgressCallback | undefined, downloadSignal: AbortSignal) =>
      manager.fetch(plan, { onProgress, signal: downloadSignal });
    return hooks.showDownload ? hooks.showDownload(plan, download, signal) : download(undefined, signal);
  };
}

/** `numpy 2.4.6, pandas 2.3.1`: the packages to download in a plan. */
export function downloadsOf(plan: PackagePlan): PlannedPackage[] {
  return plan.packages.filter((entry) => !entry.cached);
}

/** `12.4 MB` (at least, when a server did not say), for what a plan downloads. */
export function downloadSize(plan: PackagePlan): string {
  return `${plan.downloadSizesKnown ? '' : 'at least '}${byteSize(plan.downloadBytes)}`;
}

/** `3.1 MB`, `12 kB`: sizes as people read them (decimal units, as the download cap's). */
export function byteSize(bytes: number): string {
  return bytes < 1e5 ? `${Math.max(1, Math.round(bytes / 1e3))} kB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

/** Where a plan downloads from: the hosts of its files' URLs. */
function hostsOf(plan: PackagePlan): string {
  return [...new Set(downloadsOf(plan).map((entry) => new URL(entry.url).host || entry.url))].join(', ');
}

/** The consent question, e.g. `Python Sandbox: hello.py:1-3 needs numpy 2.4.6: 3.1 MB to download from cdn.jsdelivr.net.` */
export function consentMessage(plan: PackagePlan, who: string): string {
  return `${who} needs ${namesAndVersions(downloadsOf(plan))}: ${downloadSize(plan)} to download from ${hostsOf(plan)}.`;
}

/** `numpy 2.4.6, pandas 2.3.1`. */
export function namesAndVersions(packages: ReadonlyArray<Pick<PlannedPackage, 'name' | 'version'>>): string {
  return packages.map((entry) => `${entry.name} ${entry.version}`).join(', ');
}
