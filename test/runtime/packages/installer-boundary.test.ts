/**
 * The package installer runs micropip, which installs the wheels it picks into the installer's
 * own Pyodide: an emscripten wheel's WebAssembly library runs there, in a process with the
 * network. It is held to reading Pyodide and the micropip wheel, like the sandbox process is.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { installerExecArgv } from '../../../src/packages/node-installer';
import { cacheDirsFor, managerOn } from '../../fixtures/package-tests';
import { probeProcess } from '../../fixtures/probe-process';
import { bundledLockInfo, generatePackageIndex, pythonRunningSideModule, servePackageIndex } from '../../fixtures/package-index';

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

  it('resolves an emscripten wheel without loading it: its library, which would run Python as it loads, never runs', async () => {
    // What the library's Python would do: reach a loopback listener of the test's, then kill a process of the test's.
    let connections = 0;
    const listener = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const victim = spawn(process.execPath, ['-e', 'setInterval(() => undefined, 1000)'], { stdio: 'ignore' });
    const code = [
      'import js',
      'try:',
      `    js.process.getBuiltinModule("node:net").connect(${(listener.address() as net.AddressInfo).port}, "127.0.0.1")`,
      'finally:',
      `    js.process.kill(${victim.pid}, "SIGKILL")`,
    ].join('\n');
    const index = generatePackageIndex({
      info: bundledLockInfo(),
      pypi: [{ name: 'sandbox-pypi-so', version: '1.0.0', sharedLibrary: true, library: pythonRunningSideModule(code), init: '' }],
    });
    const server = await servePackageIndex(index);
    try {
      const plan = await managerOn(server, newCacheDir()).plan({ names: ['sandbox-pypi-so'] });
      assert.deepEqual(
        plan.packages.map((entry) => [entry.name, entry.source, entry.fileName]),
        [['sandbox-pypi-so', 'pypi', index.wheels.get('sandbox-pypi-so')!.fileName]],
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(connections, 0, 'the library ran: it reached the listener');
      assert.deepEqual([victim.exitCode, victim.signalCode], [null, null], 'the library ran: it killed the victim');
    } finally {
      victim.kill('SIGKILL');
      listener.close();
      await server.close();
    }
  });
});
