/**
 * The Pyodide worker as a browser Worker (the web worker extension host starts it from the
 * extension's own files). It keeps its way to post to the extension host and to hear from it,
 * removes everything else that reaches the network or the origin's data, and only then loads
 * Pyodide, which is bundled into this script (no import at run time) and fed the bytes the
 * extension host sends. Everything it sends back is a frame of the client's protocol, which the
 * extension host checks as it checks a sandbox process, or the answer to a package load (the
 * extension host loads a run's packages before the run, as the relay does on Node).
 *
 * With SharedArrayBuffer (a cross-origin-isolated page) interrupts, input() and time.sleep work
 * as on the desktop. Without it, time.sleep waits on shared WebAssembly memory of its own (which
 * Chromium allows), input() raises EOFError, and an interrupt is the extension host ending the
 * worker.
 */
import type { BrowserStartMessage, RunMessage } from '../protocol';
import { epochMs } from '../shared/clock';
import { bufferDetacher } from '../shared/idle-collector';
import { InputSlot } from '../shared/input-slot';
import { browserCodeGenerationBlocked, probeBrowserLockDown, removeBrowserCapabilities } from './browser-capabilities';
import { loadBundledPyodide } from './bundled-pyodide';
import { runWorker } from './core';
import { FrameLink } from './frame-link';
import { SANDBOX_INDEX_URL } from './sandbox-modules';

const NO_INPUT =
  'input() needs cross-origin isolation (SharedArrayBuffer), which this VS Code page does not have: the sandbox cannot wait for an answer';

interface WorkerScope {
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

const started = epochMs();
/** Kept before Python runs, which may replace `structuredClone`. */
const detach = bufferDetacher();
// What the worker keeps: its way to post to the extension host, and its message listener.
const scope = globalThis as unknown as WorkerScope;
const postToHost = scope.postMessage.bind(scope);
let deliver: (message: unknown) => void = () => undefined;
const startMessage = new Promise<BrowserStartMessage>((resolve) => {
  deliver = (message) => {
    deliver = () => undefined;
    resolve(message as BrowserStartMessage);
  };
});
scope.addEventListener('message', (event) => deliver(event.data));

/** A flag for time.sleep to wait on when the extension host shares no memory: WebAssembly's, where the browser allows it. */
function localFlag(): Int32Array {
  try {
    return new Int32Array(new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer, 0, 1);
  } catch {
    return new Int32Array(1);
  }
}

const flag = localFlag();
// From here on the worker has no network, no storage and no way to make code from strings.
const served = removeBrowserCapabilities(SANDBOX_INDEX_URL);
const lockDown = probeBrowserLockDown();

void startMessage.then(({ config, assets, module }) => {
  const { channels } = config;
  const link = new FrameLink(
    (message) => postToHost(message, message instanceof Uint8Array ? [message.buffer as ArrayBuffer] : []),
    config.requested,
    {
      permissionModel: false,
      hostFilesDenied: true,
      childProcessDenied: true,
      environmentEmpty: true,
      browser: { ...lockDown, sharedMemory: channels !== undefined },
    },
  );
  const input = channels && new InputSlot(channels.input);
  const runs: Array<(message: unknown) => void> = [];
  deliver = (message) => {
    link.running = (message as RunMessage).id;
    for (const handler of runs) handler(message);
  };
  runWorker({
    config: {
      indexUrl: SANDBOX_INDEX_URL,
      memoryLimitBytes: config.memoryLimitBytes,
      inputEnabled: config.inputEnabled,
      ...(input ? {} : { noInputReason: NO_INPUT }),
      boot: config.boot,
    },
    started,
    post: (message) => link.post(message),
    onMessage: (handler) => runs.push(handler),
    assets: Promise.resolve({ type: 'assets', assets, ...(module ? { module } : {}) }),
    loadPyodideModule: loadBundledPyodide,
    served,
    output: link,
    interruptFlag: channels ? new Int32Array(channels.interrupt, 0, 1) : flag,
    ...(input
      ? {
          readLine: (prompt: string, id: number) => {
            input.arm();
            link.post({ type: 'input-request', id, prompt });
            return input.await();
          },
        }
      : {}),
    // Frames leave in the order written: the display follows the output before it.
    display: (message) => link.post(message),
    beforeWait: () => link.flush(),
    codeGenerationBlocked: browserCodeGenerationBlocked,
    detach,
  });
});
