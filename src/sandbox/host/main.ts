/**
 * The sandbox process: started by the client with Node's permission model, no environment and
 * code generation from strings disabled. It probes those restrictions, starts the Pyodide
 * worker and relays messages. It exits when the client goes away.
 */
import type { BootMode, HostMessage } from '../protocol';
import { probeRestrictions } from './restrictions';
import { WorkerLink } from './worker-link';

/** Start-up settings, passed as the process's one argument (JSON). */
export interface HostConfig {
  readonly distDir: string;
  readonly memoryLimitBytes: number;
  readonly boot: BootMode;
  /** Whether a client answers input(); without one input() raises EOFError at once. */
  readonly inputEnabled: boolean;
}

function send(message: HostMessage): void {
  process.send?.(message);
}

function main(): void {
  const config = JSON.parse(process.argv[2] ?? '{}') as HostConfig;
  // Electron needs this variable to run as Node; it is ours, not the host's, so drop it before
  // measuring the environment.
  delete process.env.ELECTRON_RUN_AS_NODE;
  const link = new WorkerLink({ ...config, restrictions: probeRestrictions(config.distDir) }, send, (reason) => {
    process.stderr.write(`${reason}\n`);
    process.exit(1);
  });
  process.on('message', (message: unknown) => link.handle(message));
  process.on('disconnect', () => process.exit(0));
}

main();
