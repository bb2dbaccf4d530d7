/**
 * A descriptor the caller itself inherited without close-on-exec (a pipe of the shell or the
 * launcher that started VS Code or the CLI) must not reach the processes that may be
 * compromised. The CLI is started here as a user's shell would leak into it, and what its
 * children hold is read from /proc, from outside.
 */
import * as assert from 'node:assert/strict';
import { ChildProcess, spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { killStarted } from '../../src/sandbox/transport/child-process';
import { cacheDirsFor } from '../fixtures/package-tests';
import { bundledLockInfo, DIST_DIR, generatePackageIndex, servePackageIndex, type PackageIndexServer } from '../fixtures/package-index';

/**
 * The CLI's descriptors that it did not open: the sockets this test leaks into it (spawn's
 * `pipe`). Node makes the first ones close-on-exec as it starts (libuv's
 * uv_disable_stdio_inheritance: 0 to 15, then on to the first number not open), so a leak that
 * reaches its children sits past a gap, as the 251 that some shells and CI runners leave.
 */
const LEAKED_FDS = [60, 251];

/** Descriptors a process holds, as /proc shows them (`pipe:[123]`, a path), by number. */
function descriptorsOf(pid: number): Map<number, string> {
  const held = new Map<number, string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      held.set(Number(fd), fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
    } catch {
      // closed while we looked
    }
  }
  return held;
}

/** Every process below `pid`, with its command line. */
function descendants(pid: number): Array<{ readonly pid: number; readonly command: string }> {
  const parents = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // ended while we looked
    }
  }
  const below = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [child, parent] of parents) if (below.has(parent) && !below.has(child)) grew = below.add(child).size > 0;
  }
  below.delete(pid);
  return [...below].map((child) => {
    let command = '';
    try {
      command = fs.readFileSync(`/proc/${child}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      // ended while we looked
    }
    return { pid: child, command };
  });
}

/** The CLI, with a socket of this test's at each of LEAKED_FDS, as a careless launcher would leave them. */
function cliWithLeakedPipes(args: string[]): ChildProcess {
  const stdio: Array<'ignore' | 'pipe'> = ['ignore', 'pipe', 'pipe'];
  for (let fd = 3; fd <= Math.max(...LEAKED_FDS); fd++) stdio.push(LEAKED_FDS.includes(fd) ? 'pipe' : 'ignore');
  return spawn(process.execPath, [path.join(DIST_DIR, 'cli.js'), ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio,
  });
}

/** Polls until a process below `pid` runs `script`; its pid. */
async function waitForChildRunning(pid: number, script: string): Promise<number> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
    const found = descendants(pid).find(({ command }) => command.includes(script));
    if (found) return found.pid;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no process ran ${script} within 60 s`);
}

/**
 * The leaked descriptors as the CLI holds them (the control: the leak is real), and every process
 * below it that holds one of them.
 */
function leakReport(cli: ChildProcess): { readonly cliHolds: number[]; readonly holders: string[] } {
  const own = descriptorsOf(cli.pid!);
  const leaked = new Set(LEAKED_FDS.filter((fd) => own.has(fd)).map((fd) => own.get(fd)));
  const holders = descendants(cli.pid!).flatMap(({ pid, command }) =>
    [...descriptorsOf(pid)].filter(([, target]) => leaked.has(target)).map(([fd]) => `${command.slice(0, 80)} holds fd ${fd}`),
  );
  return { cliHolds: LEAKED_FDS.filter((fd) => own.has(fd)), holders };
}

describe('isolation: descriptors the caller inherited reach neither the sandbox process nor the installer', function () {
  this.timeout(120_000);
  const newCacheDir = cacheDirsFor(this);
  const running: ChildProcess[] = [];
  before(function () {
    if (!fs.existsSync('/proc/self/fdinfo')) this.skip();
  });
  afterEach(() => running.splice(0).forEach((cli) => cli.kill('SIGKILL')));

  it('the sandbox process, and what it is started under, holds none of them', async () => {
    const cli = cliWithLeakedPipes(['exec', 'import time\nprint("started", flush=True)\ntime.sleep(60)']);
    running.push(cli);
    await new Promise<void>((resolve) => cli.stdout!.once('data', () => resolve()));
    await waitForChildRunning(cli.pid!, 'sandbox-process.js');
    assert.deepEqual(leakReport(cli), { cliHolds: LEAKED_FDS, holders: [] });
  });

  describe('where the copies find no room below the descriptor limit', () => {
    // libuv moves each copy above the child's last descriptor number before it puts it in place.
    // One leak at the limit's last number leaves no number above it (EINVAL); two just below it
    // leave room for one copy of the two (EMFILE), whatever else the caller leaked lower down.
    // The shell sets the limit, below any machine's, so that it can name the numbers near it;
    // `setsid` keeps a signal meant for the whole group away from the test runner's.
    const cases = [
      { fromTheTop: [1], code: 'EINVAL' },
      { fromTheTop: [2, 3], code: 'EMFILE' },
    ];
    const underTheLimit = (fromTheTop: number[], command: string[]): SpawnSyncReturns<string> => {
      const leaks = fromTheTop.map((n) => `exec $(( 1024 - ${n} ))</dev/null`).join('; ');
      return spawnSync('setsid', ['/bin/bash', '-c', `ulimit -n 1024 && eval "${leaks}" && exec "$@"`, 'bash', ...command], {
        encoding: 'utf8',
        timeout: 60_000,
      });
    };
    before(function () {
      if (!fs.existsSync('/bin/bash') || spawnSync('setsid', ['true']).status !== 0) this.skip();
    });

    for (const { fromTheTop, code } of cases) {
      it(`the start fails (${code}) and signals no process`, () => {
        const start = underTheLimit(fromTheTop, [process.execPath, path.join(__dirname, '..', 'fixtures', 'spawn-at-limit.js')]);
        assert.equal(start.status, 0, start.stderr);
        assert.deepEqual(JSON.parse(start.stdout), { error: code, signalsWithoutProcess: 0 });
      });

      it(`the CLI says why (${code}), and nothing hangs`, () => {
        const cli = underTheLimit(fromTheTop, [process.execPath, path.join(DIST_DIR, 'cli.js'), 'exec', 'print(1)']);
        assert.equal(cli.status, 2, `${cli.stdout}${cli.stderr}`);
        assert.equal(cli.stderr, `SandboxError: the sandbox could not start: the sandbox process could not start (${code})\n`);
      });
    }
  });

  it('a child whose spawn failed is sent no signal', () => {
    const child = spawn('/nonexistent/command', [], { stdio: 'ignore' });
    child.on('error', () => undefined);
    const kill = ChildProcess.prototype.kill;
    let signalled = 0;
    ChildProcess.prototype.kill = () => Boolean((signalled += 1));
    try {
      killStarted(child);
    } finally {
      ChildProcess.prototype.kill = kill;
    }
    assert.equal(child.pid, undefined);
    assert.equal(signalled, 0);
  });

  describe('the installer', () => {
    let server: PackageIndexServer;
    /** A PyPI index that takes each request and never answers: the installer waits on it. */
    const stalled = http.createServer(() => undefined);
    before(async () => {
      server = await servePackageIndex(generatePackageIndex({ info: bundledLockInfo(), lock: [], pypi: [] }));
      await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    });
    after(async () => {
      stalled.closeAllConnections();
      stalled.close();
      await server.close();
    });

    it('holds none of them while it waits on the index', async () => {
      const pypi = `http://127.0.0.1:${(stalled.address() as AddressInfo).port}/simple/`;
      const args = ['--index-url', server.indexUrl, '--pypi-url', pypi, '--cache-dir', newCacheDir()];
      // The installer asks the index once it runs, and then waits: its descriptors are set by then.
      const asked = new Promise<void>((resolve) => stalled.once('request', () => resolve()));
      const cli = cliWithLeakedPipes([...args, '--packages', 'sandbox-stalled', 'exec', 'pass']);
      running.push(cli);
      await asked;
      await waitForChildRunning(cli.pid!, 'package-installer.js');
      assert.deepEqual(leakReport(cli), { cliHolds: LEAKED_FDS, holders: [] });
    });
  });
});
