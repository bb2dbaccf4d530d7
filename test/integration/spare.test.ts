/**
 * Spare sandboxes as the extension keeps them: started after a party's activity, taken by a
 * Restart and by the next one-off API call. Which processes exist is read from Linux's /proc
 * (the extension host's children); elsewhere these tests are skipped. Node only: the web worker
 * extension host starts no processes.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { api, closeAllEditors, command, CommandIds, peek, processExists, runThenPeek, runtimeInfo, waitFor } from './helpers';

const TASKS = `/proc/${process.pid}/task`;

/** Past the 2 s a spare waits after its party's last activity: its process has been started. */
const SPARE_STARTED_MS = 3000;

/** Whether a process runs the sandbox (under its wrapper, or not). */
function isSandbox(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('sandbox-process.js');
  } catch {
    return false;
  }
}

/** The sandbox processes the extension host started that are still running. */
function sandboxProcesses(): number[] {
  const pids = fs.readdirSync(TASKS).flatMap((task) => fs.readFileSync(`${TASKS}/${task}/children`, 'utf8').trim().split(' '));
  return pids
    .filter(Boolean)
    .map(Number)
    .filter((pid) => processExists(pid) && isSandbox(pid));
}

/** Waits for a sandbox process the extension host starts after `before` was listed (a spare), and returns its id. */
async function newSandboxProcess(before: readonly number[]): Promise<number> {
  let found: number | undefined;
  await waitFor(
    () => (found = sandboxProcesses().find((pid) => !before.includes(pid))) !== undefined,
    `a spare sandbox (before: ${before.join(', ')})`,
    60_000,
  );
  return found!;
}

describe('spare sandboxes', function () {
  this.timeout(120_000);
  before(function () {
    if (!fs.existsSync(TASKS)) this.skip();
  });
  afterEach(closeAllEditors);

  it('Restart takes the spare started after the last run: a process that was running before, with an empty namespace', async () => {
    assert.equal(await runThenPeek('spare_marker = 1', 'spare_marker'), '1');
    const old = (await runtimeInfo()).pid!;
    // The spare is started 2 s after the party's last run.
    await new Promise((resolve) => setTimeout(resolve, SPARE_STARTED_MS));
    const before = sandboxProcesses();
    await command(CommandIds.restart);
    const now = (await runtimeInfo()).pid!;
    assert.notEqual(now, old);
    assert.ok(before.includes(now), `the restarted runtime ${now} was not running before the Restart (${before.join(', ')})`);
    assert.match(await peek('spare_marker'), /NameError/);
    await waitFor(() => !processExists(old), `the old sandbox process ${old} to be gone`);
  });

  it('a one-off API call after another runs in the spare started meanwhile, which ends with it', async () => {
    const sandbox = await api();
    assert.deepEqual(await sandbox.exec('left_behind = 1'), { ok: '' });
    const spare = await newSandboxProcess(sandboxProcesses());
    assert.deepEqual(await sandbox.eval('left_behind'), { err: "NameError: name 'left_behind' is not defined" });
    // A call that had not taken the spare would leave it running for minutes.
    await waitFor(() => !processExists(spare), `the spare ${spare} to end with the call that took it`);
  });
});
