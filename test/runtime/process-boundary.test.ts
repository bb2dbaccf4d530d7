import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultLaunchSpec } from '../../src/sandbox/transport/child-process';
import { probeProcess } from '../fixtures/probe-process';

/**
 * Assume Python escaped into JavaScript inside the sandbox process. This runs arbitrary
 * JavaScript under the very command line the client uses, and checks what it can still do.
 */
describe('isolation: arbitrary JavaScript inside the sandbox process', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-boundary-'));
  const assets = path.join(root, 'dist');
  const secretFile = path.join(root, 'secret.txt');
  const marker = path.join(root, 'marker');
  const cache = path.join(root, 'cache');
  const cachedFile = path.join(cache, '314.0.7', 'files', 'x.whl');
  const besideCache = path.join(cache, 'other.txt');

  before(() => {
    fs.mkdirSync(assets);
    fs.writeFileSync(secretFile, randomUUID());
    fs.mkdirSync(path.dirname(cachedFile), { recursive: true });
    fs.writeFileSync(cachedFile, 'wheel');
    fs.writeFileSync(besideCache, 'not for the sandbox');
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('cannot read or write host files, start processes, generate code or see the environment; reads only its package cache folder', async () => {
    process.env.SANDBOX_TEST_CANARY = 'visible';
    const spec = defaultLaunchSpec(assets, true, [path.dirname(path.dirname(cachedFile))]);
    delete process.env.SANDBOX_TEST_CANARY;
    // The escaped code: try each host capability and report what happened.
    const report = await probeProcess(
      assets,
      spec,
      `{
         readHostFile: attempt(() => fs.readFileSync(${JSON.stringify(secretFile)})),
         readCachedPackage: attempt(() => fs.readFileSync(${JSON.stringify(cachedFile)})),
         readBesideCache: attempt(() => fs.readFileSync(${JSON.stringify(besideCache)})),
         writeCache: attempt(() => fs.writeFileSync(${JSON.stringify(cachedFile)}, 'x')),
         writeHostFile: attempt(() => fs.writeFileSync(${JSON.stringify(marker)}, 'x')),
         spawn: attempt(() => cp.spawnSync('true')),
         newFunction: attempt(() => new Function('return 1')),
         environment: Object.keys(process.env).length,
       }`,
    );
    assert.deepEqual(report, {
      readHostFile: 'ERR_ACCESS_DENIED',
      readCachedPackage: 'allowed',
      readBesideCache: 'ERR_ACCESS_DENIED',
      writeCache: 'ERR_ACCESS_DENIED',
      writeHostFile: 'ERR_ACCESS_DENIED',
      spawn: 'ERR_ACCESS_DENIED',
      newFunction: 'EvalError',
      environment: 0,
    });
    assert.ok(!fs.existsSync(marker));
  });
});
