import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FIXTURE_WORKSPACE } from './paths';
import { onShutdown } from './processes';

/**
 * Creates a private temporary folder for one run, removed again at shutdown
 * (set KEEP_TEST_DIRS=1 to keep it for inspection).
 */
export function scratchDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pysandbox-${label}-`));
  onShutdown(() => {
    if (process.env.KEEP_TEST_DIRS) console.log(`[launch] kept ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  }, 'remove');
  return dir;
}

/** Fresh folders for one run: user data, and a workspace copied from the fixture. */
export interface RunDirs {
  root: string;
  userData: string;
  workspace: string;
}

/** A clean user-data folder and a fresh copy of the fixture workspace, so runs never share state. */
export function freshRunDirs(label: string): RunDirs {
  const root = scratchDir(label);
  const userData = path.join(root, 'user-data');
  const workspace = path.join(root, 'workspace');
  fs.mkdirSync(userData);
  fs.cpSync(FIXTURE_WORKSPACE, workspace, { recursive: true });
  return { root, userData, workspace };
}
