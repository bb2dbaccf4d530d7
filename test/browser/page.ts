/**
 * A test page's script (bundled for the browser): the extension's browser transport and client,
 * with the extension's files read over HTTP from the page's own server instead of through
 * `vscode.workspace.fs`, and a package cache in memory instead of the extension's global
 * storage. Tests drive it through `globalThis.sandboxPage`.
 */
import type { PackageCache } from '../../src/sandbox/shared/package-files';
import { browserTransports, hasSharedMemory } from '../../src/sandbox/browser/transports';
import { SandboxClient, type SandboxOptions } from '../../src/sandbox/client';

/** Where the page's package cache keeps its files: a location is this and a key. */
const PACKAGE_CACHE = 'memory:/package-cache/';

/** What a test can call in the page. */
export interface SandboxPage {
  readonly sharedMemory: boolean;
  /** The package cache's folder: the transport reads files below it, and nothing else. */
  readonly packageCache: string;
  /** The package cache's files by location: tests put verified files here, or tamper with them. */
  readonly packageFiles: Map<string, Uint8Array>;
  client(options?: Omit<SandboxOptions, 'transport'>): SandboxClient;
  /** A client whose worker runs `script` instead of the sandbox worker: a stand-in for a compromised one. */
  clientWithWorker(script: string): SandboxClient;
}

async function read(file: string): Promise<Uint8Array> {
  const response = await fetch(`/${file}`);
  if (!response.ok) throw new Error(`${file}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

const packageFiles = new Map<string, Uint8Array>();
const packageCache: PackageCache = {
  holds: (location) => location.startsWith(PACKAGE_CACHE),
  // A copy, as a read from storage is: the transport hands its buffer over to the worker.
  read: async (location) => packageFiles.get(location)?.slice(),
};

const transport = browserTransports(read, packageCache);

(globalThis as unknown as { sandboxPage: SandboxPage }).sandboxPage = {
  sharedMemory: hasSharedMemory(),
  packageCache: PACKAGE_CACHE,
  packageFiles,
  client: (options = {}) => new SandboxClient({ transport, ...options }),
  clientWithWorker: (script) =>
    new SandboxClient({
      transport: browserTransports(
        (file) => (file === 'dist/web/sandbox-worker.js' ? Promise.resolve(new TextEncoder().encode(script)) : read(file)),
        packageCache,
      ),
    }),
};
