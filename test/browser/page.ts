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
  /** A client whose worker runs `script` instead of the sandbox worker: a stand-in for a compromised one. */
  clientWithWorker(script: string): SandboxClient;
}

async function read(file: string): Promise<Uint8Array> {
  const response = await fetch(`/${file}`);
  if (!response.ok) throw new Error(`${file}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

const transport = browserTransports(read);

(globalThis as unknown as { sandboxPage: SandboxPage }).sandboxPage = {
  sharedMemory: hasSharedMemory(),
  client: (options = {}) => new SandboxClient({ transport, ...options }),
  clientWithWorker: (script) =>
    new SandboxClient({
      transport: browserTransports((file) =>
        file === 'dist/web/sandbox-worker.js' ? Promise.resolve(new TextEncoder().encode(script)) : read(file),
      ),
    }),
};
