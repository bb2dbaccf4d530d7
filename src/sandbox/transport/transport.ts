/** How the client reaches a sandbox, whatever hosts it. No `vscode` and no Node import. */
import type { ClientMessage } from '../protocol';

/** How strongly the runtime is kept from the host, strongest first. */
export type IsolationLevel = 'process' | 'process-no-fs-permissions' | 'worker';

/** The ways of hosting the runtime: inside a locked-down process, or in this process. */
export type IsolationMode = 'process' | 'worker';

/** A running sandbox as the client sees it: bytes in, bytes out, and a way to end it. */
export interface Transport {
  /** The sandbox process's id; undefined when the worker runs in this process. */
  readonly pid?: number;
  send(message: ClientMessage): void;
  /** Ends the sandbox at once (SIGKILL for a process). */
  kill(): void;
}

/** Parts of the launch that some machines refuse: Node's permission flags, Linux namespaces. */
export type LaunchFeature = 'permission-flags' | 'os-isolation';

/** How a sandbox ended, in the client's own words plus what the sandbox wrote on the way out. */
export interface SandboxExit {
  /** E.g. "the sandbox process exited with code 1". Never contains text from the sandbox. */
  readonly description: string;
  /** Set when the process was killed for going past its memory cap: the cap in MiB. */
  readonly memoryLimitMb?: number;
  /**
   * What refused to start the process before it ran any of our code: Node refused the
   * permission flags, or the OS refused the namespaces. The client retries without it.
   */
  readonly refused?: LaunchFeature;
  /** The end of what the sandbox wrote to stderr: its own words, capped and untrusted. */
  readonly stderr?: string;
}

/** What a transport reports to its client. */
export interface TransportEvents {
  /** Bytes from the sandbox: frames, untrusted until decoded and validated. */
  data(bytes: Uint8Array): void;
  /** The sandbox is gone. Called once. */
  exit(exit: SandboxExit): void;
}
