import * as path from 'node:path';

/**
 * Repository root. The launchers are bundled to out/test/launch/*.js (and the UI checks to
 * out/test/ui/*.js), so the root is three levels above the running bundle.
 */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** Gitignored folder that holds everything the launchers provision (Node 24, code-server). */
export const CACHE_DIR = path.join(REPO_ROOT, '.cache');

/** Gitignored folder for screenshots and other artefacts of a test run. */
export const RESULTS_DIR = path.join(REPO_ROOT, 'test-results');

/** Compiled integration suite entry (exports `run()`), loaded by the extension host. */
export const INTEGRATION_INDEX = path.join(REPO_ROOT, 'out', 'test', 'integration', 'index.js');

/** Compiled entry of the tests for the web worker extension host (bundled for the browser). */
export const WEB_INTEGRATION_INDEX = path.join(REPO_ROOT, 'out', 'test', 'web', 'index.js');

/** Fixture workspace; every run works on a fresh copy of it. */
export const FIXTURE_WORKSPACE = path.join(REPO_ROOT, 'test', 'fixtures', 'workspace');
