import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { HostConfig } from './host/main';
import { WorkerLink } from './host/worker-link';
import type { ClientMessage, HostMessage } from './protocol';

/** How strongly the runtime is kept from the host, strongest first. */
export type IsolationLevel = 'process' | 'process-no-fs-permissions' | 'worker';

/** The two ways of hosting the worker: inside a locked-down process, or in this process. */
export type IsolationMode = 'process' | 'worker';

/** A running sandbox as the client sees it: a message pipe that can be torn down. */
export interface Transport {
  /** The sandbox process's id; undefined when the worker runs in this process. */
  readonly pid?: number;
  send(message: ClientMessage): void;
  /** Ends the sandbox at once (SIGKILL for a process). */
  kill(): void;
}

/** Callbacks a transport reports to. */
export interface TransportEvents {
  message(message: HostMessage): void;
  /** The sandbox is gone; `detail` is what it said on the way out. */
  exit(detail: string): void;
}

/** How the sandbox process is started; `SandboxOptions.launch` may adjust it. */
export interface LaunchSpec {
  readonly execPath: string;
  readonly execArgv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
}

/** The flag that turns on Node's permission model here: renamed in Node 23.5, absent in some builds. */
function permissionFlag(): string | undefined {
  const flags = process.allowedNodeEnvironmentFlags;
  if (flags.has('--permission')) return '--permission';
  if (flags.has('--experimental-permission')) return '--experimental-permission';
  return undefined;
}

/**
 * The locked-down command line: read only `distDir`, start workers, nothing else.
 * @param permissions false leaves out the permission model, for a Node that rejects its flags.
 */
export function defaultLaunchSpec(distDir: string, permissions = true): LaunchSpec {
  const permission = permissions ? permissionFlag() : undefined;
  return {
    execPath: process.execPath,
    execArgv: [
      ...(permission ? [permission, `--allow-fs-read=${path.resolve(distDir)}${path.sep}`, '--allow-worker'] : []),
      '--disallow-code-generation-from-strings',
      '--no-warnings',
      // V8 optimises hot wasm functions early by default; on a fresh runtime that compiles much
      // of CPython at once and blocks the worker for ~100-200 ms after it loads. A ~33x budget
      // defers that past start-up and still optimises long runs (npm run bench: first result
      // 517 -> 464 ms, idle RSS 227 -> 213 MB, CPU-bound ratio vs python3 unchanged at 2.5).
      '--wasm-tiering-budget=60000000',
    ],
    // Electron's binary only behaves as Node with this one variable; the process deletes it.
    env: process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {},
  };
}

const STDERR_TAIL_BYTES = 4096;

/** Forks the sandbox process (`dist/sandbox-host.js`). */
export function startProcess(spec: LaunchSpec, config: HostConfig, events: TransportEvents): Transport {
  const child: ChildProcess = fork(path.join(config.distDir, 'sandbox-host.js'), [JSON.stringify(config)], {
    execPath: spec.execPath,
    execArgv: [...spec.execArgv],
    env: spec.env,
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr = (stderr + text).slice(-STDERR_TAIL_BYTES);
  });
  child.on('message', (message: HostMessage) => events.message(message));
  child.on('error', (error) => events.exit(error.message));
  child.on('exit', (code, signal) => {
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    events.exit(`the sandbox process ${how}${stderr.trim() ? `: ${stderr.trim()}` : ''}`);
  });
  return {
    pid: child.pid,
    send: (message) => {
      if (child.connected) child.send(message);
    },
    kill: () => {
      child.kill('SIGKILL');
    },
  };
}

/** Runs the worker in this process: the lightest mode, and the weakest isolation. */
export function startInProcess(config: HostConfig, events: TransportEvents): Transport {
  const none = {
    permissionModel: false,
    hostFilesDenied: false,
    childProcessDenied: false,
    codeGenerationBlocked: false,
    environmentEmpty: false,
  };
  const link = new WorkerLink(
    { ...config, restrictions: none },
    (message) => events.message(message),
    (reason) => events.exit(reason),
  );
  return {
    send: (message) => link.handle(message),
    kill: () => void link.terminate(),
  };
}
