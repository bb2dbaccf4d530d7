/** The extension on Node (desktop VS Code, the VS Code server): sandboxes are locked-down processes. */
import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { PythonSandboxApi } from './api';
import { activateExtension } from './extension';
import { cacheRoot, createNodePackageManager } from './packages/node';
import { createNodeClient } from './sandbox/node-client';
import { PackageService } from './session/packages';

export function activate(context: vscode.ExtensionContext): PythonSandboxApi {
  const distDir = context.asAbsolutePath('dist');
  // One package cache for every party, in the extension's global storage.
  const cacheDir = path.join(context.globalStorageUri.fsPath, 'packages');
  return activateExtension(context, {
    createClient: (settings, { input }) =>
      createNodeClient({
        distDir,
        isolation: settings.isolation,
        memoryLimitMb: settings.memoryLimitMb,
        maxOutputBytes: settings.maxOutputBytes,
        timeoutMs: settings.timeoutSeconds * 1000,
        input,
        // The folder the sandbox process may read packages from.
        packageCacheDir: cacheRoot(cacheDir),
      }),
    createPackages: (settings) => new PackageService(settings, (options) => createNodePackageManager({ ...options, cacheDir, distDir })),
  });
}
