import * as vscode from 'vscode';
import type { Settings, SettingsStore } from '../config';
import { RESTART_SETTINGS } from '../config';
import { SandboxClient, SandboxError, type RunOptions, type SandboxInfo, type SandboxState } from '../sandbox/client';
import type { RunMode, StreamName } from '../sandbox/protocol';
import { failure, type RunResult } from '../sandbox/result';

/** Answers input() for runs of this runtime. */
export type InputProvider = (prompt: string, signal: AbortSignal) => Promise<string | null>;

/**
 * One sandbox runtime with the editor's settings: started lazily (or prewarmed), restarted on
 * request or after a crash, and replaced when a setting that shapes it changes.
 */
export class SandboxRuntime implements vscode.Disposable {
  private client: SandboxClient;
  private readonly stateChanged = new vscode.EventEmitter<SandboxState>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private unsubscribeState: () => void = () => undefined;
  /** Fires when the runtime starts, becomes ready, runs or stops. */
  readonly onDidChangeState = this.stateChanged.event;

  /**
   * @param label names the runtime in messages ("Python Sandbox", "agent sandbox").
   * @param input answers input(); without it input() raises EOFError.
   */
  constructor(
    private readonly settings: SettingsStore,
    private readonly distDir: string,
    private readonly label: string,
    private readonly input?: InputProvider,
  ) {
    this.client = this.createClient(settings.current);
    this.subscriptions.push(settings.onDidChange(({ keys }) => this.settingsChanged(keys)));
  }

  get state(): SandboxState {
    return this.client.state;
  }

  /** Runs waiting behind the current one. */
  get queued(): number {
    return this.client.queued;
  }

  /** Facts about the sandbox, once it has started. */
  get info(): SandboxInfo | undefined {
    return this.client.sandbox;
  }

  /** Starts the sandbox now (prewarm); failures are reported, not thrown. */
  warmUp(): void {
    this.client.start().catch((error: unknown) => this.reportFault(error));
  }

  /**
   * Starts the sandbox if needed; the first start of a session shows a cancellable progress
   * notification. Resolves false when the user cancelled or the start failed.
   */
  async ensureStarted(): Promise<boolean> {
    if (this.client.state !== 'stopped' && this.client.state !== 'starting') return true;
    const starting = this.client.start();
    return vscode.window
      .withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Starting ${this.label}…`, cancellable: true },
        (_progress, token) =>
          Promise.race([starting.then(() => true), new Promise<boolean>((resolve) => token.onCancellationRequested(() => resolve(false)))]),
      )
      .then(
        (ok) => ok,
        (error: unknown) => {
          this.reportFault(error);
          return false;
        },
      );
  }

  /**
   * Runs code with the current settings. A crash of the sandbox becomes an error result (and a
   * message); the next run starts a new sandbox.
   */
  async run(
    mode: RunMode,
    code: string,
    options: Pick<RunOptions, 'fresh' | 'timeoutMs' | 'captureLastValue'> & { onOutput?: (stream: StreamName, text: string) => void } = {},
  ): Promise<RunResult> {
    const settings = this.settings.current;
    try {
      const run = this.client.run(mode, code, {
        fresh: options.fresh ?? !settings.persistentNamespace,
        timeoutMs: options.timeoutMs ?? settings.timeoutSeconds * 1000,
        captureLastValue: options.captureLastValue,
      });
      const { onOutput } = options;
      if (onOutput) run.onDidWrite(({ stream, text }) => onOutput(stream, text));
      const { input } = this;
      if (input) run.onDidRequestInput((request) => void input(request.prompt, request.signal).then((text) => request.reply(text)));
      return await run.result;
    } catch (error) {
      this.reportFault(error);
      return failure(mode, 'SandboxError', error instanceof Error ? error.message : String(error), { restarted: true });
    }
  }

  interrupt(): void {
    this.client.interrupt();
  }

  async restart(): Promise<SandboxInfo> {
    return this.client.restart();
  }

  dispose(): void {
    this.unsubscribeState();
    this.client.dispose();
    this.stateChanged.dispose();
    vscode.Disposable.from(...this.subscriptions).dispose();
  }

  private createClient(settings: Settings): SandboxClient {
    const client = new SandboxClient({
      distDir: this.distDir,
      isolation: settings.isolation,
      memoryLimitMb: settings.memoryLimitMb,
      maxOutputBytes: settings.maxOutputBytes,
      input: this.input !== undefined,
    });
    const subscription = client.onDidChangeState((state) => this.stateChanged.fire(state));
    this.unsubscribeState = () => subscription.dispose();
    return client;
  }

  private settingsChanged(keys: ReadonlyArray<keyof Settings>): void {
    if (!keys.some((key) => RESTART_SETTINGS.includes(key))) return;
    if (this.client.state === 'stopped') {
      this.replaceClient();
      return;
    }
    void vscode.window
      .showInformationMessage(
        `${this.label}: restart the runtime to apply the new settings? Its namespace will be lost.`,
        'Restart Now',
        'Later',
      )
      .then((choice) => {
        if (choice === 'Restart Now') this.replaceClient();
      });
  }

  private replaceClient(): void {
    const wasRunning = this.client.state !== 'stopped';
    this.unsubscribeState();
    this.client.dispose();
    this.client = this.createClient(this.settings.current);
    this.stateChanged.fire(this.client.state);
    // Only a runtime that was in use comes back by itself.
    if (wasRunning) this.warmUp();
  }

  private reportFault(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    const crashed = error instanceof SandboxError && error.crashed;
    void vscode.window.showWarningMessage(crashed ? `${this.label} crashed and was restarted: ${message}` : `${this.label}: ${message}`);
    if (crashed) this.warmUp();
  }
}
