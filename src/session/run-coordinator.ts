import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SettingsStore } from '../config';
import { lastLine, lineLabel, type CodeRegion } from '../editor/code-region';
import { locateError } from '../editor/traceback';
import type { RunMode } from '../sandbox/protocol';
import type { RunResult } from '../sandbox/result';
import type { SandboxDiagnostics } from '../ui/diagnostics';
import { prettyValue, runFooter, runHeader } from '../ui/format';
import type { OutputView } from '../ui/output';
import type { SandboxRuntime } from './runtime';

/** Code from a document, ready to run. */
export interface RunTarget {
  readonly document: vscode.TextDocument;
  readonly region: CodeRegion;
  readonly mode: RunMode;
}

/**
 * Runs editor code through the runtime and shows what happened: a header, the output as it
 * streams, a footer with the outcome, and a diagnostic where an error was raised.
 */
export class RunCoordinator {
  private current: string | undefined;

  constructor(
    private readonly runtime: SandboxRuntime,
    private readonly settings: SettingsStore,
    private readonly output: OutputView,
    private readonly diagnostics: SandboxDiagnostics,
  ) {}

  /** What is running now, e.g. `hello.py:3-5`, for input prompts. */
  describeCurrent(): string {
    return this.current ?? 'Python Sandbox';
  }

  /** Runs one target; undefined when the runtime could not start or the user cancelled. */
  async run(target: RunTarget): Promise<RunResult | undefined> {
    if (!(await this.runtime.ensureStarted())) return undefined;
    const { document, region, mode } = target;
    const settings = this.settings.current;
    const where = `${path.basename(document.fileName)}:${lineLabel(region)}`;
    this.output.begin(runHeader(mode, where), settings.clearOutputBeforeRun, settings.revealOutput);
    this.current = where;
    let result: RunResult;
    try {
      result = await this.runtime.run(mode, region.code, {
        onOutput: (_stream, text) => this.output.append(text),
        captureLastValue: mode === 'exec',
      });
    } finally {
      this.current = undefined;
    }
    if (result.value !== undefined) this.output.append(`${prettyValue(result.value)}\n`);
    const location = result.error
      ? locateError(region, result.error, (line) => (line < document.lineCount ? document.lineAt(line).text : ''))
      : undefined;
    this.output.end(runFooter(result, location && location.range.start.line + 1), result.error !== undefined, settings.revealOutput);
    // A run speaks for the lines it ran; diagnostics elsewhere in the document still hold.
    if (!result.error) this.diagnostics.clearLines(document.uri, region.firstLine, lastLine(region));
    // An interrupt is the user's own doing, not a fault in the code.
    else if (location && result.error.type !== 'KeyboardInterrupt')
      this.diagnostics.report(document.uri, result.error, location, region.firstLine);
    return result;
  }

  /** Runs targets in order, stopping at the first that fails. */
  async runAll(targets: readonly RunTarget[]): Promise<RunResult[]> {
    const results: RunResult[] = [];
    for (const target of targets) {
      const result = await this.run(target);
      if (!result) break;
      results.push(result);
      if (result.error) break;
    }
    return results;
  }
}
