/**
 * `npm run -s bench [-- --json]`: measures the sandbox runtime as a user meets it. Each figure
 * is a median (or percentile) over repeated runs, since this machine is shared and noisy.
 */
import { execFileSync, fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadPyodide } from 'pyodide';
import type { SandboxClient } from '../src/sandbox/client';
import { createNodeClient, type NodeSandboxOptions } from '../src/sandbox/node-client';
import { openBrowserSandbox } from '../test/browser/harness';
import type { SandboxPage } from '../test/browser/page';
import { snapshotPath } from '../src/sandbox/process/pyodide-worker';
import { pageQuery } from '../src/presenters/variables-model';
import { fileFigures } from './files';
import { IDLE_MS, memoryBreakdown, sevenRuntimes, type MemoryBreakdown } from './memory';
import { apiExecTimes, restartTimes, unusedRuntimeRss } from './spare';
import { packageLoadTimes, PYODIDE_LOAD_ARGUMENT, timePyodideLoad } from './packages';
import type { PyodideStartRequest } from './pyodide-start';

interface Figures {
  cold_start_ms: number;
  /** Median milliseconds per start-up step (see StartupBreakdown), then to the first result. */
  cold_start_breakdown: Record<string, number>;
  /**
   * Pyodide alone from fork to its first result: its own loadPyodide restoring the same snapshot
   * in a fresh Node process (no sandbox, worker or flags). What any start of this Pyodide costs here.
   */
  cold_start_pyodide_ms: number;
  /** cold_start_ms / cold_start_pyodide_ms: what the sandbox adds to, or saves on, Pyodide's own start. */
  cold_start_ratio: number;
  cold_start_plain_ms: number;
  snapshot_output_identical: boolean;
  roundtrip_ms_p50: number;
  roundtrip_ms_p99: number;
  interrupt_ms_p50: number;
  sleep_interrupt_ms: number;
  sleep_cpu_fraction: number | null;
  flood_1e6_ms: number;
  flood_discard_ms: number;
  flood_ratio: number;
  cpu_ratio_vs_python3: number | null;
  /** The same workload in the sandbox vs a bare loadPyodide() in this process: what the sandbox costs Pyodide. */
  cpu_ratio_vs_raw_pyodide: number;
  /** Sandbox process RSS when idle after start-up and warm-up (includes ~37 MB of node's own mapped binary). */
  rss_mb: number | null;
  /** The same after every workload above, once Python's heap has grown. */
  rss_mb_after_workloads: number | null;
  /** Sandbox process RSS when idle (5 s) after one small run: what a runtime that is open and unused costs. */
  rss_idle_after_run_mb: number | null;
  /** Where that memory goes (MiB; see bench/memory.ts): resident, private, proportional, by kind, the threads' heaps, and Node's own. */
  memory_idle_mb: MemoryBreakdown | null;
  /** Seven runtimes (the user's, the agents', five notebooks'), each idle after one small run: RSS summed. */
  rss_7_runtimes_mb: number | null;
  /** The same as proportional set sizes: Node's binary, which every process maps, counted once. */
  pss_7_runtimes_mb: number | null;
  /** A runtime that has run nothing, idle: what a spare costs, and what ending an unused runtime saves. */
  rss_unused_runtime_mb: number | null;
  /** A runtime's restart (the Restart command's wait) until it is ready, with the spare the extension keeps ready. */
  restart_ms: number;
  /** The same without a spare: a cold start. */
  restart_cold_ms: number;
  /** A one-off api.exec('pass') round trip, with the spare the last call left ready. */
  api_exec_ms: number;
  /** The same without a spare: a cold start per call. */
  api_exec_cold_ms: number;
  /** The browser worker (the web extension's runtime) in headless Chromium, page not cross-origin isolated: first exec result. */
  browser_cold_start_ms: number;
  browser_cold_start_breakdown: Record<string, number>;
  browser_roundtrip_ms_p50: number;
  browser_roundtrip_ms_p99: number;
  /** In a cross-origin-isolated page (SharedArrayBuffer): interrupt() to the KeyboardInterrupt of a busy loop. */
  browser_interrupt_ms_p50: number;
  /**
   * A trivial notebook cell through the NotebookController, measured in the extension host by the
   * integration suite (notebook.test.ts) and read from its last run; null when it has not run.
   */
  notebook_cell_ms_p50: number | null;
  /**
   * What the first run in a window costs: Exec File of `pass` from the command to its end, in the
   * extension host, with no runtime started yet (prewarm off) and with a warm one. Measured by the
   * integration suite (runtime-control.test.ts) and read from its last run; null when it has not run.
   */
  first_run_cold_ms: number | null;
  first_run_warm_ms: number | null;
  /**
   * A started runtime's first notebook cell whose value IPython's pretty printer shows (a dict of
   * lists over 79 columns), less its first plain cell (an assignment): what the pretty printer
   * costs the first time.
   */
  first_pretty_value_ms_over_plain: number;
  /** The same for a first cell with a magic (%time): what reading IPython's syntax and the magic cost. */
  first_magic_ms_over_plain: number;
  /** A fresh runtime's first result with 20 cached test wheels (2 MB) to load first, from asking for the run. */
  package_load_ms: number;
  /** Pyodide's own loadPackage of the same files from a local folder, and the import, in a fresh Node process restored from the same snapshot. */
  package_load_pyodide_ms: number;
  package_load_ratio: number;
  /** The same in a plainly booted Pyodide, whose boot has compiled the code a load needs. */
  package_load_pyodide_booted_ms: number;
  /** The Variables view's query for 100 names of mixed types (the view's own page and budgets), asked to answered, p50. */
  variables_refresh_ms: number;
  /** Python in the sandbox reading a granted 100 MB file in full (`open().read()`, timed in Python; median of 5), in MB/s. */
  file_read_mb_per_s: number;
  /** A bare Pyodide in this process reading the same bytes from its in-memory file system. */
  file_read_raw_pyodide_mb_per_s: number;
  /** file_read_mb_per_s / file_read_raw_pyodide_mb_per_s. */
  file_read_ratio: number;
  /** A run of `pass` that first hands the 100 MB file over: the host reads it, it crosses to the worker, which places it. */
  file_first_run_ms: number;
  /** A run of `pass` with that file granted and unchanged (it is looked at again, not sent); median of 10. */
  file_unchanged_run_ms: number;
  /** A run of `pass` granted nothing, for comparison; median of 10. */
  file_none_run_ms: number;
  /** The first run granted a folder of 1000 small files, and then a run with them unchanged (median of 10). */
  files_1000_first_run_ms: number;
  files_1000_unchanged_run_ms: number;
}

/** Targets that are lower bounds: [key, limit]. */
const FLOORS: ReadonlyArray<[keyof Figures, number]> = [['file_read_ratio', 0.5]];

/** Targets from the runtime issue: [key, limit]; every one is an upper bound. */
const TARGETS: ReadonlyArray<[keyof Figures, number]> = [
  ['cold_start_ms', 300],
  ['cpu_ratio_vs_raw_pyodide', 1.05],
  ['roundtrip_ms_p50', 1],
  ['interrupt_ms_p50', 10],
  ['sleep_interrupt_ms', 20],
  ['sleep_cpu_fraction', 0.05],
  ['flood_ratio', 1.3],
  ['rss_mb', 250],
  ['rss_idle_after_run_mb', 110],
  ['rss_7_runtimes_mb', 800],
  ['package_load_ratio', 1.2],
  ['first_pretty_value_ms_over_plain', 20],
  ['first_magic_ms_over_plain', 20],
  ['variables_refresh_ms', 50],
];

/** First cells of a notebook's fresh runtime: a plain one, one whose value is pretty-printed, one with a magic. */
const FIRST_CELLS = {
  plain: 'plain = 1',
  pretty: "{f'key {i}': list(range(i)) for i in range(12)}",
  magic: '%time timed = sum(range(100))',
} as const;

/** Prints what it gets, so a snapshot and a plain boot can be compared. */
const IDENTITY_PROBE = 'import sys\nprint(sys.version)\nprint(sorted(sys.modules))\nprint(2**100, 1/3)';
const FLOOD = 'for i in range(10**6):\n    print(i)';
/** A fixed pure-Python workload that times itself, run here and in a native python3. */
const WORKLOAD = `import time
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
start = time.perf_counter()
sum(i * i for i in range(10**6))
fib(24)
"".join(str(i) for i in range(200000))
print(time.perf_counter() - start)`;

/** 100 names as a session leaves them: numbers, text, containers, objects of a class, long text. */
const NAMESPACE_100 = `class Point:
    def __init__(self, i):
        self.x, self.y = i, -i
values = [lambda i: i, str, lambda i: {'key': i, 'items': list(range(i % 10))}, Point, lambda i: 'text ' * i, lambda i: i * 1.5, lambda i: list(range(i))]
for i in range(100):
    globals()[f'v{i:03}'] = values[i % len(values)](i)
del i, values`;

const median = (xs: number[]): number => percentile(xs, 50);
function percentile(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const round = (x: number, digits = 2): number => Number(x.toFixed(digits));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The Variables view's refresh of 100 names: the query it sends, from asking to the checked answer. */
async function variablesRefreshMs(client: SandboxClient, runs: number): Promise<number> {
  const exec = await client.exec(NAMESPACE_100);
  if (exec.error) throw new Error(`the namespace for the variables figure failed: ${exec.error.message}`);
  const query = pageQuery([], 1, true);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const inspection = await client.inspect(query);
    times.push(performance.now() - started);
    if (!('answer' in inspection) || inspection.answer.entries.length !== 100)
      throw new Error(`the variables query did not list 100 names: ${JSON.stringify(inspection).slice(0, 300)}`);
  }
  return median(times);
}

/** Spawn to first exec result, for a fresh client each time, with the start-up steps. */
async function coldStart(
  options: NodeSandboxOptions,
  runs: number,
): Promise<{ ms: number; output: string; breakdown: Record<string, number> }> {
  const times: number[] = [];
  const steps = new Map<string, number[]>();
  let output = '';
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const client = createNodeClient(options);
    try {
      output = (await client.exec(IDENTITY_PROBE)).output;
      const total = performance.now() - started;
      times.push(total);
      const startup: Record<string, number> = client.sandbox?.startup ?? {};
      for (const [step, ms] of Object.entries(startup)) steps.set(step, [...(steps.get(step) ?? []), ms]);
      const ready = Object.values(startup).reduce((sum, ms) => sum + ms, 0);
      steps.set('firstRun', [...(steps.get('firstRun') ?? []), Math.round(total - ready)]);
    } finally {
      client.dispose();
    }
  }
  return { ms: median(times), output, breakdown: Object.fromEntries([...steps].map(([step, ms]) => [step, median(ms)])) };
}

/** Fork to first result of Pyodide alone (`bench-pyodide-start.js`), restored from the sandbox's snapshot. */
async function pyodideColdStart(runs: number): Promise<{ ms: number; output: string }> {
  const request: PyodideStartRequest = { distDir: __dirname, snapshot: snapshotPath(__dirname), code: IDENTITY_PROBE };
  const times: number[] = [];
  let output = '';
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    output = await new Promise<string>((resolve, reject) => {
      const child = fork(path.join(__dirname, 'bench-pyodide-start.js'), [JSON.stringify(request)], {
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      });
      child.once('message', (printed: string) => resolve(printed));
      child.once('exit', (status) => reject(new Error(`Pyodide's start exited with ${status} before reporting`)));
    });
    times.push(performance.now() - started);
  }
  return { ms: median(times), output };
}

/** The workload's own timing in a bare Pyodide in this process: no sandbox, no worker, no flags. */
async function rawPyodideSeconds(runs: number): Promise<number[]> {
  const pyodide = await loadPyodide({ indexURL: path.join(__dirname, 'pyodide') + path.sep });
  const times: number[] = [];
  let output = '';
  pyodide.setStdout({ batched: (line) => (output = line) });
  for (let i = 0; i < runs; i++) {
    pyodide.runPython(WORKLOAD);
    times.push(Number(output.trim()));
  }
  return times;
}

async function roundtrips(client: SandboxClient, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await client.exec('pass');
    times.push(performance.now() - started);
  }
  return times;
}

/**
 * How much longer a first cell that pretty-prints a value, and one with a magic, take than a plain
 * first cell (medians of `runs` differences), each in a runtime of its own that has started and
 * run nothing yet, run as the notebook kernel runs cells.
 */
async function firstCells(runs: number): Promise<Record<'pretty' | 'magic', number>> {
  const over: Record<'pretty' | 'magic', number[]> = { pretty: [], magic: [] };
  for (let i = 0; i < runs; i++) {
    // Three runtimes started first, then their first cells one after the other: the three share
    // the machine's load of that moment, which differences of separate medians did not cancel.
    const clients = { plain: createNodeClient(), pretty: createNodeClient(), magic: createNodeClient() };
    try {
      await Promise.all(Object.values(clients).map((client) => client.start()));
      const first = async (kind: keyof typeof FIRST_CELLS): Promise<number> =>
        timed(() => clients[kind].run('exec', FIRST_CELLS[kind], { displayLastValue: 'all', executionCount: 1 }).result);
      const plain = await first('plain');
      over.pretty.push((await first('pretty')) - plain);
      over.magic.push((await first('magic')) - plain);
    } finally {
      Object.values(clients).forEach((client) => client.dispose());
    }
  }
  return { pretty: median(over.pretty), magic: median(over.magic) };
}

/** From interrupt() to the KeyboardInterrupt result, for code that is busy in Python. */
async function interruptLatency(client: SandboxClient, code: string, busyMs: number): Promise<number> {
  const running = client.exec(code);
  await sleep(busyMs);
  const started = performance.now();
  client.interrupt();
  const result = await running;
  if (result.error?.type !== 'KeyboardInterrupt') throw new Error(`expected KeyboardInterrupt, got ${JSON.stringify(result.error)}`);
  return performance.now() - started;
}

/** CPU seconds a process and its descendants have used (Linux /proc), or undefined elsewhere. */
function cpuSeconds(pid: number): number | undefined {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number);
    return children.reduce((sum, child) => sum + (cpuSeconds(child) ?? 0), (Number(fields[11]) + Number(fields[12])) / 100);
  } catch {
    return undefined;
  }
}

/** Resident memory of a process and its descendants (the sandbox may run under a wrapper), Linux only. */
function rssMb(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number);
    return children.reduce((sum, child) => sum + (rssMb(child) ?? 0), match ? Number(match[1]) / 1024 : 0);
  } catch {
    return undefined;
  }
}

async function sleepFigures(client: SandboxClient, pid: number): Promise<{ latency: number; cpuFraction: number | null }> {
  const running = client.exec('import time\ntime.sleep(30)');
  await sleep(200);
  const cpuBefore = cpuSeconds(pid);
  const wallBefore = performance.now();
  await sleep(2000);
  const cpuAfter = cpuSeconds(pid);
  const wall = (performance.now() - wallBefore) / 1000;
  const started = performance.now();
  client.interrupt();
  await running;
  const latency = performance.now() - started;
  const cpuFraction = cpuBefore === undefined || cpuAfter === undefined ? null : (cpuAfter - cpuBefore) / wall;
  return { latency, cpuFraction };
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

function nativeSeconds(): number | undefined {
  try {
    return Number(execFileSync('python3', ['-c', WORKLOAD], { encoding: 'utf8', timeout: 60_000 }).trim());
  } catch {
    return undefined;
  }
}

/** Raw timings from inside a browser page: cold starts (with their start-up steps), round trips, interrupts. */
interface BrowserTimings {
  cold: number[];
  steps: Array<Record<string, number>>;
  trips: number[];
  interrupts: number[];
}

/**
 * The browser worker measured where it runs: a Chromium page with the extension's browser
 * transport (the test page), `npm run build` having built it to out/test/browser/page.js.
 */
async function browserTimings(isolated: boolean, colds: number, trips: number, interrupts: number): Promise<BrowserTimings> {
  const files = { distDir: __dirname, pageScript: path.join(__dirname, '..', 'out', 'test', 'browser', 'page.js') };
  const browser = await openBrowserSandbox(isolated, files);
  try {
    return await browser.page.evaluate(
      async ([coldRuns, tripRuns, interruptRuns]) => {
        const page = (globalThis as unknown as { sandboxPage: SandboxPage }).sandboxPage;
        const timings: BrowserTimings = { cold: [], steps: [], trips: [], interrupts: [] };
        for (let i = 0; i < coldRuns; i++) {
          const started = performance.now();
          const client = page.client();
          await client.exec('pass');
          timings.cold.push(performance.now() - started);
          timings.steps.push({ ...client.sandbox?.startup });
          client.dispose();
        }
        const client = page.client();
        await client.start();
        for (let i = 0; i < 100 + tripRuns; i++) {
          const started = performance.now();
          await client.exec('pass');
          if (i >= 100) timings.trips.push(performance.now() - started);
        }
        for (let i = 0; i < interruptRuns; i++) {
          const run = client.run('exec', 'while True:\n    pass');
          await new Promise((resolve) => setTimeout(resolve, 50));
          const started = performance.now();
          run.interrupt();
          await run.result;
          timings.interrupts.push(performance.now() - started);
        }
        client.dispose();
        return timings;
      },
      [colds, trips, interrupts] as const,
    );
  } finally {
    await browser.close();
  }
}

/** The memory figures, which `--memory` measures alone. */
type MemoryFigures = Pick<
  Figures,
  'rss_idle_after_run_mb' | 'memory_idle_mb' | 'rss_7_runtimes_mb' | 'pss_7_runtimes_mb' | 'rss_unused_runtime_mb'
>;

async function measureMemory(): Promise<MemoryFigures> {
  const breakdown = await memoryBreakdown(__dirname);
  const seven = await sevenRuntimes(__dirname);
  const unused = await unusedRuntimeRss(__dirname, IDLE_MS);
  return {
    rss_idle_after_run_mb: breakdown ? Math.round(breakdown.rss) : null,
    memory_idle_mb: breakdown ?? null,
    rss_7_runtimes_mb: seven?.rss ?? null,
    pss_7_runtimes_mb: seven?.pss ?? null,
    rss_unused_runtime_mb: unused === undefined ? null : Math.round(unused),
  };
}

/** The spare's figures, which `--spare` measures alone: with and without, alternating. */
type SpareFigures = Pick<Figures, 'restart_ms' | 'restart_cold_ms' | 'api_exec_ms' | 'api_exec_cold_ms'>;

async function measureSpare(): Promise<SpareFigures> {
  const restarts = { spare: [] as number[], cold: [] as number[] };
  const calls = { spare: [] as number[], cold: [] as number[] };
  for (let i = 0; i < 3; i++) {
    restarts.spare.push(...(await restartTimes(__dirname, 2, true)));
    restarts.cold.push(...(await restartTimes(__dirname, 2, false)));
    calls.spare.push(...(await apiExecTimes(__dirname, 2, true)));
    calls.cold.push(...(await apiExecTimes(__dirname, 2, false)));
  }
  return {
    restart_ms: Math.round(median(restarts.spare)),
    restart_cold_ms: Math.round(median(restarts.cold)),
    api_exec_ms: Math.round(median(calls.spare)),
    api_exec_cold_ms: Math.round(median(calls.cold)),
  };
}

async function measure(): Promise<Figures> {
  const memory = await measureMemory();
  const spare = await measureSpare();
  const cold = await coldStart({}, 5);
  const pyodideCold = await pyodideColdStart(5);
  if (!pyodideCold.output.startsWith(cold.output.split('\n')[0])) throw new Error(`Pyodide alone printed ${pyodideCold.output}`);
  const plain = await coldStart({ snapshot: false }, 3);
  const packages = await packageLoadTimes(__dirname, 5);
  const files = await fileFigures(__dirname);
  const first = await firstCellFigures(7);

  const client = createNodeClient();
  try {
    const { pid } = await client.start();
    await roundtrips(client, 200); // warm-up
    const trips = await roundtrips(client, 2000);
    const idleRss = rssMb(pid!);
    const interrupts: number[] = [];
    for (let i = 0; i < 20; i++) interrupts.push(await interruptLatency(client, 'while True:\n    pass', 50));
    const sleepy = await sleepFigures(client, pid!);
    const floods: number[] = [];
    const discards: number[] = [];
    for (let i = 0; i < 3; i++) {
      floods.push(await timed(() => client.exec(FLOOD)));
      discards.push(await timed(() => client.exec(FLOOD, { discardOutput: true })));
    }
    const sandboxed: number[] = [];
    for (let i = 0; i < 3; i++) sandboxed.push(Number((await client.exec(WORKLOAD)).output.trim()));
    const native = [nativeSeconds(), nativeSeconds(), nativeSeconds()].filter((x): x is number => x !== undefined);
    const raw = await rawPyodideSeconds(3);
    const variablesMs = await variablesRefreshMs(client, 50);
    const finalRss = rssMb(pid!);
    const web = await browserTimings(false, 3, 1000, 0);
    const webIsolated = await browserTimings(true, 0, 0, 20);
    const webSteps = Object.keys(web.steps[0] ?? {}).map((step) => [step, median(web.steps.map((steps) => steps[step]))]);
    return {
      cold_start_ms: Math.round(cold.ms),
      cold_start_breakdown: cold.breakdown,
      cold_start_pyodide_ms: Math.round(pyodideCold.ms),
      cold_start_ratio: round(cold.ms / pyodideCold.ms),
      cold_start_plain_ms: Math.round(plain.ms),
      snapshot_output_identical: cold.output === plain.output,
      roundtrip_ms_p50: round(median(trips), 3),
      roundtrip_ms_p99: round(percentile(trips, 99), 3),
      interrupt_ms_p50: round(median(interrupts)),
      sleep_interrupt_ms: round(sleepy.latency),
      sleep_cpu_fraction: sleepy.cpuFraction === null ? null : round(sleepy.cpuFraction, 3),
      flood_1e6_ms: Math.round(median(floods)),
      flood_discard_ms: Math.round(median(discards)),
      flood_ratio: round(median(floods) / median(discards)),
      cpu_ratio_vs_python3: native.length ? round(Math.min(...sandboxed) / Math.min(...native)) : null,
      cpu_ratio_vs_raw_pyodide: round(Math.min(...sandboxed) / Math.min(...raw)),
      rss_mb: idleRss === undefined ? null : Math.round(idleRss),
      rss_mb_after_workloads: finalRss === undefined ? null : Math.round(finalRss),
      ...memory,
      ...spare,
      browser_cold_start_ms: Math.round(median(web.cold)),
      browser_cold_start_breakdown: Object.fromEntries(webSteps),
      browser_roundtrip_ms_p50: round(median(web.trips), 3),
      browser_roundtrip_ms_p99: round(percentile(web.trips, 99), 3),
      browser_interrupt_ms_p50: round(median(webIsolated.interrupts)),
      notebook_cell_ms_p50: integrationFigure('bench-notebook.json', 'notebook_cell_ms_p50'),
      first_run_cold_ms: integrationFigure('bench-first-run.json', 'first_run_cold_ms'),
      first_run_warm_ms: integrationFigure('bench-first-run.json', 'first_run_warm_ms'),
      ...first,
      package_load_ms: Math.round(median(packages.sandboxMs)),
      package_load_pyodide_ms: Math.round(median(packages.pyodideMs)),
      package_load_ratio: round(median(packages.sandboxMs) / median(packages.pyodideMs)),
      package_load_pyodide_booted_ms: Math.round(median(packages.pyodideBootedMs)),
      variables_refresh_ms: round(variablesMs),
      file_read_mb_per_s: Math.round(files.readMbPerS),
      file_read_raw_pyodide_mb_per_s: Math.round(files.rawMbPerS),
      file_read_ratio: round(files.readMbPerS / files.rawMbPerS),
      file_first_run_ms: Math.round(files.firstRunMs),
      file_unchanged_run_ms: round(files.unchangedRunMs),
      file_none_run_ms: round(files.noFilesRunMs),
      files_1000_first_run_ms: Math.round(files.smallFilesFirstRunMs),
      files_1000_unchanged_run_ms: round(files.smallFilesUnchangedRunMs),
    };
  } finally {
    client.dispose();
  }
}

function table(figures: Partial<Figures>): string {
  const limits = new Map(TARGETS);
  const floors = new Map(FLOORS);
  const rows = Object.entries(figures).map(([key, value]) => {
    const limit = limits.get(key as keyof Figures);
    const floor = floors.get(key as keyof Figures);
    let verdict = '';
    if (value !== null && limit !== undefined) verdict = (value as number) <= limit ? `ok (<= ${limit})` : `MISSED (<= ${limit})`;
    if (value !== null && floor !== undefined) verdict = (value as number) >= floor ? `ok (>= ${floor})` : `MISSED (>= ${floor})`;
    return [key, typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value), verdict];
  });
  // Objects (breakdowns) are printed as they are, and do not widen the column of numbers.
  const numbers = rows.filter((r) => !r[1].startsWith('{'));
  const width = (i: number): number => Math.max(...rows.map((r) => r[i].length));
  const valueWidth = Math.max(...numbers.map((r) => r[1].length));
  return rows.map((r) => `${r[0].padEnd(width(0))}  ${r[1].startsWith('{') ? r[1] : `${r[1].padStart(valueWidth)}  ${r[2]}`}`).join('\n');
}

/** `--variables`: that figure alone, in a fresh runtime (a quick check while working on the view). */
async function measureVariables(): Promise<Partial<Figures>> {
  const client = createNodeClient();
  try {
    await client.start();
    await variablesRefreshMs(client, 10); // warm-up
    return { variables_refresh_ms: round(await variablesRefreshMs(client, 50)) };
  } finally {
    client.dispose();
  }
}

/** The two first-cell figures, from medians of `runs`. */
async function firstCellFigures(runs: number): Promise<Pick<Figures, 'first_pretty_value_ms_over_plain' | 'first_magic_ms_over_plain'>> {
  const first = await firstCells(runs);
  return {
    first_pretty_value_ms_over_plain: round(first.pretty),
    first_magic_ms_over_plain: round(first.magic),
  };
}

async function main(): Promise<void> {
  const only = (flag: string): boolean => process.argv.includes(flag);
  const figures = only('--memory')
    ? await measureMemory()
    : only('--spare')
      ? await measureSpare()
      : only('--variables')
        ? await measureVariables()
        : only('--first-cells')
          ? // Those figures alone, medians of 15, away from the load of the rest.
            await firstCellFigures(15)
          : await measure();
  process.stdout.write(process.argv.includes('--json') ? `${JSON.stringify(figures)}\n` : `${table(figures)}\n`);
}

if (process.argv[2] === PYODIDE_LOAD_ARGUMENT) {
  timePyodideLoad();
} else {
  main().catch((error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  });
}

/** A figure the last integration run wrote to test-results/ (bench is dist/bench.js); null when it has not run. */
function integrationFigure(file: string, key: string): number | null {
  try {
    const figures = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'test-results', file), 'utf8')) as Record<string, unknown>;
    return typeof figures[key] === 'number' ? figures[key] : null;
  } catch {
    return null;
  }
}
