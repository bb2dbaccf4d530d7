/** The extension on Node (desktop VS Code, the VS Code server): sandboxes are locked-down processes. */
import type * as vscode from 'vscode';
import type { PythonSandboxApi } from './api';
import { activateExtension } from './extension';
import { createNodeClient } from './sandbox/node-client';

export function activate(context: vscode.ExtensionContext): PythonSandboxApi {
  const distDir = context.asAbsolutePath('dist');
  return activateExtension(context, {
    createClient: (settings, { input }) =>
      createNodeClient({
        distDir,
        isolation: settings.isolation,
        memoryLimitMb: settings.memoryLimitMb,
        maxOutputBytes: settings.maxOutputBytes,
        timeoutMs: settings.timeoutSeconds * 1000,
        input,
      }),
  });
}
