import * as assert from 'node:assert/strict';
import { failure, type RunResult } from '../../src/sandbox/result';
import { agentTimeout, checkToolInput, describeForAgent, timeoutNote } from '../../src/tools/agent-text';

describe('agent tool text', () => {
  const ok: RunResult = { mode: 'exec', output: 'hi\n', lastValue: '42', truncated: false, durationMs: 12, restarted: false };

  it('tells status, value, duration and output', () => {
    assert.equal(describeForAgent(ok), 'status: ok\nvalue of the last expression (repr): 42\nduration: 12 ms\noutput:\nhi\n');
  });

  it('tells the error type, line and message, and truncation', () => {
    const error: RunResult = { ...failure('exec', 'ZeroDivisionError', 'division by zero'), output: 'x'.repeat(3), truncated: true };
    const withFrame = { ...error, error: { ...error.error!, frames: [{ line: 3, name: '<module>' }] } };
    assert.equal(
      describeForAgent(withFrame),
      'error: ZeroDivisionError (line 3)\nmessage: division by zero\nduration: 0 ms\noutput (truncated):\nxxx',
    );
  });

  it('rejects unusable input with a message the model can act on', () => {
    assert.equal(checkToolInput({ code: 'x' }), undefined);
    assert.match(checkToolInput({})!, /"code"/);
    assert.match(checkToolInput({ code: 'x', mode: 'run' as 'exec' })!, /"mode"/);
    assert.match(checkToolInput({ code: 'x', timeoutSeconds: -1 })!, /timeoutSeconds/);
  });
});

describe('agent tool text: the time limit', () => {
  it("keeps the agent's timeoutSeconds within the setting's bounds, and tells the model when it was not", () => {
    assert.deepEqual(agentTimeout(30), { seconds: 30, chosenBy: 'agent' });
    assert.deepEqual(agentTimeout(86_400), { seconds: 86_400, chosenBy: 'agent' });
    assert.equal(timeoutNote(agentTimeout(30)), undefined);
    for (const asked of [86_401, 3e6, Number.MAX_VALUE, Infinity]) {
      const timeout = agentTimeout(asked);
      assert.deepEqual(timeout, { seconds: 86_400, chosenBy: 'agent', asked });
      assert.equal(
        timeoutNote(timeout),
        `note: timeoutSeconds ${asked} is more than the most allowed, 86400; the run's time limit was 86400 s`,
      );
    }
  });

  it('puts notes before the duration and the output', () => {
    const ok: RunResult = { mode: 'exec', output: 'hi', truncated: false, durationMs: 5, restarted: false };
    assert.equal(describeForAgent(ok, [], ['note: one']), 'status: ok\nnote: one\nduration: 5 ms\noutput:\nhi');
  });
});

describe('agent tool text: packages', () => {
  it('names the packages a run loaded, cached or downloaded', () => {
    const ok: RunResult = { mode: 'exec', output: '', truncated: false, durationMs: 5, restarted: false };
    const loads = [
      { name: 'numpy', version: '2.4.6', fromCache: true },
      { name: 'attrs', version: '26.1.0', fromCache: false },
    ];
    assert.equal(
      describeForAgent(ok, loads),
      'status: ok\npackages loaded: numpy 2.4.6 (cached), attrs 26.1.0 (downloaded)\nduration: 5 ms\noutput: (none)',
    );
  });
});
