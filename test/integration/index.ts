import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

/**
 * Entry point the extension host loads (extensionTestsPath): runs every *.test.js next to this
 * bundle with mocha's spec reporter, then prints `N passed, N failed` on a line of its own so
 * the launcher output (and CI) shows what executed. Rejects when a test failed or none ran.
 * SANDBOX_TEST_GREP=pattern runs only the tests whose full title matches (the extension host
 * inherits the launcher's environment).
 */
export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec', grep: process.env.SANDBOX_TEST_GREP || undefined });
  for (const file of fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort()) {
    mocha.addFile(path.join(__dirname, file));
  }
  const { passed, failed } = await new Promise<{ passed: number; failed: number }>((resolve) => {
    const runner = mocha.run(() => resolve({ passed: runner.stats?.passes ?? 0, failed: runner.stats?.failures ?? 0 }));
    // The launcher repeats these lines at the end of its log, where CI shows them.
    runner.on('fail', (test: Mocha.Test, error: unknown) =>
      console.log(`FAILED: ${test.fullTitle()}\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
    );
  });
  console.log(`${passed} passed, ${failed} failed`);
  if (failed > 0) throw new Error(`${failed} integration test(s) failed`);
  if (passed === 0) throw new Error('no integration test ran');
}
