import * as assert from 'node:assert/strict';
import { createNodeClient, type NodeSandboxOptions } from '../../src/sandbox/node-client';
import type { LaunchSpec } from '../../src/sandbox/transport/child-process';
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
