import * as vscode from 'vscode';
import { createApi, type PythonSandboxApi } from './api';
import { registerRuntimeCommands } from './commands/runtime-commands';
import { RunCommands } from './commands/run-commands';
import { SandboxClient } from './sandbox/client';
import { SettingsStore } from './config';
import { RunCoordinator } from './session/run-coordinator';
import { SandboxRuntime } from './session/runtime';
import { CellLenses } from './ui/cell-lenses';
import { SandboxDiagnostics } from './ui/diagnostics';
import { askWithInputBox } from './ui/input-box';
import { InlineValues } from './ui/inline-values';
import { OutputView } from './ui/output';
import { PythonSandboxTool, PYTHON_TOOL_NAME } from './tools/python-tool';
import { StatusBar } from './ui/status-bar';

const PYTHON = { language: 'python' };

/** Wires the pieces together; each owns its resources and is disposed with the extension. */
export function activate(context: vscode.ExtensionContext): PythonSandboxApi {
  const distDir = context.asAbsolutePath('dist');
  const settings = new SettingsStore();
  const output = new OutputView();
  const diagnostics = new SandboxDiagnostics();
  const inline = new InlineValues();
  // input() boxes name the run in progress, which the coordinator (created next) knows.
  const ask = askWithInputBox((): string => coordinator.describeCurrent());
  const answerInput = async (prompt: string, signal: AbortSignal): Promise<string | null> => {
    const answer = await ask(prompt, signal);
    // A terminal would echo what was typed; the output channel shows it the same way. The run's
    // own output (the exec contract) does not contain it, as with piped stdin.
    if (answer !== null) output.append(`${answer}\n`);
    return answer;
  };
  const runtime: SandboxRuntime = new SandboxRuntime(settings, distDir, 'Python Sandbox', answerInput);
  const coordinator: RunCoordinator = new RunCoordinator(runtime, settings, output, diagnostics);
  // Other extensions never share a process with the user, the agents or each other.
  const api = createApi(() => {
    const current = settings.current;
    return new SandboxClient({
      distDir,
      isolation: current.isolation,
      memoryLimitMb: current.memoryLimitMb,
      maxOutputBytes: current.maxOutputBytes,
      timeoutMs: current.timeoutSeconds * 1000,
    });
  });
  // Chat agents too: their experiments stay out of the user's namespace and the API's.
  const agentRuntime = new SandboxRuntime(settings, distDir, 'Python Sandbox (agents)');

  context.subscriptions.push(
    settings,
    output,
    diagnostics,
    inline,
    runtime,
    api,
    agentRuntime,
    registerAgentTool(agentRuntime),
    new StatusBar(runtime),
    new RunCommands(coordinator, inline, settings).register(),
    registerRuntimeCommands(runtime, output),
    vscode.languages.registerCodeLensProvider(PYTHON, new CellLenses()),
    prewarmOnPythonEditor(runtime, settings),
  );
  return api.api;
}

/** The language-model tool, where the host has the language-model API. */
function registerAgentTool(runtime: SandboxRuntime): vscode.Disposable {
  // Hosts without chat (older builds, some web hosts) have no `vscode.lm.registerTool`.
  if (typeof vscode.lm?.registerTool !== 'function') return new vscode.Disposable(() => undefined);
  return vscode.lm.registerTool(PYTHON_TOOL_NAME, new PythonSandboxTool(runtime));
}

/** Starts the runtime in the background when a Python editor is first shown, if allowed. */
function prewarmOnPythonEditor(runtime: SandboxRuntime, settings: SettingsStore): vscode.Disposable {
  const check = (editors: readonly vscode.TextEditor[]): void => {
    if (settings.current.prewarm && runtime.state === 'stopped' && !runtime.info && editors.some((e) => e.document.languageId === 'python'))
      runtime.warmUp();
  };
  check(vscode.window.visibleTextEditors);
  return vscode.window.onDidChangeVisibleTextEditors(check);
}
