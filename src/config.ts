import * as vscode from 'vscode';
import { limitSetting, type LimitedSetting } from './setting-limits';
import type { IsolationMode } from './sandbox/transport/transport';

/** When the output channel comes to the front. */
export type RevealPolicy = 'always' | 'onError' | 'never';

/**
 * When a runtime starts before a run needs it: once a run has been made, again as soon as it
 * stops (`afterFirstRun`); also when a Python editor is first shown or a notebook's kernel is
 * selected (`onPythonEditor`); never (`off`).
 */
export type PrewarmPolicy = 'afterFirstRun' | 'onPythonEditor' | 'off';

/** Whether packages that are not cached are downloaded: after asking, without asking, or never. */
export type PackageInstallPolicy = 'ask' | 'auto' | 'never';

/** The extension's settings (`pythonSandbox.*`), read once per change. */
export interface Settings {
  readonly timeoutSeconds: number;
  readonly memoryLimitMb: number;
  readonly maxOutputBytes: number;
  readonly persistentNamespace: boolean;
  readonly clearOutputBeforeRun: boolean;
  readonly revealOutput: RevealPolicy;
  readonly isolation: IsolationMode;
  readonly prewarm: PrewarmPolicy;
  readonly inlineResults: boolean;
  /** `pythonSandbox.packages.preload`: requirements loaded before every run. */
  readonly packagesPreload: readonly string[];
  /** `pythonSandbox.packages.install` */
  readonly packagesInstall: PackageInstallPolicy;
  /** `pythonSandbox.packages.indexUrl`; undefined: Pyodide's CDN folder. */
  readonly packagesIndexUrl: string | undefined;
  /** `pythonSandbox.packages.pypiIndexUrl`; undefined: PyPI. */
  readonly packagesPypiIndexUrl: string | undefined;
  /** `pythonSandbox.packages.maxDownloadMb` */
  readonly packagesMaxDownloadMb: number;
}

/** Settings that only a new runtime picks up. */
export const RESTART_SETTINGS: ReadonlyArray<keyof Settings> = ['memoryLimitMb', 'isolation'];

const SECTION = 'pythonSandbox';

function read(): Settings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const get = <K extends keyof Settings>(key: K, fallback: Settings[K]): Settings[K] => config.get<Settings[K]>(key) ?? fallback;
  const limited = (key: LimitedSetting): number => limitSetting(key, config.get<unknown>(key));
  return Object.freeze({
    timeoutSeconds: limited('timeoutSeconds'),
    memoryLimitMb: limited('memoryLimitMb'),
    maxOutputBytes: limited('maxOutputBytes'),
    persistentNamespace: get('persistentNamespace', true),
    clearOutputBeforeRun: get('clearOutputBeforeRun', false),
    revealOutput: get('revealOutput', 'always'),
    isolation: get('isolation', 'process'),
    prewarm: readPrewarm(config.get<unknown>('prewarm')),
    inlineResults: get('inlineResults', true),
    ...readPackageSettings(config),
  });
}

/** `prewarm`, which was a boolean: `true` then meant onPythonEditor, `false` off. */
function readPrewarm(value: unknown): PrewarmPolicy {
  if (value === true) return 'onPythonEditor';
  if (value === false) return 'off';
  return value === 'onPythonEditor' || value === 'off' ? value : 'afterFirstRun';
}

/**
 * The `packages.*` settings, each checked for its type before it is taken. (They all sit below
 * `packages`, which is therefore no setting itself: VS Code nests settings by name, and a
 * `pythonSandbox.packages` list would hide every `pythonSandbox.packages.*` value.)
 */
function readPackageSettings(config: vscode.WorkspaceConfiguration): Pick<Settings, Extract<keyof Settings, `packages${string}`>> {
  const list = config.get<unknown>('packages.preload');
  const install = config.get<unknown>('packages.install');
  const text = (key: string): string | undefined => {
    const value = config.get<unknown>(key);
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
  const maxDownloadMb = config.get<unknown>('packages.maxDownloadMb');
  return {
    packagesPreload: Object.freeze(Array.isArray(list) ? list.filter((item): item is string => typeof item === 'string') : []),
    packagesInstall: install === 'auto' || install === 'never' ? install : 'ask',
    packagesIndexUrl: text('packages.indexUrl'),
    packagesPypiIndexUrl: text('packages.pypiIndexUrl'),
    packagesMaxDownloadMb: typeof maxDownloadMb === 'number' && maxDownloadMb > 0 ? maxDownloadMb : 256,
  };
}

/** The current settings snapshot; replaced (never mutated) when the user changes one. */
export class SettingsStore implements vscode.Disposable {
  private snapshot = read();
  private readonly changed = new vscode.EventEmitter<{ readonly settings: Settings; readonly keys: ReadonlyArray<keyof Settings> }>();
  private readonly subscription: vscode.Disposable;
  /** Fires with the new snapshot and the keys whose values changed. */
  readonly onDidChange = this.changed.event;

  constructor() {
    this.subscription = vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration(SECTION)) return;
      const before = this.snapshot;
      this.snapshot = read();
      const keys = (Object.keys(before) as Array<keyof Settings>).filter(
        (key) => JSON.stringify(before[key]) !== JSON.stringify(this.snapshot[key]),
      );
      if (keys.length) this.changed.fire({ settings: this.snapshot, keys });
    });
  }

  get current(): Settings {
    return this.snapshot;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
