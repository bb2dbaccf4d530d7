import * as vscode from 'vscode';
import type { InputRequest, Run } from '../sandbox/run';

/**
 * Answers Python's input() with an input box that shows the prompt and the run that asks.
 * Escape is end of input (EOFError in Python); the box closes by itself if the run ends first.
 */
export class InputBoxPresenter {
  /** Answers the input requests of `run`. */
  follow(run: Run): void {
    run.onDidRequestInput((request) => void this.ask(run.label ?? 'Python Sandbox', request));
  }

  private async ask(label: string, request: InputRequest): Promise<void> {
    const cancel = new vscode.CancellationTokenSource();
    const onAbort = (): void => cancel.cancel();
    request.signal.addEventListener('abort', onAbort);
    try {
      const answer = await vscode.window.showInputBox(
        {
          title: `Python input() — ${label}`,
          prompt: request.prompt.trim() || 'The running code is waiting for a line of input.',
          placeHolder: 'Enter submits a line; Escape ends input (EOFError)',
          ignoreFocusOut: true,
        },
        cancel.token,
      );
      request.reply(answer ?? null);
    } finally {
      request.signal.removeEventListener('abort', onAbort);
      cancel.dispose();
    }
  }
}
