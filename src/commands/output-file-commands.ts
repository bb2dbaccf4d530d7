import * as vscode from 'vscode';
import { parseOutputFile, type OutputFile } from '../sandbox/protocol';
import { formatSize } from '../sandbox/shared/bytes';
import type { FileAccess } from '../session/file-access';
import type { RuntimeSession } from '../session/runtime-session';
import { CommandIds } from './ids';

/** A file a run wrote under output/: which runtime holds it, and the document whose run wrote it. */
export interface OutputFileRef {
  /** The editor's runtime, or the kernel of the notebook `document`. */
  readonly runtime: 'editor' | 'notebook';
  /** The document (or notebook) that ran, as a URI string: where Save looks first. */
  readonly document?: string;
  readonly file: OutputFile;
}

/** Finds the runtime that holds a file. */
export type RuntimeOf = (ref: OutputFileRef) => RuntimeSession | undefined;

/** Files opened with Open, read-only and never written to disk: `python-sandbox-output:/<path>?<the ref>`. */
export const OUTPUT_FILE_SCHEME = 'python-sandbox-output';

/** A ref as it came from a webview or a notebook's outputs: checked, or undefined. */
export function checkedRef(value: unknown): OutputFileRef | undefined {
  const ref = value as Partial<OutputFileRef> | null;
  if (typeof ref !== 'object' || ref === null || (ref.runtime !== 'editor' && ref.runtime !== 'notebook')) return undefined;
  if (ref.document !== undefined && typeof ref.document !== 'string') return undefined;
  try {
    return { runtime: ref.runtime, ...(ref.document !== undefined ? { document: ref.document } : {}), file: parseOutputFile(ref.file) };
  } catch {
    return undefined;
  }
}

function nameOf(file: OutputFile): string {
  return file.path.slice(file.path.lastIndexOf('/') + 1);
}

/** The bytes of the file, from the runtime that wrote it; an error says why not. */
async function bytesOf(runtimeOf: RuntimeOf, ref: OutputFileRef): Promise<Uint8Array> {
  const runtime = runtimeOf(ref);
  if (!runtime) throw new Error(`${ref.file.path} was written by a runtime that is gone; run the code again`);
  return runtime.readOutputFile(ref.file);
}

/**
 * Save… and Open for files the code wrote under output/ (the output view's and a notebook
 * cell's buttons), and the read-only file system that Open shows them from. Nothing reaches the
 * disk but through Save…, which asks where.
 */
export function registerOutputFileCommands(runtimeOf: RuntimeOf, access: FileAccess): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.workspace.registerFileSystemProvider(OUTPUT_FILE_SCHEME, new OutputFileSystem(runtimeOf), { isReadonly: true }),
    // `target` skips the dialog: for tests, and for extensions that have asked the user themselves.
    vscode.commands.registerCommand(CommandIds.saveOutputFile, (value: unknown, target?: vscode.Uri) =>
      saveOutputFile(runtimeOf, access, value, target),
    ),
    vscode.commands.registerCommand(CommandIds.openOutputFile, async (value: unknown) => {
      const ref = checkedRef(value);
      if (!ref) return;
      const uri = vscode.Uri.from({ scheme: OUTPUT_FILE_SCHEME, path: `/${ref.file.path}`, query: JSON.stringify(ref) });
      await vscode.commands.executeCommand('vscode.open', uri, { preview: true });
    }),
  );
}

/** Asks where (the same path in the workspace folder by default), reads the file from the sandbox and writes it there. */
async function saveOutputFile(
  runtimeOf: RuntimeOf,
  access: FileAccess,
  value: unknown,
  target: vscode.Uri | undefined,
): Promise<vscode.Uri | undefined> {
  const ref = checkedRef(value);
  if (!ref) return undefined;
  const { folder } = access.placeOf(ref.document ? vscode.Uri.parse(ref.document) : undefined);
  const uri = target ?? (await askWhere(ref.file, folder && vscode.Uri.joinPath(folder.uri, ...ref.file.path.split('/'))));
  if (!uri) return undefined;
  try {
    const bytes = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `Python Sandbox: saving ${ref.file.path}` },
      () => bytesOf(runtimeOf, ref),
    );
    await vscode.workspace.fs.writeFile(uri, bytes);
  } catch (error) {
    void vscode.window.showErrorMessage(
      `Python Sandbox: ${ref.file.path} was not saved: ${error instanceof Error ? error.message : String(error)}`,
    );
    return undefined;
  }
  vscode.window.setStatusBarMessage(`Python Sandbox: saved ${vscode.workspace.asRelativePath(uri)}`, 5000);
  return uri;
}

/**
 * Asks where to save, offering `offered` (the file's path in the workspace folder). Save dialogs
 * fall back to the nearest folder that exists, dropping the rest of the path and the name
 * (output/ has usually never been saved before), so the folders on the way are made for the time
 * of the question, and removed again if they are still empty afterwards.
 */
async function askWhere(file: OutputFile, offered: vscode.Uri | undefined): Promise<vscode.Uri | undefined> {
  const made = offered ? await makeFolders(vscode.Uri.joinPath(offered, '..')) : [];
  try {
    return await vscode.window.showSaveDialog({
      title: `Save ${nameOf(file)} (${formatSize(file.size)}) from the Sandbox`,
      defaultUri: offered,
      saveLabel: 'Save',
    });
  } finally {
    for (const folder of made) {
      const empty = await vscode.workspace.fs.readDirectory(folder).then(
        (entries) => entries.length === 0,
        () => false,
      );
      if (!empty) break;
      await vscode.workspace.fs.delete(folder).then(undefined, () => undefined);
    }
  }
}

/** Makes `folder` and the folders above it that are missing; returns those it made, deepest first. */
async function makeFolders(folder: vscode.Uri): Promise<vscode.Uri[]> {
  const missing: vscode.Uri[] = [];
  for (let at = folder; ; at = vscode.Uri.joinPath(at, '..')) {
    const exists = await vscode.workspace.fs.stat(at).then(
      () => true,
      () => false,
    );
    if (exists || at.path === '/' || missing.length > 64) break;
    missing.push(at);
  }
  if (missing.length > 0) await vscode.workspace.fs.createDirectory(folder).then(undefined, () => undefined);
  return missing;
}

/** Output files as a read-only file system: what Open shows, read from the sandbox when VS Code asks. */
class OutputFileSystem implements vscode.FileSystemProvider {
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;

  constructor(private readonly runtimeOf: RuntimeOf) {}

  stat(uri: vscode.Uri): vscode.FileStat {
    const { file } = this.refOf(uri);
    return {
      type: vscode.FileType.File,
      ctime: file.mtimeMs,
      mtime: file.mtimeMs,
      size: file.size,
      permissions: vscode.FilePermission.Readonly,
    };
  }

  readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return bytesOf(this.runtimeOf, this.refOf(uri)).catch((error: unknown) => {
      throw vscode.FileSystemError.Unavailable(error instanceof Error ? error.message : String(error));
    });
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  readDirectory(): never {
    throw vscode.FileSystemError.NoPermissions('output files are opened one at a time');
  }

  createDirectory(): never {
    throw vscode.FileSystemError.NoPermissions();
  }

  writeFile(): never {
    throw vscode.FileSystemError.NoPermissions('an output file is read-only until it is saved');
  }

  delete(): never {
    throw vscode.FileSystemError.NoPermissions();
  }

  rename(): never {
    throw vscode.FileSystemError.NoPermissions();
  }

  private refOf(uri: vscode.Uri): OutputFileRef {
    let ref: OutputFileRef | undefined;
    try {
      ref = checkedRef(JSON.parse(uri.query));
    } catch {
      ref = undefined;
    }
    if (!ref || `/${ref.file.path}` !== uri.path) throw vscode.FileSystemError.FileNotFound(uri);
    return ref;
  }
}
