/**
 * Workspace files: how fast Python in the sandbox reads a granted 100 MB file in full, next to
 * a bare Pyodide reading the same bytes from its in-memory file system, and what granting costs a
 * run: the first run that hands a file over (the host reads it, the bytes cross to the sandbox
 * process and its worker, the worker places them), and a later run with the file unchanged, or
 * with 1000 small files unchanged (each is listed and looked at again, and nothing is sent).
 */
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expandGrants, type Grant } from '../src/files/grants';
import { nodeGrantFileSystem } from '../src/files/node-fs';
import type { SandboxClient } from '../src/sandbox/client';
import { createNodeClient } from '../src/sandbox/node-client';
import { snapshotPath } from '../src/sandbox/process/pyodide-worker';
import type { PrepareWorkspace } from '../src/sandbox/workspace-files';
import type { PyodideStartRequest } from './pyodide-start';

const BIG_BYTES = 100 * 2 ** 20;
const SMALL_FILES = 1000;

/**
 * Python that reads the file in full 9 times and prints the median time of the last 7, in
 * seconds: the first reads grow Python's heap to hold 100 MB, which later ones reuse.
 */
const READ = (file: string): string => `import time
times = []
for _ in range(9):
    start = time.perf_counter()
    with open(${JSON.stringify(file)}, "rb") as f:
        data = f.read()
    times.append(time.perf_counter() - start)
    assert len(data) == ${BIG_BYTES}
    del data
print(sorted(times[2:])[3])`;

/** MB (2^20 bytes) per second, from what READ printed. */
const rate = (printed: string): number => BIG_BYTES / 2 ** 20 / Number(printed.trim());

export interface FileFigures {
  readonly readMbPerS: number;
  readonly rawMbPerS: number;
  readonly firstRunMs: number;
  readonly unchangedRunMs: number;
  readonly noFilesRunMs: number;
  readonly smallFilesFirstRunMs: number;
  readonly smallFilesUnchangedRunMs: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/** Medians of `runs` runs, after one that is not counted. */
async function medianMs(runs: number, run: () => Promise<unknown>): Promise<number> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await timed(run));
  return median(times);
}

export async function fileFigures(distDir: string): Promise<FileFigures> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-bench-files-'));
  const big = new Uint8Array(BIG_BYTES);
  for (let i = 0; i < big.length; i += 4096) big[i] = i % 251;
  fs.mkdirSync(path.join(root, 'data'));
  fs.writeFileSync(path.join(root, 'data', 'big.bin'), big);
  fs.mkdirSync(path.join(root, 'many'));
  for (let i = 0; i < SMALL_FILES; i++) fs.writeFileSync(path.join(root, 'many', `file-${i}.csv`), `row,${i}\n`);
  const grant = (grants: Grant[]): PrepareWorkspace => {
    const files = nodeGrantFileSystem(root);
    return async () => ({ cwd: '', notFoundHint: '', files: (await expandGrants(files, grants)).files });
  };
  const bigFile = grant([{ kind: 'file', path: 'data/big.bin' }]);
  const smallFiles = grant([{ kind: 'folder', path: 'many' }]);
  const none = grant([]);
  const client: SandboxClient = createNodeClient({ distDir, maxReadableMb: 512 });
  try {
    await client.start();
    await client.exec('pass', { workspace: none });
    const firstRunMs = await timed(() => client.exec('pass', { workspace: bigFile }));
    const readMbPerS = rate((await client.exec(READ('data/big.bin'), { workspace: bigFile })).output);
    const unchangedRunMs = await medianMs(10, () => client.exec('pass', { workspace: bigFile }));
    const noFilesRunMs = await medianMs(10, () => client.exec('pass', { workspace: none }));
    const smallFilesFirstRunMs = await timed(() => client.exec('pass', { workspace: smallFiles }));
    const smallFilesUnchangedRunMs = await medianMs(10, () => client.exec('pass', { workspace: smallFiles }));
    const rawMbPerS = rate(await pyodideInFreshProcess(distDir, path.join(root, 'data', 'big.bin')));
    return { readMbPerS, rawMbPerS, firstRunMs, unchangedRunMs, noFilesRunMs, smallFilesFirstRunMs, smallFilesUnchangedRunMs };
  } finally {
    client.dispose();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/**
 * The same reads in Pyodide alone, as fresh as the sandbox: a new Node process restoring the
 * same memory snapshot with Pyodide's own loadPyodide, the file written into its in-memory file
 * system first (`dist/bench-pyodide-start.js`). What it printed.
 */
function pyodideInFreshProcess(distDir: string, file: string): Promise<string> {
  const request: PyodideStartRequest = { distDir, snapshot: snapshotPath(distDir), code: READ('/big.bin'), files: { '/big.bin': file } };
  return new Promise((resolve, reject) => {
    const child = fork(path.join(distDir, 'bench-pyodide-start.js'), [JSON.stringify(request)], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    child.once('message', (printed: string) => resolve(printed));
    child.once('exit', (status) => reject(new Error(`Pyodide's file read exited with ${status} before reporting`)));
  });
}
