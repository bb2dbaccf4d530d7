/**
 * The browser worker and transport (the web extension's runtime) in headless Chromium, outside
 * VS Code: a page that is not cross-origin isolated, as the VS Code server and most of vscode.dev
 * are, and one that is (the SharedArrayBuffer path). The web worker extension host runs the same
 * code (test/integration/web.test.ts).
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunResult } from '../../src/sandbox/result';
import type { SandboxInfo } from '../../src/sandbox/client';
import * as path from 'node:path';
import { COMPROMISED_WORKER_PRELUDE } from '../browser/compromised-worker';
import { evaluateIn, openBrowserSandbox, type BrowserSandbox } from '../browser/harness';
import type { SandboxPage } from '../browser/page';
import { distDir } from './sandbox';

const files = { distDir, pageScript: path.resolve(__dirname, '../browser/page.js') };

type PageGlobals = { sandboxPage: SandboxPage; client: ReturnType<SandboxPage['client']> };

/** Drives one client in the page: start, runs, interrupts, input. */
function pageClient(browser: () => BrowserSandbox) {
  const evaluate = <T, A>(fn: (g: PageGlobals, arg: A) => T | Promise<T>, arg: A): Promise<T> => evaluateIn(browser().page, fn, arg);
  return {
    start: (input = false) =>
      evaluate((g, withInput) => {
        g.client?.dispose();
        g.client = g.sandboxPage.client({ input: withInput, interruptGraceMs: 5000 });
        return g.client.start();
      }, input) as Promise<SandboxInfo>,
    exec: (code: string, timeoutMs?: number) =>
      evaluate((g, [source, ms]) => g.client.exec(source, ms ? { timeoutMs: ms } : {}), [code, timeoutMs] as const) as Promise<RunResult>,
    eval: (code: string) => evaluate((g, source) => g.client.eval(source), code) as Promise<RunResult>,
    /** Runs `code` and interrupts it `afterMs` after it started; `answer` replies to input(). */
    interrupted: (code: string, afterMs: number) =>
      evaluate(
        (g, [source, ms]) => {
          const run = g.client.run('exec', source);
          run.onDidStart(() => setTimeout(() => run.interrupt(), ms));
          return run.result;
        },
        [code, afterMs] as const,
      ) as Promise<RunResult>,
    /** Runs exec and lists what it sent in order: `write:` text and `display:` text/plain. */
    events: (code: string) =>
      evaluate(async (g, source) => {
        const events: string[] = [];
        const run = g.client.run('exec', source);
        run.onDidWrite(({ text }) => events.push(`write:${text}`));
        run.onDidDisplay((data) => events.push(`display:${data.items.find((i) => i.mime === 'text/plain')?.data}`));
        await run.result;
        return events;
      }, code),
    answering: (code: string, answer: string) =>
      evaluate(
        (g, [source, line]) => {
          const run = g.client.run('exec', source);
          run.onDidRequestInput((request) => request.reply(line));
          return run.result;
        },
        [code, answer] as const,
      ) as Promise<RunResult>,
  };
}

describe('browser worker without SharedArrayBuffer (Chromium page, not cross-origin isolated)', function () {
  let browser: BrowserSandbox;
  const sandbox = pageClient(() => browser);
  let requests = 0;
  const listener = http.createServer((_request, response) => {
    requests++;
    response.end('reached');
  });

  // Started here, not by the first test: each test runs alone too (--grep).
  let info: SandboxInfo;
  before(async () => {
    browser = await openBrowserSandbox(false, files);
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    info = await sandbox.start(true);
  });
  after(async () => {
    listener.close();
    await browser?.close();
  });

  it('starts from the snapshot, locked down, at the browser-worker level', () => {
    assert.equal(info.isolation, 'browser-worker');
    assert.equal(info.runtime.boot, 'snapshot');
    assert.deepEqual(info.restrictions.browser, { networkRemoved: true, storageRemoved: true, sharedMemory: false });
    assert.equal(info.restrictions.codeGenerationBlocked, true);
  });

  it('runs exec and eval, with output and errors as on the desktop', async () => {
    assert.equal((await sandbox.exec('print("hello from the browser")')).output, 'hello from the browser\n');
    assert.equal((await sandbox.eval('[x * x for x in range(4)]')).value, '[0, 1, 4, 9]');
    const failed = await sandbox.exec('1/0');
    assert.equal(failed.error?.type, 'ZeroDivisionError');
    assert.deepEqual(failed.error.frames.at(-1)?.line, 1);
  });

  it('display data comes in order with the printed output, as on the desktop', async () => {
    const code = "import sys\nprint('before', end='')\ndisplay(1)\nprint('between', file=sys.stderr)\ndisplay(2)\nprint('after')";
    assert.deepEqual(await sandbox.events(code), ['write:before', 'display:1', 'write:between\n', 'display:2', 'write:after\n']);
  });

  it('input() raises EOFError that says it needs cross-origin isolation', async () => {
    const result = await sandbox.exec('input("name? ")');
    assert.equal(result.error?.type, 'EOFError');
    assert.match(result.error.message, /needs cross-origin isolation/);
  });

  it('time.sleep waits without burning a core', async () => {
    const before = browser.rendererCpuSeconds();
    const started = Date.now();
    const result = await sandbox.exec('import time; time.sleep(2)');
    const cpu = browser.rendererCpuSeconds() - before;
    assert.equal(result.error, undefined);
    assert.ok(Date.now() - started >= 2000, 'it slept');
    assert.ok(cpu < 1, `the page used ${cpu} s of CPU while Python slept 2 s`);
  });

  it('an interrupt ends the worker and starts a fresh one: the result says the namespace was lost', async () => {
    await sandbox.exec('kept = 41');
    const result = await sandbox.interrupted('while True: pass', 500);
    assert.equal(result.error?.type, 'KeyboardInterrupt');
    assert.match(result.error.message, /not cross-origin isolated.*namespace was lost/);
    assert.equal(result.restarted, true);
    assert.equal((await sandbox.eval('"kept" in globals()')).value, 'false');
    assert.equal((await sandbox.eval('6 * 7')).value, '42');
  });

  it('a timeout does the same, as a TimeoutError', async () => {
    const result = await sandbox.exec('while True: pass', 1000);
    assert.equal(result.error?.type, 'TimeoutError');
    assert.match(result.error.message, /longer than 1 s.*namespace was lost/);
  });

  it('Python reaches no network: no code from strings, pyfetch and open_url fail, the loopback listener hears nothing', async () => {
    const url = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/`;
    const attempts = [
      `__import__("pyodide.ffi").ffi.to_js([]).constructor.constructor("return 1")`,
      `__import__("pyodide.ffi").ffi.to_js([]).constructor.constructor.constructor`,
      `__import__("pyodide.http").http.open_url(${JSON.stringify(url)})`,
      `await __import__("pyodide.http").http.pyfetch(${JSON.stringify(url)})`,
      `__import__("urllib.request").request.urlopen(${JSON.stringify(url)})`,
    ];
    for (const attempt of attempts) {
      const result = await sandbox.exec(attempt);
      assert.ok(result.error, `${attempt} failed`);
    }
    const viaFunction = await sandbox.exec(
      `__import__("pyodide.ffi").ffi.to_js([]).constructor.constructor('return fetch(${JSON.stringify(url)})')()`,
    );
    assert.match(viaFunction.error?.message ?? '', /makes no code from strings/);
    assert.equal(requests, 0, 'the loopback listener was reached');
  });
});

describe('browser worker with SharedArrayBuffer (Chromium page, cross-origin isolated)', function () {
  let browser: BrowserSandbox;
  const sandbox = pageClient(() => browser);

  let info: SandboxInfo;
  before(async () => {
    browser = await openBrowserSandbox(true, files);
    info = await sandbox.start(true);
  });
  after(() => browser?.close());

  it('starts with shared memory', () => {
    assert.deepEqual(info.restrictions.browser, { networkRemoved: true, storageRemoved: true, sharedMemory: true });
  });

  it('an interrupt raises KeyboardInterrupt in place: the namespace stays', async () => {
    await sandbox.exec('kept = 41');
    const result = await sandbox.interrupted('while True: pass', 500);
    assert.equal(result.error?.type, 'KeyboardInterrupt');
    assert.equal(result.restarted, false);
    assert.equal((await sandbox.eval('kept + 1')).value, '42');
  });

  it('an interrupt ends time.sleep early', async () => {
    const started = Date.now();
    const result = await sandbox.interrupted('import time; time.sleep(30)', 500);
    assert.equal(result.error?.type, 'KeyboardInterrupt');
    assert.ok(Date.now() - started < 10_000, 'the sleep ended early');
  });

  it('input() is answered by whoever follows the run', async () => {
    const result = await sandbox.answering('print("hello,", input("name? "))', 'browser');
    assert.equal(result.error, undefined);
    assert.equal(result.output, 'name? hello, browser\n');
  });

  it('stdout and stderr arrive in the order written', async () => {
    const result = await sandbox.exec('import sys\nfor i in range(3):\n    print(i)\n    print("e", i, file=sys.stderr)');
    assert.equal(result.output, '0\ne 0\n1\ne 1\n2\ne 2\n');
  });
});

/**
 * A worker that plays a compromised sandbox: the extension host takes nothing from it but frames
 * of well-formed messages, and refuses one whose lock-down report falls short.
 */
describe('browser worker: what a compromised worker sends is refused', function () {
  let browser: BrowserSandbox;
  before(async () => {
    browser = await openBrowserSandbox(false, files);
  });
  after(() => browser?.close());

  /** Worker source that posts `messages` (frames unless `raw`) once it is started. */
  const worker = (body: string): string => `${COMPROMISED_WORKER_PRELUDE}
    addEventListener('message', () => { ${body} }, { once: true });`;

  const startWith = (script: string): Promise<string> =>
    browser.page.evaluate(async (source) => {
      const client = (globalThis as unknown as PageGlobals).sandboxPage.clientWithWorker(source);
      try {
        await client.start();
        return 'started';
      } catch (error) {
        return String(error);
      } finally {
        client.dispose();
      }
    }, script);

  it('a message that is not bytes stops the worker', async () => {
    assert.match(await startWith(worker(`postMessage({ type: 'ready' });`)), /not a frame of the protocol/);
  });

  it('a small view on a large buffer stops the worker: the whole buffer would come along', async () => {
    assert.match(await startWith(worker(`postMessage(new Uint8Array(new ArrayBuffer(2 ** 24), 0, 4));`)), /not a frame of the protocol/);
  });

  it('a frame of a malformed message is a protocol fault', async () => {
    assert.match(
      await startWith(worker(`postMessage(frame({ type: 'ready', runtime: 'lies' }));`)),
      /broke the protocol \(restrictions is not an object\)/,
    );
  });

  it('a worker that reports a network API left is refused', async () => {
    const report = `postMessage(frame(ready({ networkRemoved: false, storageRemoved: true, sharedMemory: false })));`;
    assert.match(await startWith(worker(report)), /refusing to run code: the browser worker still has a network API/);
  });

  it('a worker that reports its lock-down in full starts (the fixture itself works)', async () => {
    const report = `postMessage(frame(ready({ networkRemoved: true, storageRemoved: true, sharedMemory: false })));`;
    assert.equal(await startWith(worker(report)), 'started');
  });
});
