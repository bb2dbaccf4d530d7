import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { SandboxError } from '../../src/sandbox/client';
import { MAX_CODE_BYTES, toContract, type RunResult } from '../../src/sandbox/result';
import { sandboxFor } from './sandbox';

describe('limits', function () {
  const sandbox = sandboxFor(this, { memoryLimitMb: 256, maxOutputBytes: 10 * 2 ** 20 });

  it('a timeout interrupts code that can be interrupted, keeping the namespace', async () => {
    await sandbox().exec('kept = 3');
    const result = await sandbox().exec('while True:\n    pass', { timeoutMs: 300 });
    assert.equal(result.error?.type, 'TimeoutError');
    assert.match(result.error!.message, /0\.3 s and was interrupted/);
    assert.equal(result.restarted, false);
    assert.equal((await sandbox().eval('kept')).value, '3');
  });

  it('a timeout longer than a timer can wait (over 2^31-1 ms, or Infinity) does not fire at once', async () => {
    for (const timeoutMs of [2 ** 31, Number.POSITIVE_INFINITY]) {
      const result = await sandbox().exec('import time\ntime.sleep(0.2)\nprint("slept")', { timeoutMs });
      assert.deepEqual(toContract(result), { ok: 'slept\n' }, `timeoutMs ${timeoutMs}`);
    }
  });

  it('a timeout kills code that ignores interrupts (a C loop) and the next run works', async () => {
    await sandbox().exec('lost = 1');
    const result = await sandbox().exec('sum(range(10**12))', { timeoutMs: 300 });
    assert.equal(result.error?.type, 'TimeoutError');
    assert.match(result.error!.message, /sandbox was restarted and its namespace lost/);
    assert.equal(result.restarted, true);
    assert.equal((await sandbox().eval('lost')).error?.type, 'NameError');
    assert.deepEqual(toContract(await sandbox().exec("print('alive')")), { ok: 'alive\n' });
  });

  it('a sandbox the machine is too busy to run when it times out keeps its namespace, and the error its traceback', async () => {
    await sandbox().exec('kept = 7');
    const processes = processTree(sandbox().sandbox!.pid!);
    const run = sandbox().run('exec', 'import time\ntime.sleep(30)', { timeoutMs: 1000 });
    // The machine stops running the sandbox just before the timeout, for twice the interrupt's grace period.
    const stall = setTimeout(() => {
      for (const pid of processes) process.kill(pid, 'SIGSTOP');
      setTimeout(() => processes.forEach((pid) => process.kill(pid, 'SIGCONT')), 2000);
    }, 900);
    const result = await run.result.finally(() => clearTimeout(stall));
    assert.equal(result.error?.type, 'TimeoutError');
    assert.match(result.error.message, /1 s and was interrupted/);
    assert.deepEqual(
      result.error.frames.map((frame) => frame.line),
      [2],
      'the traceback points at the sleep',
    );
    assert.equal(result.restarted, false);
    assert.equal((await sandbox().eval('kept')).value, '7');
  });

  it('an interrupt that code ignores (a C loop) restarts the sandbox after a grace period', async () => {
    await sandbox().exec('lost = 1');
    const run = sandbox().run('exec', 'sum(range(10**12))');
    run.onDidStart(() => setTimeout(() => run.interrupt(), 200));
    const result = await run.result;
    assert.equal(result.error?.type, 'KeyboardInterrupt');
    assert.match(result.error.message, /did not stop when interrupted; the sandbox was restarted/);
    assert.equal(result.restarted, true);
    assert.equal((await sandbox().eval('lost')).error?.type, 'NameError');
  });

  it('a memory bomb ends in MemoryError at the cap, and the runtime is replaced', async () => {
    const result = await sandbox().exec('hog = []\nwhile True:\n    hog.append(bytearray(10**6))');
    assert.equal(result.error?.type, 'MemoryError');
    assert.match(result.error!.message, /256 MiB limit/);
    assert.equal(result.restarted, true);
    assert.deepEqual(toContract(await sandbox().exec("print('alive')")), { ok: 'alive\n' });
  });

  it('a flood of 10^6 lines arrives whole and in order', async () => {
    let events = 0;
    const run = sandbox().run('exec', 'for i in range(10**6):\n    print(i)');
    run.onDidWrite(() => events++);
    const result = await run.result;
    const lines = result.output.split('\n');
    assert.equal(lines.length, 10 ** 6 + 1);
    assert.equal(lines[0], '0');
    assert.equal(lines[999_999], '999999');
    assert.equal(result.truncated, false);
    // Merged in the ring, not one message per line.
    assert.ok(events < 10_000, `${events} output events`);
  });

  it('a crash of the sandbox process rejects the run clearly, and the next run works', async () => {
    const { pid } = await sandbox().start();
    const running = sandbox().exec('while True:\n    pass');
    setTimeout(() => process.kill(pid!, 'SIGKILL'), 200);
    await assert.rejects(running, (error: Error) => error instanceof SandboxError && /crashed.*SIGKILL/.test(error.message));
    assert.deepEqual(toContract(await sandbox().exec("print('alive')")), { ok: 'alive\n' });
    assert.notEqual((await sandbox().start()).pid, pid);
  });
});

describe('limits: output cap', function () {
  const sandbox = sandboxFor(this, { maxOutputBytes: 1000 });

  it('drops output past the cap and says so', async () => {
    const result = await sandbox().exec("for i in range(1000):\n    print('x' * 10)");
    assert.equal(result.truncated, true);
    assert.equal(result.output, 'x'.repeat(10).concat('\n').repeat(91).slice(0, 1000));
  });

  it('counts each run on its own', async () => {
    assert.equal((await sandbox().exec("print('x' * 2000)")).truncated, true, 'the run before went past the cap');
    const result = await sandbox().exec("print('short')");
    assert.deepEqual([result.output, result.truncated], ['short\n', false]);
  });
});

interface UntypedClient {
  exec(code: unknown): Promise<RunResult>;
}

describe('limits: bad input', function () {
  const sandbox = sandboxFor(this);
  /** The client as a caller without types sees it (JavaScript, or another extension). */
  const untyped = (): UntypedClient => sandbox() as unknown as UntypedClient;

  it('empty code runs and prints nothing', async () => {
    assert.deepEqual(toContract(await sandbox().exec('')), { ok: '' });
  });

  it('an empty expression is a SyntaxError', async () => {
    assert.equal((await sandbox().eval('')).error?.type, 'SyntaxError');
  });

  it('NUL bytes are a SyntaxError', async () => {
    assert.deepEqual(toContract(await sandbox().exec('print(1)\0')), { err: 'SyntaxError: source code string cannot contain null bytes' });
  });

  it('a lone surrogate is refused before it reaches Python', async () => {
    assert.deepEqual(toContract(await sandbox().exec("print('\ud800')")), {
      err: 'UnicodeError: code contains a lone surrogate and is not valid Unicode',
    });
  });

  it('code over the size limit is refused', async () => {
    const result = await sandbox().exec('#'.repeat(MAX_CODE_BYTES + 1));
    assert.equal(result.error?.type, 'ValueError');
    assert.match(result.error!.message, /at most 4 MiB/);
  });

  it('10 MB of code is refused quickly instead of hanging', async () => {
    assert.equal((await sandbox().exec('x = 1\n'.repeat(10 ** 7 / 6))).error?.type, 'ValueError');
  });

  it('a non-string is a TypeError', async () => {
    assert.deepEqual(toContract(await untyped().exec(42)), { err: 'TypeError: code must be a string, not number' });
  });

  it('printing a lone surrogate from Python is an ordinary error', async () => {
    assert.equal((await sandbox().exec("print('\\ud800')")).error?.type, 'UnicodeEncodeError');
  });

  it('the runtime still works after all of that', async () => {
    // The bad inputs above, again, so that this test stands alone.
    const refused = ['print(1)\0', "print('\ud800')", '#'.repeat(MAX_CODE_BYTES + 1), 'x = 1\n'.repeat(10 ** 7 / 6), "print('\\ud800')"];
    for (const code of refused) assert.ok((await sandbox().exec(code)).error, `${JSON.stringify(code.slice(0, 20))} is an error`);
    assert.ok((await sandbox().eval('')).error);
    assert.ok((await untyped().exec(42)).error);
    await sandbox().exec('');
    assert.deepEqual(toContract(await sandbox().eval('6 * 7')), { ok: '42' });
  });
});

/** A process and all its descendants (the sandbox process runs under a wrapper on Linux). */
function processTree(root: number): number[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number));
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [pid, ppid] of rows) if (ppid === tree[i]) tree.push(pid);
  return tree;
}
