import * as fs from 'node:fs';
import * as path from 'node:path';

/** A package index the launcher serves on loopback for the web tests (see web-package-indexes.ts). */
export interface WebPackageIndex {
  /** The Pyodide-style folder: `pythonSandbox.packages.indexUrl`. */
  readonly indexUrl: string;
  /** A POST here stops the index for good (the warm-cache test). */
  readonly stopUrl: string;
}

/** What the launcher tells the web tests, in the workspace's `web-test.json`. */
export interface WebTestSetup {
  /** The loopback listener's URL; `<url>count` answers how many other requests it heard. */
  readonly loopbackUrl: string;
  /** The workbench is served with cross-origin isolation headers: the sandbox has SharedArrayBuffer. */
  readonly crossOriginIsolated: boolean;
  /** Package indexes for the package tests, by what they hold. */
  readonly packageIndexes: {
    /** sandbox-demo-a; sandbox-demo-b, which needs it; sandbox-demo-so, a wheel with a WebAssembly library; sandbox-demo-d; sandbox-demo-nb. */
    readonly demo: WebPackageIndex;
    /** sandbox-demo-w, then nothing once stopped. */
    readonly stoppable: WebPackageIndex;
    /** sandbox-demo-t, whose wheel does not match the lock's sha256. */
    readonly tampered: WebPackageIndex;
  };
}

/** Writes what the web tests read (they find it in their workspace). */
export function writeWebTestSetup(workspace: string, setup: WebTestSetup): void {
  fs.writeFileSync(path.join(workspace, 'web-test.json'), JSON.stringify(setup));
}
