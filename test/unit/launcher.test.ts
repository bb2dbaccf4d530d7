import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../launch/paths';

describe('the test launcher on a machine without Chromium', () => {
  it('says what is missing and how to get it, and runs no apt-get', () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'python-sandbox-launcher-'));
    try {
      // An apt-get first on PATH that leaves a mark: the launcher must never call it.
      const mark = path.join(folder, 'apt-get-ran');
      fs.writeFileSync(path.join(folder, 'apt-get'), `#!/bin/sh\ntouch '${mark}'\nexit 1\n`, { mode: 0o755 });
      const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'out', 'test', 'launch', 'provision-server.js')], {
        env: {
          ...process.env,
          PATH: `${folder}${path.delimiter}${process.env.PATH ?? ''}`,
          CHROMIUM_PATH: path.join(folder, 'no-chromium'),
        },
        encoding: 'utf8',
        timeout: 60_000,
      });
      assert.equal(result.status, 1);
      assert.match(
        result.stderr,
        /lacks what the VS Code server host needs:\n {2}- Chromium, which drives the workbench \(Debian\/Ubuntu package chromium\)/,
      );
      assert.match(result.stderr, /install: sudo apt-get install -y --no-install-recommends chromium/);
      assert.match(result.stderr, /CHROMIUM_PATH/);
      assert.equal(fs.existsSync(mark), false, 'apt-get was not run');
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
