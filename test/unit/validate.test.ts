import * as assert from 'node:assert/strict';
import { MESSAGE_LIMITS, parseSandboxMessage, SANDBOX_MESSAGE } from '../../src/sandbox/protocol';
import { ProtocolError } from '../../src/sandbox/schema';

const restrictions = {
  permissionModel: true,
  hostFilesDenied: true,
  childProcessDenied: true,
  codeGenerationBlocked: true,
  environmentEmpty: true,
};
const runtime = { pythonVersion: '3.14.2', pyodideVersion: '314.0.7', boot: 'snapshot', loadMs: 10 };

describe('validate: messages from the sandbox', () => {
  it('rebuilds a well-formed message from its checked fields only', () => {
    const message = parseSandboxMessage({ type: 'output', id: 3, stream: 'stderr', text: 'hi', extra: { nested: [1] } });
    assert.deepEqual(message, { type: 'output', id: 3, stream: 'stderr', text: 'hi' });
    assert.deepEqual(parseSandboxMessage({ type: 'ready', restrictions, runtime }), { type: 'ready', restrictions, runtime });
  });

  it('accepts a result with an error and its frames', () => {
    const outcome = {
      truncated: false,
      error: { type: 'ZeroDivisionError', message: 'division by zero', frames: [{ line: 1, column: 0, name: '<module>' }] },
    };
    assert.deepEqual(parseSandboxMessage({ type: 'result', id: 1, outcome }), { type: 'result', id: 1, outcome });
  });

  it("accepts an error's notes and the exceptions chained before it, with how each led to the next", () => {
    const frames = [{ line: 3, name: 'parse' }];
    const chain = [
      { type: 'ValueError', message: "invalid literal for int() with base 10: 'x'", frames, notes: ['while parsing'], link: 'cause' },
      { type: 'RuntimeError', message: 'bad config', frames: [], link: 'context' },
    ];
    const outcome = {
      truncated: false,
      error: { type: 'ZeroDivisionError', message: 'division by zero', frames, notes: ['a', ''], chain },
    };
    assert.deepEqual(parseSandboxMessage({ type: 'result', id: 1, outcome }), { type: 'result', id: 1, outcome });
  });

  it('accepts display data: text and base64 items, one per MIME type', () => {
    const items = [
      { mime: 'image/png', data: 'iVBORw0KGgo=', encoding: 'base64' },
      { mime: 'application/vnd.custom+json', data: '{}', encoding: 'text' },
      { mime: 'text/plain', data: 'Chart()', encoding: 'text' },
    ];
    assert.deepEqual(parseSandboxMessage({ type: 'display', id: 2, kind: 'result', items, metadata: { x: 1 } }), {
      type: 'display',
      id: 2,
      kind: 'result',
      items,
    });
  });

  it('accepts output files that can be saved, and file data in base64', () => {
    const outcome = {
      truncated: false,
      outputFiles: [{ path: 'notebooks/output/résumé 2.csv', size: 12, mtimeMs: 1.5 }],
      outputFilesOmitted: 2,
    };
    assert.deepEqual(parseSandboxMessage({ type: 'result', id: 1, outcome }), { type: 'result', id: 1, outcome });
    assert.deepEqual(parseSandboxMessage({ type: 'file-data', id: 1, data: 'AAEC' }), { type: 'file-data', id: 1, data: 'AAEC' });
  });

  const display = (...items: unknown[]): unknown => ({ type: 'display', id: 1, kind: 'display', items });
  const outputFile = (path: unknown, extra: object = {}): unknown => ({
    type: 'result',
    id: 1,
    outcome: { truncated: false, outputFiles: [{ path, size: 1, mtimeMs: 1, ...extra }] },
  });
  const plain = { mime: 'text/plain', data: 'x', encoding: 'text' };
  const failed = (fields: object): unknown => ({
    type: 'result',
    id: 1,
    outcome: { truncated: false, error: { type: 'E', message: '', frames: [], ...fields } },
  });
  const chained = { type: 'ValueError', message: 'x', frames: [], link: 'cause' };

  it('accepts a display with an id, its update, and a clear with no items (waiting or not)', () => {
    const shown = { type: 'display', id: 3, kind: 'display', items: [plain], displayId: 'progress' };
    assert.deepEqual(parseSandboxMessage(shown), shown);
    const update = { type: 'display', id: 3, kind: 'update', items: [plain], displayId: 'progress' };
    assert.deepEqual(parseSandboxMessage(update), update);
    assert.deepEqual(parseSandboxMessage({ type: 'display', id: 3, kind: 'clear', items: [], wait: true }), {
      type: 'display',
      id: 3,
      kind: 'clear',
      items: [],
      wait: true,
    });
    assert.deepEqual(parseSandboxMessage({ type: 'display', id: 3, kind: 'clear', items: [] }), {
      type: 'display',
      id: 3,
      kind: 'clear',
      items: [],
    });
  });

  const refused: Record<string, unknown> = {
    'display data of an unknown kind': { type: 'display', id: 1, kind: 'popup', items: [plain] },
    'a display without items': display(),
    'an update without a display id': { type: 'display', id: 1, kind: 'update', items: [plain] },
    'a display id that is not a string': { type: 'display', id: 1, kind: 'display', items: [plain], displayId: 7 },
    'an oversized display id': {
      type: 'display',
      id: 1,
      kind: 'display',
      items: [plain],
      displayId: 'x'.repeat(MESSAGE_LIMITS.displayIdChars + 1),
    },
    'a clear with items': { type: 'display', id: 1, kind: 'clear', items: [plain] },
    'a clear whose wait is not a boolean': { type: 'display', id: 1, kind: 'clear', items: [], wait: 'yes' },
    'a display with too many items': display(...Array.from({ length: 33 }, (_, i) => ({ ...plain, mime: `text/x-${i}` }))),
    'a display repeating a MIME type': display(plain, plain),
    'a MIME type with parameters': display({ ...plain, mime: 'text/html; charset=utf-8' }),
    'a MIME type without a subtype': display({ ...plain, mime: 'text' }),
    'base64 that is not': display({ mime: 'image/png', data: 'a-b_', encoding: 'base64' }),
    'base64 of a wrong length': display({ mime: 'image/png', data: 'abc', encoding: 'base64' }),
    'an unknown encoding': display({ ...plain, encoding: 'hex' }),
    'an oversized display item': display({ ...plain, data: 'x'.repeat(MESSAGE_LIMITS.displayItemChars + 1) }),
    'not an object': 'ready',
    'an array': [],
    'an unknown type': { type: 'escape' },
    'a type named like a property of every object': { type: 'constructor' },
    'a type named like the prototype': JSON.parse('{"type": "__proto__"}'),
    'a run id that is not a positive whole number': { type: 'output', id: -1, stream: 'stdout', text: '' },
    'a fractional run id': { type: 'output', id: 1.5, stream: 'stdout', text: '' },
    'an unknown stream': { type: 'output', id: 1, stream: 'stdin', text: '' },
    'text that is not a string': { type: 'output', id: 1, stream: 'stdout', text: 42 },
    'oversized output': { type: 'output', id: 1, stream: 'stdout', text: 'x'.repeat(MESSAGE_LIMITS.outputChars + 1) },
    'an oversized prompt': { type: 'input-request', id: 1, prompt: 'x'.repeat(MESSAGE_LIMITS.promptChars + 1) },
    'too many frames': {
      type: 'result',
      id: 1,
      outcome: { truncated: false, error: { type: 'E', message: '', frames: Array(65).fill({ line: 1, name: 'f' }) } },
    },
    'a frame line of zero': {
      type: 'result',
      id: 1,
      outcome: { truncated: false, error: { type: 'E', message: '', frames: [{ line: 0, name: 'f' }] } },
    },
    'a missing truncated flag': { type: 'result', id: 1, outcome: {} },
    'a chain longer than its bound': failed({ chain: Array(MESSAGE_LIMITS.chainedErrors + 1).fill(chained) }),
    'an empty chain': failed({ chain: [] }),
    'a chained error of an unknown link': failed({ chain: [{ ...chained, link: 'finally' }] }),
    'a chained error without a link': failed({ chain: [{ type: 'E', message: '', frames: [] }] }),
    'a chained error with too many frames': failed({
      chain: [{ ...chained, frames: Array(MESSAGE_LIMITS.frames + 1).fill({ line: 1, name: 'f' }) }],
    }),
    'a note longer than its bound': failed({ notes: ['x'.repeat(MESSAGE_LIMITS.noteChars + 1)] }),
    'too many notes': failed({ notes: Array(MESSAGE_LIMITS.notes + 1).fill('n') }),
    'a note that is not a string': failed({ notes: [1] }),
    'an oversized note in a chained error': failed({ chain: [{ ...chained, notes: ['x'.repeat(MESSAGE_LIMITS.noteChars + 1)] }] }),
    'restrictions that are not booleans': { type: 'ready', restrictions: { ...restrictions, environmentEmpty: 'yes' }, runtime },
    'an unknown boot mode': { type: 'ready', restrictions, runtime: { ...runtime, boot: 'magic' } },
    'an output file path that climbs out (..)': outputFile('output/../../.bashrc'),
    'an absolute output file path': outputFile('/home/user/.bashrc'),
    'an output file path with a backslash': outputFile('output\\..\\x'),
    'an output file name with a right-to-left override': outputFile('output/invoice\u202Efdp.exe'),
    'an output file name with a control character': outputFile('output/a\nb'),
    'an output file named like a Windows device': outputFile('output/NUL.txt'),
    'an output file name ending in a dot': outputFile('output/x.'),
    'an empty output file name': outputFile('output//x'),
    'a negative output file size': outputFile('output/x', { size: -1 }),
    'too many output files': {
      type: 'result',
      id: 1,
      outcome: { truncated: false, outputFiles: Array(MESSAGE_LIMITS.outputFiles + 1).fill({ path: 'output/x', size: 1, mtimeMs: 1 }) },
    },
    'file data that is not base64': { type: 'file-data', id: 1, data: 'a-b_' },
    'an oversized chunk of file data': { type: 'file-data', id: 1, data: 'AAAA'.repeat(Math.ceil(MESSAGE_LIMITS.fileChunkBytes / 3) + 1) },
  };
  for (const [what, value] of Object.entries(refused)) {
    it(`refuses ${what}`, () => {
      assert.throws(() => parseSandboxMessage(value), ProtocolError);
    });
  }

  it('names the fields a message carries that no schema defines (what the runtime tests hold the sandbox to)', () => {
    const message = { type: 'display', id: 1, kind: 'display', items: [{ ...plain, metadata: {} }], extra: 1 };
    assert.deepEqual(SANDBOX_MESSAGE.unknownFields(message, 'message'), ['message.items[0].metadata', 'message.extra']);
    assert.deepEqual(SANDBOX_MESSAGE.unknownFields({ type: 'output', id: 3, stream: 'stderr', text: 'hi' }, 'message'), []);
  });

  it('never quotes what the sandbox sent in its reason', () => {
    try {
      parseSandboxMessage({ type: 'run rm -rf /' });
      assert.fail('accepted');
    } catch (error) {
      assert.doesNotMatch((error as Error).message, /rm -rf/);
    }
  });
});
