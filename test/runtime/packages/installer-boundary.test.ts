/**
 * The package installer reads what a PyPI index sends (project pages, wheels), so it is held as
 * the sandbox process is, but for the network it needs: it reads only Pyodide and the micropip
 * wheel, and on Linux it runs in a user and a PID namespace and dies with its parent. And no
 * byte of a wheel runs there: it resolves, it installs nothing.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { installerLaunch } from '../../../src/packages/node-installer';
import { osIsolationWrapper } from '../../../src/sandbox/transport/child-process';
import { cacheDirsFor, managerOn } from '../../fixtures/package-tests';
import {
  alive,
  allEnd,
  childOf,
  connectReport,
  fileSystemReport,
  listenOn,
  probeProcess,
  runningCommand,
  topFolders,
} from '../../fixtures/probe-process';
import { bundledLockInfo, generatePackageIndex, pythonRunningSideModule, servePackageIndex } from '../../fixtures/package-index';

/** A process of the test's own that runs until it is killed. */
function sleeper(): ReturnType<typeof spawn> {
  return spawn(process.execPath, ['-e', 'setInterval(() => undefined, 1000)'], { stdio: 'ignore' });
}

describe('packages: the installer process is locked down but for the network', function () {
  this.timeout(120_000);
  const newCacheDir = cacheDirsFor(this);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'installer-boundary-'));
  const assets = path.join(root, 'dist');
  const micropip = path.join(root, 'cache', 'files', 'abc', 'micropip.whl');
  const namespaces = osIsolationWrapper().length > 0;
  before(() => {
    fs.mkdirSync(assets);
    fs.mkdirSync(path.dirname(micropip), { recursive: true });
    fs.writeFileSync(micropip, 'wheel');
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('reads only its assets and the micropip wheel, starts nothing, generates no code, sees no environment', async () => {
    const secretFile = path.join(root, 'secret.txt');
    fs.writeFileSync(secretFile, randomUUID());
    const report = await probeProcess(
      assets,
      installerLaunch(assets, micropip),
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

  it('reaches a loopback index, and signals no process outside it', async function () {
    if (!namespaces) return this.skip();
    const index = generatePackageIndex({ info: bundledLockInfo(), micropip: false, pypi: [{ name: 'sandbox-pypi-a', version: '1.0.0' }] });
    const server = await servePackageIndex(index);
    const victim = sleeper();
    try {
      // Assume whatever the index sent took over the installer's JavaScript.
      const report = await probeProcess(
        assets,
        installerLaunch(assets, micropip),
        `fetch(${JSON.stringify(`${server.pypiIndexUrl}/sandbox-pypi-a/`)}).then((response) => ({
           index: response.status,
           killAProcessOfTheUser: attempt(() => process.kill(${victim.pid}, 'SIGKILL')),
           signalTheParent: attempt(() => process.kill(${process.pid}, 0)),
           parent: process.ppid,
           user: require('node:os').userInfo().uid,
           hostName: require('node:os').hostname(),
         }))`,
      );
      // It keeps the network; it sees no process outside its PID namespace; it is root of a user
      // namespace of its own (os.userInfo() says root, not the user); it still reads the host name.
      assert.deepEqual(report, {
        index: 200,
        killAProcessOfTheUser: 'ESRCH',
        signalTheParent: 'ESRCH',
        parent: 0,
        user: 0,
        hostName: os.hostname(),
      });
      assert.ok(alive(victim.pid!), 'the process outside was killed');
    } finally {
      victim.kill('SIGKILL');
      await server.close();
    }
  });

  it("reaches no Unix socket by its path (a file system of its own), but does reach the host's abstract ones: the limit the README states", async function () {
    if (!namespaces) return this.skip();
    const byPath = path.join(root, 'host.sock');
    const abstract = `\0python-sandbox-test-${randomUUID()}`;
    const listening = await listenOn([byPath, abstract]);
    try {
      const report = await probeProcess(assets, installerLaunch(assets, micropip), connectReport([byPath, abstract]));
      // It keeps the host's network namespace, for the index: abstract sockets belong to it.
      assert.deepEqual(report, ['ENOENT', 'connected']);
      for (let i = 0; i < 100 && listening.heard.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual(listening.heard, [abstract]);
    } finally {
      listening.close();
    }
  });

  it("sees a file system of its own: the system libraries and Node, its two folders, a few devices, the resolver's files, and no socket", async function () {
    if (!namespaces) return this.skip();
    const system = ['/usr', '/lib', '/lib64', '/lib32', '/libx32'];
    const top = topFolders([
      ...system.filter((folder) => fs.existsSync(folder)),
      '/dev',
      '/etc',
      '/proc',
      assets,
      micropip,
      process.execPath,
    ]);
    // Without Node's permission model: what the OS alone shows it.
    const { wrapper } = installerLaunch(assets, micropip);
    const report = (await probeProcess(assets, { wrapper, execArgv: [] }, fileSystemReport(top, system))) as {
      top: string[];
      sockets: string[];
      files: string[];
    };
    assert.deepEqual(report.top, top);
    assert.deepEqual(report.sockets, []);
    const devices = ['/dev/null', '/dev/zero', '/dev/random', '/dev/urandom'];
    const etc = [
      '/etc/ld.so.cache',
      '/etc/localtime',
      '/etc/resolv.conf',
      '/etc/hosts',
      '/etc/nsswitch.conf',
      '/etc/host.conf',
      '/etc/gai.conf',
    ];
    const expected = [...devices, ...etc].filter((file) => fs.existsSync(file)).concat([path.join(assets, 'probe.js'), micropip]);
    assert.deepEqual(report.files.sort(), expected.sort());
  });

  it('dies with the process that started it', async function () {
    if (!namespaces) return this.skip();
    // A stand-in for the extension host: it starts an installer that runs forever.
    const { wrapper, execArgv } = installerLaunch(assets, micropip);
    const command = [...wrapper, process.execPath, ...execArgv, '-e', 'setInterval(() => undefined, 1000)'];
    const host = spawn(
      process.execPath,
      [
        '-e',
        `require('node:child_process').spawn(${JSON.stringify(command[0])}, ${JSON.stringify(command.slice(1))}, { stdio: 'ignore' }); setInterval(() => undefined, 1000);`,
      ],
      { stdio: 'ignore' },
    );
    const started = await childOf(host.pid!);
    try {
      const node = await childOf(started);
      // Once it runs Node, the forked child has asked for its parent-death signal (it does so before any program of its own).
      await runningCommand(node, 'setInterval');
      assert.ok(alive(started) && alive(node), 'the installer runs');
      host.kill('SIGKILL');
      assert.ok(await allEnd([started, node]), 'the installer outlived its parent');
    } finally {
      host.kill('SIGKILL');
      if (alive(started)) process.kill(started, 'SIGKILL');
    }
  });

  it('resolves an emscripten wheel without loading it: its library, which would run Python as it loads, never runs', async () => {
    // What the library's Python would do: reach a loopback listener of the test's, then kill a process of the test's.
    let connections = 0;
    const listener = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const victim = sleeper();
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
