import * as vscode from 'vscode';
import { settledResult } from '../sandbox/run';
import type { RuntimeSession } from '../session/runtime-session';
import { agentTimeout, checkToolInput, describeForAgent, timeoutNote, type PythonToolInput } from './agent-text';
import { confirmationMarkdown } from './confirmation';

/** The tool's name, as contributed in package.json `languageModelTools`. */
export const PYTHON_TOOL_NAME = 'python_sandbox_run';

/**
 * Lets chat agents run Python in the sandbox. Each call shows the code for confirmation, runs
 * in the agents' own runtime (never the user's namespace) and answers with plain text.
 */
export class PythonSandboxTool implements vscode.LanguageModelTool<PythonToolInput> {
  constructor(private readonly session: RuntimeSession) {}

  /** The confirmation: exactly the code that runs, its time limit and the packages it will load (nothing is downloaded for it). */
  async prepareInvocation(
    options: vscode.LanguageModelToolInvocationPrepareOptions<PythonToolInput>,
  ): Promise<vscode.PreparedToolInvocation> {
    const problem = checkToolInput(options.input);
    if (problem) {
      return {
        invocationMessage: 'Refusing unusable input for the Python Sandbox',
        confirmationMessages: { title: 'Nothing will run', message: `The agent's input is unusable (${problem}); nothing will run.` },
      };
    }
    const { code, mode = 'exec', timeoutSeconds } = options.input;
    const preview = await this.session.preview(code);
    const timeout =
      timeoutSeconds === undefined ? { seconds: preview.timeoutSeconds, chosenBy: 'setting' as const } : agentTimeout(timeoutSeconds);
    return {
      invocationMessage: mode === 'eval' ? 'Evaluating a Python expression in the sandbox' : 'Running Python in the sandbox',
      confirmationMessages: {
        title: mode === 'eval' ? 'Evaluate Python in the sandbox?' : 'Run Python in the sandbox?',
        message: new vscode.MarkdownString(
          confirmationMarkdown({ code, mode, timeout, packages: preview.packages, install: preview.install, fresh: preview.fresh }),
        ),
      },
    };
  }

  async invoke(
    options: vscode.LanguageModelToolInvocationOptions<PythonToolInput>,
    token: vscode.CancellationToken,
  ): Promise<vscode.LanguageModelToolResult> {
    const problem = checkToolInput(options.input);
    if (problem) return textResult(`error: bad input: ${problem}`);
    const { code, mode = 'exec', timeoutSeconds } = options.input;
    const timeout = timeoutSeconds === undefined ? undefined : agentTimeout(timeoutSeconds);
    const run = this.session.run(mode, code, {
      timeoutMs: timeout && timeout.seconds * 1000,
      captureLastValue: mode === 'exec',
      label: 'agent tool',
    });
    const cancel = token.onCancellationRequested(() => run.interrupt());
    try {
      const note = timeout && timeoutNote(timeout);
      return textResult(describeForAgent(await settledResult(run), run.packages, note ? [note] : []));
    } finally {
      cancel.dispose();
    }
  }
}

function textResult(text: string): vscode.LanguageModelToolResult {
  return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)]);
}
