/**
 * The files a sandbox starts from are copied as it starts: the snapshot into Python's memory, the
 * standard library into its file system. The copies they came in must not stay for the runtime's
 * life (30 MB of every idle runtime), so the memory of an idle sandbox process is searched, from
 * outside, for the files' first bytes.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createNodeClient } from '../../src/sandbox/node-client';
import { snapshotPath } from '../../src/sandbox/process/pyodide-worker';
import { IDLE_COLLECT_MS } from '../../src/sandbox/shared/idle-collector';
import { distDir } from './sandbox';

/** How many bytes of a file's start are looked for: enough to be found nowhere else. */
const NEEDLE_BYTES = 64;

/** A process and every process below it (Linux). */
function processTree(pid: number): number[] {
  const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  return [pid, ...children.flatMap(processTree)];
}

/** How many times each needle occurs in the writable private memory of process `pid`. */
function occurrences(pid: number, needles: readonly Buffer[]): number[] {
  const counts = needles.map(() => 0);
  const mem = fs.openSync(`/proc/${pid}/mem`, 'r');
  const chunk = Buffer.alloc(4 * 2 ** 20);
  try {
    for (const line of fs.readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n')) {
      const mapping = /^([0-9a-f]+)-([0-9a-f]+) rw-p \S+ \S+ 0\s*(\[heap\])?$/.exec(line);
      if (!mapping) continue;
      const [start, end] = [parseInt(mapping[1], 16), parseInt(mapping[2], 16)];
      for (let at = start; at < end;) {
        const read = fs.readSync(mem, chunk, 0, Math.min(chunk.length, end - at), at);
        if (read === 0) break;
        const last = at + read >= end;
        // The next chunk starts a needle's length before this one ends: a match that starts there is its.
        const counted = last ? read : read - NEEDLE_BYTES;
        const bytes = chunk.subarray(0, read);
        needles.forEach((needle, i) => {
          for (let found = bytes.indexOf(needle); found >= 0 && found < counted; found = bytes.indexOf(needle, found + 1)) counts[i] += 1;
        });
        at += counted;
      }
    }
  } finally {
    fs.closeSync(mem);
  }
  return counts;
}

describe('memory: an idle sandbox keeps no copy of the files it started from', function () {
  this.timeout(60_000);

  it('the snapshot is only in Python memory, and the standard library only in its file system', async function () {
    const snapshot = snapshotPath(distDir);
    if (!fs.existsSync('/proc/self/mem') || !fs.existsSync(snapshot)) return this.skip();
    const firstBytes = (file: string): Buffer => fs.readFileSync(file).subarray(0, NEEDLE_BYTES);
    const needles = [firstBytes(snapshot), firstBytes(path.join(distDir, 'pyodide', 'python_stdlib.zip'))];
    const client = createNodeClient({ distDir });
    try {
      const { pid } = await client.start();
      assert.equal((await client.exec('print("ran")')).output, 'ran\n');
      // Bytes let go are freed at the next collection: the idle one after the run.
      await new Promise((resolve) => setTimeout(resolve, IDLE_COLLECT_MS + 2000));
      let counts: number[];
      try {
        counts = processTree(pid!)
          .map((each) => occurrences(each, needles))
          .reduce((sum, each) => sum.map((n, i) => n + each[i]));
      } catch (error) {
        // Reading another process's memory is a debugger's right, which some machines keep from tests.
        if (['EACCES', 'EPERM'].includes((error as NodeJS.ErrnoException).code ?? '')) return this.skip();
        throw error;
      }
      assert.deepEqual({ snapshot: counts[0], standardLibrary: counts[1] }, { snapshot: 0, standardLibrary: 1 });
    } finally {
      client.dispose();
    }
  });
});
