import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createNodeClient } from '../../src/sandbox/node-client';
import { defaultLaunchSpec, osIsolationWrapper, type LaunchSpec } from '../../src/sandbox/transport/child-process';
import { alive, allEnd, childOf, connectReport, fileSystemReport, listenOn, probeProcess, topFolders } from '../fixtures/probe-process';
import { distDir } from './sandbox';

/** Where the system keeps its libraries: shown whole in the sandbox's file system. */
const SYSTEM = ['/usr', '/lib', '/lib64', '/lib32', '/libx32'];

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
         environment: Object.keys(process.env).sort(),
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
        // Only the launch's own variables (glibc's setting on Linux), which the sandbox deletes first: none of the host's.
        environment: Object.keys(spec.env).sort(),
        network: undefined,
        signalTheParent: undefined,
      },
    );
    assert.ok(!Object.keys(spec.env).includes('SANDBOX_TEST_CANARY'));
    assert.ok(!fs.existsSync(marker));
    if (namespaces) {
      // Node's permission model leaves these open; Linux namespaces close them.
      assert.equal(report.network, 'ENETUNREACH');
      assert.equal(report.signalTheParent, 'ESRCH');
      assert.equal(connections, 0);
    }
  });

  it('reaches no Unix socket: no abstract one (a network namespace of its own), and none by its path (a file system of its own)', async function () {
    if (!namespaces) return this.skip();
    // Beside the folders it reads, as the D-Bus session bus or Docker's socket is beside them.
    const byPath = path.join(root, 'host.sock');
    const abstract = `\0python-sandbox-test-${randomUUID()}`;
    const listening = await listenOn([byPath, abstract]);
    try {
      const report = await probeProcess(assets, defaultLaunchSpec(assets), connectReport([abstract, byPath]));
      // Node's permission model (20-24) guards neither; the namespaces have no such socket in them.
      assert.deepEqual(report, ['ECONNREFUSED', 'ENOENT']);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(listening.heard, []);
    } finally {
      listening.close();
    }
  });

  /** The real command line without Node's permission model: what the OS alone holds (it could also start the tools). */
  const withoutPermissionModel = (spec: LaunchSpec): LaunchSpec => ({
    ...spec,
    execArgv: spec.execArgv.filter((flag) => !/^--(experimental-)?permission$|^--allow-/.test(flag)),
  });
  const cacheFolder = (): string => path.dirname(path.dirname(cachedFile));

  it('sees a file system of its own: the system libraries and Node, its folders read-only, a few devices, and no socket', async function () {
    if (!namespaces) return this.skip();
    fs.writeFileSync(path.join(root, 'host.txt'), 'beside its folders');
    const top = topFolders([
      ...SYSTEM.filter((folder) => fs.existsSync(folder)),
      '/dev',
      '/etc',
      '/proc',
      assets,
      cacheFolder(),
      process.execPath,
    ]);
    const report = (await probeProcess(
      assets,
      withoutPermissionModel(defaultLaunchSpec(assets, undefined, [cacheFolder()])),
      fileSystemReport(top, SYSTEM),
    )) as { top: string[]; sockets: string[]; files: string[]; entries: number };
    assert.deepEqual(report.top, top);
    assert.deepEqual(report.sockets, []);
    assert.ok(report.entries > 1000, `only ${report.entries} entries: the libraries are not there`);
    // Beyond the system's folders: its devices, the loader's cache and the time zone, its script and its cached package.
    const expected = ['/dev/null', '/dev/zero', '/dev/random', '/dev/urandom', '/etc/ld.so.cache', '/etc/localtime']
      .filter((file) => fs.existsSync(file))
      .concat([path.join(assets, 'probe.js'), cachedFile]);
    assert.deepEqual(report.files.sort(), expected.sort());
  });

  it('cannot write there, unmount, mount or pivot its way out, even running the tools; sees only its own processes', async function () {
    if (!namespaces) return this.skip();
    const report = (await probeProcess(
      assets,
      withoutPermissionModel(defaultLaunchSpec(assets, undefined, [cacheFolder()])),
      `(() => {
         const run = (...command) => cp.spawnSync(command[0], command.slice(1), { encoding: 'utf8' }).stderr.trim().split('\\n')[0];
         const nested = ['/usr/bin/unshare', '--user', '--mount', '--keep-caps', '--'];
         const before = fs.readdirSync('/');
         return {
           writes: ['/x', '/etc/x', '/dev/x', ${JSON.stringify(path.join(assets, 'x'))}, ${JSON.stringify(cachedFile)}].map((file) => attempt(() => fs.writeFileSync(file, 'x'))),
           umount: run('/usr/bin/umount', '--lazy', '/usr'),
           mount: run('/usr/bin/mount', '-t', 'tmpfs', 'tmpfs', '/usr'),
           // A user namespace of its own gives capabilities back, over a copy of these mounts, which stay locked.
           nestedUmount: run(...nested, '/usr/bin/umount', '--lazy', '/usr'),
           nestedPivot: run(...nested, '/usr/sbin/pivot_root', '/usr', '/usr/lib'),
           nestedRootMapping: run('/usr/bin/unshare', '--user', '--map-root-user', '--', '/usr/bin/true'),
           unchanged: JSON.stringify(fs.readdirSync('/')) === JSON.stringify(before),
           capabilities: fs.readFileSync('/proc/self/status', 'utf8').split('\\n').filter((line) => /^(Cap(Prm|Eff|Bnd|Amb)|NoNewPrivs):/.test(line)).map((line) => line.replace(/\\s+/g, ' ')),
           processes: fs.readdirSync('/proc').filter((name) => /^\\d+$/.test(name)),
           rootOfProcess1: JSON.stringify(fs.readdirSync('/proc/1/root')) === JSON.stringify(before),
           mountPoints: fs.readFileSync('/proc/self/mountinfo', 'utf8').trim().split('\\n').map((line) => line.split(' ')[4]),
         };
       })()`,
    )) as Record<string, unknown>;
    const shown = [...SYSTEM.filter((folder) => fs.existsSync(folder)), assets, cacheFolder()];
    assert.deepEqual(
      { ...report, mountPoints: undefined },
      {
        writes: ['EROFS', 'EROFS', 'EROFS', 'EROFS', 'EROFS'],
        umount: 'umount: /usr: must be superuser to unmount.',
        mount: 'mount: /usr: permission denied.',
        nestedUmount: 'umount: /usr: Invalid argument',
        nestedPivot: "pivot_root: failed to change root from `/usr' to `/usr/lib': Invalid argument",
        // Mapping its root to root takes CAP_SETFCAP, which it no longer has.
        nestedRootMapping: 'unshare: write failed /proc/self/uid_map: Operation not permitted',
        unchanged: true,
        capabilities: [
          'CapPrm: 0000000000000000',
          'CapEff: 0000000000000000',
          'CapBnd: 0000000000000000',
          'CapAmb: 0000000000000000',
          'NoNewPrivs: 1',
        ],
        processes: ['1'],
        rootOfProcess1: true,
        mountPoints: undefined,
      },
    );
    // The host's root is gone from its mounts: only the new root, what it shows, /proc, and the devices' and /etc's tmpfs and files.
    const mountPoints = report.mountPoints as string[];
    assert.equal(mountPoints[0], '/');
    for (const folder of shown) assert.ok(mountPoints.includes(folder), `${folder} is not mounted`);
    const others = mountPoints.filter((point) => point !== '/' && !shown.includes(point));
    assert.ok(
      others.every((point) => /^\/(proc|dev|etc)(\/|$)/.test(point)),
      `mounted besides: ${others.join(', ')}`,
    );
  });

  it('where Linux namespaces are available, the sandbox runs in them', async function () {
    if (!namespaces) return this.skip();
    const client = createNodeClient({ distDir });
    try {
      const info = await client.start();
      assert.deepEqual([info.osIsolated, info.ownFileSystem], [true, true]);
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
    assert.ok(await allEnd([sandbox, node]), 'the sandbox process outlived its parent');
  });
});

describe('isolation: where Linux refuses the sandbox a file system of its own, it runs in the namespaces without one, and says so', function () {
  this.timeout(120_000);
  /** The fixture that starts a real sandbox and prints what it reports of its isolation. */
  const REPORT_ISOLATION = path.resolve(__dirname, '..', 'fixtures', 'report-isolation.js');
  const namespaces = osIsolationWrapper().length > 0;

  /**
   * What a real client started in a user and mount namespace of the test's own reports, after
   * `prepare` (shell, absolute paths) changed what that namespace shows. The test's mounts stay
   * in it: the host sees none of them.
   */
  function reportAfter(prepare: string): Promise<unknown> {
    const child = spawn(
      '/usr/bin/unshare',
      [
        '--user',
        '--map-root-user',
        '--mount',
        '--',
        '/bin/sh',
        '-c',
        `${prepare} && exec "$@"`,
        'sh',
        process.execPath,
        REPORT_ISOLATION,
        distDir,
      ],
      { env: {}, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const [stdout, stderr] = [child.stdout, child.stderr].map((stream) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      return () => Buffer.concat(chunks).toString('utf8');
    });
    return new Promise((resolve, reject) =>
      child.on('close', (code) => (code === 0 ? resolve(JSON.parse(stdout())) : reject(new Error(`exited with ${code}: ${stderr()}`)))),
    );
  }

  const withoutOwnFileSystem = {
    osIsolated: true,
    ownFileSystem: false,
    described: 'locked-down process in Linux namespaces (no network, no other processes)',
    value: '42',
  };

  it('as prepared, with nothing taken away, it has one (the control for the cases below)', async function () {
    if (!namespaces) return this.skip();
    assert.deepEqual(await reportAfter(':'), {
      osIsolated: true,
      ownFileSystem: true,
      described: 'locked-down process in Linux namespaces (no network, no other processes, a file system of its own with no host socket)',
      value: '42',
    });
  });

  it('where the kernel refuses it a /proc (one partly covered, as in a container), it starts again without a file system of its own', async function () {
    if (!namespaces) return this.skip();
    // As Docker and Podman cover parts of /proc: a new /proc may then not be mounted, in any namespace below.
    assert.deepEqual(await reportAfter('/usr/bin/mount -o bind,ro /proc/sys /proc/sys'), withoutOwnFileSystem);
  });

  it('a process that ends before it speaks, for a reason of its own, is not taken for a refusal: the next start keeps it', async function () {
    if (!namespaces) return this.skip();
    let starts = 0;
    // The first start runs a script that is not there: Node exits 1 before a word, as a refusal would.
    const client = createNodeClient({
      distDir,
      launch: (spec) => (starts++ === 0 ? { ...spec, script: path.join(distDir, 'no-such-script.js') } : spec),
    });
    try {
      await assert.rejects(client.start(), /exited with code 1/);
      const info = await client.start();
      assert.deepEqual([starts, info.osIsolated, info.ownFileSystem, (await client.eval('6 * 7')).value], [2, true, true, '42']);
    } finally {
      client.dispose();
    }
  });

  it('where a tool it needs is missing (pivot_root), it starts without a file system of its own', async function () {
    if (!namespaces) return this.skip();
    const pivotRoot = ['/usr/sbin/pivot_root', '/sbin/pivot_root'].find((file) => fs.existsSync(file));
    if (!pivotRoot) return this.skip();
    // An empty folder over the one that holds it, as on a system without it.
    assert.deepEqual(await reportAfter(`/usr/bin/mount -t tmpfs none ${path.dirname(fs.realpathSync(pivotRoot))}`), withoutOwnFileSystem);
  });
});
