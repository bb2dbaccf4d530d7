import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createNodeClient, type NodeSandboxOptions } from '../../src/sandbox/node-client';
import { formatError } from '../../src/sandbox/result';
import type { LaunchSpec } from '../../src/sandbox/transport/child-process';
import { distDir, sandboxFor } from './sandbox';

/**
 * Every route out of a Pyodide worker that was found to work with default settings (see
 * shared notes), plus neighbours of each. Each attack runs in the sandbox process; the test
 * then checks for side effects on the host: no marker file, no secret or environment value
 * seen, no connection to a listener on loopback.
 */
describe('isolation: the sandbox process keeps Python away from the host', function () {
  const secret = `secret-${randomUUID()}`;
  const canary = `canary-${randomUUID()}`;
  const hostDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-host-'));
  const secretFile = path.join(hostDir, 'secret.txt');
  const marker = path.join(hostDir, 'marker');
  let connections = 0;
  const listener = net.createServer((socket) => {
    connections++;
    socket.destroy();
  });
  let port = 0;

  before(async () => {
    fs.writeFileSync(secretFile, secret);
    process.env.SANDBOX_TEST_CANARY = canary;
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    port = (listener.address() as net.AddressInfo).port;
  });
  after(() => {
    delete process.env.SANDBOX_TEST_CANARY;
    listener.close();
    fs.rmSync(hostDir, { recursive: true, force: true });
  });

  const sandbox = sandboxFor(this);

  /** Python snippets; `{secret}`, `{marker}` and `{port}` arrive as globals, not spliced in. */
  const attacks: Record<string, string> = {
    'os.environ': 'print(dict(__import__("os").environ))',
    'import js: process.env': 'import js\nprint(js.process.env.SANDBOX_TEST_CANARY)',
    'import js: getBuiltinModule(child_process)': 'import js\njs.process.getBuiltinModule("child_process").execSync(f"touch {marker}")',
    'import pyodide_js: mountNodeFS':
      'import pyodide_js\npyodide_js.mountNodeFS("/host", HOST_DIR)\nprint(open("/host/secret.txt").read())',
    'sys.modules pyodide_js._api': 'import sys\napi = sys.modules["pyodide_js._api"]\nprint(api.loadBinaryFile(SECRET_FILE))',
    'pyodide.code.run_js': "from pyodide.code import run_js\nrun_js(\"process.getBuiltinModule('fs').writeFileSync(MARKER, 'x')\")",
    'Function constructor through a JsProxy':
      'from pyodide.ffi import to_js\nf = to_js([]).constructor.constructor("return process")()\nprint(f.env.SANDBOX_TEST_CANARY)',
    'runner host object':
      'import time\nhost = time.sleep.__globals__["_host"]\nprint(host.constructor.constructor("return process")().env.SANDBOX_TEST_CANARY)',
    'os.system': 'import os\nprint(os.system(f"touch {MARKER}"))\nprint(os.system(f"cat {SECRET_FILE}"))',
    subprocess: 'import subprocess\nsubprocess.run(["touch", MARKER])',
    'open a host file': 'print(open(SECRET_FILE).read())',
    'write a host file': 'open(MARKER, "w").write("x")\nimport os\nprint(os.path.exists(MARKER))',
    'list host folders': 'import os\nprint(os.listdir(HOST_DIR))',
    'socket to loopback': 'import socket\ns = socket.create_connection(("127.0.0.1", PORT), timeout=2)\ns.send(b"hi")',
    'urllib to loopback': 'import urllib.request\nurllib.request.urlopen(f"http://127.0.0.1:{PORT}/", timeout=2)',
    'pyfetch to loopback':
      'from pyodide.http import pyfetch\nimport asyncio\nasyncio.get_event_loop().run_until_complete(pyfetch(f"http://127.0.0.1:{PORT}/"))',
    'js.fetch to loopback': 'import js\njs.fetch(f"http://127.0.0.1:{PORT}/")',
    ctypes: 'import ctypes\nprint(ctypes.CDLL(None))',
  };

  for (const [name, code] of Object.entries(attacks)) {
    it(`${name}: an ordinary Python result, and nothing reaches the host`, async () => {
      const globals = `HOST_DIR = ${JSON.stringify(hostDir)}\nSECRET_FILE = ${JSON.stringify(secretFile)}\nMARKER = marker = ${JSON.stringify(marker)}\nPORT = ${port}\n`;
      await sandbox().exec(globals);
      const connectionsBefore = connections;
      const result = await sandbox().exec(code);
      // Code may start a connection without waiting for it (an un-awaited fetch): give one that
      // the attack set off the time to arrive before counting.
      if (code.includes('PORT')) await new Promise((resolve) => setTimeout(resolve, 200));
      const seen = result.output + (result.error ? formatError(result.error) : '');
      assert.ok(!seen.includes(secret), `saw the secret file: ${seen}`);
      assert.ok(!seen.includes(canary), `saw the environment: ${seen}`);
      assert.ok(!fs.existsSync(marker), 'a host file was written');
      assert.equal(connections - connectionsBefore, 0, 'a connection reached the loopback listener');
      assert.equal(result.restarted, false, 'the runtime had to be replaced');
    });
  }

  it('os.system cannot start anything: the worker has no child processes at all', async () => {
    assert.equal((await sandbox().eval('__import__("os").system("true")')).value, '-1');
  });

  it('the sandbox process itself cannot read outside its assets, spawn, or see the environment', async () => {
    const info = await sandbox().start();
    assert.deepEqual(info.restrictions, {
      permissionModel: true,
      hostFilesDenied: true,
      childProcessDenied: true,
      codeGenerationBlocked: true,
      environmentEmpty: true,
    });
  });
});

describe('isolation: the attacks are live (worker isolation has no process boundary)', function () {
  const sandbox = sandboxFor(this, { isolation: 'worker' });
  const toFunction = '__import__("pyodide.ffi").ffi.to_js([]).constructor.constructor';

  it('with code generation allowed, Python runs JavaScript of its choosing inside the extension host process', async () => {
    const result = await sandbox().eval(`${toFunction}("return [typeof SharedArrayBuffer, typeof WebAssembly].join()")()`);
    assert.equal(result.value, '"function,object"');
  });

  it('that JavaScript finds a worker without Node: no process, no require', async () => {
    const globals = await sandbox().eval(`${toFunction}("return [typeof process, typeof require].join()")()`);
    assert.equal(globals.value, '"undefined,undefined"');
  });
});

describe('isolation: refusing to run without the required restrictions', () => {
  async function startWith(launch: NodeSandboxOptions['launch']): Promise<Error> {
    const client = createNodeClient({ distDir, launch });
    try {
      await client.start();
      return assert.fail('the sandbox started');
    } catch (error) {
      return error as Error;
    } finally {
      client.dispose();
    }
  }

  it('refuses when code generation from strings is allowed', async () => {
    const error = await startWith((spec) => ({
      ...spec,
      execArgv: spec.execArgv.filter((flag) => flag !== '--disallow-code-generation-from-strings'),
    }));
    assert.match(error.message, /refusing to run code: .*code generation from strings/);
  });

  it('refuses when the environment is not empty', async () => {
    const error = await startWith((spec) => ({ ...spec, env: { LEAKED: 'value' } }));
    assert.match(error.message, /refusing to run code: .*environment variables/);
  });

  it('runs code after a refusal once the restrictions are back', async () => {
    let leak = true;
    const client = createNodeClient({ distDir, launch: (spec) => (leak ? { ...spec, env: { LEAKED: 'value' } } : spec) });
    try {
      await assert.rejects(client.start(), /refusing to run code/);
      leak = false;
      assert.equal((await client.eval('1')).value, '1');
    } finally {
      client.dispose();
    }
  });

  it('when Node rejects the permission flags at start, it runs without them at the weaker level', async () => {
    const rejectsPermissionFlags = (spec: LaunchSpec): LaunchSpec =>
      spec.execArgv.some((flag) => /permission/.test(flag))
        ? { ...spec, execArgv: [...spec.execArgv, '--no-such-flag-in-this-node'] }
        : spec;
    const client = createNodeClient({ distDir, launch: rejectsPermissionFlags });
    try {
      assert.equal((await client.start()).isolation, 'process-no-fs-permissions');
      assert.equal((await client.eval('6 * 7')).value, '42');
    } finally {
      client.dispose();
    }
  });

  it('without the permission model it runs, and reports the weaker level', async () => {
    const client = createNodeClient({
      distDir,
      launch: (spec) => ({ ...spec, execArgv: spec.execArgv.filter((flag) => !/^--(experimental-)?permission$|^--allow-/.test(flag)) }),
    });
    try {
      const info = await client.start();
      assert.equal(info.isolation, 'process-no-fs-permissions');
      assert.equal(info.restrictions.permissionModel, false);
    } finally {
      client.dispose();
    }
  });
});
