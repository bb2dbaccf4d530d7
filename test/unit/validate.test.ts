import * as assert from 'node:assert/strict';
import { MESSAGE_LIMITS, parseSandboxMessage, ProtocolError } from '../../src/sandbox/validate';

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

  const refused: Record<string, unknown> = {
    'not an object': 'ready',
    'an array': [],
    'an unknown type': { type: 'escape' },
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
    'restrictions that are not booleans': { type: 'ready', restrictions: { ...restrictions, environmentEmpty: 'yes' }, runtime },
    'an unknown boot mode': { type: 'ready', restrictions, runtime: { ...runtime, boot: 'magic' } },
  };
  for (const [what, value] of Object.entries(refused)) {
    it(`refuses ${what}`, () => {
      assert.throws(() => parseSandboxMessage(value), ProtocolError);
    });
  }

  it('never quotes what the sandbox sent in its reason', () => {
    try {
      parseSandboxMessage({ type: 'run rm -rf /' });
      assert.fail('accepted');
    } catch (error) {
      assert.doesNotMatch((error as Error).message, /rm -rf/);
    }
  });
});
