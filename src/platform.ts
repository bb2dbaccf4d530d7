import type { Settings, SettingsStore } from './config';
import type { SandboxClient } from './sandbox/client';
import type { PackageService } from './session/packages';

/** Choices a part of the extension makes for the clients it asks for. */
export interface ClientChoices {
  /** Someone answers input() (the user's runtime); otherwise input() raises EOFError at once. */
  readonly input: boolean;
}

/**
 * What differs between the extension on Node (desktop, VS Code server) and in a browser
 * (vscode.dev, github.dev, the web worker extension host). Everything else is wired once, by
 * `activateExtension`.
 */
export interface ExtensionPlatform {
  /** A sandbox client under the user's current settings; its sandbox may read the package cache. */
  createClient(settings: Settings, choices: ClientChoices): SandboxClient;
  /** The package cache (in the extension's global storage) and its rules. */
  createPackages(settings: SettingsStore): PackageService;
}
