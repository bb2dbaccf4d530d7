import * as vscode from 'vscode';
import type { PackageInstallPolicy, Settings, SettingsStore } from '../config';
import { RESTART_SETTINGS } from '../config';
import type { RunOrigin } from '../editor/run-origin';
import type { ClientChoices, ExtensionPlatform } from '../platform';
import { PackageError } from '../packages/errors';
import type { PackagePreview } from '../packages/manager';
import {
  SandboxError,
  type Inspection,
  type InspectOptions,
  type SandboxClient,
  type RunOptions,
  type SandboxInfo,
  type SandboxStatus,
} from '../sandbox/client';
import type { PreparePackages } from '../sandbox/package-memory';
import type { OutputFile, RunMode, VariablesQuery } from '../sandbox/protocol';
import type { Run } from '../sandbox/run';
import type { FileAccess } from './file-access';
import { UNUSED_SANDBOX_MS, whenUnused } from '../sandbox/unused-sandbox';
import type { PackageService } from './packages';

/** The document an editor run came from. */
function originDocument(origin: RunOrigin | undefined): vscode.Uri | undefined {
  return origin && vscode.Uri.parse(origin.documentUri);
}

/** A run as it was created, with where its code came from (absent for agents and the API). */
export interface CreatedRun {
  readonly run: Run;
  readonly origin: RunOrigin | undefined;
}

/** Per-run choices a caller of the session makes; the rest comes from the settings. */
export interface SessionRunOptions extends Pick<
  RunOptions,
  'fresh' | 'timeoutMs' | 'captureLastValue' | 'label' | 'displayLastValue' | 'packages' | 'executionCount'
> {
  readonly origin?: RunOrigin;
  /** The document (or notebook) that runs: its workspace folder's grants are what the run may read, its folder where it starts. */
  readonly document?: vscode.Uri;
}

/** What a run would get, known before it is queued: for a confirmation shown first. */
export interface RunPreview {
  /** `pythonSandbox.timeoutSeconds`, the time limit of a run that names none (0: none). */
  readonly timeoutSeconds: number;
  /** The run starts from an empty namespace. */
  readonly fresh: boolean;
  /** The packages it would load (see PackageService.preview). */
  readonly packages: PackagePreview;
  /** What `pythonSandbox.packages.install` says of packages that are not cached. */
  readonly install: PackageInstallPolicy;
}

/** What every party's runtime is made with: each field is required, so that none can be left out unnoticed. */
export interface RuntimeSessionOptions {
  readonly settings: SettingsStore;
  readonly platform: ExtensionPlatform;
  /** Names the runtime in messages ("Python Sandbox", "Python Sandbox (agents)"). */
  readonly label: string;
  /** Whether input() may ask: someone follows the runs' input requests. */
  readonly input: boolean;
  /** Loads what runs import or name, from the extension's package cache. */
  readonly packages: PackageService;
  /** What runs may read of the workspace; undefined: nothing, and no working directory there (the agents' runtime). */
  readonly files: FileAccess | undefined;
}

/**
 * One party's runtime (the user's, the agents', a notebook's) under the editor's settings: a sandbox
 * client started lazily at the first run (or prewarmed), kept warm once used, replaced after a crash and
 * when a setting that shapes it changes. It hands out runs and announces each one, so that
 * presenters can follow it.
 */
export class RuntimeSession implements vscode.Disposable {
  private readonly settings: SettingsStore;
  private readonly platform: ExtensionPlatform;
  /** What its sandboxes are given: someone to answer input(), room for workspace files. */
  private readonly choices: ClientChoices;
  private readonly packages: PackageService;
  private readonly files: FileAccess | undefined;
  /** Names the runtime in messages. */
  readonly label: string;
  private client: SandboxClient;
  private clientSubscription: vscode.Disposable;
  private readonly statusChanged = new vscode.EventEmitter<SandboxStatus>();
  private readonly runCreated = new vscode.EventEmitter<CreatedRun>();
  private readonly settingsSubscription: vscode.Disposable;
  private starting: Promise<unknown> | undefined;
  /** A run was made since the runtime last started by itself: when it stops, it is started again (prewarm). */
  private usedSinceWarmUp = false;
  private readonly cacheSubscription: vscode.Disposable;
  /** Fires when the runtime starts, becomes ready, runs or stops, and when its queue changes. */
  readonly onDidChangeStatus = this.statusChanged.event;
  /** Fires for every run as it is queued, before it starts. */
  readonly onDidCreateRun = this.runCreated.event;

  constructor({ settings, platform, label, input, packages, files }: RuntimeSessionOptions) {
    this.settings = settings;
    this.platform = platform;
    this.label = label;
    this.packages = packages;
    this.files = files;
    this.choices = { input, readsFiles: files !== undefined };
    [this.client, this.clientSubscription] = this.createClient(settings.current);
    this.settingsSubscription = settings.onDidChange(({ keys }) => this.settingsChanged(keys));
    this.cacheSubscription = packages.onDidClearCache(() => this.client.forgetPackages());
  }

  get status(): SandboxStatus {
    return this.client.status;
  }

  /** Starts the sandbox now (prewarm); failures are reported, not thrown. */
  warmUp(): void {
    this.client.start().catch((error: unknown) => this.reportFault(error));
  }

  /** Queues code with the current settings; a first start shows a cancellable progress notification. */
  run(mode: RunMode, code: string, options: SessionRunOptions = {}): Run {
    const settings = this.settings.current;
    this.usedSinceWarmUp = true;
    const needsStart = this.client.state === 'stopped' || this.client.state === 'starting';
    const who = `${this.label}: ${options.label ?? 'code'}`;
    const run = this.client.run(mode, code, {
      fresh: options.fresh ?? !settings.persistentNamespace,
      timeoutMs: options.timeoutMs ?? settings.timeoutSeconds * 1000,
      captureLastValue: options.captureLastValue,
      label: options.label,
      displayLastValue: options.displayLastValue,
      executionCount: options.executionCount,
      packages: this.reported(options.packages ?? this.packages.forRun(code, who)),
      ...(this.files ? { workspace: this.files.forRun(options.document ?? originDocument(options.origin)) } : {}),
    });
    this.runCreated.fire({ run, origin: options.origin });
    run.result.then(
      () => this.prepareSpare(),
      (error: unknown) => this.reportFault(error),
    );
    if (needsStart) this.showStart(run);
    return run;
  }

  /** What a run of `code` would get under the current settings; nothing is run or downloaded. */
  async preview(code: string): Promise<RunPreview> {
    const settings = this.settings.current;
    return {
      timeoutSeconds: settings.timeoutSeconds,
      fresh: !settings.persistentNamespace,
      packages: await this.packages.preview(code),
      install: settings.packagesInstall,
    };
  }

  /** Loads packages named by the user (Install Packages…) into this runtime, as a run of their own. */
  install(names: readonly string[]): Run {
    const label = 'Install Packages';
    return this.run('exec', '', { label, packages: this.packages.forInstall(names, `${this.label}: ${label}`) });
  }

  /** Reads the namespace between runs (the Variables view, hovers, tables): no run, nothing counted; never starts the runtime. */
  inspect(query: VariablesQuery, options?: InspectOptions): Promise<Inspection> {
    return this.client.inspect(query, options);
  }

  interrupt(): void {
    this.client.interrupt();
  }

  /** The bytes of a file a run of this runtime wrote under output/, read from its sandbox (which must still hold that version). */
  readOutputFile(file: OutputFile): Promise<Uint8Array> {
    return this.client.readOutputFile(file);
  }

  async restart(): Promise<SandboxInfo> {
    const info = await this.client.restart();
    this.prepareSpare();
    return info;
  }

  dispose(): void {
    this.clientSubscription.dispose();
    this.client.dispose();
    this.settingsSubscription.dispose();
    this.cacheSubscription.dispose();
    this.statusChanged.dispose();
    this.runCreated.dispose();
  }

  /** Progress while the sandbox starts for `run`; cancelling it cancels the run. */
  private showStart(run: Run): void {
    this.starting ??= Promise.resolve(
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Starting ${this.label}…`, cancellable: true },
        (_progress, token) => {
          token.onCancellationRequested(() => run.interrupt());
          return this.client.start().catch(() => undefined);
        },
      ),
    ).then(() => (this.starting = undefined));
  }

  private createClient(settings: Settings): [SandboxClient, vscode.Disposable] {
    const client = this.platform.createClient(settings, this.choices);
    let previous = client.state;
    const subscriptions = [
      client.onDidChangeState((state) => {
        this.statusChanged.fire(this.status);
        // A runtime that had started (not one that failed to start) and stopped: a restart, a crash, the memory cap.
        const stoppedAfterStart = state === 'stopped' && (previous === 'ready' || previous === 'running');
        previous = state;
        if (stoppedAfterStart) this.keepWarm();
      }),
      // A runtime that has run nothing holds nothing: it goes, and the next run starts one.
      whenUnused(client, UNUSED_SANDBOX_MS, () => this.replaceClient(false)),
    ];
    return [client, vscode.Disposable.from(...subscriptions)];
  }

  /** This party was just active: a spare sandbox of its kind is kept ready for its next start (a Restart). */
  private prepareSpare(): void {
    this.platform.prepareSpare?.(this.settings.current, this.choices);
  }

  /**
   * After a run, a runtime that stops is started again at once, so that the next run does not
   * wait for it (prewarm, unless off). Only once per run: a runtime that keeps stopping before
   * any run is not started over and over.
   */
  private keepWarm(): void {
    if (!this.usedSinceWarmUp || this.settings.current.prewarm === 'off') return;
    this.usedSinceWarmUp = false;
    this.warmUp();
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

  /** @param comeBack whether a runtime that was in use starts again by itself. */
  private replaceClient(comeBack = true): void {
    const wasRunning = this.client.state !== 'stopped';
    this.clientSubscription.dispose();
    this.client.dispose();
    [this.client, this.clientSubscription] = this.createClient(this.settings.current);
    this.statusChanged.fire(this.status);
    if (wasRunning && comeBack) this.warmUp();
  }

  /**
   * A package that cannot be had stops its run before it starts; the user hears why (unless
   * they cancelled it themselves).
   */
  private reported(prepare: PreparePackages): PreparePackages {
    return async (signal) => {
      try {
        return await prepare(signal);
      } catch (error) {
        if (!(error instanceof PackageError && error.code === 'cancelled')) {
          void vscode.window.showErrorMessage(`${this.label}: ${error instanceof Error ? error.message : String(error)}`);
        }
        throw error;
      }
    };
  }

  /** A fault of the sandbox itself: say so. (After a crash a fresh one starts in the background: keepWarm.) */
  private reportFault(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    const crashed = error instanceof SandboxError && error.crashed;
    void vscode.window.showWarningMessage(crashed ? `${this.label} stopped: ${message}` : `${this.label}: ${message}`);
  }
}
