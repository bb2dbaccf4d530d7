/**
 * What the sandbox may read of the user's workspace: the grants made with the Allow Reading
 * commands (kept per workspace folder in the workspace's state on this machine, never in a file
 * the workspace carries) and the globs of `pythonSandbox.files.readable` (a restricted setting:
 * in an untrusted workspace VS Code takes it from the user's settings only). Runs of a document
 * read the grants of its workspace folder, listed again when each run's turn comes, and start in
 * the document's folder. The platform says how a folder is read: `vscode.workspace.fs` (remote,
 * virtual and web workspaces), or Node's fs for a folder on the extension host's own disk.
 */
import * as vscode from 'vscode';
import type { SettingsStore } from '../config';
import { expandGrants, totalSize, type Coverage, type Grant, type GrantFileSystem } from '../files/grants';
import { formatSize } from '../sandbox/shared/bytes';
import { isRelativeFolder } from '../sandbox/shared/workspace-paths';
import type { PrepareWorkspace } from '../sandbox/workspace-files';

/** A grant made with a command: a folder or a file, relative to its workspace folder. */
export type CommandGrant = Extract<Grant, { kind: 'folder' | 'file' }>;

/** Where the command grants are kept: workspace folder URI -> its grants. */
const STATE_KEY = 'pythonSandbox.fileGrants';

/** What a FileNotFoundError in the workspace adds. */
const NOT_FOUND_HINT =
  'the sandbox reads only the workspace files you allowed (Sandbox: Allow Reading Folder… or Allow Reading File…, or the pythonSandbox.files.readable setting)';

/** The workspace folder a run reads from, and its working directory there. */
export interface RunPlace {
  /** Undefined when no folder is open: the run reads nothing. */
  readonly folder: vscode.WorkspaceFolder | undefined;
  /** Relative to the folder; '' for the folder itself. */
  readonly cwd: string;
}

function isCommandGrant(value: unknown): value is CommandGrant {
  const grant = value as Partial<CommandGrant> | null;
  return (
    typeof grant === 'object' &&
    grant !== null &&
    (grant.kind === 'folder' || grant.kind === 'file') &&
    typeof grant.path === 'string' &&
    isRelativeFolder(grant.path)
  );
}

/** The path of `uri` relative to `folder`, '/'-separated ('' for the folder itself); undefined when it is not inside. */
export function relativeTo(folder: vscode.WorkspaceFolder, uri: vscode.Uri): string | undefined {
  const root = folder.uri;
  if (uri.scheme !== root.scheme || uri.authority !== root.authority) return undefined;
  const base = root.path.replace(/\/+$/, '');
  if (uri.path === base) return '';
  if (!uri.path.startsWith(`${base}/`)) return undefined;
  const relative = uri.path.slice(base.length + 1).replace(/\/+$/, '');
  return isRelativeFolder(relative) ? relative : undefined;
}

/** The grants of every workspace folder, and what runs may read of them. */
export class FileAccess implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly subscription: vscode.Disposable;
  /** Fires when a grant is made or revoked with a command. */
  readonly onDidChange = this.changed.event;

  /**
   * @param state the workspace's state (`ExtensionContext.workspaceState`), where command grants are kept.
   * @param fileSystem how a workspace folder's files are listed and read (the platform's).
   */
  constructor(
    private readonly settings: SettingsStore,
    private readonly state: vscode.Memento,
    private readonly fileSystem: (folder: vscode.Uri) => GrantFileSystem,
  ) {
    this.subscription = settings.onDidChange(({ keys }) => {
      if (keys.includes('filesReadable')) void this.announceSetting();
    });
  }

  /** Where runs of `document` (a file, a notebook, an untitled document) read from and start. */
  placeOf(document: vscode.Uri | undefined): RunPlace {
    const folder = document && vscode.workspace.getWorkspaceFolder(document);
    const path = folder && relativeTo(folder, document);
    if (folder && path !== undefined) return { folder, cwd: path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '' };
    // An untitled document, or one outside every folder: the first folder's grants, from its top.
    return { folder: vscode.workspace.workspaceFolders?.[0], cwd: '' };
  }

  /** What a run of `document` may read: its folder's grants, listed when the run's turn comes (a revoked grant is gone then). */
  forRun(document: vscode.Uri | undefined): PrepareWorkspace {
    return async () => {
      const { folder, cwd } = this.placeOf(document);
      const files = folder ? (await this.coverage(folder, this.grantsOf(folder))).files : [];
      return { cwd, files, notFoundHint: NOT_FOUND_HINT };
    };
  }

  /** Every grant of a folder: the commands' and the setting's. */
  grantsOf(folder: vscode.WorkspaceFolder): Grant[] {
    return [...this.commandGrants(folder), ...this.settingGrants()];
  }

  /** The globs of `pythonSandbox.files.readable` in force (in an untrusted workspace, the user's own only). */
  settingGrants(): Grant[] {
    return this.settings.current.filesReadable.map((pattern) => ({ kind: 'glob', pattern }));
  }

  /** The grants made with the commands for a folder. */
  commandGrants(folder: vscode.WorkspaceFolder): CommandGrant[] {
    const all = this.state.get<Record<string, unknown>>(STATE_KEY);
    const list = all && typeof all === 'object' ? all[folder.uri.toString()] : undefined;
    return Array.isArray(list) ? list.filter(isCommandGrant) : [];
  }

  /** What grants cover in a folder, as of now. */
  coverage(folder: vscode.WorkspaceFolder, grants: readonly Grant[]): Promise<Coverage> {
    return expandGrants(this.fileSystem(folder.uri), grants);
  }

  async add(folder: vscode.WorkspaceFolder, grant: CommandGrant): Promise<void> {
    const kept = this.commandGrants(folder).filter((g) => g.kind !== grant.kind || g.path !== grant.path);
    await this.store(folder, [...kept, grant]);
  }

  async remove(folder: vscode.WorkspaceFolder, grant: CommandGrant): Promise<void> {
    await this.store(
      folder,
      this.commandGrants(folder).filter((g) => g.kind !== grant.kind || g.path !== grant.path),
    );
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }

  /** Says what `pythonSandbox.files.readable` grants now, in every folder, once it changed. */
  private async announceSetting(): Promise<void> {
    const grants = this.settingGrants();
    if (grants.length === 0) return;
    let files = 0;
    let bytes = 0;
    try {
      for (const folder of vscode.workspace.workspaceFolders ?? []) {
        const coverage = await this.coverage(folder, grants);
        files += coverage.files.length;
        bytes += totalSize(coverage.files);
      }
    } catch (error) {
      void vscode.window.showWarningMessage(
        `Python Sandbox: pythonSandbox.files.readable: ${error instanceof Error ? error.message : String(error)}`,
      );
      return;
    }
    void vscode.window.showInformationMessage(
      `Python Sandbox: pythonSandbox.files.readable lets runs read ${files} ${files === 1 ? 'file' : 'files'} (${formatSize(bytes)}), read-only.`,
    );
  }

  private async store(folder: vscode.WorkspaceFolder, grants: CommandGrant[]): Promise<void> {
    const all = { ...this.state.get<Record<string, unknown>>(STATE_KEY) };
    if (grants.length > 0) all[folder.uri.toString()] = grants;
    else delete all[folder.uri.toString()];
    await this.state.update(STATE_KEY, all);
    this.changed.fire();
  }
}
