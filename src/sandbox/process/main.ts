/**
 * The sandbox process: started by the client with Node's permission model, no environment and
 * code generation from strings disabled. It probes those restrictions, starts the Pyodide
 * worker and relays frames between the client (fd 3) and the worker. It exits when the
 * client closes the channel.
 */
import { Socket } from 'node:net';
import { encodeFrame, FrameReader, MAX_FRAME_BYTES } from '../framing';
import { isTagged, type SandboxMessage } from '../protocol';
import { exposedGc, IDLE_COLLECT_MS, IdleCollector } from '../shared/idle-collector';
import type { ProcessConfig } from './config';
import { removeRelayCapabilities } from './capabilities';
import { probeRestrictions } from './restrictions';
import { WorkerRelay } from './worker-relay';

/** Values one frame from the client may hold: a run lists every file it may read, four values each. */
const MAX_CLIENT_FRAME_VALUES = 1_000_000;

function main(): void {
  const config = JSON.parse(process.argv[2] ?? '{}') as ProcessConfig;
  // Electron needs the first variable to run as Node, and glibc read the second as the process
  // started (see defaultLaunchSpec); they are ours, not the host's, so drop them before measuring
  // the environment.
  delete process.env.ELECTRON_RUN_AS_NODE;
  delete process.env.GLIBC_TUNABLES;
  const channel = new Socket({ fd: 3, readable: true, writable: true });
  // Once idle after start-up, this thread holds nothing but garbage of it (Pyodide's WebAssembly bytes, 10 MB).
  const collector = new IdleCollector(exposedGc(), IDLE_COLLECT_MS);
  const send = (message: SandboxMessage): void => {
    channel.write(encodeFrame(message));
    if (message.type === 'ready' || message.type === 'result') collector.touch();
  };
  const relay = new WorkerRelay({ ...config, restrictions: probeRestrictions(config.distDir) }, send, (reason) => {
    process.stderr.write(`${reason}\n`);
    process.exit(1);
  });
  removeRelayCapabilities();
  // The client is trusted: a run may name thousands of workspace files, whose bytes come first, as raw frames.
  const frames = new FrameReader(MAX_FRAME_BYTES, { rawFrames: true, maxValues: MAX_CLIENT_FRAME_VALUES });
  let files: Uint8Array[] = [];
  channel.on('data', (chunk: Buffer) => {
    for (const message of frames.push(chunk)) {
      if (message instanceof Uint8Array) files.push(message);
      else if (isTagged(message) && message.type === 'run') {
        relay.handle({ ...message, files });
        files = [];
      } else relay.handle(message);
    }
  });
  channel.on('close', () => process.exit(0));
}

main();
