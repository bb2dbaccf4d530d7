/**
 * Where an idle runtime's memory goes, read from Linux's /proc/<pid>/smaps of the sandbox
 * process (and the wrapper it runs under), with the V8 heaps of its two threads from a probe
 * process started with the same command line (`memory-probe.ts`), and Node's own share from the
 * same probe with one empty worker. Also `rss_7_runtimes_mb`: seven runtimes as the extension
 * starts them (the user's, the agents', five notebooks'), each after one small run.
 */
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createNodeClient } from '../src/sandbox/node-client';
import type { SandboxClient } from '../src/sandbox/client';
import { defaultLaunchSpec } from '../src/sandbox/transport/child-process';
import type { ProbeHeaps, ProbeMessage, ProbeRequest } from './memory-probe';

/** The code a runtime runs before it is measured: small, and enough to run Python once. */
const SMALL_RUN = 'x = sum(range(100))\nprint(x)';

/** How long a runtime sits idle after its run before it is measured: what an idle runtime holds. */
export const IDLE_MS = 5000;

/** Resident memory of a process tree by kind, in MiB. */
export interface Resident {
  /** Resident set (what `top` shows), summed over the tree. */
  readonly rss: number;
  /** Pages no other process maps (private clean and dirty). */
  readonly private: number;
  /** Proportional set: shared pages divided among the processes that map them. */
  readonly pss: number;
  /** File-backed pages (Node's binary and libraries): shared with every other process that maps them. */
  readonly sharedFiles: number;
  /** WebAssembly memory touched: the accessible part of a wasm memory's reservation (at least 4 GiB). */
  readonly wasmMemory: number;
  /** Anonymous executable pages: compiled WebAssembly and JavaScript. */
  readonly jitCode: number;
}

/** One mapping of /proc/<pid>/smaps, sizes in KiB. */
interface Mapping {
  readonly start: number;
  readonly end: number;
  readonly perms: string;
  readonly file: string;
  readonly kb: Record<string, number>;
}

function mappings(pid: number): Mapping[] {
  const found: Mapping[] = [];
  for (const line of fs.readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      found.push({ start: parseInt(head[1], 16), end: parseInt(head[2], 16), perms: head[3], file: head[4], kb: {} });
      continue;
    }
    const field = /^(\w+):\s+(\d+) kB/.exec(line);
    if (field && found.length > 0) found[found.length - 1].kb[field[1]] = Number(field[2]);
  }
  return found;
}

/** The process and its descendants (the sandbox runs under a wrapper that forks it). */
function processTree(pid: number): number[] {
  try {
    const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number);
    return [pid, ...children.flatMap(processTree)];
  } catch {
    return [];
  }
}

const WASM_RESERVATION = 4 * 2 ** 30;
const mib = (kb: number): number => Math.round((kb / 1024) * 10) / 10;

/** What a process tree holds resident, by kind (Linux only; undefined elsewhere). */
export function resident(pid: number): Resident | undefined {
  const sum = { rss: 0, private: 0, pss: 0, sharedFiles: 0, wasmMemory: 0, jitCode: 0 };
  const tree = processTree(pid);
  if (tree.length === 0) return undefined;
  for (const each of tree) {
    const maps = mappings(each);
    maps.forEach((map, i) => {
      const rss = map.kb.Rss ?? 0;
      sum.rss += rss;
      sum.pss += map.kb.Pss ?? 0;
      sum.private += (map.kb.Private_Clean ?? 0) + (map.kb.Private_Dirty ?? 0);
      if (map.file.startsWith('/')) sum.sharedFiles += rss;
      else if (map.perms.includes('x')) sum.jitCode += rss;
      // V8 reserves a wasm memory with its guard region and opens the part in use: an anonymous
      // read-write mapping followed at once by the inaccessible rest.
      const next = maps[i + 1];
      if (map.file === '' && map.perms.startsWith('rw') && next?.start === map.end && next.perms.startsWith('---')) {
        if (next.end - map.start >= WASM_RESERVATION) sum.wasmMemory += rss;
      }
    });
  }
  return {
    rss: mib(sum.rss),
    private: mib(sum.private),
    pss: mib(sum.pss),
    sharedFiles: mib(sum.sharedFiles),
    wasmMemory: mib(sum.wasmMemory),
    jitCode: mib(sum.jitCode),
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A probe process (`memory-probe.ts`) under the sandbox's command line: its memory and its threads' heaps, once idle. */
async function probe(distDir: string, mode: 'runtime' | 'baseline'): Promise<Resident & ProbeHeaps> {
  const spec = defaultLaunchSpec(distDir, { permissionFlags: true, osIsolation: false, ownFileSystem: false, exposeGc: true });
  const request: ProbeRequest = { mode, code: SMALL_RUN };
  const child = fork(path.join(distDir, 'bench-memory-probe.js'), [JSON.stringify(request)], {
    execArgv: [...spec.execArgv],
    env: spec.env,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  try {
    const next = (): Promise<ProbeMessage> =>
      new Promise((resolve, reject) => {
        child.once('message', resolve);
        child.once('exit', (code) => reject(new Error(`the memory probe exited with ${code}`)));
      });
    await next();
    await sleep(IDLE_MS);
    const asked = next();
    child.send('heaps');
    const heaps = (await asked) as ProbeHeaps;
    const memory = resident(child.pid!);
    if (!memory) throw new Error('no /proc to read memory from');
    return { ...memory, relayHeapMb: heaps.relayHeapMb, workerHeapMb: heaps.workerHeapMb };
  } finally {
    child.kill();
  }
}

/** Where one idle runtime's memory goes, after one small run (MiB). */
export interface MemoryBreakdown {
  readonly rss: number;
  readonly private: number;
  readonly pss: number;
  readonly shared_files: number;
  readonly wasm_memory: number;
  readonly jit_code: number;
  readonly relay_heap: number;
  readonly worker_heap: number;
  /** Private memory none of the above accounts for: V8's and Node's own structures, malloc arenas, the module's bytes V8 keeps. */
  readonly other_private: number;
  /** A bare Node process with one empty worker under the same flags. */
  readonly node_baseline_rss: number;
  readonly node_baseline_private: number;
}

/** A sandbox client as the extension makes one for a party; `input` as the user's and notebooks' runtimes have it. */
function runtimeClient(distDir: string, input: boolean): SandboxClient {
  return createNodeClient({ distDir, input });
}

/** One idle runtime after a small run: resident memory from the sandbox process itself, heaps and baseline from probes. */
export async function memoryBreakdown(distDir: string): Promise<MemoryBreakdown | undefined> {
  const client = runtimeClient(distDir, true);
  let sandbox: Resident | undefined;
  try {
    await client.exec(SMALL_RUN);
    await sleep(IDLE_MS);
    sandbox = resident(client.sandbox!.pid!);
  } finally {
    client.dispose();
  }
  if (!sandbox) return undefined;
  const runtime = await probe(distDir, 'runtime');
  const node = await probe(distDir, 'baseline');
  const round = (x: number): number => Math.round(x * 10) / 10;
  return {
    rss: sandbox.rss,
    private: sandbox.private,
    pss: sandbox.pss,
    shared_files: sandbox.sharedFiles,
    wasm_memory: sandbox.wasmMemory,
    jit_code: sandbox.jitCode,
    relay_heap: runtime.relayHeapMb,
    worker_heap: runtime.workerHeapMb,
    other_private: round(sandbox.private - sandbox.wasmMemory - sandbox.jitCode - runtime.relayHeapMb - runtime.workerHeapMb),
    node_baseline_rss: node.rss,
    node_baseline_private: node.private,
  };
}

/**
 * Seven runtimes started one after another as the extension starts them (the user's and five
 * notebooks' with input, the agents' without), each after one small run and left idle: the sum
 * of their resident sets, and of their proportional sets (which counts Node's shared binary once).
 */
export async function sevenRuntimes(distDir: string): Promise<{ rss: number; pss: number } | undefined> {
  const clients = [true, false, true, true, true, true, true].map((input) => runtimeClient(distDir, input));
  try {
    for (const client of clients) await client.exec(SMALL_RUN);
    await sleep(IDLE_MS);
    const each = clients.map((client) => resident(client.sandbox!.pid!));
    if (each.some((memory) => memory === undefined)) return undefined;
    const total = (key: 'rss' | 'pss'): number => Math.round(each.reduce((sum, memory) => sum + memory![key], 0));
    return { rss: total('rss'), pss: total('pss') };
  } finally {
    for (const client of clients) client.dispose();
  }
}
