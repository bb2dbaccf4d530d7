import * as vscode from 'vscode';
import type { RevealPolicy } from '../config';

/** The "Python Sandbox" output channel: a header per run, its output as it streams, a footer. */
export class OutputView implements vscode.Disposable {
  readonly channel = vscode.window.createOutputChannel('Python Sandbox');
  /** Whether the last text written ended a line, so a footer never runs into output. */
  private atLineStart = true;

  /** Opens a run: clears first if asked, and shows the channel without taking focus. */
  begin(header: string, clear: boolean, reveal: RevealPolicy): void {
    if (clear) this.channel.clear();
    else if (!this.atLineStart) this.channel.appendLine('');
    this.channel.appendLine(header);
    this.atLineStart = true;
    if (reveal === 'always') this.show();
  }

  /** Streams output of the running code. */
  append(text: string): void {
    if (!text) return;
    this.channel.append(text);
    this.atLineStart = text.endsWith('\n');
  }

  /** Closes a run; an error reveals the channel under the `onError` policy. */
  end(footer: string, failed: boolean, reveal: RevealPolicy): void {
    if (!this.atLineStart) this.channel.appendLine('');
    this.channel.appendLine(footer);
    this.atLineStart = true;
    if (failed && reveal === 'onError') this.show();
  }

  /** Shows the channel, keeping focus in the editor. */
  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
