/** Shared set-up for tests that run the real sandbox from the built `dist/` folder. */
import * as path from 'node:path';
import { SandboxClient, type SandboxOptions } from '../../src/sandbox/client';

/** The build output: tests compile to out/test/unit, the runtime to dist. */
export const distDir = path.resolve(__dirname, '../../../dist');

/** A client on the built runtime, disposed after the suite that called this. */
export function sandboxFor(suite: Mocha.Suite, options: SandboxOptions = {}): () => SandboxClient {
  let client: SandboxClient | undefined;
  suite.beforeAll(async () => {
    client = new SandboxClient({ distDir, ...options });
    await client.start();
  });
  suite.afterAll(() => client?.dispose());
  return () => client!;
}
