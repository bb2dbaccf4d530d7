/**
 * The extension in a browser (vscode.dev, github.dev, the VS Code server's web worker extension
 * host): sandboxes are dedicated Workers started from the extension's own files, read through
 * `vscode.workspace.fs`. Nothing here needs Node, and the build checks that none of it comes in.
 */
import * as vscode from 'vscode';
import type { PythonSandboxApi } from './api';
import { activateExtension } from './extension';
import { workspaceGrantFileSystem } from './files/workspace-fs';
import { workspaceCacheRoot, workspacePackageCache, workspacePackageManagers } from './packages/workspace';
import { WorkspaceStore } from './packages/workspace-store';
import { browserTransports } from './sandbox/browser/transports';
import { SandboxClient } from './sandbox/client';
import { clientLimits } from './platform';
import { PackageService } from './session/packages';

export function activate(context: vscode.ExtensionContext): PythonSandboxApi {
  const read = async (file: string): Promise<Uint8Array> =>
    vscode.workspace.fs.readFile(vscode.Uri.joinPath(context.extensionUri, ...file.split('/')));
  // One package cache for every party, in the extension's global storage: the package manager
  // fills it, and the transport reads a run's packages from it for the worker.
  const store = new WorkspaceStore(workspaceCacheRoot(context.globalStorageUri));
  // One factory for every runtime: the files are read once and kept.
  const transport = browserTransports(read, workspacePackageCache(store));
  return activateExtension(context, {
    createClient: (settings, choices) => new SandboxClient({ transport, ...clientLimits(settings, choices) }),
    createPackages: (settings) =>
      new PackageService(
        settings,
        workspacePackageManagers(store, () => read('dist/pyodide/pyodide-lock.json')),
      ),
    grantFileSystem: (folder) => workspaceGrantFileSystem(folder),
  });
}
