import * as assert from 'node:assert/strict';
import type { IsolationMode } from '../../src/sandbox/transport/transport';
import { toContract } from '../../src/sandbox/result';
import { sandboxFor } from './sandbox';

/** The original component's verbatim cases: exec/eval -> result<string, string>. */
const CASES: ReadonlyArray<{ mode: 'exec' | 'eval'; code: string; expect: { ok: string } | { err: string } }> = [
  { mode: 'exec', code: "print('Hello')", expect: { ok: 'Hello\n' } },
  { mode: 'exec', code: 'for i in range(3):\n    print(i)', expect: { ok: '0\n1\n2\n' } },
  { mode: 'exec', code: '1/0', expect: { err: 'ZeroDivisionError: division by zero' } },
  { mode: 'eval', code: '2 + 2', expect: { ok: '4' } },
  { mode: 'eval', code: '[x**2 for x in range(5)]', expect: { ok: '[0, 1, 4, 9, 16]' } },
  { mode: 'eval', code: "{'a': 1, 'b': 2}", expect: { ok: '{"a": 1, "b": 2}' } },
  { mode: 'eval', code: 'undefined_var', expect: { err: "NameError: name 'undefined_var' is not defined" } },
];

for (const isolation of ['process', 'worker'] as IsolationMode[]) {
  describe(`contract (isolation: ${isolation})`, function () {
    const sandbox = sandboxFor(this, { isolation });

    for (const { mode, code, expect } of CASES) {
      it(`${mode} ${JSON.stringify(code)} -> ${JSON.stringify(expect)}`, async () => {
        assert.deepEqual(toContract(await sandbox().run(mode, code).result), expect);
      });
    }

    it('stdout and stderr are merged in the order printed', async () => {
      const code = "import sys\nprint('a')\nprint('b', file=sys.stderr)\nprint('c')";
      assert.deepEqual(toContract(await sandbox().exec(code)), { ok: 'a\nb\nc\n' });
    });

    it('an exception without a message is just its type name', async () => {
      assert.deepEqual(toContract(await sandbox().exec('raise KeyError')), { err: 'KeyError' });
    });

    it('a value JSON cannot encode gives the TypeError json.dumps raises', async () => {
      assert.deepEqual(toContract(await sandbox().eval('{1, 2}')), { err: 'TypeError: Object of type set is not JSON serializable' });
    });

    it('a failed exec keeps the output printed before the error', async () => {
      const result = await sandbox().exec("print('before')\n1/0");
      assert.equal(result.output, 'before\n');
      assert.equal(result.error?.type, 'ZeroDivisionError');
    });
  });
}
