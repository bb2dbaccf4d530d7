import * as assert from 'node:assert/strict';
import { api, closeAllEditors, command, CommandIds, openDocument, peek } from './helpers';

describe('API for other extensions', () => {
  afterEach(closeAllEditors);

  it('exec resolves to the printed output, or to the error as `Type: message`', async () => {
    const sandbox = await api();
    assert.deepEqual(await sandbox.exec("print('Hello')"), { ok: 'Hello\n' });
    assert.deepEqual(await sandbox.exec('1/0'), { err: 'ZeroDivisionError: division by zero' });
  });

  it('eval resolves to the JSON of the value', async () => {
    const sandbox = await api();
    assert.deepEqual(await sandbox.eval("{'a': 1, 'b': 2}"), { ok: '{"a": 1, "b": 2}' });
    assert.deepEqual(await sandbox.eval('undefined_var'), { err: "NameError: name 'undefined_var' is not defined" });
  });

  it("runs each exec and eval in a fresh sandbox, apart from the user's namespace", async () => {
    const sandbox = await api();
    assert.deepEqual(await sandbox.exec('api_only = 1'), { ok: '' });
    assert.deepEqual(await sandbox.eval('api_only'), { err: "NameError: name 'api_only' is not defined" });
    assert.match(await peek('api_only'), /NameError/, 'the user does not see what the API set');
    await openDocument('user_only = 2\n');
    await command(CommandIds.execFile);
    assert.deepEqual(await sandbox.eval('user_only'), { err: "NameError: name 'user_only' is not defined" });
  });

  it('a session keeps its namespace across calls, apart from other sessions and the user', async () => {
    const sandbox = await api();
    const mine = sandbox.createSession();
    const theirs = sandbox.createSession();
    try {
      assert.deepEqual(await mine.exec('counter = 41'), { ok: '' });
      assert.deepEqual(await mine.eval('counter + 1'), { ok: '42' });
      assert.deepEqual(await theirs.eval('counter'), { err: "NameError: name 'counter' is not defined" });
      assert.match(await peek('counter'), /NameError/);
    } finally {
      mine.dispose();
      theirs.dispose();
    }
    const afterDispose = await mine.eval('1');
    assert.ok('err' in afterDispose && afterDispose.err.startsWith('SandboxError: '), 'a disposed session refuses further calls');
  });
});
