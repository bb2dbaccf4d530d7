import * as assert from 'node:assert/strict';
import {
  closeAllEditors,
  command,
  CommandIds,
  openDocument,
  peek,
  runtimeInfo,
  sandboxDiagnostics,
  waitFor,
  waitUntilRunning,
} from './helpers';

/** Whether a process with this id exists (signal 0 checks without signalling). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts Exec File on a new document and resolves once the runtime is running it, without
 * waiting for the end (`done`). Wrapped in an object: an async function returning the thenable
 * itself would wait for it.
 */
async function startRun(code: string): Promise<{ done: Thenable<void> }> {
  await openDocument(code);
  const done = command(CommandIds.execFile);
  await waitUntilRunning();
  return { done };
}

describe('runtime control', () => {
  afterEach(closeAllEditors);

  it('runs the sandbox in a child process of the extension host', async () => {
    await openDocument('pass\n');
    await command(CommandIds.execFile);
    const info = await runtimeInfo();
    assert.equal(info.isolation, 'process');
    assert.ok(info.pid && info.pid !== process.pid && processExists(info.pid), `a live sandbox process, got ${info.pid}`);
  });

  it('Interrupt stops a busy loop, and the next run works', async () => {
    const run = await startRun('interrupt_reached = True\nwhile True:\n    pass\n');
    await command(CommandIds.interrupt);
    await run.done;
    // KeyboardInterrupt is the user's doing, not a fault to mark in the code.
    assert.equal(await peek('interrupt_reached'), 'True');
  });

  it('Restart in the middle of a run ends it, kills the old process and empties the namespace', async () => {
    const run = await startRun('restart_marker = 1\nwhile True:\n    pass\n');
    const oldPid = (await runtimeInfo()).pid!;
    await command(CommandIds.restart);
    await run.done;
    await waitFor(() => !processExists(oldPid), `the old sandbox process ${oldPid} to be gone`);
    assert.match(await peek('restart_marker'), /NameError/);
    const newPid = (await runtimeInfo()).pid;
    assert.ok(newPid && newPid !== oldPid && processExists(newPid), 'a new sandbox process runs');
  });

  it('queues a run started while another is busy, and runs it afterwards', async () => {
    const busy = await startRun('while True:\n    pass\n');
    const queuedEditor = await openDocument('queued_value = 5\n');
    const queued = command(CommandIds.execFile);
    await waitFor(async () => (await runtimeInfo()).queued > 0, 'the second run to be queued');
    await command(CommandIds.interrupt);
    await busy.done;
    await queued;
    assert.equal(await peek('queued_value'), '5');
    assert.deepEqual(sandboxDiagnostics(queuedEditor.document.uri), []);
    assert.equal((await runtimeInfo()).queued, 0);
  });

  it('stays responsive while a run prints 10^6 lines', async function () {
    this.timeout(180_000);
    const flood = await startRun('for i in range(10**6):\n    print(i)\nflood_done = i\n');
    // Commands keep answering while the output streams; the times are logged, not asserted.
    const started = Date.now();
    const info = await runtimeInfo();
    console.log(`      runtimeInfo answered in ${Date.now() - started} ms during the flood (state ${info.state})`);
    assert.equal(await peek('1 + 1'), '2', 'a queued run completes after the flood');
    await flood.done;
    assert.equal(await peek('flood_done'), '999999');
    console.log(`      flood and the run behind it took ${Date.now() - started} ms`);
  });
});
