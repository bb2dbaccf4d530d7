/**
 * The isolation corpus: every route out of a Pyodide worker found to work with default
 * settings, run against a sandbox process. Shared by the isolation tests and by the package
 * tests, which run it again once packages are loaded.
 */
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { expandGrants } from '../../src/files/grants';
import { nodeGrantFileSystem } from '../../src/files/node-fs';
import type { RunOptions, SandboxClient } from '../../src/sandbox/client';
import type { NodeSandboxOptions } from '../../src/sandbox/node-client';
import { formatError } from '../../src/sandbox/result';
import { sandboxFor } from './sandbox';

/** How a variant of the corpus sets its sandbox up. */
export interface CorpusSetup {
  readonly options?: NodeSandboxOptions;
  /** Runs once the sandbox has started, before the attacks (e.g. loads packages). */
  readonly prepare?: (client: SandboxClient) => Promise<void>;
  /**
   * Every run may read a granted folder (as the extension's grants and the CLI's --read give
   * one), beside the secret file and with a link to it inside, and starts in that folder.
   */
  readonly grantFolder?: boolean;
}

/**
 * Every route out of a Pyodide worker that was found to work with default settings (see
 * shared notes), plus neighbours of each. Each attack runs in the sandbox process; the test
 * then checks for side effects on the host: no marker file, no secret or environment value
 * seen, no connection to a listener on loopback.
 */
export function describeIsolationCorpus(title: string, setup: CorpusSetup = {}): void {
  describe(title, function () {
    const secret = `secret-${randomUUID()}`;
    const canary = `canary-${randomUUID()}`;
    const hostDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-host-'));
    const secretFile = path.join(hostDir, 'secret.txt');
    const marker = path.join(hostDir, 'marker');
    const project = path.join(hostDir, 'project');
    const granted = `granted-${randomUUID()}`;
    /** What each run may read: project/data, granted, and nothing beside it. */
    const runOptions: RunOptions = setup.grantFolder
      ? {
          workspace: async () => ({
            cwd: 'data',
            notFoundHint: 'not granted',
            files: (await expandGrants(nodeGrantFileSystem(project), [{ kind: 'folder', path: 'data' }])).files,
          }),
        }
      : {};
    let connections = 0;
    const listener = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    let port = 0;

    before(async () => {
      fs.writeFileSync(secretFile, secret);
      fs.mkdirSync(path.join(project, 'data'), { recursive: true });
      fs.writeFileSync(path.join(project, 'data', 'granted.csv'), granted);
      fs.writeFileSync(path.join(project, 'beside.txt'), secret);
      fs.symlinkSync(secretFile, path.join(project, 'data', 'link.txt'));
      process.env.SANDBOX_TEST_CANARY = canary;
      await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
      port = (listener.address() as net.AddressInfo).port;
    });
    after(() => {
      delete process.env.SANDBOX_TEST_CANARY;
      listener.close();
      fs.rmSync(hostDir, { recursive: true, force: true });
    });

    const sandbox = sandboxFor(this, { ...(setup.grantFolder ? { maxReadableMb: 64 } : {}), ...setup.options });
    if (setup.prepare) before(() => setup.prepare!(sandbox()));

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
        await sandbox().exec(globals, runOptions);
        const connectionsBefore = connections;
        const result = await sandbox().exec(code, runOptions);
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

    it('no JsProxy with a constructor is reachable from modules, functions, closures or the garbage collector', async () => {
      const code = [
        'import gc, sys, types',
        'from pyodide.ffi import JsProxy',
        'seen, found = set(), []',
        'def visit(obj, where):',
        '    if isinstance(obj, JsProxy):',
        '        if hasattr(obj, "constructor"): found.append(where)',
        '        return',
        'roots = [(m, f"module {n}") for n, m in list(sys.modules.items())] + [(o, type(o).__name__) for o in gc.get_objects()]',
        'for obj, where in roots:',
        '    visit(obj, where)',
        '    for ref in gc.get_referents(obj):',
        '        visit(ref, where)',
        '    if isinstance(obj, types.FunctionType):',
        '        for cell in obj.__closure__ or ():',
        '            try: visit(cell.cell_contents, f"closure of {obj.__qualname__}")',
        '            except ValueError: pass',
        '        for value in obj.__globals__.values(): visit(value, f"globals of {obj.__qualname__}")',
        'print(found)',
      ].join('\n');
      const result = await sandbox().exec(code, { fresh: true });
      assert.equal(result.error, undefined, result.error && formatError(result.error));
      assert.equal(result.output, '[]\n');
    });

    if (setup.grantFolder) {
      it('the granted file is all the sandbox holds of the host: a walk of its whole file system finds nothing else', async () => {
        const code = [
          'import os',
          'print(open("granted.csv").read())',
          'found, workspace = [], []',
          'for top, folders, files in os.walk("/"):',
          '    if top in ("/dev", "/proc"):',
          '        folders[:] = []',
          '        continue',
          '    for name in files:',
          '        path = os.path.join(top, name)',
          '        if path.startswith("/workspace/"): workspace.append(path)',
          '        try:',
          '            with open(path, "rb") as f: data = f.read()',
          '        except OSError: continue',
          '        if SECRET.encode() in data or HOST_DIR.encode() in data or HOST_DIR.encode() in path.encode(): found.append(path)',
          'print(found, workspace)',
        ].join('\n');
        await sandbox().exec(`SECRET = ${JSON.stringify(secret)}\nHOST_DIR = ${JSON.stringify(hostDir)}`, runOptions);
        const result = await sandbox().exec(code, runOptions);
        assert.equal(result.error, undefined, result.error && formatError(result.error));
        assert.equal(result.output, `${granted}\n[] ['/workspace/data/granted.csv']\n`);
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
}
