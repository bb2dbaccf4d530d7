import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { closeAllEditors, command, CommandIds, extension, runtimeInfo, waitFor } from './helpers';

/*
 * This file runs first (the index loads suites in name order), before anything has opened a
 * Python document or called activate(): the extension must start from its activation event alone.
 */
describe('activation', () => {
  before(() => {
    // Which host ran the suite, for the log.
    console.log(`    host: ${vscode.env.appName} ${vscode.version}, uiKind ${vscode.UIKind[vscode.env.uiKind]}, node ${process.version}`);
  });
  after(closeAllEditors);

  it('stays inactive until a Python document opens, then activates by itself and exports the API', async () => {
    const ext = extension();
    assert.equal(ext.isActive, false, 'inactive while no Python document is open');
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the fixture workspace is open');
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(folder.uri.fsPath, 'hello.py')));
    await vscode.window.showTextDocument(document);
    assert.equal(document.languageId, 'python');
    // Not activate(): that would start the extension whatever its activation events say.
    await waitFor(() => ext.isActive, 'the extension to activate on the Python document');
    assert.equal(typeof ext.exports.exec, 'function', 'the API has exec');
    assert.equal(typeof ext.exports.eval, 'function', 'the API has eval');
  });

  it('starts no runtime for the Python editor it shows: the first run starts it (prewarm: afterFirstRun)', async () => {
    // A prewarm would have begun at activation, right away: give it time to show.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal((await runtimeInfo()).state, 'stopped', 'no sandbox process before the first run');
    await command(CommandIds.execFile);
    assert.equal((await runtimeInfo()).state, 'ready');
  });
});
