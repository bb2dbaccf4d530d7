/**
 * The extension in a browser (vscode.dev, github.dev, the VS Code server's web worker extension
 * host): sandboxes are dedicated Workers started from the extension's own files, read through
 * `vscode.workspace.fs`. Nothing here needs Node, and the build checks that none of it comes in.
 */
import * as vscode from 'vscode';
import type { PythonSandboxApi } from './api';
import { activateExtension } from './extension';
import { browserTransports } from './sandbox/browser/transports';
import { SandboxClient } from './sandbox/client';

export function activate(context: vscode.ExtensionContext): PythonSandboxApi {
  // One factory for every runtime: the files are read once and kept.
  const transport = browserTransports(async (file) =>
    vscode.workspace.fs.readFile(vscode.Uri.joinPath(context.extensionUri, ...file.split('/'))),
  );
  return activateExtension(context, {
    createClient: (settings, { input }) =>
      new SandboxClient({
        transport,
        memoryLimitMb: settings.memoryLimitMb,
        maxOutputBytes: settings.maxOutputBytes,
        timeoutMs: settings.timeoutSeconds * 1000,
        input,
      }),
    // Not wired in the browser yet: the library has its store (packages/workspace-store.ts).
    createPackages: () => undefined,
  });
}
