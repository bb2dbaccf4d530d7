import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { SandboxError, type SandboxClient } from '../../src/sandbox/client';
import { createNodeClient } from '../../src/sandbox/node-client';
import { ALL_LAUNCH_FEATURES, launchWrapper, osIsolationWrapper } from '../../src/sandbox/transport/child-process';
import { toContract, type RunResult } from '../../src/sandbox/result';
import { distDir } from './sandbox';

/** The fixture that replaces the sandbox process (test/fixtures/hostile-sandbox.ts). */
const HOSTILE_SANDBOX = path.resolve(__dirname, '..', 'fixtures', 'hostile-sandbox.js');

/** How the client must end a run that a hostile sandbox answered. */
type Expected = 'protocol fault' | 'protocol fault after the result' | 'crash' | 'memory cap' | 'accepted lie';

const SCENARIOS: Record<string, Expected> = {
  'wrong field types': 'protocol fault',
  'an unknown message type': 'protocol fault',
  'output for an unknown run': 'protocol fault',
  'a result for another run': 'protocol fault',
  'a second ready message': 'protocol fault',
  'a 100 MB frame': 'protocol fault',
  'a truncated frame': 'protocol fault',
  'a frame header with no body': 'protocol fault',
  'a frame trickled a byte at a time': 'protocol fault',
  'a frame written a byte per write, as fast as it can': 'protocol fault',
  'valid output without end': 'protocol fault',
  'garbage bytes': 'protocol fault',
  'a body that is not JSON': 'protocol fault',
  '15 MB of empty arrays': 'protocol fault',
  'deeply nested arrays': 'protocol fault',
  'an oversized output message': 'protocol fault',
  'messages after its result': 'protocol fault after the result',
  'a flood on stderr, then exit': 'crash',
  'a claim that Node refused the permission flags': 'crash',
  'a claim that the namespaces wrapper failed': 'crash',
  'a stderr message that poses as the client': 'crash',
  'an allocation bomb': 'memory cap',
  'a lie about the result': 'accepted lie',
  'a display with a MIME type that is not one': 'protocol fault',
  'display data that is not base64': 'protocol fault',
  'displays past the limits of a run': 'protocol fault',
  'a package error for a run without packages': 'protocol fault',
  'an error whose chain is past its bound': 'protocol fault',
};

/** A frame's body must follow its header within 10 s (client.ts); a little more for a busy machine. */
const BOUND_MS = 20_000;
/** What the client may take from its own process while it deals with one hostile sandbox. */
const MEMORY_BOUND_BYTES = 150 * 2 ** 20;

/** Samples this process's resident memory until stopped; returns the peak growth. */
function watchMemory(): () => number {
  const before = process.memoryUsage.rss();
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
  return () => {
    clearInterval(timer);
    return Math.max(peak, process.memoryUsage.rss()) - before;
  };
}

/**
 * A client whose first sandbox is the hostile fixture playing `scenario`, and every later one
 * the real sandbox process. The fixture runs in the namespaces of the real one, in a file system
 * that shows it its own folder: one that hid it would end it before it spoke, which the client
 * takes for a refused launch, and the real sandbox would play the scenario.
 */
function clientFacing(scenario: string): SandboxClient {
  let starts = 0;
  const wrapper = launchWrapper(ALL_LAUNCH_FEATURES, { readable: [path.dirname(HOSTILE_SANDBOX)], execPath: process.execPath });
  return createNodeClient({
    distDir,
    memoryLimitMb: 256,
    launch: (spec) =>
      starts++ > 0 ? spec : { ...spec, wrapper, execArgv: ['--no-warnings'], script: HOSTILE_SANDBOX, env: { HOSTILE_SCENARIO: scenario } },
  });
}

describe('hostile sandbox: the client survives anything the sandbox process sends', function () {
  this.timeout(120_000);

  for (const [scenario, expected] of Object.entries(SCENARIOS)) {
    it(`${scenario}: ${expected}, in bounded time and memory, and the next run works`, async () => {
      const client = clientFacing(scenario);
      try {
        const memoryGrowth = watchMemory();
        const started = performance.now();
        const firstPid = (await client.start()).pid;
        const settled: { result?: RunResult; error?: unknown } = await client.exec("print('hello')").then(
          (result) => ({ result }),
          (error: unknown) => ({ error }),
        );
        const elapsed = performance.now() - started;
        const grown = memoryGrowth();
        assert.ok(elapsed < BOUND_MS, `the run took ${Math.round(elapsed)} ms to end`);
        assert.ok(grown < MEMORY_BOUND_BYTES, `the client grew by ${Math.round(grown / 2 ** 20)} MiB`);

        if (expected === 'accepted lie') {
          // All a compromised sandbox can do to its own run: make up its result.
          assert.deepEqual(toContract(settled.result!), { ok: 'FORGED OUTPUT\n' });
          return;
        }
        if (expected === 'protocol fault after the result') {
          // The run had ended; what came after it stopped the sandbox all the same.
          assert.deepEqual(toContract(settled.result!), { ok: 'done\n' });
        } else if (expected === 'memory cap') {
          assert.equal(settled.result?.error?.type, 'MemoryError');
          assert.match(settled.result.error.message, /sandbox process used more than its 640 MiB limit/);
          assert.equal(settled.result.restarted, true);
        } else {
          const error = settled.error;
          assert.ok(error instanceof SandboxError, `a SandboxError, not ${String(error)}`);
          assert.equal(error.fault, expected === 'protocol fault' ? 'protocol' : 'crash');
          assert.match(error.message, expected === 'protocol fault' ? /broke the protocol/ : /crashed/);
          // The sandbox's words never appear as the client's, and what is kept of them is tamed.
          assert.doesNotMatch(error.message, /curl|AAAA/);
          if (error.reported !== undefined) {
            assert.ok(error.reported.length <= 4097, `${error.reported.length} characters of stderr kept`);
            assert.doesNotMatch(error.reported, /\u001b/);
          }
        }
        assert.deepEqual(toContract(await client.exec("print('alive')")), { ok: 'alive\n' });
        assert.notEqual(client.sandbox?.pid, firstPid, 'a fresh sandbox process serves the next run');
        // Whatever the last one did, the next sandbox is as locked down as the first was meant to be.
        assert.equal(client.sandbox?.restrictions.permissionModel, true, 'the next sandbox has the permission model');
        assert.equal(client.sandbox?.osIsolated, osIsolationWrapper().length > 0, 'the next sandbox has the namespaces');
        assert.equal(client.sandbox?.ownFileSystem, client.sandbox?.osIsolated, 'the next sandbox has a file system of its own');
      } finally {
        client.dispose();
      }
    });
  }
});
