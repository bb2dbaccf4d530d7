/** How the client reaches a sandbox, whatever hosts it. No `vscode` and no Node import. */
import type { BootMode, ClientMessage, PackageFile, Restrictions } from '../protocol';

/** How strongly the runtime is kept from the host, strongest first. */
export type IsolationLevel = 'process' | 'process-no-fs-permissions' | 'browser-worker' | 'worker';

/** The ways of hosting the runtime in Node: inside a locked-down process, or in this process. */
export type IsolationMode = 'process' | 'worker';

/** A running sandbox as the client sees it: bytes in, bytes out, and a way to end it. */
export interface Transport {
  /** The sandbox process's id; undefined when the sandbox is not a process of its own. */
  readonly pid?: number;
  /** The process also runs in Linux namespaces: no network, no other processes in sight, none outliving us. */
  readonly osIsolated?: boolean;
  /**
   * Why an `interrupt` message cannot stop running code in place, when it cannot (a browser
   * worker without shared memory): the client then ends the sandbox instead. Undefined: it can.
   */
  readonly cannotInterrupt?: string;
  /**
   * The CPU time the sandbox has used so far, in ms, where it can be read from outside (a process
   * of its own); undefined when it cannot. It tells code that ignores an interrupt (it runs) from a
   * sandbox the machine is too busy to run.
   */
  cpuTimeMs?(): Promise<number | undefined>;
  send(message: ClientMessage): void;
  /** Ends the sandbox at once (SIGKILL for a process, `terminate()` for a worker). */
  kill(): void;
}

/** How the sandbox ended, in the client's own words plus what the sandbox wrote on the way out. */
export interface SandboxExit {
  /** E.g. "the sandbox process exited with code 1". Never contains text from the sandbox. */
  readonly description: string;
  /** Set when the process was killed for going past its memory cap: the cap in MiB. */
  readonly memoryLimitMb?: number;
  /**
   * Something refused the start before any of our code ran (Node refused the permission flags,
   * the OS the namespaces), and the factory will start the next sandbox without it: the client
   * starts again at once. A factory sets it once per thing refused, so retries end.
   */
  readonly retry?: boolean;
  /** The end of what the sandbox wrote to stderr: its own words, capped, untrusted, sanitized. */
  readonly stderr?: string;
}

/** What a transport reports to its client. */
export interface TransportEvents {
  /** Bytes from the sandbox: frames, untrusted until decoded and validated. */
  data(bytes: Uint8Array): void;
  /** The sandbox is gone. Called once. */
  exit(exit: SandboxExit): void;
}

/** What every sandbox is started with, whatever hosts it. */
export interface SandboxStart {
  /** Cap on Python's WebAssembly memory; a process gets a fixed allowance more. */
  readonly memoryLimitMb: number;
  readonly boot: BootMode;
  /** Whether a client answers input(); without one input() raises EOFError at once. */
  readonly inputEnabled: boolean;
}

/** How a platform's sandbox judged the restrictions it reported: its isolation level, or why it must not run code. */
export type Assessment = { readonly level: IsolationLevel } | { readonly refusal: string };

/**
 * One platform's way of starting sandboxes for a client: a locked-down process or a thread in
 * Node, a dedicated Worker in a browser. The client owns everything else (queue, frames,
 * validation, timeouts, restarts) and is the same on every platform.
 */
export interface TransportFactory {
  /** Starts a sandbox; its bytes and its end go to `events`. */
  start(start: SandboxStart, events: TransportEvents): Transport;
  /** What the restrictions a sandbox reported when it became ready mean on this platform. */
  assess(restrictions: Restrictions): Assessment;
  /** Sandbox text made fit to show beside the client's words (host paths replaced, control characters gone). */
  sanitize(text: string): string;
  /** Whether this platform's sandbox can read a package file from where the package cache put it. */
  canRead(file: PackageFile): boolean;
}
