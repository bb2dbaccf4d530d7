/**
 * `dist/bench-pyodide-start.js <request>`: Pyodide alone, started as fresh as a sandbox. A new
 * Node process, with no sandbox, no worker and no flags, restores the sandbox's memory snapshot
 * with Pyodide's own `loadPyodide`, runs the code and reports its output over IPC. The
 * benchmark times it from fork to report, as it times a sandbox from start to first result.
 * A bundle of its own, so that loading the benchmark's bundle is not counted against Pyodide.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadPyodide } from 'pyodide';

/** What the benchmark asks of the process, as its one argument (JSON). */
export interface PyodideStartRequest {
  readonly distDir: string;
  readonly snapshot: string;
  readonly code: string;
  /** Files to write into Pyodide's in-memory file system before the code runs: its path -> the host file. */
  readonly files?: Readonly<Record<string, string>>;
}

async function main(request: PyodideStartRequest): Promise<void> {
  const pyodide = await loadPyodide({
    indexURL: path.join(request.distDir, 'pyodide') + path.sep,
    _loadSnapshot: fs.readFileSync(request.snapshot),
    jsglobals: Object.create(null) as object,
  });
  for (const [file, host] of Object.entries(request.files ?? {})) pyodide.FS.writeFile(file, fs.readFileSync(host));
  let output = '';
  pyodide.setStdout({ batched: (line) => (output += `${line}\n`) });
  pyodide.runPython(request.code);
  process.send?.(output, () => process.exit(0));
}

void main(JSON.parse(process.argv[2] ?? '{}') as PyodideStartRequest);
