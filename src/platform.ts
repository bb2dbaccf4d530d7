import type { Settings } from './config';
import type { SandboxClient } from './sandbox/client';

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
  /** A sandbox client under the user's current settings. */
  createClient(settings: Settings, choices: ClientChoices): SandboxClient;
}
