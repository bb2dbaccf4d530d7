/**
 * Shared steps for the integration suites, which drive the real extension inside the extension
 * host. The output channel cannot be read through the API, so tests observe what the API does
 * expose: diagnostics, selections, command results and runtime facts. {@link peek} reads a value
 * from the user's namespace by making Python raise it into a diagnostic.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PythonSandboxApi } from '../../src/api';
import { CommandIds } from '../../src/commands/ids';

export { CommandIds };

export const EXTENSION_ID = 'python-sandbox.python-sandbox';
/** The `source` of every diagnostic the extension reports. */
export const SOURCE = 'Python Sandbox';

/** What the hidden runtimeInfo command returns (SandboxInfo fields once the runtime has started). */
export interface RuntimeInfo {
  state: 'stopped' | 'starting' | 'ready' | 'running';
  queued: number;
  isolation?: string;
  pid?: number;
}

export function extension(): vscode.Extension<PythonSandboxApi> {
  const ext = vscode.extensions.getExtension<PythonSandboxApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is installed`);
  return ext;
}

/** The extension's API (activating it if needed). */
export async function api(): Promise<PythonSandboxApi> {
  return extension().activate();
}

/** Runs one of the extension's commands; they resolve when their run is over. */
export function command<T = void>(id: string, ...args: unknown[]): Thenable<T> {
  return vscode.commands.executeCommand<T>(id, ...args);
}

export function runtimeInfo(): Thenable<RuntimeInfo> {
  return command<RuntimeInfo>(CommandIds.runtimeInfo);
}

/** The inline values (`⇒ value`) shown in a document, through the hidden inlineValues command. */
export function inlineValues(uri: vscode.Uri): Thenable<string[]> {
  return command<string[]>(CommandIds.inlineValues, uri);
}

let untitledCount = 0;

/**
 * Opens a new untitled document (Python unless said otherwise) in the active editor. Each gets
 * a name never used before: VS Code reuses `Untitled-N` names, and the diagnostics of a closed
 * document are only cleared once the host disposes it, so a reused name could show stale ones.
 */
export async function openDocument(content: string, language = 'python'): Promise<vscode.TextEditor> {
  await extension().activate();
  const uri = vscode.Uri.from({ scheme: 'untitled', path: `sandbox-test-${++untitledCount}.${language === 'python' ? 'py' : 'txt'}` });
  let document = await vscode.workspace.openTextDocument(uri);
  if (document.languageId !== language) document = await vscode.languages.setTextDocumentLanguage(document, language);
  const editor = await vscode.window.showTextDocument(document);
  await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), content));
  placeCursor(editor, 0);
  return editor;
}

/** Sets the editor's selections; each is [startLine, startChar, endLine, endChar], anchor first. */
export function select(editor: vscode.TextEditor, ...ranges: Array<[number, number, number, number]>): void {
  editor.selections = ranges.map(([a, b, c, d]) => new vscode.Selection(a, b, c, d));
}

/** Puts an empty selection (the cursor) at a position. */
export function placeCursor(editor: vscode.TextEditor, line: number, character = 0): void {
  select(editor, [line, character, line, character]);
}

/** The sandbox's diagnostics for a document. */
export function sandboxDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

/** The one sandbox diagnostic of a document (fails when there is not exactly one). */
export function onlyDiagnostic(uri: vscode.Uri): vscode.Diagnostic {
  const diagnostics = sandboxDiagnostics(uri);
  assert.equal(diagnostics.length, 1, `one sandbox diagnostic, got ${JSON.stringify(diagnostics.map((d) => d.message))}`);
  return diagnostics[0];
}

/** [startLine, startChar, endLine, endChar] of a range, for compact assertions. */
export function span(range: vscode.Range): [number, number, number, number] {
  return [range.start.line, range.start.character, range.end.line, range.end.character];
}

/** Reverts and closes every editor, so no test leaves dirty documents (and no save prompt) behind. */
export async function closeAllEditors(): Promise<void> {
  const open = (): number => vscode.window.tabGroups.all.reduce((n, group) => n + group.tabs.length, 0);
  // One close per tab that was open: a tab that refuses to close fails here instead of hanging.
  for (let tabs = open(); tabs > 0; tabs--) await command('workbench.action.revertAndCloseActiveEditor');
  assert.equal(open(), 0, 'every editor closed');
}

/** Polls until `condition` holds; the default limit is generous, since CI machines are slow. */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Whether a process with this id exists (signal 0 checks without signalling). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until the user's runtime is executing code (so an interrupt or restart hits a run). */
export function waitUntilRunning(): Promise<void> {
  return waitFor(async () => (await runtimeInfo()).state === 'running', 'the runtime to be running');
}

/**
 * Starts Exec File on a new document and resolves once the runtime is running it, without
 * waiting for the end (`done`). Wrapped in an object: an async function returning the thenable
 * itself would wait for it.
 */
export async function startRun(code: string): Promise<{ uri: vscode.Uri; done: Thenable<void> }> {
  const editor = await openDocument(code);
  const done = command(CommandIds.execFile);
  await waitUntilRunning();
  return { uri: editor.document.uri, done };
}

/**
 * The repr of a Python expression in the user's namespace. The value travels through a
 * diagnostic (`RuntimeError: <repr>`), the one channel the API exposes; a name that is not
 * defined comes back as the NameError message.
 */
export async function peek(expression: string): Promise<string> {
  const editor = await openDocument(`raise RuntimeError(repr(${expression}))\n`);
  try {
    await command(CommandIds.execFile);
    const message = onlyDiagnostic(editor.document.uri).message;
    return message.startsWith('RuntimeError: ') ? message.slice('RuntimeError: '.length) : message;
  } finally {
    await vscode.window.showTextDocument(editor.document);
    await command('workbench.action.revertAndCloseActiveEditor');
  }
}

/** Runs `code` as a file in the user's runtime, then reads `expression` back through a diagnostic (as `peek` does). */
export async function runThenPeek(code: string, expression: string): Promise<string> {
  const editor = await openDocument(`${code}\nraise RuntimeError(repr(${expression}))\n`);
  await command(CommandIds.execFile);
  return onlyDiagnostic(editor.document.uri).message.replace(/^RuntimeError: /, '');
}

type Setting =
  | 'prewarm'
  | 'timeoutSeconds'
  | 'persistentNamespace'
  | 'inlineResults'
  | 'revealOutput'
  | 'clearOutputBeforeRun'
  | 'packages.preload'
  | 'packages.install'
  | 'packages.indexUrl'
  | 'packages.pypiIndexUrl'
  | 'packages.maxDownloadMb';

/** Runs `body` with user settings changed, and resets them afterwards whatever happens. */
export async function withSettings(values: Partial<Record<Setting, unknown>>, body: () => Promise<void>): Promise<void> {
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('pythonSandbox');
  const keys = Object.keys(values) as Setting[];
  try {
    for (const key of keys) await config().update(key, values[key], vscode.ConfigurationTarget.Global);
    await body();
  } finally {
    for (const key of keys) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
  }
}

/**
 * Runs a workbench command every 100 ms until `run` settles, e.g. to accept or dismiss the input
 * box the run opens: there is no API that says when the box has appeared, and these commands do
 * nothing while none is open.
 */
export async function repeatUntilSettled<T>(run: Thenable<T>, workbenchCommand: string): Promise<T> {
  let settled = false;
  const done = Promise.resolve(run).finally(() => (settled = true));
  while (!settled) {
    await command(workbenchCommand);
    await Promise.race([done.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 100))]);
  }
  return done;
}

/** Accepts the input boxes `run` opens, with the value they have, until it is over. */
export const acceptInputBoxesUntil = <T>(run: Thenable<T>): Promise<T> =>
  repeatUntilSettled(run, 'workbench.action.acceptSelectedQuickOpenItem');

/** Dismisses (Escape) the input boxes `run` opens until it is over. */
export const dismissInputBoxesUntil = <T>(run: Thenable<T>): Promise<T> => repeatUntilSettled(run, 'workbench.action.closeQuickOpen');
