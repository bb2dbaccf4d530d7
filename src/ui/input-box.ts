import * as vscode from 'vscode';

/**
 * Answers Python's input() with an input box that shows the prompt and what is running.
 * Escape is end of input (EOFError in Python); the box closes by itself if the run ends first.
 */
export function askWithInputBox(describeRun: () => string): (prompt: string, signal: AbortSignal) => Promise<string | null> {
  return async (prompt, signal) => {
    const cancel = new vscode.CancellationTokenSource();
    const onAbort = (): void => cancel.cancel();
    signal.addEventListener('abort', onAbort);
    try {
      const answer = await vscode.window.showInputBox(
        {
          title: `Python input() — ${describeRun()}`,
          prompt: prompt.trim() || 'The running code is waiting for a line of input.',
          placeHolder: 'Enter submits a line; Escape ends input (EOFError)',
          ignoreFocusOut: true,
        },
        cancel.token,
      );
      return answer ?? null;
    } finally {
      signal.removeEventListener('abort', onAbort);
      cancel.dispose();
    }
  };
}
