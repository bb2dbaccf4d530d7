/**
 * A workspace folder as VS Code's file-system API reads it: local, remote, virtual and web
 * workspaces alike. A link is reported as a link (VS Code's `FileType.SymbolicLink` bit), never
 * as what it points at, and anything that is neither a file nor a folder (a pipe, a socket, a
 * device: `FileType.Unknown`) as `other`, so that neither is ever read.
 */
import * as vscode from 'vscode';
import type { EntryKind, GrantFileSystem } from './grants';

function kindOf(type: vscode.FileType): EntryKind {
  if (type & vscode.FileType.SymbolicLink) return 'link';
  if (type === vscode.FileType.File) return 'file';
  if (type === vscode.FileType.Directory) return 'folder';
  return 'other';
}

/** The folder at `root`, through `vscode.workspace.fs`; paths below it are '/'-separated. */
export function workspaceGrantFileSystem(root: vscode.Uri, fs: vscode.FileSystem = vscode.workspace.fs): GrantFileSystem {
  const uriOf = (path: string): vscode.Uri => (path === '' ? root : vscode.Uri.joinPath(root, ...path.split('/')));
  return {
    list: async (folder) => (await fs.readDirectory(uriOf(folder))).map(([name, type]) => [name, kindOf(type)] as const),
    stat: async (path) => {
      try {
        const stat = await fs.stat(uriOf(path));
        return { kind: kindOf(stat.type), size: stat.size, mtimeMs: stat.mtime };
      } catch (error) {
        if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') return undefined;
        throw error;
      }
    },
    read: async (path) => fs.readFile(uriOf(path)),
  };
}
