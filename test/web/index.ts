/**
 * Entry point the web worker extension host loads (extensionTestsPath): mocha's browser build
 * runs the tests that hold in both extension hosts (the API, contributions, diagnostics, Exec Selection, the output view, the Variables view) and the web worker's own, then prints
 * `N passed, N failed`. Bundled for the browser (esbuild.js), with `node:assert/strict` mapped
 * to test/web/assert.ts.
 */
import 'mocha/mocha.js';

declare const mocha: BrowserMocha;

interface BrowserMocha {
  setup(options: { ui: 'bdd'; reporter: string; timeout: number; color: boolean }): void;
  run(done: (failures: number) => void): {
    stats?: { passes: number; failures: number };
    on(event: 'fail', listener: (test: { fullTitle(): string }, error: unknown) => void): void;
  };
}

export async function run(): Promise<void> {
  mocha.setup({ ui: 'bdd', reporter: 'spec', timeout: 60_000, color: false });
  // Loaded here, after setup: their `describe` calls need mocha's globals (the bundle has them inside).
  await import('./web.test.js');
  await import('./notebook.test.js');
  await import('./package-store.test.js');
  await import('./packages.test.js');
  await import('../integration/api.test.js');
  await import('../integration/contributions.test.js');
  await import('../integration/diagnostics.test.js');
  await import('../integration/exec-selection.test.js');
  await import('../integration/output-view.test.js');
  await import('../integration/variables.test.js');
  return new Promise((resolve, reject) => {
    const runner = mocha.run(() => {
      const passed = runner.stats?.passes ?? 0;
      const failed = runner.stats?.failures ?? 0;
      console.log(`${passed} passed, ${failed} failed`);
      if (failed > 0) reject(new Error(`${failed} web test(s) failed`));
      else if (passed === 0) reject(new Error('no web test ran'));
      else resolve();
    });
    // The launcher gives up on a host that stops answering, before mocha's summary: say why each test failed as it fails.
    runner.on('fail', (test: { fullTitle(): string }, error: unknown) =>
      console.log(`FAILED: ${test.fullTitle()}\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
    );
  });
}
