/**
 * `dist/bench-memory-probe.js <request>`: a process started with the sandbox process's
 * command line (its flags, its permissions, its empty environment) that reports the V8 heaps of
 * its threads over IPC, which a sandbox process has no channel for. `runtime` runs the
 * sandbox's own relay and Pyodide worker (WorkerRelay) and has it run one small piece of code,
 * as the sandbox process does; `baseline` starts one empty worker thread with the same heap
 * limits: what Node itself costs under these flags.
 */
import { Worker } from 'node:worker_threads';
import type { RunMessage } from '../src/sandbox/protocol';
import { WORKER_HEAP_LIMITS } from '../src/sandbox/process/pyodide-worker';
import { probeRestrictions } from '../src/sandbox/process/restrictions';
import { WorkerRelay } from '../src/sandbox/process/worker-relay';

/** What the benchmark asks of the probe, as its one argument (JSON). */
export interface ProbeRequest {
  readonly mode: 'runtime' | 'baseline';
  /** What the runtime runs before it is measured. */
  readonly code: string;
}

/** Committed heap of each thread, in MiB. */
export interface ProbeHeaps {
  readonly relayHeapMb: number;
  readonly workerHeapMb: number;
}

/** What the probe sends: ready once its runtime ran the code (or its empty worker is up), then its heaps when asked. */
export type ProbeMessage = { type: 'ready' } | ({ type: 'heaps' } & ProbeHeaps);

/** The part of Node's diagnostic report read here: each thread's V8 heap. */
interface HeapReport {
  readonly javascriptHeap: { readonly totalCommittedMemory: number };
  readonly workers: ReadonlyArray<{ readonly javascriptHeap: { readonly totalCommittedMemory: number } }>;
}

const mib = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;

function runtime(distDir: string, code: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const run: RunMessage = {
      type: 'run',
      id: 1,
      request: {
        mode: 'exec',
        code,
        fresh: false,
        discardOutput: false,
        captureLastValue: false,
        displayLastValue: 'none',
        maxOutputBytes: 2 ** 20,
      },
    };
    const config = { distDir, memoryLimitBytes: 2 ** 30, boot: 'snapshot' as const, inputEnabled: true };
    const relay: WorkerRelay = new WorkerRelay(
      { ...config, restrictions: probeRestrictions(distDir) },
      (message) => {
        if (message.type === 'ready') relay.handle(run);
        if (message.type === 'failed') reject(new Error(message.message));
        if (message.type === 'result') resolve();
      },
      (reason) => reject(new Error(reason)),
    );
  });
}

async function baseline(): Promise<void> {
  const worker = new Worker('setInterval(() => undefined, 2 ** 30);', { eval: true, env: {}, resourceLimits: WORKER_HEAP_LIMITS });
  await new Promise((resolve) => worker.once('online', resolve));
}

async function main({ mode, code }: ProbeRequest): Promise<void> {
  await (mode === 'baseline' ? baseline() : runtime(__dirname, code));
  const send = (message: ProbeMessage): boolean => process.send!(message);
  send({ type: 'ready' });
  process.on('message', () => {
    const report = process.report.getReport() as HeapReport;
    send({
      type: 'heaps',
      relayHeapMb: mib(report.javascriptHeap.totalCommittedMemory),
      workerHeapMb: mib(report.workers[0]?.javascriptHeap.totalCommittedMemory ?? 0),
    });
  });
}

main(JSON.parse(process.argv[2] ?? '{}') as ProbeRequest).catch((error: unknown) => {
  process.stderr.write(`memory probe failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
