import * as vscode from 'vscode';
import { createApi, type PythonSandboxApi } from './api';
import { CellLenses } from './commands/cell-lenses';
import { CommandIds } from './commands/ids';
import { registerOutputViewCommands } from './commands/output-view-commands';
import { registerPackageCommands } from './commands/package-commands';
import { RunCommands } from './commands/run-commands';
import { registerRuntimeCommands, setRunningContext } from './commands/runtime-commands';
import { registerVariablesCommands } from './commands/variables-commands';
import { SettingsStore } from './config';
import { SandboxNotebookKernels } from './notebook/controller';
import { DiagnosticsPresenter } from './presenters/diagnostics';
import { InlineValuesPresenter } from './presenters/inline-values';
import { InputBoxPresenter } from './presenters/input-box';
import { OutputChannelPresenter } from './presenters/output-channel';
import { OutputViewPresenter } from './presenters/output-view';
import { StatusBarPresenter } from './presenters/status-bar';
import { VariableHoverProvider } from './presenters/variable-hover';
import { VariableTablePresenter } from './presenters/variable-table';
import { VariablesViewPresenter } from './presenters/variables-view';
import type { ExtensionPlatform } from './platform';
import { RuntimeSession } from './session/runtime-session';
import type { PythonToolInput } from './tools/agent-text';
import { PythonSandboxTool, PYTHON_TOOL_NAME } from './tools/python-tool';

const PYTHON = { language: 'python' };

/**
 * Wires the pieces together, the same on every platform; each owns its resources and is
 * disposed with the extension. The entries (`extension-node.ts`, `extension-web.ts`) bring
 * what differs: how sandboxes are started.
 */
export function activateExtension(context: vscode.ExtensionContext, platform: ExtensionPlatform): PythonSandboxApi {
  const settings = new SettingsStore();
  const current = (): typeof settings.current => settings.current;

  // One package cache for every party.
  const packages = platform.createPackages(settings);
  // Every party has a runtime, and a sandbox, of its own, under the same settings and packages.
  const every = { settings, platform, packages };
  const user = new RuntimeSession({ ...every, label: 'Python Sandbox', input: true });
  const agents = new RuntimeSession({ ...every, label: 'Python Sandbox (agents)', input: false });
  const api = createApi({
    newClient: () => platform.createClient(settings.current, { input: false }),
    packagesFor: (code) => packages.forRun(code, 'Python Sandbox (API)'),
  });

  // Presenters follow the user's runs from the moment they are queued.
  const output = new OutputChannelPresenter(current);
  const diagnostics = new DiagnosticsPresenter();
  const inlineValues = new InlineValuesPresenter(current);
  const inputBox = new InputBoxPresenter();
  const outputView = new OutputViewPresenter(context.extensionUri, current);
  const following = user.onDidCreateRun(({ run, origin }) => {
    output.follow(run, origin);
    outputView.follow(run, origin);
    diagnostics.follow(run, origin);
    inlineValues.follow(run, origin);
    inputBox.follow(run);
  });

  // Every notebook has a runtime of its own, answering input() and loading packages like the editor's.
  const notebookKernels = new SandboxNotebookKernels((label) => new RuntimeSession({ ...every, label, input: true }), current);
  // The Variables view, hovers and tables read the namespace of the editor's runtime or of a notebook's kernel.
  const runtimes = {
    editor: user,
    forNotebook: (notebook: vscode.NotebookDocument) => notebookKernels.sessionFor(notebook),
    onDidChange: notebookKernels.onDidChangeKernels,
  };
  const variables = new VariablesViewPresenter(runtimes, context.globalState);
  const tables = new VariableTablePresenter(context.extensionUri);

  context.subscriptions.push(
    settings,
    packages,
    user,
    agents,
    api,
    output,
    outputView,
    diagnostics,
    inlineValues,
    following,
    new StatusBarPresenter(user, CommandIds.statusBarClick, setRunningContext),
    new RunCommands(user, (uri) => inlineValues.valuesIn(uri)).register(),
    registerRuntimeCommands(user, () => output.show()),
    registerOutputViewCommands(outputView),
    registerPackageCommands(user, packages),
    registerAgentTool(agents),
    vscode.languages.registerCodeLensProvider(PYTHON, new CellLenses()),
    prewarmOnPythonEditor(user, settings),
    notebookKernels,
    variables,
    tables,
    registerVariablesCommands(variables, tables),
    vscode.languages.registerHoverProvider(PYTHON, new VariableHoverProvider(runtimes)),
  );
  return api.api;
}

/** The language-model tool, where the host has the language-model API, and the hidden command that shows its confirmation. */
function registerAgentTool(session: RuntimeSession): vscode.Disposable {
  const tool = new PythonSandboxTool(session);
  const confirmation = vscode.commands.registerCommand(CommandIds.agentConfirmation, async (input: PythonToolInput) => {
    const { confirmationMessages } = await tool.prepareInvocation({ input });
    const message = confirmationMessages?.message;
    return { title: confirmationMessages?.title, markdown: typeof message === 'string' ? message : message?.value };
  });
  // Hosts without chat (older builds, some web hosts) have no `vscode.lm.registerTool`.
  if (typeof vscode.lm?.registerTool !== 'function') return confirmation;
  return vscode.Disposable.from(confirmation, vscode.lm.registerTool(PYTHON_TOOL_NAME, tool));
}

/** Starts the runtime in the background when a Python editor is first shown, if the user asked for that (prewarm: onPythonEditor). */
function prewarmOnPythonEditor(session: RuntimeSession, settings: SettingsStore): vscode.Disposable {
  const check = (editors: readonly vscode.TextEditor[]): void => {
    const { state, info } = session.status;
    if (
      settings.current.prewarm === 'onPythonEditor' &&
      state === 'stopped' &&
      !info &&
      editors.some((e) => e.document.languageId === 'python')
    ) {
      session.warmUp();
    }
  };
  check(vscode.window.visibleTextEditors);
  return vscode.window.onDidChangeVisibleTextEditors(check);
}
