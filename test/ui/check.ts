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
  /** The browser window's size, when the default (1400x900) is too small for what the check shows. */
  viewport?: { readonly width: number; readonly height: number };
  /** The browser's user agent, when the workbench must present itself as another platform (its keys). */
  userAgent?: string;
  /** Starts what the check needs beside the workbench (a package index); its settings join `settings`. */
  setUp?(): Promise<CheckFixture>;
  run(wb: Workbench): Promise<void>;
}

/** What a check's `setUp` started. */
export interface CheckFixture {
  readonly settings: Readonly<Record<string, unknown>>;
  tearDown(): Promise<void>;
}
