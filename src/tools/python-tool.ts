import * as vscode from 'vscode';
import { settledResult } from '../sandbox/run';
import type { RuntimeSession } from '../session/runtime-session';
import { checkToolInput, describeForAgent, type PythonToolInput } from './agent-text';

/** The tool's name, as contributed in package.json `languageModelTools`. */
export const PYTHON_TOOL_NAME = 'python_sandbox_run';

/**
 * Lets chat agents run Python in the sandbox. Each call shows the code for confirmation, runs
 * in the agents' own runtime (never the user's namespace) and answers with plain text.
 */
export class PythonSandboxTool implements vscode.LanguageModelTool<PythonToolInput> {
  constructor(private readonly session: RuntimeSession) {}

  prepareInvocation(options: vscode.LanguageModelToolInvocationPrepareOptions<PythonToolInput>): vscode.PreparedToolInvocation {
    const { code, mode = 'exec' } = options.input;
    return {
      invocationMessage: mode === 'eval' ? 'Evaluating a Python expression in the sandbox' : 'Running Python in the sandbox',
      confirmationMessages: {
        title: 'Run Python in the sandbox?',
        message: new vscode.MarkdownString(`The code runs in the Python Sandbox (no file, network or process access):\n\n`).appendCodeblock(
          code,
          'python',
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
    const run = this.session.run(mode, code, {
      timeoutMs: timeoutSeconds === undefined ? undefined : timeoutSeconds * 1000,
      captureLastValue: mode === 'exec',
      label: 'agent tool',
    });
    const cancel = token.onCancellationRequested(() => run.interrupt());
    try {
      return textResult(describeForAgent(await settledResult(run), run.packages));
    } finally {
      cancel.dispose();
    }
  }
}

function textResult(text: string): vscode.LanguageModelToolResult {
  return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)]);
}
