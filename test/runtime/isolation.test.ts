import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SandboxInfo } from '../../src/sandbox/client';
import { createNodeClient, type NodeSandboxOptions } from '../../src/sandbox/node-client';
import { refusingNode, rejectOptions } from '../fixtures/refusing-node';
import { describeIsolationCorpus } from './isolation-corpus';
import { distDir, sandboxFor } from './sandbox';

describeIsolationCorpus('isolation: the sandbox process keeps Python away from the host');
describeIsolationCorpus('isolation: the same attacks with a folder of the workspace granted: nothing outside it is there', {
  grantFolder: true,
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
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'refusing-node-'));
  after(() => fs.rmSync(folder, { recursive: true, force: true }));
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

  /** Starts a client whose sandbox process runs under a Node that rejects the options `pattern` matches; returns what it reported and how often that Node was started. */
  async function startRejecting(pattern: string, name: string): Promise<{ info: SandboxInfo; value: string | undefined; starts: number }> {
    const { node, starts } = refusingNode(folder, name, rejectOptions(pattern));
    const client = createNodeClient({ distDir, launch: (spec) => ({ ...spec, execPath: node }) });
    try {
      const info = await client.start();
      return { info, value: (await client.eval('6 * 7')).value, starts: starts() };
    } finally {
      client.dispose();
    }
  }

  it('when Node rejects the permission flags at start, it runs without them at the weaker level', async function () {
    if (process.platform === 'win32') this.skip(); // the stand-in Node is a shell script
    const { info, value, starts } = await startRejecting('--permission|--experimental-permission', 'node-without-permissions');
    assert.equal(info.isolation, 'process-no-fs-permissions');
    assert.equal(value, '42');
    assert.equal(starts, 2);
  });

  it('when Node rejects --expose-gc at start, it runs without it, keeping the permission model and the empty environment', async function () {
    if (process.platform === 'win32') this.skip();
    const { info, value, starts } = await startRejecting('--expose-gc', 'node-without-expose-gc');
    assert.equal(info.isolation, 'process');
    assert.equal(info.restrictions.permissionModel, true);
    assert.equal(info.restrictions.environmentEmpty, true);
    assert.equal(value, '42');
    assert.equal(starts, 2);
  });

  it('when Node rejects an option no part of the launch can go without, the start fails, and nothing is dropped', async function () {
    if (process.platform === 'win32') this.skip();
    const { node, starts } = refusingNode(
      folder,
      'node-without-code-generation-flag',
      rejectOptions('--disallow-code-generation-from-strings'),
    );
    const client = createNodeClient({ distDir, launch: (spec) => ({ ...spec, execPath: node }) });
    try {
      await assert.rejects(client.start(), /exited with code 9/);
      assert.equal(starts(), 1);
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
