/**
 * Sandboxes started ahead of need (SpareTransports) and sandboxes ended for having run nothing
 * (whenUnused), on real sandbox processes. Which processes exist is read from Linux's /proc.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { SandboxClient } from '../../src/sandbox/client';
import { nodeTransports } from '../../src/sandbox/node-client';
import type { ClientMessage } from '../../src/sandbox/protocol';
import { SpareTransports } from '../../src/sandbox/spare-transports';
import type { TransportFactory } from '../../src/sandbox/transport/transport';
import { whenUnused } from '../../src/sandbox/unused-sandbox';
import { distDir } from './sandbox';

/** The processes this one started that are still running. */
function children(): Set<number> {
  const pids = new Set<number>();
  for (const task of fs.readdirSync(`/proc/${process.pid}/task`)) {
    const listed = fs.readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8').trim();
    for (const pid of listed.split(' ').filter(Boolean)) pids.add(Number(pid));
  }
  return pids;
}

function running(pid: number): boolean {
  try {
    // A process that ended and was not reaped yet is a zombie: not running.
    return !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

async function until(what: string, condition: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`waited ${ms} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Node's transports with every message sent to each sandbox recorded, by process id. */
function recorded(): { factory: TransportFactory; sent: Map<number, ClientMessage[]> } {
  const inner = nodeTransports({ distDir });
  const sent = new Map<number, ClientMessage[]>();
  const factory: TransportFactory = {
    ...inner,
    start: (start, events) => {
      const transport = inner.start(start, events);
      const log: ClientMessage[] = [];
      sent.set(transport.pid!, log);
      return {
        ...transport,
        send: (message) => {
          log.push(message);
          transport.send(message);
        },
      };
    },
  };
  return { factory, sent };
}

/** Waits for the one process started after `before`, and returns its id. */
async function newProcess(before: ReadonlySet<number>): Promise<number> {
  let pid: number | undefined;
  await until('a spare sandbox', () => (pid = [...children()].find((each) => !before.has(each) && running(each))) !== undefined);
  return pid!;
}

describe('spare sandboxes', function () {
  before(function () {
    if (!fs.existsSync(`/proc/${process.pid}/task`)) this.skip();
  });

  const clients: SandboxClient[] = [];
  const pools: SpareTransports[] = [];
  afterEach(() => {
    for (const client of clients.splice(0)) client.dispose();
    for (const pool of pools.splice(0)) pool.dispose();
  });
  const pool = (idleMs = 60_000, maxSandboxes?: number): SpareTransports => {
    const spares = new SpareTransports({ delayMs: 0, idleMs, maxSandboxes });
    pools.push(spares);
    return spares;
  };
  const client = (factory: TransportFactory, options: { memoryLimitMb?: number; input?: boolean } = {}): SandboxClient => {
    const made = new SandboxClient({ ...options, transport: factory });
    clients.push(made);
    return made;
  };

  it('a restart takes the spare: started before it was asked for, sent nothing before, with an empty namespace', async () => {
    const spares = pool();
    const { factory, sent } = recorded();
    const user = client(spares.wrap(factory, 'kind'), { input: true });
    await user.exec('secret = 1');
    const first = user.sandbox!.pid!;
    const before = children();
    spares.prepare('kind');
    const spare = await newProcess(before);
    assert.deepEqual(sent.get(spare), [], 'something was sent to the spare before it was taken');
    const info = await user.restart();
    assert.equal(info.pid, spare);
    assert.notEqual(info.pid, first);
    assert.equal((await user.eval('secret')).error?.type, 'NameError');
    assert.equal((await user.exec('print(6 * 7)')).output, '42\n');
    await until('the first sandbox to end', () => !running(first));
  });

  it('a one-off client of the same kind takes it; one of another kind or started another way does not', async () => {
    const spares = pool();
    const { factory } = recorded();
    await client(spares.wrap(factory, 'api')).exec('pass');
    let before = children();
    spares.prepare('api');
    const spare = await newProcess(before);
    before = children();
    const otherKind = client(spares.wrap(factory, 'notebook'));
    await otherKind.exec('pass');
    assert.ok(!before.has(otherKind.sandbox!.pid!), 'a client of another kind took the spare');
    const otherStart = client(spares.wrap(factory, 'api'), { memoryLimitMb: 512 });
    await otherStart.exec('pass');
    assert.ok(!before.has(otherStart.sandbox!.pid!), 'a client with another memory limit took the spare');
    assert.ok(running(spare));
    const next = client(spares.wrap(factory, 'api'));
    assert.equal((await next.start()).pid, spare);
  });

  it('keeps one spare at most: preparing another kind ends the first', async () => {
    const spares = pool();
    const { factory } = recorded();
    await client(spares.wrap(factory, 'a')).exec('pass');
    await client(spares.wrap(factory, 'b'), { input: true }).exec('pass');
    const before = children();
    spares.prepare('a');
    const first = await newProcess(before);
    spares.prepare('b');
    const second = await newProcess(new Set([...before, first]));
    await until('the first spare to end', () => !running(first));
    assert.ok(running(second));
  });

  it('keeps no spare that would make more sandboxes than the budget, and ends it when a start passes the budget', async () => {
    const spares = pool(60_000, 2);
    const { factory } = recorded();
    const first = client(spares.wrap(factory, 'kind'));
    await first.exec('pass');
    let before = children();
    spares.prepare('kind');
    const spare = await newProcess(before);
    const second = client(spares.wrap(factory, 'other'));
    await second.exec('pass');
    await until('the spare past the budget to end', () => !running(spare));
    before = children();
    spares.prepare('kind');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.deepEqual(
      [...children()].filter((pid) => !before.has(pid) && running(pid)),
      [],
      'a spare was started with two sandboxes in use',
    );
    second.dispose();
    // Once its end is known, a spare is kept again.
    await until('a spare once the second sandbox ended', () => {
      spares.prepare('kind');
      return [...children()].some((pid) => !before.has(pid) && running(pid));
    });
  });

  it('ends a spare its kind has not used for a while, and when disposed; a spare that dies is no failure', async () => {
    const idle = pool(500);
    const { factory } = recorded();
    await client(idle.wrap(factory, 'kind')).exec('pass');
    let before = children();
    idle.prepare('kind');
    const unused = await newProcess(before);
    await until('the unused spare to end', () => !running(unused));

    const spares = pool();
    const user = client(spares.wrap(factory, 'kind'));
    await user.exec('pass');
    before = children();
    spares.prepare('kind');
    const killed = await newProcess(before);
    process.kill(killed, 'SIGKILL');
    // Taken as it dies or after, the restart and the next run work (on another sandbox).
    await user.restart();
    assert.equal((await user.exec('print(1)')).output, '1\n');
    assert.notEqual(user.sandbox!.pid, killed);

    before = children();
    spares.prepare('kind');
    const last = await newProcess(before);
    spares.dispose();
    await until('the spare to end with its pool', () => !running(last));
  });
});

describe('unused sandboxes', function () {
  it('a sandbox that has run nothing is ended after its time; one that has run is not', async () => {
    const idle = new SandboxClient({ transport: nodeTransports({ distDir }) });
    const used = new SandboxClient({ transport: nodeTransports({ distDir }) });
    const ended: string[] = [];
    // Watched from the client's making, as a runtime session watches it.
    const watching = [whenUnused(idle, 300, () => ended.push('idle')), whenUnused(used, 300, () => ended.push('used'))];
    try {
      await Promise.all([idle.start(), used.exec('pass')]);
      await until('the unused sandbox to be ended', () => ended.length > 0);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      assert.deepEqual(ended, ['idle']);
      for (const each of watching) each.dispose();
    } finally {
      idle.dispose();
      used.dispose();
    }
  });
});
