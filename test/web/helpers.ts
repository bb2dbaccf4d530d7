/** Shared steps of the web worker extension host's tests: what the launcher set up, and the lock-down's check. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { WebTestSetup } from '../launch/web-test-setup';
import { command, CommandIds, openDocument, sandboxDiagnostics, type RuntimeInfo } from '../integration/helpers';

/** What runtimeInfo tells of a browser worker. */
export interface BrowserInfo extends RuntimeInfo {
  runtime?: { boot: string; snapshotFallback?: string };
  restrictions?: { codeGenerationBlocked: boolean; browser?: { networkRemoved: boolean; storageRemoved: boolean; sharedMemory: boolean } };
}

/** What the launcher set up, from the workspace's `web-test.json`. */
export async function webTestSetup(): Promise<WebTestSetup> {
  const folder = vscode.workspace.workspaceFolders![0].uri;
  return JSON.parse(
    new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, 'web-test.json'))),
  ) as WebTestSetup;
}

/** How many requests the launcher's loopback listener at `url` has heard. */
export async function requestsHeard(url: string): Promise<number> {
  return Number(await (await fetch(`${url}count`)).text());
}

/** Each way Python has to fetch `url` (Pyodide's, the standard library's, JavaScript made from a string) ends in an error. */
export async function everyRouteFails(url: string): Promise<void> {
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
}
