import type { Workbench } from './workbench';

/**
 * One UI check: a named sequence of user steps against a workbench that already shows the
 * fixture workspace with the extension installed. Throw to fail; the runner screenshots the
 * final state either way.
 */
export interface UiCheck {
  name: string;
  /** Workspace settings (`.vscode/settings.json`) in place before the workbench opens. */
  settings?: Readonly<Record<string, unknown>>;
  /** User settings in place before the server starts (`remote.extensionKind`, which no workspace can set). */
  userSettings?: Readonly<Record<string, unknown>>;
  run(wb: Workbench): Promise<void>;
}
