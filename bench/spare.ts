/**
 * What a spare sandbox saves and costs. `restart_ms`: a runtime's restart (what the Restart
 * command awaits) until the new sandbox is ready; `api_exec_ms`: a one-off `api.exec` call's
 * round trip, made as the extension makes it (a new client per call). Each with the spare the
 * extension keeps (started after the last activity, here given the time to be ready), and
 * without one, as before spares. A spare holds what a runtime that has run nothing holds:
 * `rss_unused_runtime_mb`, also what ending such a runtime saves.
 */
import { createApi } from '../src/api';
import { createNodeClient, spareKind, type NodeSandboxOptions } from '../src/sandbox/node-client';
import { SpareTransports } from '../src/sandbox/spare-transports';
import { resident } from './memory';

/** Time for a spare to be started and ready after its party's activity, on a loaded 2-core machine. */
const SPARE_READY_MS = 4000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/** Milliseconds of `runs` restarts of a runtime that ran code, each once a spare had time to be ready (or without spares). */
export async function restartTimes(distDir: string, runs: number, withSpare: boolean): Promise<number[]> {
  const options: NodeSandboxOptions = { distDir, input: true };
  const spares = new SpareTransports({ delayMs: 0 });
  const client = createNodeClient(options, withSpare ? spares : undefined);
  const times: number[] = [];
  try {
    await client.exec('x = 1');
    for (let i = 0; i < runs; i++) {
      // What the runtime session does after a run, and after a restart.
      spares.prepare(spareKind(options));
      await sleep(SPARE_READY_MS);
      times.push(await timed(() => client.restart()));
    }
  } finally {
    client.dispose();
    spares.dispose();
  }
  return times;
}

/** Milliseconds of one-off `api.exec` calls after the first, each once a spare had time to be ready (or without spares). */
export async function apiExecTimes(distDir: string, runs: number, withSpare: boolean): Promise<number[]> {
  const options: NodeSandboxOptions = { distDir, input: false };
  const spares = new SpareTransports({ delayMs: 0 });
  const { api, dispose } = createApi({
    newClient: () => createNodeClient(options, withSpare ? spares : undefined),
    // The call loads no package.
    packagesFor: () => () => Promise.resolve([]),
    prepareNext: () => spares.prepare(spareKind(options)),
  });
  const times: number[] = [];
  try {
    await api.exec('pass');
    for (let i = 0; i < runs; i++) {
      await sleep(SPARE_READY_MS);
      times.push(await timed(() => api.exec('pass')));
    }
  } finally {
    dispose();
    spares.dispose();
  }
  return times;
}

/** Resident memory of a runtime that has run nothing, idle for `idleMs`: a prewarmed runtime, a spare (MiB). */
export async function unusedRuntimeRss(distDir: string, idleMs: number): Promise<number | undefined> {
  const client = createNodeClient({ distDir, input: true });
  try {
    const { pid } = await client.start();
    await sleep(idleMs);
    return resident(pid!)?.rss;
  } finally {
    client.dispose();
  }
}
