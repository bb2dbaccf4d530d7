import * as assert from 'node:assert/strict';
import { createNodeClient } from '../../src/sandbox/node-client';
import { distDir } from './sandbox';

/** What two runtimes restored from the same memory snapshot print for `code`. */
async function twoRuntimes(code: string): Promise<[string, string]> {
  const outputs: string[] = [];
  for (let i = 0; i < 2; i++) {
    const client = createNodeClient({ distDir });
    try {
      const result = await client.exec(code);
      assert.equal(result.error, undefined);
      outputs.push(result.output);
    } finally {
      client.dispose();
    }
  }
  return [outputs[0], outputs[1]];
}

/**
 * Every runtime restores one memory snapshot, taken once at build time: per-process state that
 * Python seeds at start-up must not come out of it the same every time.
 */
describe('fresh state in every runtime, though all restore one snapshot', function () {
  this.timeout(120_000);

  for (const [what, code] of Object.entries({
    'random numbers': 'import random\nprint(random.random(), random.getrandbits(64))',
    'uuid4 and secrets': 'import uuid, secrets\nprint(uuid.uuid4(), secrets.token_hex(16))',
    'temporary file names': 'import tempfile\nprint(tempfile.mktemp())',
  })) {
    it(`${what} differ from one runtime to the next`, async () => {
      const [first, second] = await twoRuntimes(code);
      assert.notEqual(first, second);
    });
  }

  it('random.seed(1) still gives CPython’s sequence', async () => {
    const client = createNodeClient({ distDir });
    try {
      const result = await client.exec('import random\nrandom.seed(1)\nprint(random.random())');
      assert.equal(result.output, '0.13436424411240122\n');
    } finally {
      client.dispose();
    }
  });

  it('the clocks run from the real time, not from when the snapshot was taken', async () => {
    const client = createNodeClient({ distDir });
    try {
      const result = await client.eval('__import__("time").time()');
      assert.ok(Math.abs(Number(result.value) - Date.now() / 1000) < 60, `time.time() is ${result.value}`);
    } finally {
      client.dispose();
    }
  });
});
