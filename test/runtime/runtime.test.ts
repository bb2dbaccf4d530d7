import * as assert from 'node:assert/strict';
import { createNodeClient } from '../../src/sandbox/node-client';
import type { StreamName } from '../../src/sandbox/protocol';
import type { RunResult } from '../../src/sandbox/result';
import { distDir, sandboxFor } from './sandbox';

describe('runtime', function () {
  const sandbox = sandboxFor(this);

  it('delivers a trailing partial line', async () => {
    assert.equal((await sandbox().exec("print('no newline', end='')")).output, 'no newline');
  });

  it('keeps one namespace across calls', async () => {
    await sandbox().exec('counter = 41');
    assert.equal((await sandbox().eval('counter + 1')).value, '42');
  });

  it('runs in a fresh namespace on request, leaving the persistent one alone', async () => {
    await sandbox().exec('kept = 1');
    const fresh = await sandbox().eval('kept', { fresh: true });
    assert.equal(fresh.error?.type, 'NameError');
    assert.equal((await sandbox().eval('kept')).value, '1');
  });

  it('restart() gives a new, empty namespace', async () => {
    await sandbox().exec('gone = 1');
    await sandbox().restart();
    assert.equal((await sandbox().eval('gone')).error?.type, 'NameError');
  });

  it('reports frames in the submitted code, outermost first, with lines and columns', async () => {
    const result = await sandbox().exec('def inner():\n    return 1/0\n\ninner()');
    assert.deepEqual(
      result.error?.frames.map((f) => [f.name, f.line]),
      [
        ['<module>', 4],
        ['inner', 2],
      ],
    );
    assert.equal(result.error?.frames[1].column, 11);
  });

  it('gives a SyntaxError its line and column range', async () => {
    const result = await sandbox().exec('x = 1\ny = = 2');
    assert.equal(result.error?.type, 'SyntaxError');
    assert.equal(result.error?.message, 'invalid syntax');
    const frame = result.error?.frames.at(-1);
    assert.equal(frame?.line, 2);
    assert.equal(typeof frame?.column, 'number');
  });

  it('deep recursion is a RecursionError with its repeated frames collapsed', async () => {
    const result = await sandbox().exec('def f(n):\n    return f(n + 1)\nf(0)');
    assert.equal(result.error?.type, 'RecursionError');
    assert.ok(result.error!.frames.length <= 3, `${result.error!.frames.length} frames`);
    assert.equal((await sandbox().eval('1 + 1')).value, '2');
  });

  it('interrupt() stops a busy loop with KeyboardInterrupt and keeps the namespace', async () => {
    await sandbox().exec('survivor = 7');
    const running = sandbox().exec('while True:\n    pass');
    setTimeout(() => sandbox().interrupt(), 300);
    const result = await running;
    assert.equal(result.error?.type, 'KeyboardInterrupt');
    assert.equal(result.restarted, false);
    assert.equal((await sandbox().eval('survivor')).value, '7');
  });

  it('interrupt() right after a run is queued reaches it, even while the sandbox starts', async () => {
    await sandbox().restart();
    const fresh = sandbox().exec('while True:\n    pass');
    sandbox().interrupt();
    assert.equal((await fresh).error?.type, 'KeyboardInterrupt');
    const next = sandbox().exec('while True:\n    pass', { timeoutMs: 10_000 });
    sandbox().interrupt();
    assert.equal((await next).error?.type, 'KeyboardInterrupt');
  });

  it('interrupt() ends time.sleep early', async () => {
    const running = sandbox().exec('import time\ntime.sleep(60)');
    setTimeout(() => sandbox().interrupt(), 300);
    const result = await running;
    assert.equal(result.error?.type, 'KeyboardInterrupt');
    assert.ok(result.durationMs < 30_000, `slept ${result.durationMs} ms`);
  });

  it('input() without an answerer raises a clear EOFError, never reading the host stdin', async () => {
    const result = await sandbox().exec("input('name? ')");
    assert.equal(result.error?.type, 'EOFError');
    assert.match(result.error!.message, /nothing is connected/);
  });

  it('reports the repr of a final bare expression on request, leaving the output alone', async () => {
    const result = await sandbox().exec("print('out')\nwords = ['a', 'b']\nwords * 2", { captureLastValue: true });
    assert.equal(result.output, 'out\n');
    assert.equal(result.lastValue, "['a', 'b', 'a', 'b']");
    assert.equal((await sandbox().exec('None', { captureLastValue: true })).lastValue, undefined);
    assert.equal((await sandbox().exec('words', { captureLastValue: false })).lastValue, undefined);
  });

  it('a Pyodide package that was not loaded fails clearly, saying how to load it, instead of trying the network', async () => {
    const numpy = await sandbox().exec('import numpy');
    assert.equal(numpy.error?.type, 'ModuleNotFoundError');
    assert.match(numpy.error!.message, /^No module named 'numpy'; numpy is a Pyodide package that was not loaded: .*--packages$/);
    assert.equal((await sandbox().exec('import no_such_module')).error?.message, "No module named 'no_such_module'");
  });

  it('asyncio.run() works, on a loop that sleeps through the interruptible sleep', async () => {
    const code =
      'import asyncio\nasync def twice(x):\n    await asyncio.sleep(0.01)\n    return 2 * x\nasync def main():\n    return await asyncio.gather(twice(1), twice(2))\nprint(asyncio.run(main()))';
    assert.equal((await sandbox().exec(code)).output, '[2, 4]\n');
  });

  it('top-level await works in exec and eval', async () => {
    assert.equal((await sandbox().exec("import asyncio\nawait asyncio.sleep(0)\nprint('awaited')")).output, 'awaited\n');
    assert.equal((await sandbox().eval("await __import__('asyncio').sleep(0, result=7)")).value, '7');
  });

  it('a coroutine waiting on nothing fails instead of hanging', async () => {
    const result = await sandbox().exec('import asyncio\nasyncio.run(asyncio.Event().wait())');
    assert.equal(result.error?.type, 'RuntimeError');
    assert.match(result.error!.message, /would wait forever/);
  });

  it('counts queued runs and runs them in order', async () => {
    const order: string[] = [];
    const runs = ['a', 'b', 'c'].map((name) => sandbox().run('exec', `print('${name}')`));
    for (const run of runs) run.onDidWrite(({ text }) => order.push(text.trim()));
    assert.equal(sandbox().queued, 3);
    await Promise.all(runs.map((run) => run.result));
    assert.equal(sandbox().queued, 0);
    assert.deepEqual(order, ['a', 'b', 'c']);
  });
});

describe('runtime: input, streaming and sleep (worker isolation, so CPU time is measurable here)', function () {
  let answer: (prompt: string, signal: AbortSignal) => Promise<string | null> = async () => null;
  const sandbox = sandboxFor(this, { isolation: 'worker', input: true });
  /** Runs exec, answering input() with `answer`. */
  const execAnswered = (code: string, onWrite?: (stream: StreamName, text: string) => void): Promise<RunResult> => {
    const run = sandbox().run('exec', code);
    run.onDidRequestInput((request) => void answer(request.prompt, request.signal).then((text) => request.reply(text)));
    if (onWrite) run.onDidWrite(({ stream, text }) => onWrite(stream, text));
    return run.result;
  };

  it('input() is answered by the client, and end of input is EOFError', async () => {
    const prompts: string[] = [];
    const answers = ['Ada', null];
    answer = async (prompt) => {
      prompts.push(prompt);
      return answers.shift() ?? null;
    };
    const result = await execAnswered("name = input('name? ')\nprint('hi', name)\ninput()");
    assert.deepEqual(prompts, ['name? ', '']);
    assert.equal(result.output, 'name? hi Ada\n');
    assert.equal(result.error?.type, 'EOFError');
  });

  it('interrupt() works while input() waits, and the question is withdrawn', async () => {
    let asked: AbortSignal | undefined;
    answer = (_prompt, signal) => {
      asked = signal;
      // Never answers: only the interrupt can end this run.
      return new Promise(() => undefined);
    };
    const running = execAnswered("input('stuck? ')");
    while (!asked) await new Promise((resolve) => setTimeout(resolve, 20));
    sandbox().interrupt();
    const result = await running;
    assert.equal(result.error?.type, 'KeyboardInterrupt');
    assert.equal(asked.aborted, true);
    answer = async () => 'next';
    assert.deepEqual((await execAnswered('print(input())')).output, 'next\n');
  });

  it('streams output while the code is still running, stdout and stderr in order', async () => {
    const seen: Array<[StreamName, string]> = [];
    // The code blocks in input() until the test answers, so what arrived by then was streamed.
    let seenBeforeAnswer: Array<[StreamName, string]> = [];
    answer = async () => {
      seenBeforeAnswer = [...seen];
      return 'go';
    };
    const code = "import sys\nprint('first')\nprint('err', file=sys.stderr)\ninput()\nprint('last')";
    const result = await execAnswered(code, (stream, text) => seen.push([stream, text]));
    assert.deepEqual(seenBeforeAnswer, [
      ['stdout', 'first\n'],
      ['stderr', 'err\n'],
    ]);
    assert.deepEqual(seen, [
      ['stdout', 'first\n'],
      ['stderr', 'err\n'],
      ['stdout', 'last\n'],
    ]);
    assert.equal(result.output, 'first\nerr\nlast\n');
  });

  it('time.sleep parks the thread instead of spinning', async () => {
    const before = process.cpuUsage();
    const result = await sandbox().exec('import time\ntime.sleep(1)');
    const used = process.cpuUsage(before);
    assert.equal(result.error, undefined);
    const cpuMs = (used.user + used.system) / 1000;
    // A busy wait would burn ~1000 ms of CPU; parking burns almost none.
    assert.ok(cpuMs < 500, `sleep(1) used ${cpuMs} ms of CPU`);
  });
});

describe('runtime: start-up', () => {
  it('reports the runtime and restrictions it started with', async () => {
    const client = createNodeClient({ distDir });
    try {
      const info = await client.start();
      assert.equal(info.runtime.pythonVersion.split('.')[0], '3');
      assert.equal(info.runtime.boot, 'snapshot', info.runtime.snapshotFallback);
      assert.equal(info.isolation, 'process');
      assert.deepEqual(info.restrictions, {
        permissionModel: true,
        hostFilesDenied: true,
        childProcessDenied: true,
        codeGenerationBlocked: true,
        environmentEmpty: true,
      });
    } finally {
      client.dispose();
    }
  });
});
