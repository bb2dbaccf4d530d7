import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

describe('smoke', () => {
  it('exec selection runs and the API answers', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'python', content: 'x = 6\nprint(x * 7)\n1/0\n' });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(0, 0, 1, 12);
    await vscode.commands.executeCommand('pythonSandbox.execSelection');
    const info = (await vscode.commands.executeCommand('pythonSandbox.runtimeInfo')) as { isolation: string; pid: number };
    console.log('    runtime', JSON.stringify(info));
    editor.selection = new vscode.Selection(0, 0, 2, 3);
    await vscode.commands.executeCommand('pythonSandbox.execSelection');
    const diagnostics = vscode.languages.getDiagnostics(doc.uri);
    console.log('    diagnostics', JSON.stringify(diagnostics.map((d) => [d.message, d.range.start.line])));
    assert.equal(diagnostics[0]?.message, 'ZeroDivisionError: division by zero');
    const api = (await vscode.extensions.getExtension('python-sandbox.python-sandbox')!.activate()) as { exec(s: string): Promise<unknown> };
    assert.deepEqual(await api.exec("print('Hello')"), { ok: 'Hello\n' });
  });
});
