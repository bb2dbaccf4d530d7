/**
 * What a real sandbox sends, against the one definition of its messages (protocol.ts). The
 * client drops fields its schemas do not define, so a field added on the sandbox's side (in
 * runner.py, display.py, the worker or the relay) and not to the schema would be lost without a
 * word: here every frame the sandbox process writes is read as it came, before the client's
 * check, and must carry no field the schema does not define.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheRoot } from '../../src/packages/node';
import { SandboxClient, type SandboxOptions } from '../../src/sandbox/client';
import { FrameReader } from '../../src/sandbox/framing';
import { nodeTransports, type NodeTransportOptions } from '../../src/sandbox/node-client';
import { SANDBOX_MESSAGE } from '../../src/sandbox/protocol';
import type { TransportFactory } from '../../src/sandbox/transport/transport';
import type { PreparedWorkspace } from '../../src/sandbox/workspace-files';
import { cacheDirsFor } from '../fixtures/package-tests';
import { distDir } from './sandbox';

/** Starts sandboxes as `factory` does, and keeps every message they send, as they sent it. */
function recording(factory: TransportFactory, sent: unknown[]): TransportFactory {
  return {
    ...factory,
    start(start, events) {
      const frames = new FrameReader();
      return factory.start(start, {
        ...events,
        data(bytes) {
          sent.push(...frames.push(bytes));
          events.data(bytes);
        },
      });
    },
  };
}

/** Code that makes the sandbox send each kind of message and each field a message can have. */
const DISPLAYS = `import base64
class Rich:
    def _repr_png_(self): return base64.b64decode('iVBORw0KGgo=')
    def _repr_svg_(self): return '<svg xmlns="http://www.w3.org/2000/svg"/>'
    def _repr_html_(self): return '<b>rich</b>'
    def _repr_markdown_(self): return '**rich**'
    def _repr_json_(self): return {'a': [1, 2]}
    def _repr_latex_(self): return r'$\\alpha$'
display(Rich())
display({'application/vnd.custom+json': {'x': 1}, 'not a mime': 1}, raw=True)
from IPython.display import clear_output, update_display
display('shown', display_id='status')
update_display('updated', display_id='status')
clear_output(wait=True)
Rich()`;

const ERRORS = `def divide(a, b):
    return a / b
try:
    divide(1, 0)
except ZeroDivisionError as error:
    error.add_note('dividing')
    raise ValueError('no ratio') from error`;

describe('messages: what a real sandbox sends is what protocol.ts defines', function () {
  this.timeout(120_000);
  const newCacheDir = cacheDirsFor(this);
  const clients: SandboxClient[] = [];
  afterEach(() => clients.splice(0).forEach((client) => client.dispose()));

  function client(options: Omit<SandboxOptions, 'transport'> & NodeTransportOptions, sent: unknown[]): SandboxClient {
    const made = new SandboxClient({ ...options, transport: recording(nodeTransports({ distDir, ...options }), sent) });
    clients.push(made);
    return made;
  }

  it('every message, from start-up to each kind of result, carries only fields its schema defines', async () => {
    const sent: unknown[] = [];
    const cacheDir = cacheRoot(newCacheDir());
    const sandbox = client({ input: true, maxOutputBytes: 4096, memoryLimitMb: 256, maxReadableMb: 64, packageCacheDir: cacheDir }, sent);
    await sandbox.exec("import sys\nprint('out')\nprint('err', file=sys.stderr)");
    await sandbox.eval('{"a": [1, 2.5, None]}');
    await sandbox.exec('x = 41\nx + 1', { captureLastValue: true });
    await sandbox.exec(DISPLAYS, { displayLastValue: 'all' });
    await sandbox.exec(ERRORS);
    await sandbox.exec('x = (1,\ny = 2 +');
    await sandbox.exec('def f(): f()\nf()');
    await sandbox.exec("print('x' * 10_000)");
    // Variables queries: names with every field, children, a table, a problem.
    await sandbox.exec("class Bad:\n    def __repr__(self): raise ValueError\nbad, rows = Bad(), [{'a': 1}]");
    const budget = { valueMs: 100, totalMs: 1000 };
    await sandbox.inspect({ op: 'names', offset: 0, limit: 10, hide: true, valueChars: 100, budget });
    await sandbox.inspect({ op: 'children', path: ['rows'], offset: 0, limit: 10, valueChars: 100, budget });
    await sandbox.inspect({ op: 'table', path: ['rows'], maxRows: 10, budget });
    await sandbox.inspect({ op: 'table', path: ['gone'], maxRows: 10, budget });
    const asking = sandbox.run('exec', "print(input('who? '))");
    asking.onDidRequestInput((request) => request.reply('me'));
    await asking.result;
    // A package file that does not match its hash: the sandbox process refuses to load it.
    fs.mkdirSync(cacheDir, { recursive: true });
    const file = path.join(cacheDir, 'sandbox_demo_x-1.0.0-py3-none-any.whl');
    fs.writeFileSync(file, 'not the file the hash is of');
    const refused = await sandbox.exec('pass', {
      packages: () =>
        Promise.resolve([
          {
            name: 'sandbox-demo-x',
            version: '1.0.0',
            fileName: path.basename(file),
            path: file,
            sha256: '0'.repeat(64),
            depends: [],
            imports: ['sandbox_demo_x'],
            packageType: 'package',
            installDir: 'site',
            fromCache: true,
          },
        ]),
    });
    assert.equal(refused.packagesFailed, true, JSON.stringify(refused));
    // A run with a workspace: output files listed (and one that cannot be saved counted), then one read back.
    const bytes = new TextEncoder().encode('a\n');
    const workspace = async (): Promise<PreparedWorkspace> => ({
      cwd: 'sub',
      notFoundHint: 'grant it',
      files: [{ path: 'sub/in.csv', size: bytes.length, mtimeMs: 1, read: async () => bytes.slice() }],
    });
    const wrote = await sandbox.exec(
      'import os\nos.makedirs("output", exist_ok=True)\nopen("output/out.csv", "w").write(open("in.csv").read())\nopen("output/con", "w")',
      { workspace },
    );
    assert.deepEqual(await sandbox.readOutputFile(wrote.outputFiles![0]), bytes);
    const memory = await sandbox.exec('b = bytearray(512 * 2**20)');
    assert.equal(memory.error?.type, 'MemoryError');

    // Each one passes the client's check, and carries nothing that check would drop.
    for (const message of sent) SANDBOX_MESSAGE.parse(message);
    const unknown = sent.flatMap((message) => SANDBOX_MESSAGE.unknownFields(message, 'message'));
    assert.deepEqual(unknown, [], 'fields the schema does not define');
    // Each kind of message, and each optional field, came at least once: the corpus covers them.
    const seen = new Set(sent.flatMap((message) => paths(message)));
    for (const expected of [
      'ready.restrictions.environmentEmpty',
      'ready.runtime.startup.lockedDown',
      'output.stream',
      'input-request.prompt',
      'display.items.encoding',
      'display.displayId',
      'display.wait',
      'result.outcome.value',
      'result.outcome.lastValue',
      'result.outcome.error.frames.endColumn',
      'result.outcome.error.chain.link',
      'result.outcome.error.chain.notes',
      'result.outcome.packageError',
      'result.outcome.recycle',
      'variables-result.answer.entries.summary',
      'variables-result.answer.entries.unavailable',
      'variables-result.answer.by',
      'variables-result.answer.table.totalColumns',
      'variables-result.answer.problem',
      'result.outcome.outputFiles.mtimeMs',
      'result.outcome.outputFilesOmitted',
      'file-data.data',
    ]) {
      assert.ok(seen.has(expected), `no message had ${expected}`);
    }
    assert.ok(
      sent.some((message) => JSON.stringify(message).includes('"truncated":true')),
      'a result said its output was truncated',
    );
  });
});

/** Every field path of a message, after its type and without list indices: `result.outcome.error.frames.line`. */
function paths(message: unknown): string[] {
  const walk = (value: unknown, prefix: string): string[] => {
    if (Array.isArray(value)) return value.flatMap((element) => walk(element, prefix));
    if (typeof value !== 'object' || value === null) return [prefix];
    return Object.entries(value).flatMap(([key, field]) => walk(field, `${prefix}.${key}`));
  };
  const { type, ...fields } = message as { type: string };
  return walk(fields, type);
}
