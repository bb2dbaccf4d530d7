import * as vscode from 'vscode';
import type { Settings } from '../config';
import type { RunOrigin } from '../editor/run-origin';
import type { RunResult } from '../sandbox/result';
import { settledResult, type Run } from '../sandbox/run';
import { footerOf, outputFilesNote, packageLoads, prettyJson, runHeader } from './format';

/**
 * The "Python Sandbox" output channel: for every run it follows, a header when the run starts
 * (not when it is queued, so runs never interleave), its output as it streams, the answers
 * typed for input(), and a footer with the outcome.
 */
export class OutputChannelPresenter implements vscode.Disposable {
  readonly channel = vscode.window.createOutputChannel('Python Sandbox');
  /** Whether the last text written ended a line, so a footer never runs into output. */
  private atLineStart = true;

  constructor(private readonly settings: () => Settings) {}

  /** Writes `run` into the channel as it goes. */
  follow(run: Run, origin: RunOrigin | undefined): void {
    let started = false;
    run.onDidStart(() => {
      started = true;
      this.begin(runHeader(run.mode, run.label ?? 'code'));
      if (run.packages.length > 0) this.channel.appendLine(`loaded ${packageLoads(run.packages)}`);
    });
    run.onDidWrite(({ text }) => this.append(text));
    // A terminal echoes what was typed; the run's own output (the exec contract) does not hold it.
    run.onDidAnswerInput((text) => {
      if (text !== null) this.append(`${text}\n`);
    });
    void settledResult(run).then((result) => {
      // A run whose packages or files could not be had never started; it is told all the same.
      const refused = result.packagesFailed === true || result.filesFailed === true;
      if (!started && refused) this.begin(runHeader(run.mode, run.label ?? 'code'));
      if (started || refused) this.end(result, origin);
    });
  }

  /** Shows the channel, keeping focus in the editor. */
  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }

  private begin(header: string): void {
    const { clearOutputBeforeRun, revealOutput } = this.settings();
    if (clearOutputBeforeRun) this.channel.clear();
    else if (!this.atLineStart) this.channel.appendLine('');
    this.channel.appendLine(header);
    this.atLineStart = true;
    if (revealOutput === 'always') this.show();
  }

  private append(text: string): void {
    if (!text) return;
    this.channel.append(text);
    this.atLineStart = text.endsWith('\n');
  }

  private end(result: RunResult, origin: RunOrigin | undefined): void {
    if (result.value !== undefined) this.append(`${prettyJson(result.value)}\n`);
    if (!this.atLineStart) this.channel.appendLine('');
    const files = outputFilesNote(result, 'the Python Sandbox view');
    if (files) this.channel.appendLine(files);
    this.channel.appendLine(footerOf(result, origin));
    this.atLineStart = true;
    if (result.error && this.settings().revealOutput === 'onError') this.show();
  }
}
