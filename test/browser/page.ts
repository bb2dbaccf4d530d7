/**
 * A test page's script (bundled for the browser): the extension's browser transport and client,
 * with the extension's files read over HTTP from the page's own server instead of through
 * `vscode.workspace.fs`. Tests drive it through `globalThis.sandboxPage`.
 */
import { browserTransports, hasSharedMemory } from '../../src/sandbox/browser/transports';
import { SandboxClient, type SandboxOptions } from '../../src/sandbox/client';

/** What a test can call in the page. */
export interface SandboxPage {
  readonly sharedMemory: boolean;
  client(options?: Omit<SandboxOptions, 'transport'>): SandboxClient;
}

const transport = browserTransports(async (file) => {
  const response = await fetch(`/${file}`);
  if (!response.ok) throw new Error(`${file}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
});

(globalThis as unknown as { sandboxPage: SandboxPage }).sandboxPage = {
  sharedMemory: hasSharedMemory(),
  client: (options = {}) => new SandboxClient({ transport, ...options }),
};
