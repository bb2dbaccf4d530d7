import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createNodeClient } from '../../src/sandbox/node-client';
import { defaultLaunchSpec, osIsolationWrapper } from '../../src/sandbox/transport/child-process';
import { alive, childOf, probeProcess } from '../fixtures/probe-process';
import { distDir } from './sandbox';

/**
 * Assume Python escaped the worker into the sandbox process's own JavaScript. This runs arbitrary
 * JavaScript under the very command line the client uses, and checks what it can still do.
 */
describe('isolation: arbitrary JavaScript inside the sandbox process', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-boundary-'));
  const assets = path.join(root, 'dist');
  const secretFile = path.join(root, 'secret.txt');
  const marker = path.join(root, 'marker');
  const cache = path.join(root, 'cache');
  const cachedFile = path.join(cache, '314.0.7', 'files', 'x.whl');
  const besideCache = path.join(cache, 'other.txt');
  let connections = 0;
  const listener = net.createServer((socket) => {
    connections++;
    socket.destroy();
  });
  const namespaces = osIsolationWrapper().length > 0;

  before(async () => {
    fs.mkdirSync(assets);
    fs.writeFileSync(secretFile, randomUUID());
    fs.mkdirSync(path.dirname(cachedFile), { recursive: true });
    fs.writeFileSync(cachedFile, 'wheel');
    fs.writeFileSync(besideCache, 'not for the sandbox');
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  });
  after(() => {
    listener.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('cannot read or write host files, start processes, generate code or see the environment; reads only its package cache folder', async () => {
    const { port } = listener.address() as net.AddressInfo;
    process.env.SANDBOX_TEST_CANARY = 'visible';
    const spec = defaultLaunchSpec(assets, undefined, [path.dirname(path.dirname(cachedFile))]);
    delete process.env.SANDBOX_TEST_CANARY;
    // The escaped code: try each host capability and report what happened.
    const report = (await probeProcess(
      assets,
      spec,
      `new Promise((resolve) => {
         const socket = net.connect(${port}, '127.0.0.1', () => { socket.destroy(); resolve('allowed'); });
         socket.on('error', (e) => resolve(e.code));
       }).then((network) => ({
         readHostFile: attempt(() => fs.readFileSync(${JSON.stringify(secretFile)})),
         readCachedPackage: attempt(() => fs.readFileSync(${JSON.stringify(cachedFile)})),
         readBesideCache: attempt(() => fs.readFileSync(${JSON.stringify(besideCache)})),
         writeCache: attempt(() => fs.writeFileSync(${JSON.stringify(cachedFile)}, 'x')),
         writeHostFile: attempt(() => fs.writeFileSync(${JSON.stringify(marker)}, 'x')),
         spawn: attempt(() => cp.spawnSync('true')),
         newFunction: attempt(() => new Function('return 1')),
         environment: Object.keys(process.env).length,
         network,
         signalTheParent: attempt(() => process.kill(${process.pid}, 0)),
       }))`,
    )) as Record<string, unknown>;
    assert.deepEqual(
      { ...report, network: undefined, signalTheParent: undefined },
      {
        readHostFile: 'ERR_ACCESS_DENIED',
        readCachedPackage: 'allowed',
        readBesideCache: 'ERR_ACCESS_DENIED',
        writeCache: 'ERR_ACCESS_DENIED',
        writeHostFile: 'ERR_ACCESS_DENIED',
        spawn: 'ERR_ACCESS_DENIED',
        newFunction: 'EvalError',
        environment: 0,
        network: undefined,
        signalTheParent: undefined,
      },
    );
    assert.ok(!fs.existsSync(marker));
    if (namespaces) {
      // Node's permission model leaves these open; Linux namespaces close them.
      assert.equal(report.network, 'ENETUNREACH');
      assert.equal(report.signalTheParent, 'ESRCH');
      assert.equal(connections, 0);
    }
  });

  it('reaches no abstract Unix socket, but does reach one by its path: the limit the README states', async function () {
    if (!namespaces) return this.skip();
    const heard: string[] = [];
    const serve = async (where: string): Promise<net.Server> => {
      const server = net.createServer((socket) => {
        heard.push(where);
        socket.destroy();
      });
      await new Promise<void>((resolve) => server.listen(where, resolve));
      return server;
    };
    const byPath = path.join(root, 'host.sock');
    const abstract = `\0python-sandbox-test-${randomUUID()}`;
    const servers = [await serve(byPath), await serve(abstract)];
    try {
      const connect = (where: string): string =>
        `new Promise((resolve) => { const socket = net.connect({ path: ${JSON.stringify(where)} }); socket.on('connect', () => { socket.destroy(); resolve('connected'); }); socket.on('error', (e) => resolve(e.code)); })`;
      const report = await probeProcess(
        assets,
        defaultLaunchSpec(assets),
        `Promise.all([${connect(abstract)}, ${connect(byPath)}]).then(([abstract, byPath]) => ({ abstract, byPath }))`,
      );
      // A network namespace has abstract sockets of its own; a socket in the file system is reached
      // by its path, which neither it nor Node's permission model (20-24) guards.
      assert.deepEqual(report, { abstract: 'ECONNREFUSED', byPath: 'connected' });
      for (let i = 0; i < 100 && heard.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual(heard, [byPath]);
    } finally {
      for (const server of servers) server.close();
    }
  });

  it('where Linux namespaces are available, the sandbox runs in them', async function () {
    if (!namespaces) return this.skip();
    const client = createNodeClient({ distDir });
    try {
      assert.equal((await client.start()).osIsolated, true);
    } finally {
      client.dispose();
    }
  });
});

describe('isolation: the sandbox process never outlives its parent', () => {
  it('killing the process that started it (SIGKILL, no clean-up) ends the sandbox too', async function () {
    if (osIsolationWrapper().length === 0) return this.skip();
    // The CLI stands in for the extension host: it starts a sandbox that runs forever.
    const cli = spawn(process.execPath, [path.join(distDir, 'cli.js'), 'exec', 'while True: pass'], { stdio: 'ignore' });
    const sandbox = await childOf(cli.pid!);
    const node = await childOf(sandbox);
    assert.ok(alive(sandbox) && alive(node), 'the sandbox runs');
    cli.kill('SIGKILL');
    for (let i = 0; i < 100 && (alive(sandbox) || alive(node)); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(!alive(sandbox) && !alive(node), 'the sandbox process outlived its parent');
  });
});
