/** Shared set-up for tests that run the real sandbox from the built `dist/` folder. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SandboxClient } from '../../src/sandbox/client';
import { createNodeClient, type NodeSandboxOptions } from '../../src/sandbox/node-client';

/** The build output: tests compile below out/test/runtime (at any depth), the runtime to dist. */
export const distDir = path.join(
  (function repository(dir: string): string {
    if (fs.existsSync(path.join(dir, 'package.json')) || path.dirname(dir) === dir) return dir;
    return repository(path.dirname(dir));
  })(__dirname),
  'dist',
);

// Fail the whole suite at load with the remedy, instead of every test with a spawn error.
if (!fs.existsSync(path.join(distDir, 'sandbox-process.js'))) {
  throw new Error(`${distDir} holds no built sandbox: run \`npm run build\` before \`npm run test:runtime\``);
}

/** A client on the built runtime, disposed after the suite that called this. */
export function sandboxFor(suite: Mocha.Suite, options: NodeSandboxOptions = {}): () => SandboxClient {
  let client: SandboxClient | undefined;
  suite.beforeAll(async () => {
    client = createNodeClient({ distDir, ...options });
    await client.start();
  });
  suite.afterAll(() => client?.dispose());
  return () => client!;
}
