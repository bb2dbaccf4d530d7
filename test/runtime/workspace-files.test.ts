import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expandGrants, type Grant } from '../../src/files/grants';
import { nodeGrantFileSystem } from '../../src/files/node-fs';
import type { SandboxClient } from '../../src/sandbox/client';
import type { IsolationMode } from '../../src/sandbox/transport/transport';
import type { PrepareWorkspace, WorkspaceFile } from '../../src/sandbox/workspace-files';
import { sandboxFor } from './sandbox';

const HINT = 'grant it with the test';

/** A workspace whose files are held here, counting how often each is read. */
class TestWorkspace {
  readonly reads = new Map<string, number>();
  readonly files = new Map<string, { bytes: Uint8Array; mtimeMs: number }>();

  set(file: string, text: string | Uint8Array, mtimeMs = 1_700_000_000_000): this {
    this.files.set(file, { bytes: typeof text === 'string' ? new TextEncoder().encode(text) : text, mtimeMs });
    return this;
  }

  /** What a run in `cwd` may read: every file held here. */
  prepare(cwd = ''): PrepareWorkspace {
    return async () => ({
      cwd,
      notFoundHint: HINT,
      files: [...this.files].map(([file, { bytes, mtimeMs }]): WorkspaceFile => ({
        path: file,
        size: bytes.length,
        mtimeMs,
        read: async () => {
          this.reads.set(file, (this.reads.get(file) ?? 0) + 1);
          return bytes.slice();
        },
      })),
    });
  }
}

function describeWorkspaceFiles(isolation: IsolationMode): void {
  describe(`workspace files (${isolation} isolation)`, function () {
    const sandbox = sandboxFor(this, { isolation, maxReadableMb: 64 });
    const exec = (code: string, workspace: PrepareWorkspace): ReturnType<SandboxClient['exec']> => sandbox().exec(code, { workspace });

    it('a granted CSV is read with open() and csv, relative to the working directory, with its time and mode', async () => {
      const workspace = new TestWorkspace().set('analysis/data.csv', 'name,score\nada,3\nbob,5\n', 1_700_000_123_000);
      const result = await exec(
        [
          'import csv, os',
          'print(os.getcwd())',
          'with open("data.csv", newline="") as f:',
          '    rows = list(csv.DictReader(f))',
          'print(sum(int(row["score"]) for row in rows))',
          'st = os.stat("data.csv")',
          'print(st.st_size, int(st.st_mtime), oct(st.st_mode & 0o777))',
          'print(sorted(os.listdir("/workspace")), os.listdir("."))',
        ].join('\n'),
        workspace.prepare('analysis'),
      );
      assert.equal(result.error, undefined, result.error?.message);
      assert.equal(result.output, "/workspace/analysis\n8\n23 1700000123 0o444\n['analysis'] ['data.csv']\n");
    });

    it('a file that was not granted is not there, and the error says how to grant it', async () => {
      const workspace = new TestWorkspace().set('data.csv', 'x\n');
      const result = await exec('open("other.csv")', workspace.prepare());
      assert.equal(result.error?.type, 'FileNotFoundError');
      assert.match(result.error?.message ?? '', /No such file or directory: 'other.csv'; grant it with the test$/);
      const outside = await exec('open("../etc/passwd")', workspace.prepare());
      assert.equal(outside.error?.type, 'FileNotFoundError');
      assert.doesNotMatch(outside.error?.message ?? '', /grant it/, 'the hint is for paths in the workspace only');
    });

    it('granted files are read-only: writing, truncating, chmod and utime are refused, and a deleted one comes back', async () => {
      const workspace = new TestWorkspace().set('data.csv', 'original\n');
      const refused = await exec(
        [
          'import os',
          'for attempt in (lambda: open("data.csv", "w"), lambda: open("data.csv", "a"), lambda: os.truncate("data.csv", 0),',
          '                lambda: os.chmod("data.csv", 0o666), lambda: os.utime("data.csv", (0, 0))):',
          '    try:',
          '        attempt()',
          '        print("allowed")',
          '    except PermissionError as error:',
          '        print(error.errno in (2, 63))',
          'os.remove("data.csv")',
          'open("data.csv", "w").write("replaced")',
          'print(open("data.csv").read())',
        ].join('\n'),
        workspace.prepare(),
      );
      assert.equal(refused.error, undefined, refused.error?.message);
      assert.equal(refused.output, 'True\nTrue\nTrue\nTrue\nTrue\nreplaced\n');
      const back = await exec('print(open("data.csv").read(), end="")\nimport os\nos.rename("data.csv", "moved.csv")', workspace.prepare());
      assert.equal(back.output, 'original\n');
      const moved = await exec('import os\nprint(os.path.exists("moved.csv"), open("data.csv").read(), end="")', workspace.prepare());
      assert.equal(moved.output, 'False original\n', 'a moved file is put back where it belongs, and only there');
      assert.equal(workspace.reads.get('data.csv'), 1, 'put back from the bytes the sandbox kept, not sent again');
      const hinted = await exec('open("data.csv", "w")', workspace.prepare());
      assert.equal(hinted.error?.type, 'PermissionError');
      assert.match(hinted.error?.message ?? '', /read-only: write results under \.\/output\//);
    });

    it('files are sent once, again when they change, and a revoked one is gone at the next run', async () => {
      const workspace = new TestWorkspace().set('a/one.txt', '1').set('a/two.txt', '2');
      await exec('pass', workspace.prepare());
      await exec('pass', workspace.prepare());
      assert.deepEqual(
        [...workspace.reads],
        [
          ['a/one.txt', 1],
          ['a/two.txt', 1],
        ],
      );
      workspace.set('a/one.txt', 'one, changed', 1_700_000_999_000);
      assert.equal((await exec('print(open("a/one.txt").read())', workspace.prepare())).output, 'one, changed\n');
      assert.equal(workspace.reads.get('a/one.txt'), 2);
      workspace.files.delete('a/two.txt');
      workspace.files.delete('a/one.txt');
      const revoked = await exec(
        'import os\nprint(os.path.exists("/workspace/a/two.txt"), os.path.exists("/workspace/a"))',
        workspace.prepare(),
      );
      assert.equal(revoked.output, 'False False\n', 'the file and the folder it left empty are gone');
    });

    it('a file larger than a frame arrives whole', async () => {
      const big = new Uint8Array(40 * 2 ** 20);
      for (let i = 0; i < big.length; i += 4096) big[i] = i % 251;
      const workspace = new TestWorkspace().set('big.bin', big);
      const result = await exec('import hashlib\nprint(hashlib.sha256(open("big.bin", "rb").read()).hexdigest())', workspace.prepare());
      const expected = await crypto.subtle.digest('SHA-256', big);
      assert.equal(result.output.trim(), Buffer.from(expected).toString('hex'));
    });

    it('past the limit on files read, the run fails naming the file, and its code does not run', async () => {
      const workspace = new TestWorkspace().set('small.txt', 'x').set('zz/huge.bin', new Uint8Array(65 * 2 ** 20));
      const result = await exec('print("ran")', workspace.prepare());
      assert.equal(result.error?.type, 'FileAccessError');
      assert.match(
        result.error?.message ?? '',
        /^zz\/huge\.bin \(65\.0 MB\) would take the workspace files this runtime reads to 65\.0 MB, past its limit of 64\.0 MB/,
      );
      assert.equal(result.output, '');
    });

    it('files written under output/ are listed after the run, and read back on request', async () => {
      const workspace = new TestWorkspace().set('notebooks/data.csv', 'a\n1\n');
      const result = await exec(
        [
          'import os',
          'os.makedirs("output/plots", exist_ok=True)',
          'open("output/result.csv", "w").write("a,b\\n1,2\\n")',
          'open("output/plots/p.bin", "wb").write(bytes(range(256)) * 40)',
          'open("elsewhere.txt", "w").write("not in output")',
        ].join('\n'),
        workspace.prepare('notebooks'),
      );
      assert.equal(result.error, undefined, result.error?.message);
      assert.deepEqual(
        result.outputFiles?.map((file) => [file.path, file.size]),
        [
          ['notebooks/output/plots/p.bin', 10240],
          ['notebooks/output/result.csv', 8],
        ],
      );
      const bytes = await sandbox().readOutputFile(result.outputFiles![1]);
      assert.equal(new TextDecoder().decode(bytes), 'a,b\n1,2\n');
      const again = await exec('x = 1', workspace.prepare('notebooks'));
      assert.deepEqual(again.outputFiles, [], 'a run that wrote nothing lists nothing');
      await exec('open("output/result.csv", "a").write("3,4\\n")', workspace.prepare('notebooks'));
      await assert.rejects(sandbox().readOutputFile(result.outputFiles![1]), /changed in the sandbox after the run that wrote it/);
      const moved = await exec(
        'import os\nopen("elsewhere.txt", "w").write("x")\nos.rename("elsewhere.txt", "output/moved.txt")',
        workspace.prepare('notebooks'),
      );
      assert.deepEqual(
        moved.outputFiles?.map((file) => file.path),
        ['notebooks/output/moved.txt'],
        'a file moved into output/ during the run is listed',
      );
      await sandbox().restart();
      await assert.rejects(sandbox().readOutputFile(moved.outputFiles![0]), /no longer in the sandbox/);
    });

    it('an output file larger than one message is read back whole', async () => {
      const result = await exec(
        'import os\nos.makedirs("output", exist_ok=True)\nopen("output/big.bin", "wb").write(bytes(range(256)) * (40 * 4096))',
        new TestWorkspace().prepare(),
      );
      const [file] = result.outputFiles ?? [];
      assert.equal(file?.size, 40 * 2 ** 20);
      const bytes = await sandbox().readOutputFile(file);
      assert.equal(bytes.length, file.size);
      assert.equal(bytes[2 ** 20 + 7], 7);
    });

    it('names that cannot be saved are counted, not listed', async () => {
      const result = await exec(
        'import os\nos.makedirs("output", exist_ok=True)\nfor name in ["ok.txt", "a\\u202etxt.exe", "con.txt", "trailing."]:\n    open(f"output/{name}", "w").write("x")',
        new TestWorkspace().prepare(),
      );
      assert.deepEqual(
        result.outputFiles?.map((file) => file.path),
        ['output/ok.txt'],
      );
      assert.equal(result.outputFilesOmitted, 3);
    });
  });
}

describeWorkspaceFiles('process');
describeWorkspaceFiles('worker');

describe('workspace files from a folder on disk (what --read grants)', function () {
  const sandbox = sandboxFor(this, { maxReadableMb: 64 });
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-grant-'));
  before(() => {
    fs.mkdirSync(path.join(root, 'data', 'deeper'), { recursive: true });
    fs.writeFileSync(path.join(root, 'data', 'x.csv'), 'granted\n');
    fs.writeFileSync(path.join(root, 'data', 'deeper', 'y.csv'), 'deep\n');
    fs.writeFileSync(path.join(root, 'secret.txt'), 'not granted\n');
    fs.symlinkSync(path.join(root, 'secret.txt'), path.join(root, 'data', 'escape.txt'));
    fs.symlinkSync('/etc', path.join(root, 'data', 'etc'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  const grant = (grants: Grant[], cwd = ''): PrepareWorkspace => {
    return async () => ({ cwd, notFoundHint: HINT, files: (await expandGrants(nodeGrantFileSystem(root), grants)).files });
  };

  it('a granted folder is read as it is on disk; links out of it and `..` reach nothing', async () => {
    const result = await sandbox().exec(
      [
        'import os',
        'print(open("x.csv").read() + open("deeper/y.csv").read(), end="")',
        'for path in ("escape.txt", "etc/passwd", "../secret.txt"):',
        '    try:',
        '        print(open(path).read())',
        '    except FileNotFoundError as error:',
        '        print(type(error).__name__, error.filename)',
        'print(sorted(os.path.join(d, f) for d, _, fs in os.walk("/workspace") for f in fs))',
      ].join('\n'),
      { workspace: grant([{ kind: 'folder', path: 'data' }], 'data') },
    );
    assert.equal(result.error, undefined, result.error?.message);
    assert.equal(
      result.output,
      "granted\ndeep\nFileNotFoundError escape.txt\nFileNotFoundError etc/passwd\nFileNotFoundError ../secret.txt\n['/workspace/data/deeper/y.csv', '/workspace/data/x.csv']\n",
    );
  });
});
