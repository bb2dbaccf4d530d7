import * as vscode from 'vscode';
import type { IsolationMode } from './sandbox/transport/transport';

/** When the output channel comes to the front. */
export type RevealPolicy = 'always' | 'onError' | 'never';

/** The extension's settings (`pythonSandbox.*`), read once per change. */
export interface Settings {
  readonly timeoutSeconds: number;
  readonly memoryLimitMb: number;
  readonly maxOutputBytes: number;
  readonly persistentNamespace: boolean;
  readonly clearOutputBeforeRun: boolean;
  readonly revealOutput: RevealPolicy;
  readonly isolation: IsolationMode;
  readonly prewarm: boolean;
  readonly inlineResults: boolean;
}

/** Settings that only a new runtime picks up. */
export const RESTART_SETTINGS: ReadonlyArray<keyof Settings> = ['memoryLimitMb', 'isolation'];

const SECTION = 'pythonSandbox';

function read(): Settings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const get = <K extends keyof Settings>(key: K, fallback: Settings[K]): Settings[K] => config.get<Settings[K]>(key) ?? fallback;
  return Object.freeze({
    timeoutSeconds: get('timeoutSeconds', 60),
    memoryLimitMb: get('memoryLimitMb', 1024),
    maxOutputBytes: get('maxOutputBytes', 10 * 2 ** 20),
    persistentNamespace: get('persistentNamespace', true),
    clearOutputBeforeRun: get('clearOutputBeforeRun', false),
    revealOutput: get('revealOutput', 'always'),
    isolation: get('isolation', 'process'),
    prewarm: get('prewarm', true),
    inlineResults: get('inlineResults', true),
  });
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
      const keys = (Object.keys(before) as Array<keyof Settings>).filter((key) => before[key] !== this.snapshot[key]);
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
