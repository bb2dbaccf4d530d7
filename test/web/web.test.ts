/**
 * What is particular to the web worker extension host (vscode.dev, github.dev, the VS Code
 * server's browser side): the runtime is a browser Worker, locked down. Without
 * SharedArrayBuffer (the VS Code server sends no cross-origin isolation headers) an interrupt
 * starts a fresh worker; with it (the launcher's isolating proxy, as vscode.dev can be) the
 * runtime interrupts in place and input() asks. The launcher opens a loopback listener and says
 * in the workspace's `web-test.json` where it is and whether the page is isolated.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  acceptInputBoxesUntil,
  closeAllEditors,
  command,
  CommandIds,
  openDocument,
  peek,
  runtimeInfo,
  sandboxDiagnostics,
  startRun,
} from '../integration/helpers';
import { everyRouteFails, requestsHeard, webTestSetup as setup, type BrowserInfo } from './helpers';

/** Whether this page is cross-origin isolated: the tests below that differ are registered for the one case. */
const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;

describe('web worker extension host', () => {
  afterEach(closeAllEditors);

  it('runs the sandbox in a locked-down browser worker, with SharedArrayBuffer where the page is isolated', async () => {
    assert.equal(vscode.env.uiKind, vscode.UIKind.Web);
    assert.equal(typeof (globalThis as { process?: unknown }).process, 'undefined', 'no Node in this extension host');
    assert.equal(isolated, (await setup()).crossOriginIsolated, 'the page is cross-origin isolated as the launcher served it');
    assert.equal(await peek('6 * 7'), '42');
    const info = (await runtimeInfo()) as BrowserInfo;
    assert.equal(info.isolation, 'browser-worker');
    assert.equal(info.runtime?.boot, 'snapshot', `the build's snapshot was restored (${info.runtime?.snapshotFallback})`);
    assert.equal(info.restrictions?.codeGenerationBlocked, true);
    assert.deepEqual(info.restrictions?.browser, { networkRemoved: true, storageRemoved: true, sharedMemory: isolated });
  });

  (isolated ? it.skip : it)(
    'Interrupt stops a busy loop by starting a fresh worker: the namespace is lost, the next run works',
    async () => {
      const run = await startRun('interrupt_reached = True\nwhile True:\n    pass\n');
      await command(CommandIds.interrupt);
      await run.done;
      assert.deepEqual(sandboxDiagnostics(run.uri), [], 'no diagnostic for the interrupt');
      assert.match(await peek('interrupt_reached'), /NameError/);
      assert.equal(await peek('"fresh"'), "'fresh'");
    },
  );

  (isolated ? it : it.skip)('Interrupt stops a busy loop in place: the namespace stays', async () => {
    const run = await startRun('interrupt_reached = True\nwhile True:\n    pass\n');
    await command(CommandIds.interrupt);
    await run.done;
    assert.deepEqual(sandboxDiagnostics(run.uri), [], 'no diagnostic for the interrupt');
    assert.equal(await peek('interrupt_reached'), 'True');
  });

  (isolated ? it : it.skip)('input() asks with an input box', async () => {
    await openDocument('answer = input("name? ") or "accepted"\n');
    await acceptInputBoxesUntil(command(CommandIds.execFile));
    assert.equal(await peek('answer'), "'accepted'");
  });

  it('Python in the worker reaches no loopback listener that this extension host can reach', async () => {
    const url = (await setup()).loopbackUrl;
    // The control: the extension host itself reaches the listener (its CSP allows loopback).
    const before = await requestsHeard(url);
    await everyRouteFails(url);
    assert.equal(await requestsHeard(url), before, 'the worker reached the loopback listener');
  });

  it("Python cannot read the server machine's files, which the page's origin serves to this extension host", async () => {
    // The VS Code server serves files of its machine to its own origin: the workbench's, and a worker's.
    const folder = vscode.workspace.workspaceFolders![0].uri;
    const origin = (globalThis as unknown as { location: { origin: string } }).location.origin;
    const url = `${origin}/vscode-remote-resource?path=${encodeURIComponent(`${folder.path}/web-test.json`)}`;
    assert.match(await (await fetch(url)).text(), /loopbackUrl/, 'the extension host reads the file');
    await everyRouteFails(url);
  });
});
