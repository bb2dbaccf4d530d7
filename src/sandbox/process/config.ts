import type { BootMode } from '../protocol';

/** Start-up settings of the sandbox process, passed as its one argument (JSON). */
export interface ProcessConfig {
  /** Folder of the bundles and Pyodide's files: the only one the process may read. */
  readonly distDir: string;
  readonly memoryLimitBytes: number;
  readonly boot: BootMode;
  /** Whether a client answers input(); without one input() raises EOFError at once. */
  readonly inputEnabled: boolean;
}
