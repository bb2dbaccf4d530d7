import * as vscode from 'vscode';
import type { PlannedPackage } from '../packages/manager';
import { inParallel } from '../packages/parallel';
import { byteSize } from '../packages/prepare';
import { splitRequirementList } from '../packages/requirement-list';
import { packageLoads } from '../presenters/format';
import { settledResult } from '../sandbox/run';
import type { PackageService } from '../session/packages';
import type { RuntimeSession } from '../session/runtime-session';
import { CommandIds } from './ids';

/** What Install Packages… answers (for tests and other extensions): what loaded, or why not. */
export interface InstallOutcome {
  readonly loaded: readonly string[];
  readonly error?: string;
}

/** How long the picker waits for the servers' sizes before it shows the packages without them. */
const SIZES_WAIT_MS = 3000;
const SIZE_PROBES_AT_ONCE = 16;

/** A row of the picker: a lock package, or what the user typed. */
export interface PackagePickItem extends vscode.QuickPickItem {
  /** The requirement to load. */
  readonly requirement: string;
}

/** The picker's rows for the lock's packages: name, version, and size or "cached". */
export function packagePickItems(entries: readonly PlannedPackage[], sizes: ReadonlyMap<string, number | undefined>): PackagePickItem[] {
  return [...entries]
    .filter((entry) => entry.packageType === 'package')
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((entry) => {
      const size = sizes.get(entry.url);
      const note = entry.cached ? 'cached' : size === undefined ? undefined : byteSize(size);
      return { label: entry.name, description: note ? `${entry.version} · ${note}` : entry.version, requirement: entry.name };
    });
}

/** The servers' sizes of what is not cached, as many as arrive in time: later probes are stopped. */
async function probeSizes(service: PackageService, entries: readonly PlannedPackage[]): Promise<Map<string, number | undefined>> {
  const sizes = new Map<string, number | undefined>();
  const missing = entries.filter((entry) => !entry.cached && entry.packageType === 'package');
  await inParallel(missing, SIZE_PROBES_AT_ONCE, AbortSignal.timeout(SIZES_WAIT_MS), async (entry, stop) =>
    sizes.set(entry.url, await service.sizeOf(entry, stop).catch(() => undefined)),
  ).catch(() => undefined);
  return sizes;
}

/** Asks which packages to install: the lock's, picked, or PyPI requirements typed (comma-separated). */
async function pickPackages(service: PackageService): Promise<string[] | undefined> {
  const pick = vscode.window.createQuickPick<PackagePickItem>();
  pick.title = 'Sandbox: Install Packages';
  pick.placeholder = 'Pick packages, or type requirements for the PyPI index (attrs>=23, more with commas)';
  pick.canSelectMany = true;
  pick.matchOnDescription = true;
  pick.busy = true;
  let listed: PackagePickItem[] = [];
  const typed = (): PackagePickItem[] => {
    const value = pick.value.trim();
    if (value === '' || listed.some((item) => item.label === value)) return [];
    return [{ label: value, description: 'requirements, comma-separated', alwaysShow: true, requirement: value }];
  };
  const chosen = new Promise<string[] | undefined>((resolve) => {
    pick.onDidChangeValue(() => (pick.items = [...typed(), ...listed]));
    pick.onDidAccept(() => {
      const selected = pick.selectedItems.map((item) => item.requirement);
      resolve((selected.length > 0 ? selected : [pick.value]).flatMap(splitRequirementList));
      pick.hide();
    });
    pick.onDidHide(() => resolve(undefined));
  });
  pick.show();
  try {
    const entries = await service.available();
    listed = packagePickItems(entries, await probeSizes(service, entries));
    pick.items = [...typed(), ...listed];
  } catch (error) {
    pick.placeholder = `The package list could not be read (${error instanceof Error ? error.message : String(error)}); type requirements`;
  } finally {
    pick.busy = false;
  }
  const names = await chosen;
  pick.dispose();
  return names && names.length > 0 ? names : undefined;
}

/**
 * "Sandbox: Install Packages…" loads packages into the user's runtime (downloading what the
 * cache lacks); with `names` it skips the picker. "Sandbox: Clear Package Cache" empties the cache.
 */
export function registerPackageCommands(session: RuntimeSession, service: PackageService): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand(CommandIds.installPackages, async (names?: string[]): Promise<InstallOutcome | undefined> => {
      const requirements = Array.isArray(names) ? names.filter((name) => typeof name === 'string') : await pickPackages(service);
      if (!requirements || requirements.length === 0) return undefined;
      const run = session.install(requirements);
      const result = await settledResult(run);
      if (result.error) return { loaded: [], error: `${result.error.type}: ${result.error.message}` };
      const told = run.packages.length > 0 ? `loaded ${packageLoads(run.packages)}` : 'every package was loaded already';
      vscode.window.setStatusBarMessage(`Python Sandbox: ${told}`, 5000);
      return { loaded: run.packages.map((entry) => entry.name) };
    }),
    vscode.commands.registerCommand(CommandIds.clearPackageCache, async () => {
      await service.clearCache();
      vscode.window.setStatusBarMessage('Python Sandbox: package cache cleared', 4000);
    }),
  );
}
