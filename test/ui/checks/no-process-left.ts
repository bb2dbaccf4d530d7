import { execFileSync } from 'node:child_process';
import type { UiCheck } from '../check';
import type { Workbench } from '../workbench';

/**
 * Pids of sandbox processes (`sandbox-process.js`) started below this launcher, i.e. by the
 * extension host of the server this check runs; other test runs on the machine are not counted.
 */
export function sandboxPids(): number[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3] }));
  const parent = new Map(rows.map((r) => [r.pid, r.ppid]));
  const below = (pid: number): boolean => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (p === process.pid) return true;
    return false;
  };
  return rows.filter((r) => r.args.includes('sandbox-process.js') && below(r.pid)).map((r) => r.pid);
}

async function waitForPids(wb: Workbench, what: string, done: (pids: number[]) => boolean): Promise<number[]> {
  const deadline = Date.now() + 30_000;
  for (let pids = sandboxPids(); ; pids = sandboxPids()) {
    if (done(pids)) return pids;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; sandbox processes: ${pids.join(', ') || 'none'}`);
    await wb.page.waitForTimeout(200);
  }
}

/**
 * Deactivation leaves no process behind: with a run going, "Developer: Reload Window" closes the
 * window, which deactivates the extension and ends its extension host; the sandbox process must
 * end with them. The reloaded window's extension then starts a new one for the Python editor it
 * shows, as `prewarm: onPythonEditor` asks (by default a runtime waits for the first run).
 */
export const noProcessLeftAfterDeactivation: UiCheck = {
  name: 'no-process-left-after-deactivation',
  settings: { 'pythonSandbox.prewarm': 'onPythonEditor' },
  async run(wb) {
    await wb.openFile('spin.py');
    await wb.runCommand('Sandbox: Exec File');
    await wb.page.locator('.statusbar-item', { hasText: 'Python Sandbox' }).locator('.codicon-loading').waitFor({ timeout: 60_000 });
    const before = await waitForPids(wb, 'the sandbox process', (pids) => pids.length > 0);
    await wb.runCommand('Developer: Reload Window');
    await wb.waitReady();
    await waitForPids(wb, `the old sandbox processes ${before.join(', ')} to end`, (pids) => !pids.some((pid) => before.includes(pid)));
    const after = await waitForPids(wb, 'a new sandbox process', (pids) => pids.length > 0);
    console.log(`    sandbox processes: ${before.join(', ')} before the reload, ${after.join(', ')} after`);
  },
};
