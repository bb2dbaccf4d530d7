import { encodeFrame } from '../framing';
import { WorkerRelay } from '../process/worker-relay';
import { sanitizeUntrusted } from '../untrusted-text';
import { hostPaths } from './child-process';
import type { ProcessConfig } from '../process/config';
import type { Transport, TransportEvents } from './transport';

const NO_RESTRICTIONS = {
  permissionModel: false,
  hostFilesDenied: false,
  childProcessDenied: false,
  codeGenerationBlocked: false,
  environmentEmpty: false,
};

/**
 * Runs the worker in this process: the lightest mode, and the weakest isolation. Messages still
 * pass through frames, so the client reads and checks them exactly as from a sandbox process.
 */
export function startInProcess(config: ProcessConfig, events: TransportEvents): Transport {
  let ended = false;
  const relay = new WorkerRelay(
    { ...config, restrictions: NO_RESTRICTIONS },
    (message) => {
      if (!ended) events.data(encodeFrame(message));
    },
    (reason) => {
      if (ended) return;
      ended = true;
      // The reason quotes the worker's error: its words, kept apart from ours.
      events.exit({ description: 'the Python worker stopped', stderr: sanitizeUntrusted(reason, hostPaths(config.distDir)) });
    },
  );
  return {
    send: (message) => relay.handle(message),
    kill: () => {
      if (!ended) {
        ended = true;
        events.exit({ description: 'the Python worker was stopped' });
      }
      void relay.terminate();
    },
  };
}
