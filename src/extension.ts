import * as vscode from 'vscode';

/** Placeholder until the commands land: proves that the extension activates. */
export function activate(context: vscode.ExtensionContext): { version: string } {
  const output = vscode.window.createOutputChannel('Python Sandbox');
  context.subscriptions.push(output);
  context.subscriptions.push(vscode.commands.registerCommand('pythonSandbox.showOutput', () => output.show(true)));
  return { version: String(context.extension.packageJSON.version) };
}

export function deactivate(): void {}
