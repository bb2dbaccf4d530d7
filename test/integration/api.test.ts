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

  it("keeps its namespace apart from the user's", async () => {
    const sandbox = await api();
    assert.deepEqual(await sandbox.exec('api_only = 1'), { ok: '' });
    assert.match(await peek('api_only'), /NameError/, 'the user does not see what the API set');
    await openDocument('user_only = 2\n');
    await command(CommandIds.execFile);
    assert.deepEqual(await sandbox.eval('user_only'), { err: "NameError: name 'user_only' is not defined" });
    assert.deepEqual(await sandbox.eval('api_only'), { ok: '1' });
  });
});
