/**
 * The sandbox as a locked-down child process. Messages travel as frames on a pipe of their own
 * (fd 3); the process's stdout is ignored and its stderr kept only as a short, labelled tail.
 */
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import type { Duplex } from 'node:stream';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeFrame, encodeRawFrameHeader } from '../framing';
import { sanitizeUntrusted } from '../untrusted-text';
import type { ProcessConfig } from '../process/config';
import type { Transport, TransportEvents } from './transport';
import { cpuTimeMs, watchMemory } from './memory-watch';
import { mountViewCommand, SETPRIV, type MountViewRequest } from './mount-view';
import { spawnWithoutInherited } from './inherited-descriptors';

/** How the sandbox process is started; `SandboxOptions.launch` may adjust it (tests do). */
export interface LaunchSpec {
  /** A command line that runs the process in OS-level isolation, ending in `--`; empty for none. */
  readonly wrapper: readonly string[];
  readonly execPath: string;
  readonly execArgv: readonly string[];
  /** The script the process runs; it gets the config as its one argument. */
  readonly script: string;
  readonly env: NodeJS.ProcessEnv;
}

/** Memory the process may use beyond Python's heap: Node, V8, compiled Pyodide and the relay. */
export const PROCESS_OVERHEAD_MB = 384;

/** The flag that turns on Node's permission model here: renamed in Node 23.5, absent in some builds. */
export function permissionFlag(): string | undefined {
  const flags = process.allowedNodeEnvironmentFlags;
  if (flags.has('--permission')) return '--permission';
  if (flags.has('--experimental-permission')) return '--experimental-permission';
  return undefined;
}

const UNSHARE = ['/usr/bin/unshare', '/bin/unshare'];

/**
 * On Linux, the command line that gives the sandbox process what Node's permission model does
 * not: a network namespace with no interface (no connections), a PID namespace (it cannot name,
 * let alone signal, any process outside), and a parent-death signal (it never outlives the
 * extension host); with `view`, also a mount namespace with a file system of its own, which
 * holds no host socket (see mount-view.ts). Unprivileged user namespaces make this work without
 * root where the distribution allows them; where it does not, the start fails and the client
 * goes without (see `launchRefusal`). Absolute paths: the process runs with an empty
 * environment, and PATH is not to be trusted.
 * @param options.keepNetwork leaves out the network namespace: for the package installer, which asks an index.
 * @param options.view what the process is shown of the host's files; without it, all of them.
 */
export function osIsolationWrapper(options: { readonly keepNetwork?: boolean; readonly view?: MountViewRequest } = {}): string[] {
  if (process.platform !== 'linux') return [];
  const setpriv = SETPRIV.find((file) => fs.existsSync(file));
  const unshare = UNSHARE.find((file) => fs.existsSync(file));
  if (!setpriv || !unshare) return [];
  const setup = options.view && mountViewCommand(options.view);
  const namespaces = [
    '--user',
    '--map-root-user',
    ...(options.keepNetwork ? [] : ['--net']),
    '--pid',
    ...(setup ? ['--mount'] : []),
    '--fork',
    '--kill-child',
  ];
  return [setpriv, '--pdeathsig', 'KILL', '--', unshare, ...namespaces, '--', ...(setup ?? [])];
}

/** How far the OS keeps a process started under `wrapper` from the host: not at all, in namespaces, or in namespaces and a file system of its own. */
export type OsIsolation = 'none' | 'namespaces' | 'own-file-system';

/** What `osIsolationWrapper` made `wrapper` do. */
export function osIsolationOf(wrapper: readonly string[]): OsIsolation {
  if (wrapper.length === 0) return 'none';
  return wrapper.includes('--mount') ? 'own-file-system' : 'namespaces';
}

/** Parts of the launch that some machines refuse: Node's permission flags, Linux namespaces, a file system of its own in them, `--expose-gc`. */
export type LaunchFeature = 'permission-flags' | 'os-isolation' | 'own-file-system' | 'expose-gc';

/** Which parts of the launch to use; a machine that refused one is not asked again. */
export interface LaunchFeatures {
  readonly permissionFlags: boolean;
  readonly osIsolation: boolean;
  /** With `osIsolation`: a mount namespace that shows the process only what it reads. */
  readonly ownFileSystem: boolean;
  /** `--expose-gc`, which only saves memory (IdleCollector), so a Node that rejects it goes without; the installer never asks for it. */
  readonly exposeGc: boolean;
}

/** Every part of the launch: what is asked for first. */
export const ALL_LAUNCH_FEATURES: LaunchFeatures = { permissionFlags: true, osIsolation: true, ownFileSystem: true, exposeGc: true };

/** The same features without one the machine refused; undefined when they go without it already. */
export function withoutFeature(features: LaunchFeatures, refused: LaunchFeature): LaunchFeatures | undefined {
  const field = (
    {
      'permission-flags': 'permissionFlags',
      'os-isolation': 'osIsolation',
      'own-file-system': 'ownFileSystem',
      'expose-gc': 'exposeGc',
    } as const
  )[refused];
  return features[field] ? { ...features, [field]: false } : undefined;
}

/** The OS-isolation wrapper for `features`, showing the process `view` where they include a file system of its own. */
export function launchWrapper(
  features: LaunchFeatures,
  view: MountViewRequest,
  options: { readonly keepNetwork?: boolean } = {},
): string[] {
  if (!features.osIsolation) return [];
  return osIsolationWrapper({ ...options, ...(features.ownFileSystem ? { view } : {}) });
}

/**
 * The locked-down command line: read only `distDir` (and `readDirs`), start workers, nothing else.
 * @param readDirs more folders the process may read: the package cache it loads packages from.
 */
export function defaultLaunchSpec(
  distDir: string,
  features: LaunchFeatures = ALL_LAUNCH_FEATURES,
  readDirs: readonly string[] = [],
): LaunchSpec {
  const permission = features.permissionFlags ? permissionFlag() : undefined;
  const readable = [distDir, ...readDirs].map((dir) => `--allow-fs-read=${path.resolve(dir)}${path.sep}`);
  return {
    wrapper: launchWrapper(features, { readable: [distDir, ...readDirs], execPath: process.execPath }),
    execPath: process.execPath,
    execArgv: [
      ...(permission ? [permission, ...readable, '--allow-worker'] : []),
      '--disallow-code-generation-from-strings',
      '--no-warnings',
      // The relay's own heap: it holds messages in flight, never Python's data.
      '--max-old-space-size=256',
      // V8 optimises hot wasm functions early by default; on a fresh runtime that compiles much
      // of CPython at once and blocks the worker for ~100-200 ms after it loads. A ~33x budget
      // defers that past start-up and still optimises long runs (npm run bench: first result
      // 517 -> 464 ms, idle RSS 227 -> 213 MB, CPU-bound ratio vs python3 unchanged at 2.5).
      '--wasm-tiering-budget=60000000',
      // For the relay and the worker to collect once idle (IdleCollector): V8 frees a buffer's
      // bytes only when it collects the object that held them, which an idle thread never does.
      ...(features.exposeGc ? ['--expose-gc'] : []),
    ],
    script: path.join(distDir, 'sandbox-process.js'),
    // The process deletes both variables before it measures its environment.
    env: {
      // Electron's binary only behaves as Node with this one.
      ...(process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {}),
      // glibc's own starting threshold, fixed: by default, freeing a large mapped block (the
      // snapshot's 30 MB, once Python holds it) raises the threshold to that size, and later
      // blocks up to it are carved from heaps that are never given back. 10 MB less per idle
      // runtime (npm run bench -- --memory), no slower to start or run (docs/benchmarks.md).
      ...(process.platform === 'linux' ? { GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=131072' } : {}),
    },
  };
}

/** Stderr kept for reports, and the most read before the pipe is closed: a real child writes little there. */
const STDERR_TAIL_CHARS = 4096;
const STDERR_MAX_BYTES = 64 * 1024;

/**
 * Keeps the tail of what an untrusted child writes to stderr, for its exit report (still to be
 * sanitized). Past a bound it stops listening: a flood costs the extension host CPU for nothing.
 * @returns the tail so far.
 */
export function keepStderrTail(child: ChildProcess): () => string {
  let tail = '';
  let bytes = 0;
  child.stderr?.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    tail = (tail + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
    if (bytes > STDERR_MAX_BYTES) child.stderr?.destroy();
  });
  child.stderr?.on('error', () => undefined);
  return () => tail;
}

/** Host paths that sandbox text must not show, and what to show instead. */
export function hostPaths(distDir: string): ReadonlyArray<readonly [string, string]> {
  return [
    [path.resolve(distDir), '<extension>'],
    [os.homedir(), '~'],
  ];
}

/** The part of the launch a command-line option belongs to; none for the options no sandbox may go without. */
function featureOf(option: string): LaunchFeature | undefined {
  if (/^--(experimental-)?permission$|^--allow-/.test(option)) return 'permission-flags';
  if (option === '--expose-gc') return 'expose-gc';
  return undefined;
}

/**
 * What refused a launch, judging by how a process ended. Only ask it of a process that has run
 * nothing untrusted: afterwards its exit code and stderr may be an attacker's words. Node names
 * the one option it rejects: only that option's part is gone without, so that a Node that rejects
 * `--expose-gc` keeps the permission flags.
 * @param wrapper what it was started under (`osIsolationWrapper`'s command line, or none).
 * @param signal the signal that ended it, if one did.
 */
export function launchRefusal(
  wrapper: readonly string[],
  code: number | null,
  signal: NodeJS.Signals | null,
  stderr: string,
): LaunchFeature | undefined {
  // Node exits with 9 when it rejects a command-line option.
  const rejected = code === 9 ? /bad option: (--[^\s=]+)/.exec(stderr) : null;
  if (rejected) return featureOf(rejected[1]);
  const isolation = osIsolationOf(wrapper);
  // Whatever stops a process from starting in its own file system ends it before it speaks: a
  // mount the OS refuses, a library or data file of Node's (or Electron's) outside the view, a
  // refused namespace. SIGKILL is not that: the client's own (its memory watch, a stop) or the
  // OOM killer's. Asked first, the wrapper without the view tells the rest.
  if (isolation === 'own-file-system' && code !== 0 && signal !== 'SIGKILL') return 'own-file-system';
  if (isolation === 'namespaces' && /^(unshare|setpriv): /m.test(stderr)) return 'os-isolation';
  return undefined;
}

/**
 * Which part of a launch this machine refuses, asked of a process that runs nothing: the same
 * command line with an empty script. A process that ended before it spoke may have failed for a
 * reason of its own (a crash, a script it could not read); only a process that runs nothing can
 * tell that apart from a refusal, and it cannot have been made to fake one.
 */
export function probeRefusal(launch: Omit<LaunchSpec, 'script'>): Promise<LaunchFeature | undefined> {
  return new Promise((resolve) => {
    const [command, ...args] = [...launch.wrapper, launch.execPath, ...launch.execArgv, '-e', ''];
    const probe = spawnWithoutInherited(command, args, { env: launch.env, stdio: ['ignore', 'ignore', 'pipe'], windowsHide: true });
    const stderr = keepStderrTail(probe);
    probe.on('error', () => resolve(undefined));
    probe.on('close', (code, signal) => resolve(launchRefusal(launch.wrapper, code, signal, stderr())));
  });
}

/**
 * SIGKILL for a child whose process started. A child whose spawn failed has no pid, and until
 * Node closes its handle on the next tick, `kill` sends the signal to whatever number libuv left
 * in the pid it never set: seen here as a stray number, and where that is 0, to this process's
 * own group (the CLI and whatever started it, a test runner among them).
 */
export function killStarted(child: ChildProcess): void {
  if (child.pid !== undefined) child.kill('SIGKILL');
}

/** The one child of `pid` (Node, under the wrapper's fork), once it exists. */
export function onlyChild(pid: number): number | undefined {
  try {
    const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return children ? Number(children.split(' ')[0]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts the sandbox process, watches its memory, and reports its frames and its end.
 * @param refused parts of the launch this machine refused so far: a new refusal is added, and
 *   the exit asks the client to start again (without it, since the next spec leaves it out).
 */
export function startProcess(
  spec: LaunchSpec,
  config: ProcessConfig,
  memoryLimitMb: number,
  events: TransportEvents,
  refused: Set<LaunchFeature>,
): Transport {
  const [command, ...args] = [...spec.wrapper, spec.execPath, ...spec.execArgv, spec.script, JSON.stringify(config)];
  const isolation = osIsolationOf(spec.wrapper);
  let child: ChildProcess;
  try {
    child = spawnWithoutInherited(command, args, { env: spec.env, stdio: ['ignore', 'ignore', 'pipe', 'pipe'], windowsHide: true });
  } catch (error) {
    // As a process that could not start: the run fails, saying so, and the next start tries again.
    const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : 'error');
    queueMicrotask(() => events.exit({ description: `the sandbox process could not start (${reason})` }));
    return { send: () => undefined, kill: () => undefined };
  }
  const channel = child.stdio[3] as Duplex;
  let killedFor: number | undefined;
  let ended = false;
  /** Whether the process has sent anything: from then on it may have run untrusted code. */
  let heard = false;

  const stderr = keepStderrTail(child);
  channel.on('data', (chunk: Buffer) => {
    heard = true;
    if (!ended) events.data(chunk);
  });
  channel.on('error', () => undefined);
  const limitMb = memoryLimitMb + PROCESS_OVERHEAD_MB;
  /** The Node process itself: under the wrapper, its one child. */
  const nodePid = (): number | undefined => (spec.wrapper.length && child.pid ? onlyChild(child.pid) : child.pid);
  const stopWatching = child.pid
    ? watchMemory(nodePid, limitMb * 2 ** 20, () => {
        killedFor = limitMb;
        // Under the wrapper, killing it kills Node too (--kill-child).
        killStarted(child);
      })
    : () => undefined;

  const finish = (description: string, feature?: LaunchFeature): void => {
    if (ended) return;
    ended = true;
    stopWatching();
    channel.destroy();
    const text = sanitizeUntrusted(stderr(), hostPaths(config.distDir));
    const retry = feature !== undefined && !refused.has(feature);
    if (feature) refused.add(feature);
    events.exit({
      description,
      ...(retry ? { retry } : {}),
      ...(killedFor ? { memoryLimitMb: killedFor } : {}),
      ...(text ? { stderr: text } : {}),
    });
  };
  child.on('error', (error: NodeJS.ErrnoException) => finish(`the sandbox process could not start (${error.code ?? 'error'})`));
  // 'close' rather than 'exit': stderr has been read to its end by then. Only a process that
  // never spoke can have been refused a flag: later, its stderr and exit code may be Python's
  // words, and believing them would start every later sandbox with less isolation.
  child.on('close', (code, signal) => {
    const description = signal ? `the sandbox process was killed by ${signal}` : `the sandbox process exited with code ${code}`;
    const refusal = heard ? undefined : launchRefusal(spec.wrapper, code, signal, stderr());
    // Any early exit under a file system of its own looks like its refusal: giving it up for
    // good after one crash would be a silent loss, so a process that runs nothing confirms it.
    if (refusal !== 'own-file-system') return finish(description, refusal);
    void probeRefusal(spec).then((confirmed) => finish(description, confirmed === refusal ? refusal : undefined));
  });
  return {
    pid: child.pid,
    osIsolated: isolation !== 'none',
    ownFileSystem: isolation === 'own-file-system',
    cpuTimeMs: () => cpuTimeMs(nodePid()),
    send: (message) => {
      if (ended) return;
      // The files' bytes go ahead of the run, as raw frames: nothing of them is copied into JSON.
      if (message.type === 'run' && message.files?.length) {
        for (const bytes of message.files) {
          channel.write(encodeRawFrameHeader(bytes.length));
          channel.write(bytes);
        }
        channel.write(encodeFrame({ ...message, files: undefined }));
        return;
      }
      channel.write(encodeFrame(message));
    },
    kill: () => killStarted(child),
  };
}
