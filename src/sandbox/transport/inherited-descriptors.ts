/**
 * Descriptors that a child would inherit without being given them. Node opens its own
 * close-on-exec, but a descriptor that this process itself inherited without the flag (a pipe of
 * the shell or launcher that started VS Code or the CLI) stays open across `spawn`, `setpriv`,
 * `unshare` and the mount set-up, into a process that must be assumed compromised. None of those
 * tools closes descriptors, and dash cannot name one above 9; so the child is given /dev/null at
 * each such number instead, through spawn's own `stdio`, before any program of its runs.
 */
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';

/** The flag in /proc/PID/fdinfo's `flags:` field (octal) that closes a descriptor on exec. */
const O_CLOEXEC = 0o2000000;

/**
 * The numbers of this process's descriptors that a child inherits, from /proc/self (Linux);
 * none where there is no /proc, which is also where there are no namespaces to hold a child in.
 */
export function inheritedDescriptors(): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc/self/fd');
  } catch {
    return [];
  }
  return entries
    .map(Number)
    .filter((fd) => {
      try {
        const flags = /^flags:\s*([0-7]+)$/m.exec(fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
        return flags !== null && (parseInt(flags[1], 8) & O_CLOEXEC) === 0;
      } catch {
        // closed since the listing (the listing's own descriptor among them)
        return false;
      }
    })
    .sort((a, b) => a - b);
}

/**
 * `spawn` with `stdio` as given (an array: the child's first descriptors), and /dev/null in place
 * of every other descriptor the child would inherit from this process. Throws where the child
 * cannot be started so: near the descriptor limit, libuv has no room to move the /dev/null copies
 * (`spawn` throws, or returns a child without its pipes, whose error would go unheard).
 */
export function spawnWithoutInherited(
  command: string,
  args: readonly string[],
  options: SpawnOptions & { readonly stdio: ReadonlyArray<'ignore' | 'pipe'> },
): ChildProcess {
  const leaked = inheritedDescriptors().filter((fd) => fd >= options.stdio.length);
  if (leaked.length === 0) return spawn(command, args, { ...options, stdio: [...options.stdio] });
  const devNull = fs.openSync('/dev/null', 'r+');
  try {
    const stdio: Array<'ignore' | 'pipe' | number> = [...options.stdio];
    for (let fd = stdio.length; fd <= leaked[leaked.length - 1]; fd++) stdio.push(leaked.includes(fd) ? devNull : 'ignore');
    // spawn returns once the child has exec'd (or failed to): its copy is made by then.
    const child = spawn(command, args, { ...options, stdio });
    // A child that did not start has no pipes (its stdio is not even an array) and reports EMFILE later, to no one.
    // Nor does it have a process: there is nothing to kill (see killStarted).
    if (options.stdio.every((kind, fd) => kind !== 'pipe' || child.stdio?.[fd])) return child;
    child.on('error', () => undefined);
    throw Object.assign(new Error('no descriptor was left for its pipes'), { code: 'EMFILE' });
  } finally {
    fs.closeSync(devNull);
  }
}
