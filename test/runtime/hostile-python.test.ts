import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { SandboxError } from '../../src/sandbox/sandbox-error';
import { WALK_WORKER_REACH } from '../fixtures/worker-reach';
import { distDir, sandboxFor } from './sandbox';

/**
 * Plain Python that leaves the worker's output buffer locked: a typed array method that throws,
 * put where the worker's write calls it between taking the buffer's lock and letting go of it.
 */
const LOCK_THE_OUTPUT_BUFFER = [
  'from pyodide.ffi import to_js',
  'to_js(b"x").constructor.prototype.set = to_js([]).constructor.constructor.prototype.toString',
  'print("locked")',
].join('\n');

/** Runs the built CLI with `stdin`, killing it after `ms`: for runs that could hang the process they run in. */
function cliWithin(args: string[], stdin: string, ms: number): Promise<{ status: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(distDir, 'cli.js'), ...args], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stderr });
    });
    child.stdin.end(stdin);
  });
}

/**
 * The routes a red team took from Python towards JavaScript and raw memory (the hostile-sandbox
 * issue), against the real sandbox: each is closed, or leads to a worker with nothing to take.
 */
describe('hostile Python: no JavaScript with a prototype, no raw memory modules', function () {
  const sandbox = sandboxFor(this, { memoryLimitMb: 256 });

  for (const name of ['ctypes', '_ctypes', 'ctypes.util', '_testcapi', '_testinternalcapi', '_testlimitedcapi', '_testbuffer']) {
    it(`import ${name} fails with a reason`, async () => {
      const result = await sandbox().exec(`import ${name}`);
      assert.equal(result.error?.type, 'ModuleNotFoundError');
      assert.match(result.error.message, /not available in the sandbox: it gives Python raw access/);
    });
  }

  it('without the refusing finder, the built-in modules are still empty', async () => {
    const code = [
      'import sys, importlib',
      'sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "_RefusedModules"]',
      'found = {}',
      'for name in ["_ctypes", "_testcapi", "_testinternalcapi", "_testlimitedcapi"]:',
      '    try:',
      '        found[name] = sorted(n for n in dir(importlib.import_module(name)) if not n.startswith("__"))',
      '    except ImportError:',
      '        found[name] = "unimportable"',
      'print(found)',
    ].join('\n');
    const result = await sandbox().exec(code, { fresh: true });
    assert.equal(result.error, undefined);
    assert.doesNotMatch(result.output, /CFuncPtr|dlopen|pylong_asvoidptr|\[[^\]]/);
    await sandbox().restart();
  });

  it('the bridge the runner uses leads nowhere: no constructor, no prototype', async () => {
    const bridge = '__import__("time").sleep.__globals__["_bridge"]';
    const result = await sandbox().eval(`[hasattr(${bridge}, "constructor"), hasattr(${bridge}.sleep, "constructor")]`);
    assert.equal(result.value, '[false, false]');
  });

  it('a JavaScript error reached from Python carries no frames, so no host path, even with its stack-trace limit raised', async () => {
    // Plain Python: a JavaScript error's constructor leads to Error through its prototype chain.
    const code = [
      'from pyodide.ffi import to_js',
      'def js_error():',
      '    try:',
      '        to_js([]).constructor.from_(None)',
      '    except Exception as error:',
      '        return error',
      'Error = getattr(js_error().constructor.prototype, "__proto__").constructor',
      'Error.stackTraceLimit = 100',
      'print(Error.stackTraceLimit)',
      'print(js_error().stack)',
    ].join('\n');
    const result = await sandbox().exec(code, { fresh: true });
    assert.equal(result.error, undefined);
    const [limit, ...stack] = result.output.trimEnd().split('\n');
    assert.equal(limit, '100', 'the limit was raised: Pyodide writes it too, so it is not what hides the paths');
    assert.deepEqual(stack, ['TypeError: undefined is not iterable (cannot read property Symbol(Symbol.iterator))']);
    assert.ok(!result.output.includes(distDir) && !result.output.includes('file:'), result.output);
  });

  it('a JavaScript allocation bomb from Python is stopped by the process-wide memory cap', async () => {
    const bomb = 'from pyodide.ffi import to_js\nhog = []\nfor i in range(400):\n    hog.append(to_js(b"x" * 2**24))';
    const result = await sandbox().exec(bomb);
    assert.equal(result.error?.type, 'MemoryError');
    assert.match(result.error.message, /sandbox process used more than its 640 MiB limit/);
    assert.equal(result.restarted, true);
    assert.equal((await sandbox().eval('6 * 7')).value, '42');
  });
});

/**
 * The worker shares memory with the thread that relays it (output, input, interrupts): that
 * thread, which with `isolation: "worker"` is the extension host's, must never wait on it.
 */
describe('hostile Python: the worker cannot make the thread that relays it wait', function () {
  const sandbox = sandboxFor(this);

  it('a worker that keeps its output buffer locked is stopped: the relay never waits on that lock', async () => {
    // No time limit: a relay that waited for the lock would wait for ever.
    await assert.rejects(sandbox().exec(LOCK_THE_OUTPUT_BUFFER), (error: unknown) => {
      assert.ok(error instanceof SandboxError, String(error));
      assert.match(error.reported ?? '', /the Python worker kept the output buffer locked/);
      return true;
    });
    assert.equal((await sandbox().eval('6 * 7')).value, '42');
  });

  it('so is one that keeps it locked while its code runs on', async () => {
    const code = LOCK_THE_OUTPUT_BUFFER.replace(
      'print("locked")',
      'try:\n    print("locked")\nexcept Exception:\n    pass\nwhile True:\n    pass',
    );
    await assert.rejects(sandbox().exec(code), (error: unknown) => {
      assert.ok(error instanceof SandboxError, String(error));
      assert.match(error.reported ?? '', /the Python worker kept the output buffer locked/);
      return true;
    });
  });

  it('with isolation "worker" it does not hang the process the worker runs in (the extension host)', async () => {
    const result = await cliWithin(['--isolation', 'worker', 'exec', '-'], LOCK_THE_OUTPUT_BUFFER, 50_000);
    assert.equal(result.signal, null, 'the process hung, and was killed');
    // A SandboxError: the worker was stopped, and the CLI says so.
    assert.equal(result.status, 2);
    assert.match(result.stderr, /the Python worker kept the output buffer locked/);
  });
});

/**
 * Worker isolation allows code generation, so Python can run JavaScript of its choosing in the
 * worker: the position the threat model assumes an attacker reaches. From there, every way to
 * the host is tried: the worker must have nothing to steal.
 */
describe('hostile Python: JavaScript run by Python finds a worker with nothing to steal', function () {
  const sandbox = sandboxFor(this, { isolation: 'worker' });
  const secret = randomUUID();
  const secretFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-secret-')), 'secret.txt');
  let requests = 0;
  const server = http.createServer((_request, response) => {
    requests++;
    response.end(secret);
  });

  before(async () => {
    fs.writeFileSync(secretFile, secret);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  after(() => {
    server.close();
    fs.rmSync(path.dirname(secretFile), { recursive: true, force: true });
  });

  it('process, require, node: and data: imports, fetch of files and loopback, sockets and workers all fail', async () => {
    const { port } = server.address() as AddressInfo;
    // The probes are asynchronous: the first run starts them, the worker's event loop settles
    // them between runs, the second run reads what they found.
    const probes = `
      const url = ${JSON.stringify(`http://127.0.0.1:${port}/`)};
      const file = ${JSON.stringify(`file://${secretFile}`)};
      const attempt = (promise) => Promise.resolve().then(() => promise()).then((v) => 'reached: ' + String(v).slice(0, 80), (e) => 'failed');
      globalThis.__probes = Promise.all([
        attempt(() => typeof process === 'undefined' ? Promise.reject() : process.pid),
        attempt(() => typeof require === 'undefined' ? Promise.reject() : require('node:fs')),
        attempt(() => import('node:fs')),
        attempt(() => import('node:child_process')),
        attempt(() => import('data:text/javascript,export default 1')),
        attempt(() => fetch(url).then((r) => r.text())),
        attempt(() => fetch(file).then((r) => r.text())),
        attempt(() => new WebSocket(url)),
        attempt(() => new Worker(url)),
        // Node's fetch keeps a network client under a global symbol.
        attempt(() => new Promise((resolve, reject) => globalThis[Symbol.for('undici.globalDispatcher.1')].dispatch(
          { origin: url, path: '/', method: 'GET' },
          { onConnect() {}, onHeaders() { return true; }, onData() { return true; }, onComplete: resolve, onError: reject },
        ))),
        attempt(() => {
          const hook = () => 1;
          Error.prepareStackTrace = hook;
          return Error.prepareStackTrace !== hook ? Promise.reject() : 'hooked';
        }),
      ]).then((results) => (globalThis.__found = results));
      return 'started';`;
    const start = await sandbox().eval(`__import__("pyodide.ffi").ffi.to_js([]).constructor.constructor(${JSON.stringify(probes)})()`);
    assert.equal(start.value, '"started"');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const found = await sandbox().eval(
      'list(__import__("pyodide.ffi").ffi.to_js([]).constructor.constructor("return globalThis.__found")())',
    );
    assert.equal(found.error, undefined);
    assert.deepEqual(JSON.parse(found.value!), Array(11).fill('failed'));
    assert.equal(requests, 0, 'the loopback server was reached');
  });

  it('the worker keeps only the language and the web APIs Pyodide needs', async () => {
    const keys = await sandbox().eval(
      'list(__import__("pyodide.ffi").ffi.to_js([]).constructor.constructor("return Reflect.ownKeys(globalThis).filter((k) => globalThis[k] !== undefined).map(String)")())',
    );
    const present = new Set(JSON.parse(keys.value!) as string[]);
    for (const name of [
      'process',
      'require',
      'global',
      'navigator',
      'WebSocket',
      'BroadcastChannel',
      'MessageChannel',
      'Symbol(undici.globalDispatcher.1)',
    ]) {
      assert.ok(!present.has(name), `${name} is still there`);
    }
    assert.ok(present.has('WebAssembly') && present.has('fetch'), 'what Pyodide needs is there');
  });

  it("nothing in the worker's reach posts to another thread", async () => {
    // Node transfers an object with hooks by loading the module it names in the receiving thread
    // (the relay), before any check of ours; console's streams held the internal port to it.
    // Objects with hooks can still be made (atob throws a DOMException, which has them from Node
    // 22 on): what matters is that nothing reached posts them, and that the worker's own
    // messages carry no object (next test).
    const report = await sandbox().eval(
      `__import__("pyodide.ffi").ffi.to_js([]).constructor.constructor(${JSON.stringify(WALK_WORKER_REACH)})()`,
    );
    const { objects, ports, posted } = JSON.parse(JSON.parse(report.value!) as string) as Record<string, unknown>;
    assert.ok((objects as number) > 300, `the walk saw only ${String(objects)} objects`);
    assert.deepEqual({ ports, posted }, { ports: [], posted: 0 });
    assert.equal((await sandbox().eval('6 * 7')).value, '42');
  });

  it("what the worker posts is text: an object put in its messages never reaches Node's deserializer", async () => {
    // atob throws a DOMException, which Node (22 and later) clones by having the receiving thread
    // load the module its clone hook names; the hook is rewritten to name one of our choosing.
    const module = 'internal/http2/compat';
    const hooked = `() => {
      let made; try { atob('*'); } catch (error) { made = error; }
      const prototype = Object.getPrototypeOf(made);
      const clone = Object.getOwnPropertySymbols(prototype).find((key) => String(key).includes('clone'));
      if (clone) prototype[clone] = () => ({ data: {}, deserializeInfo: '${module}:X' });
      return made;
    }`;
    const js = (source: string): string => `__import__("pyodide.ffi").ffi.to_js([]).constructor.constructor(${JSON.stringify(source)})()`;
    // Every way the worker posts: an input request (its prompt), display data and a result (both JSON.parse'd in the worker).
    const routes = [
      `__import__("time").sleep.__globals__["_bridge"].read_line(${js(`return (${hooked})()`)} and ${js(`const made = (${hooked})(); return { slice: () => made }`)})`,
      `${js(`const made = (${hooked})(); const parse = JSON.parse; JSON.parse = (text) => { const value = parse(text); return Array.isArray(value) ? [made] : value; }; return 1`)}\ndisplay(1)`,
      `${js(`const made = (${hooked})(); const parse = JSON.parse; JSON.parse = (text) => ({ ...parse(text), made }); return 1`)}`,
    ];
    const posted: string[] = [];
    const loaded = new Set((process as unknown as { moduleLoadList: string[] }).moduleLoadList);
    Object.defineProperty(Worker.prototype, 'emit', {
      configurable: true,
      value(this: Worker, event: string | symbol, ...args: unknown[]): boolean {
        if (event === 'message') posted.push(typeof args[0]);
        if (event === 'messageerror') posted.push('messageerror');
        return Object.getPrototypeOf(Worker.prototype).emit.call(this, event, ...args) as boolean;
      },
    });
    try {
      for (const code of routes)
        await sandbox()
          .exec(code, { timeoutMs: 10_000 })
          .catch(() => undefined);
    } finally {
      delete (Worker.prototype as { emit?: unknown }).emit;
    }
    const moduleLoaded = (process as unknown as { moduleLoadList: string[] }).moduleLoadList.includes(`NativeModule ${module}`);
    assert.ok(!moduleLoaded || loaded.has(`NativeModule ${module}`), `the worker had ${module} loaded in this thread`);
    assert.ok(posted.length > 3, `only ${posted.length} messages were seen`);
    assert.deepEqual([...new Set(posted)], ['string']);
    assert.equal((await sandbox().eval('6 * 7')).value, '42');
  });

  it("a console flood reaches the stderr of the worker's process (the extension host) only up to a cap", async () => {
    let written = 0;
    const write = Object.getOwnPropertyDescriptor(process.stderr, 'write');
    process.stderr.write = ((chunk: string | Uint8Array): boolean => {
      written += chunk.length;
      return true;
    }) as typeof process.stderr.write;
    try {
      const flood = "for (let i = 0; i < 20000; i++) console.log('x'.repeat(4000)); return 1";
      const result = await sandbox().eval(`__import__("pyodide.ffi").ffi.to_js([]).constructor.constructor(${JSON.stringify(flood)})()`);
      assert.equal(result.value, '1');
      // The worker's stderr reaches this thread once its event loop runs, after the run.
      await new Promise((resolve) => setTimeout(resolve, 3000));
    } finally {
      if (write) Object.defineProperty(process.stderr, 'write', write);
      else delete (process.stderr as { write?: unknown }).write;
    }
    assert.ok(written > 0 && written <= 80 * 1024, `${written} bytes reached this process's stderr`);
  });

  it('replacing the global Error does not bring a stack-trace hook back, and location names no host path', async () => {
    const probe = `
      const attempt = (change) => { try { change(); return 'changed'; } catch { return 'refused'; } };
      const hook = () => 'hooked';
      const replaced = attempt(() => { globalThis.Error = { prepareStackTrace: hook }; if (globalThis.Error.prepareStackTrace !== hook) throw 0; });
      const redefined = attempt(() => Object.defineProperty(globalThis, 'Error', { value: { prepareStackTrace: hook } }));
      const hooked = attempt(() => { Error.prepareStackTrace = hook; if (Error.prepareStackTrace !== hook) throw 0; });
      return JSON.stringify({ replaced, redefined, hooked, stack: new TypeError('x').stack, location: String(globalThis.location) });`;
    const result = await sandbox().eval(`__import__("pyodide.ffi").ffi.to_js([]).constructor.constructor(${JSON.stringify(probe)})()`);
    assert.deepEqual(JSON.parse(JSON.parse(result.value!) as string), {
      replaced: 'refused',
      redefined: 'refused',
      hooked: 'refused',
      stack: 'TypeError: x',
      location: 'https://sandbox.invalid/pyodide/',
    });
  });
});
