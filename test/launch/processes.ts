import * as fs from 'node:fs';
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/**
 * Everything a launcher starts is tracked here so that it ends with the launcher: on normal
 * exit, on an uncaught error and on SIGINT/SIGTERM/SIGHUP. Children are started detached
 * (their own process group) so that killing the group also ends their grandchildren
 * (the extension host, Chromium's renderers, xvfb).
 */
const live = new Set<ChildProcess>();
type Cleanup = () => Promise<void> | void;
/** Closers run while processes still live (e.g. a browser closing cleanly); removers after they ended. */
const closers: Cleanup[] = [];
const removers: Cleanup[] = [];
let hooksInstalled = false;

/** Signals the child's whole group; the group may outlive its leader (e.g. an orphaned extension host). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // group already gone
  }
}

function groupAlive(child: ChildProcess): boolean {
  if (child.pid === undefined) return false;
  try {
    process.kill(-child.pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Pids of all processes below this one, from /proc (Linux). Catches children that libraries
 * start without handing them to us, such as the VS Code started by @vscode/test-electron.
 */
function descendants(): number[] {
  if (!fs.existsSync('/proc/self/stat')) return [];
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/PID/stat is the parent pid; the name in parentheses may hold spaces.
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // process ended while we looked
    }
  }
  const found: number[] = [];
  const queue = [process.pid];
  while (queue.length) {
    for (const pid of children.get(queue.shift()!) ?? []) {
      found.push(pid);
      queue.push(pid);
    }
  }
  return found;
}

/** Synchronously SIGKILLs every tracked process group and every descendant; safe in an 'exit' handler. */
export function killAllNow(): void {
  for (const child of live) killGroup(child, 'SIGKILL');
  live.clear();
  for (const pid of descendants()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/**
 * Registers a cleanup run by {@link shutdown}: phase 'close' before the tracked processes are
 * killed (closing a browser), 'remove' after (deleting folders those processes were writing to).
 */
export function onShutdown(fn: Cleanup, phase: 'close' | 'remove' = 'close'): void {
  installHooks();
  (phase === 'close' ? closers : removers).push(fn);
}

async function drain(list: Cleanup[]): Promise<void> {
  while (list.length) {
    try {
      await list.pop()!();
    } catch (err) {
      console.error('cleanup failed:', err);
    }
  }
}

/** Closes what registered, ends all tracked process groups (TERM, then KILL), then removes folders. */
export async function shutdown(): Promise<void> {
  await drain(closers);
  for (const child of live) killGroup(child, 'SIGTERM');
  const deadline = Date.now() + 3000;
  while ([...live].some(groupAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  killAllNow();
  await drain(removers);
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllNow);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      console.error(`\nreceived ${sig}, stopping everything that was started`);
      void shutdown().finally(() => process.exit(130));
    });
  }
}

/** Starts a tracked child in its own process group. */
export function startTracked(cmd: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  installHooks();
  const child = spawn(cmd, args, { stdio: 'inherit', ...options, detached: true });
  // Stays tracked after the leader exits: its group is still signalled at shutdown.
  live.add(child);
  return child;
}

/** Ends one tracked child's process group now (TERM, then KILL after 3 s) and waits for the leader. */
export async function stopTracked(child: ChildProcess): Promise<void> {
  killGroup(child, 'SIGTERM');
  const deadline = Date.now() + 3000;
  while (groupAlive(child) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  killGroup(child, 'SIGKILL');
  live.delete(child);
}

/** Resolves with the exit code of a tracked child (signals map to 1). */
export function waitForExit(child: ChildProcess): Promise<number> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

/** Runs a command to completion with inherited output; rejects on non-zero exit. */
export async function run(cmd: string, args: string[], options: SpawnOptions = {}): Promise<void> {
  const code = await waitForExit(startTracked(cmd, args, options));
  if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${code}`);
}

/** Runs a launcher's main function and exits with its code, always cleaning up first. */
export function main(fn: () => Promise<number>): void {
  installHooks();
  fn()
    .catch((err: unknown) => {
      // Expected failures (nothing to run on, missing packages) read best as one line.
      const verbose = Boolean(process.env.SANDBOX_TEST_VERBOSE);
      console.error(err instanceof Error ? (verbose ? (err.stack ?? err.message) : `error: ${err.message}`) : err);
      return 1;
    })
    .then(
      async (code) => {
        await shutdown();
        process.exit(code);
      },
      () => process.exit(1),
    );
}
