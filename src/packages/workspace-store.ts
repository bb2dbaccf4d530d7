/**
 * The package cache through VS Code's file-system API: a folder under the extension's
 * `globalStorageUri`, for the browser build (vscode.dev, the web worker extension host), where
 * there is no Node `fs`. Files are verified before they are written, as with `NodeFileStore`;
 * there, the extension host reads them back and hands the worker their bytes.
 */
import * as vscode from 'vscode';
import { keySegments, type PackageStore } from './store';

/** Whether an error of `vscode.workspace.fs` says the file is not there. */
function notFound(error: unknown): boolean {
  return error instanceof vscode.FileSystemError && error.code === 'FileNotFound';
}

/** A `PackageStore` in a folder that VS Code's file-system API reaches; keys become paths below it. */
export class WorkspaceStore implements PackageStore {
  /** @param root the folder (e.g. under `context.globalStorageUri`), made when something is first written. */
  constructor(
    readonly root: vscode.Uri,
    private readonly fs: vscode.FileSystem = vscode.workspace.fs,
  ) {}

  async read(key: string): Promise<Uint8Array | undefined> {
    try {
      return await this.fs.readFile(this.uri(key));
    } catch (error) {
      if (notFound(error)) return undefined;
      throw error;
    }
  }

  async write(key: string, bytes: Uint8Array): Promise<void> {
    const target = this.uri(key);
    // Written next to the target and renamed over it, so a reader never sees part of a file.
    const random = Array.from(crypto.getRandomValues(new Uint8Array(6)), (byte) => byte.toString(16).padStart(2, '0')).join('');
    const temporary = target.with({ path: `${target.path}.${random}.tmp` });
    try {
      await this.fs.writeFile(temporary, bytes);
      await this.fs.rename(temporary, target, { overwrite: true });
    } catch (error) {
      await this.fs.delete(temporary).then(undefined, () => undefined);
      throw error;
    }
  }

  async has(key: string): Promise<boolean> {
    try {
      return ((await this.fs.stat(this.uri(key))).type & vscode.FileType.File) !== 0;
    } catch {
      return false;
    }
  }

  /** The file's URI as a string: the extension host reads it and hands the bytes over. */
  location(key: string): string {
    return this.uri(key).toString();
  }

  /**
   * The key of a location this store gave (`location(key)`), or undefined for any other URI:
   * what lets the browser transport read the cache's files and nothing else.
   */
  keyOf(location: string): string | undefined {
    let uri: vscode.Uri;
    try {
      uri = vscode.Uri.parse(location, true);
    } catch {
      return undefined;
    }
    const prefix = `${this.root.path.replace(/\/+$/, '')}/`;
    if (!uri.path.startsWith(prefix)) return undefined;
    const key = uri.path.slice(prefix.length);
    try {
      // Only the URI the key makes, to the letter: no other scheme, authority or spelling, no query, no `..`.
      return this.location(key) === location ? key : undefined;
    } catch {
      return undefined;
    }
  }

  async clear(): Promise<void> {
    try {
      await this.fs.delete(this.root, { recursive: true, useTrash: false });
    } catch (error) {
      if (!notFound(error)) throw error;
    }
  }

  private uri(key: string): vscode.Uri {
    return vscode.Uri.joinPath(this.root, ...keySegments(key));
  }
}
