/**
 * The package installer runs micropip, which installs the wheels it picks into the installer's
 * own Pyodide: an emscripten wheel's WebAssembly library runs there, in a process with the
 * network. It is held to reading Pyodide and the micropip wheel, like the sandbox process is.
 */
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { installerExecArgv } from '../../../src/packages/node-installer';
import { cacheDirsFor, managerOn } from '../../fixtures/package-tests';
import { probeProcess } from '../../fixtures/probe-process';
import { bundledLockInfo, generatePackageIndex, servePackageIndex } from '../../fixtures/package-index';

describe('packages: the installer process is locked down but for the network', function () {
  this.timeout(120_000);
  const newCacheDir = cacheDirsFor(this);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'installer-boundary-'));
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('reads only its assets and the micropip wheel, starts nothing, generates no code, sees no environment', async () => {
    const assets = path.join(root, 'dist');
    const micropip = path.join(root, 'cache', 'files', 'abc', 'micropip.whl');
    const secretFile = path.join(root, 'secret.txt');
    fs.mkdirSync(assets);
    fs.mkdirSync(path.dirname(micropip), { recursive: true });
    fs.writeFileSync(micropip, 'wheel');
    fs.writeFileSync(secretFile, randomUUID());
    const report = await probeProcess(
      assets,
      { execArgv: installerExecArgv(assets, micropip) },
      `{
         readMicropip: attempt(() => fs.readFileSync(${JSON.stringify(micropip)})),
         readHostFile: attempt(() => fs.readFileSync(${JSON.stringify(secretFile)})),
         writeNextToMicropip: attempt(() => fs.writeFileSync(${JSON.stringify(`${micropip}.x`)}, 'x')),
         spawn: attempt(() => cp.spawnSync('true')),
         newFunction: attempt(() => new Function('return 1')),
         environment: Object.keys(process.env).length,
       }`,
    );
    assert.deepEqual(report, {
      readMicropip: 'allowed',
      readHostFile: 'ERR_ACCESS_DENIED',
      writeNextToMicropip: 'ERR_ACCESS_DENIED',
      spawn: 'ERR_ACCESS_DENIED',
      newFunction: 'EvalError',
      environment: 0,
    });
  });

  it('still resolves, also an emscripten wheel with a WebAssembly library that micropip installs there', async () => {
    const index = generatePackageIndex({
      info: bundledLockInfo(),
      pypi: [{ name: 'sandbox-pypi-so', version: '1.0.0', sharedLibrary: true, init: 'LOADED = True\n' }],
    });
    const server = await servePackageIndex(index);
    try {
      const plan = await managerOn(server, newCacheDir()).plan({ names: ['sandbox-pypi-so'] });
      assert.deepEqual(
        plan.packages.map((entry) => [entry.name, entry.source, entry.fileName]),
        [['sandbox-pypi-so', 'pypi', index.wheels.get('sandbox-pypi-so')!.fileName]],
      );
    } finally {
      await server.close();
    }
  });
});
