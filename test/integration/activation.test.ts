import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'python-sandbox.python-sandbox';

describe('activation', () => {
  it('runs in a workspace that holds the fixture .py file', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1, 'one workspace folder is open');
    console.log(`    host: ${vscode.env.appName} ${vscode.version}, uiKind ${vscode.UIKind[vscode.env.uiKind]}, node ${process.version}`);
  });

  it('activates when a Python document opens and contributes its command', async () => {
    const folder = vscode.workspace.workspaceFolders![0];
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(folder.uri.fsPath, 'hello.py')));
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.languageId, 'python');

    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is installed`);
    const exports: unknown = await ext.activate();
    assert.ok(ext.isActive, 'the extension is active');
    assert.equal(typeof exports, 'object', 'activate() returns an API object');
    assert.notEqual(exports, null);

    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('pythonSandbox.showOutput'), 'pythonSandbox.showOutput is registered');
  });

  it('runs the Show Output command without error', async () => {
    await vscode.commands.executeCommand('pythonSandbox.showOutput');
  });
});
