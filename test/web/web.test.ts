/**
 * What is particular to the web worker extension host (vscode.dev, github.dev, the VS Code
 * server's browser side): the runtime is a browser Worker, locked down, and without
 * SharedArrayBuffer (that server sends no cross-origin isolation headers) an interrupt starts a
 * fresh worker. The launcher opens a loopback listener and writes its URL into the workspace.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  closeAllEditors,
  command,
  CommandIds,
  openDocument,
  peek,
  runtimeInfo,
  sandboxDiagnostics,
  waitUntilRunning,
  type RuntimeInfo,
} from '../integration/helpers';

/** What runtimeInfo tells of a browser worker. */
interface BrowserInfo extends RuntimeInfo {
  restrictions?: { codeGenerationBlocked: boolean; browser?: { networkRemoved: boolean; storageRemoved: boolean; sharedMemory: boolean } };
}

/** The loopback listener's URL: it answers `/count` with how many other requests it had. */
async function listenerUrl(): Promise<string> {
  const folder = vscode.workspace.workspaceFolders![0].uri;
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, 'loopback-url.txt'))).trim();
}

async function requestsHeard(url: string): Promise<number> {
  return Number(await (await fetch(`${url}count`)).text());
}

describe('web worker extension host', () => {
  afterEach(closeAllEditors);

  it('runs the sandbox in a locked-down browser worker, without SharedArrayBuffer here', async () => {
    assert.equal(vscode.env.uiKind, vscode.UIKind.Web);
    assert.equal(typeof (globalThis as { process?: unknown }).process, 'undefined', 'no Node in this extension host');
    assert.equal(await peek('6 * 7'), '42');
    const info = (await runtimeInfo()) as BrowserInfo;
    assert.equal(info.isolation, 'browser-worker');
    assert.equal(info.restrictions?.codeGenerationBlocked, true);
    assert.deepEqual(info.restrictions?.browser, { networkRemoved: true, storageRemoved: true, sharedMemory: false });
  });

  it('Interrupt stops a busy loop by starting a fresh worker: the namespace is lost, the next run works', async () => {
    const editor = await openDocument('interrupt_reached = True\nwhile True:\n    pass\n');
    const done = command(CommandIds.execFile);
    await waitUntilRunning();
    await command(CommandIds.interrupt);
    await done;
    assert.deepEqual(sandboxDiagnostics(editor.document.uri), [], 'no diagnostic for the interrupt');
    assert.match(await peek('interrupt_reached'), /NameError/);
    assert.equal(await peek('"fresh"'), "'fresh'");
  });

  it('Python in the worker reaches no loopback listener that this extension host can reach', async () => {
    const url = await listenerUrl();
    // The control: the extension host itself reaches the listener (its CSP allows loopback).
    const before = await requestsHeard(url);
    const attempts = [
      `__import__("pyodide.http").http.open_url(${JSON.stringify(url)})`,
      `__import__("urllib.request").request.urlopen(${JSON.stringify(url)})`,
      `__import__("pyodide.ffi").ffi.to_js([]).constructor.constructor('return fetch(${JSON.stringify(url)})')()`,
    ];
    for (const attempt of attempts) {
      const editor = await openDocument(`${attempt}\n`);
      await command(CommandIds.execFile);
      assert.equal(sandboxDiagnostics(editor.document.uri).length, 1, `${attempt} failed with an error`);
    }
    assert.equal(await requestsHeard(url), before, 'the worker reached the loopback listener');
  });
});
