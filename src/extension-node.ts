/** The extension on Node (desktop VS Code, the VS Code server): sandboxes are locked-down processes. */
import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { PythonSandboxApi } from './api';
import { activateExtension } from './extension';
import { nodeGrantFileSystem } from './files/node-fs';
import { workspaceGrantFileSystem } from './files/workspace-fs';
import { cacheRoot, createNodePackageManager } from './packages/node';
import type { Settings } from './config';
import { clientLimits, type ClientChoices } from './platform';
import { createNodeClient, spareKind, type NodeSandboxOptions } from './sandbox/node-client';
import { SpareTransports } from './sandbox/spare-transports';
import { PackageService } from './session/packages';

export function activate(context: vscode.ExtensionContext): PythonSandboxApi {
  const distDir = context.asAbsolutePath('dist');
  // One package cache for every party, in the extension's global storage.
  const cacheDir = path.join(context.globalStorageUri.fsPath, 'packages');
  const clientOptions = (settings: Settings, choices: ClientChoices): NodeSandboxOptions => ({
    distDir,
    isolation: settings.isolation,
    ...clientLimits(settings, choices),
    // The folder the sandbox process may read packages from.
    packageCacheDir: cacheRoot(cacheDir),
  });
  // One spare sandbox at most, for every party.
  const spares = new SpareTransports();
  context.subscriptions.push({ dispose: () => spares.dispose() });
  return activateExtension(context, {
    createClient: (settings, choices) => createNodeClient(clientOptions(settings, choices), spares),
    prepareSpare: (settings, choices) => spares.prepare(spareKind(clientOptions(settings, choices))),
    createPackages: (settings) => new PackageService(settings, (options) => createNodePackageManager({ ...options, cacheDir, distDir })),
    // A folder on this machine's disk is read with Node's fs, as VS Code's own disk provider does:
    // through vscode.workspace.fs each request crosses to the window and back (about 4 ms in the
    // VS Code server, against 0.05 ms; npm run bench measures what a run with 1000 files costs).
    // Remote and virtual folders go through vscode.workspace.fs.
    grantFileSystem: (folder) => (folder.scheme === 'file' ? nodeGrantFileSystem(folder.fsPath) : workspaceGrantFileSystem(folder)),
  });
}
