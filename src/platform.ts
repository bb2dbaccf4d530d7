import type * as vscode from 'vscode';
import type { Settings, SettingsStore } from './config';
import type { GrantFileSystem } from './files/grants';
import type { SandboxClient, SandboxOptions } from './sandbox/client';
import type { PackageService } from './session/packages';

/** Choices a part of the extension makes for the clients it asks for. */
export interface ClientChoices {
  /** Someone answers input() (the user's runtime); otherwise input() raises EOFError at once. */
  readonly input: boolean;
  /** Its runs may be handed workspace files (the user's and notebooks' runtimes): its memory watch allows for them. */
  readonly readsFiles: boolean;
}

/** What every sandbox client is given of the settings and the choices, on either platform. */
export function clientLimits(
  settings: Settings,
  { input, readsFiles }: ClientChoices,
): Pick<SandboxOptions, 'memoryLimitMb' | 'maxOutputBytes' | 'timeoutMs' | 'input' | 'maxReadableMb' | 'readableLimitName'> {
  return {
    memoryLimitMb: settings.memoryLimitMb,
    maxOutputBytes: settings.maxOutputBytes,
    timeoutMs: settings.timeoutSeconds * 1000,
    input,
    maxReadableMb: readsFiles ? settings.filesMaxReadableMb : 0,
    readableLimitName: 'pythonSandbox.files.maxReadableMb',
  };
}

/**
 * What differs between the extension on Node (desktop, VS Code server) and in a browser
 * (vscode.dev, github.dev, the web worker extension host). Everything else is wired once, by
 * `activateExtension`.
 */
export interface ExtensionPlatform {
  /**
   * A sandbox client under the user's current settings; its sandbox may read the package cache,
   * and it starts with the spare sandbox when one of its kind is ready.
   */
  createClient(settings: Settings, choices: ClientChoices): SandboxClient;
  /**
   * A party that makes clients with these settings and choices was just active: keep a spare
   * sandbox of that kind ready for its next start (a Restart, a one-off call). Absent where
   * sandboxes are not started ahead of need.
   */
  prepareSpare?(settings: Settings, choices: ClientChoices): void;
  /** The package cache (in the extension's global storage) and its rules. */
  createPackages(settings: SettingsStore): PackageService;
  /** How the files of a workspace folder are listed and read for the sandbox. */
  grantFileSystem(folder: vscode.Uri): GrantFileSystem;
}
