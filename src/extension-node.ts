/** The extension on Node (desktop VS Code, the VS Code server): sandboxes are locked-down processes. */
import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { PythonSandboxApi } from './api';
import { activateExtension } from './extension';
import { createNodeClient } from './sandbox/node-client';
import { PackageService } from './session/packages';

export function activate(context: vscode.ExtensionContext): PythonSandboxApi {
  const distDir = context.asAbsolutePath('dist');
  return activateExtension(context, {
    createClient: (settings, { input, packages }) =>
      createNodeClient({
        distDir,
        isolation: settings.isolation,
        memoryLimitMb: settings.memoryLimitMb,
        maxOutputBytes: settings.maxOutputBytes,
        timeoutMs: settings.timeoutSeconds * 1000,
        input,
        packageCacheDir: packages?.cacheRoot,
      }),
    // One package cache for every party, in the extension's global storage.
    createPackages: (settings, context) => new PackageService(settings, distDir, path.join(context.globalStorageUri.fsPath, 'packages')),
  });
}
