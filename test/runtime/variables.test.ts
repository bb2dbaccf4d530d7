/**
 * Variables queries against the real sandbox: what the Variables view, hovers and tables read
 * of a namespace, what the user's code that reading calls may cost (time, exceptions, output,
 * input), that reading changes nothing, and that a query that will not stop loses no more than
 * the runtime it was reading.
 */
import * as assert from 'node:assert/strict';
import type { Inspection, SandboxClient } from '../../src/sandbox/client';
import type { Variable, VariablesAnswer, VariablesQuery } from '../../src/sandbox/protocol';
import { createNodeClient } from '../../src/sandbox/node-client';
import { toContract } from '../../src/sandbox/result';
import { distDir, sandboxFor } from './sandbox';

const BUDGET = { valueMs: 100, totalMs: 1000 };

/** The answer of a query that must have one. */
function answerOf(inspection: Inspection): VariablesAnswer {
  assert.ok('answer' in inspection, `an answer, got ${JSON.stringify(inspection)}`);
  return inspection.answer;
}

function names(client: SandboxClient, hide = true): Promise<VariablesAnswer> {
  return client.inspect({ op: 'names', offset: 0, limit: 100, hide, valueChars: 200, budget: BUDGET }).then(answerOf);
}

function children(client: SandboxClient, path: Array<string | number>, offset = 0, limit = 100): Promise<VariablesAnswer> {
  return client.inspect({ op: 'children', path, offset, limit, valueChars: 200, budget: BUDGET }).then(answerOf);
}

/** name -> [type, summary, value] for quick comparison. */
function shown(entries: readonly Variable[]): Record<string, [string, string | undefined, string | undefined]> {
  return Object.fromEntries(entries.map((e) => [e.name, [e.type, e.summary, e.value ?? e.unavailable]]));
}

const VALUES = `import math
class Point:
    kind = 'plane'
    def __init__(self, x, y):
        self.x, self.y = x, y
    @property
    def norm(self):
        return math.hypot(self.x, self.y)
    def scaled(self, k):
        return Point(self.x * k, self.y * k)
xs = [1, 2, 3]
table = {'a': 1, 'b': [1, 2]}
p = Point(3, 4)
text = 'hello'
big = list(range(250))
def helper():
    pass
_private = 1`;

describe('variables: reading the namespace between runs', function () {
  this.timeout(120_000);
  const sandbox = sandboxFor(this);

  before(async () => {
    assert.deepEqual(toContract(await sandbox().exec(VALUES)), { ok: '' });
  });

  it('lists names with types, summaries and short values; modules, functions, classes and _names hidden', async () => {
    const answer = await names(sandbox());
    assert.deepEqual(shown(answer.entries), {
      big: ['list', '250 items', `[${Array.from({ length: 250 }, (_, i) => i).join(', ')}]`.slice(0, 199) + '…'],
      p: ['Point', undefined, answer.entries.find((e) => e.name === 'p')!.value],
      table: ['dict', '2 items', "{'a': 1, 'b': [1, 2]}"],
      text: ['str', '5 characters', "'hello'"],
      xs: ['list', '3 items', '[1, 2, 3]'],
    });
    assert.equal(answer.total, 5);
    assert.match(answer.entries.find((e) => e.name === 'p')!.value!, /^<__main__\.Point object at 0x[0-9a-f]+>$/);
    const all = await names(sandbox(), false);
    assert.deepEqual(
      all.entries.filter((e) => e.kind !== 'data').map((e) => [e.name, e.kind]),
      [
        ['helper', 'function'],
        ['math', 'module'],
        ['Point', 'class'],
      ],
    );
  });

  it('expands a list, a dict and an object (attributes, a property; no methods), a page at a time', async () => {
    assert.deepEqual(shown((await children(sandbox(), ['xs'])).entries), {
      '0': ['int', undefined, '1'],
      '1': ['int', undefined, '2'],
      '2': ['int', undefined, '3'],
    });
    const dict = await children(sandbox(), ['table']);
    assert.equal(dict.by, 'item');
    assert.deepEqual(shown(dict.entries), { "'a'": ['int', undefined, '1'], "'b'": ['list', '2 items', '[1, 2]'] });
    assert.deepEqual(shown((await children(sandbox(), ['table', 1])).entries), {
      '0': ['int', undefined, '1'],
      '1': ['int', undefined, '2'],
    });
    const object = await children(sandbox(), ['p']);
    assert.equal(object.by, 'attr');
    assert.deepEqual(shown(object.entries), {
      kind: ['str', '5 characters', "'plane'"],
      norm: ['float', undefined, '5.0'],
      x: ['int', undefined, '3'],
      y: ['int', undefined, '4'],
    });
    const page = await children(sandbox(), ['big'], 200, 100);
    assert.equal(page.total, 250);
    assert.deepEqual(
      page.entries.map((e) => e.name),
      Array.from({ length: 50 }, (_, i) => String(200 + i)),
    );
  });

  it('looks up one value by its path, and finds nothing for a name that is not there', async () => {
    const lookup = (path: string[]): Promise<VariablesAnswer> =>
      sandbox().inspect({ op: 'lookup', path, valueChars: 2000, budget: BUDGET }).then(answerOf);
    assert.deepEqual(shown((await lookup(['p', 'norm'])).entries), { norm: ['float', undefined, '5.0'] });
    assert.deepEqual((await lookup(['nothing_here'])).entries, []);
  });

  it('reads a list of dicts as a table: columns in order of appearance, the first rows, the full size', async () => {
    await sandbox().exec("rows = [{'name': f'n{i}', 'n': i} for i in range(1500)]\nrows[1]['extra'] = True");
    const inspection = await sandbox().inspect({ op: 'table', path: ['rows'], maxRows: 1000, budget: { valueMs: 2000, totalMs: 2000 } });
    const table = answerOf(inspection).table!;
    assert.deepEqual(table.columns, ['name', 'n', 'extra']);
    assert.equal(table.rows.length, 1000);
    assert.deepEqual(table.rows.slice(0, 2), [
      ['n0', '0', ''],
      ['n1', '1', 'True'],
    ]);
    assert.deepEqual([table.totalRows, table.totalColumns], [1500, 3]);
    const notATable = answerOf(await sandbox().inspect({ op: 'table', path: ['text'], maxRows: 10, budget: BUDGET }));
    assert.match(notATable.problem ?? '', /not a list of rows, a dict of columns, a DataFrame or a 2-D array/);
  });

  it('changes nothing: no name, no history, no run counted; what reading prints, asks or displays goes nowhere', async () => {
    await sandbox().exec(`import _sandbox_runner
class Noisy:
    def __repr__(self):
        print('printed by repr')
        display('displayed by repr')
        return input('asked by repr')
noisy = Noisy()
before = None
before = (sorted(globals()), _sandbox_runner._run_count, get_ipython().execution_count)`);
    const answer = await names(sandbox());
    assert.match(answer.entries.find((e) => e.name === 'noisy')?.unavailable ?? '', /^reading it raised EOFError/);
    await children(sandbox(), ['p']);
    // The cell that checks is counted and its input kept (_iN), as any cell's.
    const run = sandbox().run(
      'exec',
      "print((sorted(set(globals()) - {f'_i{get_ipython().execution_count}'}), _sandbox_runner._run_count - 1, get_ipython().execution_count - 1) == before)",
    );
    const displayed: unknown[] = [];
    run.onDidDisplay((data) => displayed.push(data));
    assert.deepEqual(toContract(await run.result), { ok: 'True\n' });
    assert.deepEqual(displayed, []);
  });

  it('never iterates an iterator, and walks a large container instead of calling repr on all of it', async () => {
    await sandbox().exec(`class Counted:
    calls = 0
    def __repr__(self):
        Counted.calls += 1
        return 'c'
many = [Counted() for _ in range(100_000)]
squares = (i * i for i in range(3))
letters = iter('abc')`);
    const answer = await names(sandbox());
    assert.match(answer.entries.find((e) => e.name === 'many')?.value ?? '', /^\[c, c, c, .*…$/);
    assert.equal(answer.entries.find((e) => e.name === 'squares')?.type, 'generator');
    await children(sandbox(), ['squares']);
    await children(sandbox(), ['letters']);
    assert.deepEqual(toContract(await sandbox().exec('print(Counted.calls < 200, next(squares), next(letters))')), { ok: 'True 0 a\n' });
    await sandbox().exec('del many, squares, letters, Counted');
  });

  it('a __repr__ that loops forever, one that sleeps and one that raises are unavailable, and the runtime answers the next run', async () => {
    await sandbox().exec(`import time
class Loops:
    def __repr__(self):
        while True:
            pass
class Sleeps:
    def __repr__(self):
        time.sleep(3600)
class Raises:
    def __repr__(self):
        raise ValueError('no repr for you')
loops, sleeps, raises = Loops(), Sleeps(), Raises()
kept = 42`);
    const started = performance.now();
    const answer = await names(sandbox());
    assert.ok(performance.now() - started < 5000, 'the hostile values did not hold the query up');
    const unavailable = Object.fromEntries(answer.entries.map((e) => [e.name, e.unavailable]));
    assert.equal(unavailable.loops, 'reading it took longer than 100 ms');
    assert.equal(unavailable.sleeps, 'reading it took longer than 100 ms');
    assert.equal(unavailable.raises, 'reading it raised ValueError: no repr for you');
    assert.equal(answer.entries.find((e) => e.name === 'kept')?.value, '42');
    assert.deepEqual(toContract(await sandbox().exec('print(kept)')), { ok: '42\n' });
  });

  it('values past the query’s time are listed without being read', async () => {
    await sandbox().exec(`class Slow:
    def __repr__(self):
        import time
        deadline = time.perf_counter() + 0.09
        while time.perf_counter() < deadline:
            pass
        return 'slow'
slow = [Slow() for _ in range(30)]
${Array.from({ length: 30 }, (_, i) => `s${String(i).padStart(2, '0')} = Slow()`).join('\n')}`);
    const answer = await names(sandbox());
    const reasons = answer.entries.filter((e) => /^s\d\d$/.test(e.name)).map((e) => e.unavailable ?? e.value);
    assert.ok(reasons.includes('slow'), 'the first are read');
    assert.ok(reasons.includes('not read: the 1000 ms this view may take were spent'), `the last are not: ${reasons.join(' | ')}`);
    await sandbox().exec(
      `for name in [n for n in globals() if n.startswith('s') and n[1:].isdigit()] + ['slow']:\n    del globals()[name]`,
    );
  });
});

describe('variables: a notebook kernel, with IPython names in its namespace', function () {
  this.timeout(120_000);
  const sandbox = sandboxFor(this);
  let cell = 0;

  /** Runs `code` as notebook cell [N], as the notebook kernel does. */
  async function run(code: string): Promise<string> {
    const result = await sandbox().run('exec', code, { displayLastValue: 'all', executionCount: ++cell, captureLastValue: true }).result;
    assert.equal(result.error, undefined, JSON.stringify(result.error));
    return result.lastValue ?? '';
  }

  /** What the kernel's history holds, read by an eval, which is no cell: it is not counted and keeps no value. */
  const history = async (): Promise<unknown> =>
    (
      await sandbox().eval(
        '[get_ipython().execution_count, repr(_), repr(__), repr(Out), In, _i, sorted(n for n in globals() if n.startswith("_"))]',
      )
    ).value;

  it('hides In, Out, get_ipython, _, _N, _iN and _oh; shows one the user gave a value of their own', async () => {
    await run('answer = 42');
    await run('answer + 1');
    await run("'text'");
    const all = await names(sandbox(), false);
    assert.deepEqual(
      all.entries.map((e) => e.name),
      ['answer'],
    );
    await run("Out = 'mine'");
    assert.deepEqual(
      (await names(sandbox(), false)).entries.map((e) => [e.name, e.value]),
      [
        ['answer', '42'],
        ['Out', "'mine'"],
      ],
    );
    await run('Out = _oh');
  });

  it('a refresh, a hover and an expansion leave _, Out, In and the execution count as they were', async () => {
    await run('[1, 2, 3]');
    const before = await history();
    assert.deepEqual(before, await history(), 'reading the history changes it not');
    await names(sandbox(), false);
    for (const path of [['_'], ['Out'], ['In'], ['__'], ['answer']]) {
      assert.equal(answerOf(await sandbox().inspect({ op: 'lookup', path, valueChars: 200, budget: BUDGET })).entries.length, 1);
    }
    assert.ok((await children(sandbox(), ['Out'])).total > 0);
    await children(sandbox(), ['In']);
    assert.deepEqual(await history(), before);
    assert.equal(await run('_'), '[1, 2, 3]');
  });
});

describe('variables: a query that will not stop', function () {
  this.timeout(120_000);
  const clients: SandboxClient[] = [];
  afterEach(() => clients.splice(0).forEach((client) => client.dispose()));

  async function client(code: string): Promise<SandboxClient> {
    const created = createNodeClient({ distDir });
    clients.push(created);
    assert.deepEqual(toContract(await created.exec(code)), { ok: '' });
    return created;
  }

  const query: VariablesQuery = { op: 'names', offset: 0, limit: 100, hide: true, valueChars: 200, budget: { valueMs: 100, totalMs: 300 } };

  it('code that turns tracing off and loops is interrupted: the answer says so, and the namespace stays', async () => {
    const sandbox = await client(`import sys
class Sly:
    def __repr__(self):
        sys.settrace(None)
        while True:
            pass
sly = Sly()
kept = 1`);
    const inspection = await sandbox.inspect(query);
    assert.match(answerOf(inspection).problem ?? '', /interrupted/);
    assert.deepEqual(toContract(await sandbox.exec('print(kept)')), { ok: '1\n' });
  });

  it('a loop in C is stopped with its runtime: the answer says the namespace was lost, and the next run works', async () => {
    const sandbox = await client(`class Stuck:
    def __repr__(self):
        return str(sum(range(10**12)))
stuck = Stuck()
lost = 1`);
    const inspection = await sandbox.inspect(query);
    assert.ok('unavailable' in inspection, JSON.stringify(inspection));
    assert.equal(inspection.restarted, true);
    assert.match(
      inspection.unavailable,
      /did not stop when interrupted \(code that turns tracing off, or a loop in C\); the runtime was restarted and its namespace lost/,
    );
    assert.equal((await sandbox.eval('lost')).error?.type, 'NameError');
    assert.deepEqual(toContract(await sandbox.exec("print('alive')")), { ok: 'alive\n' });
  });

  it('waits for the runs before it, and never runs while one does; with ifIdle it does not wait', async () => {
    const sandbox = await client('x = 1');
    const run = sandbox.run('exec', 'import time\ntime.sleep(0.5)\nx = 2');
    assert.deepEqual(await sandbox.inspect(query, { ifIdle: true }), { unavailable: 'the runtime is busy running code' });
    const answer = answerOf(await sandbox.inspect(query));
    assert.equal(run.state, 'done');
    assert.equal(answer.entries.find((e) => e.name === 'x')?.value, '2');
  });

  it('does not start a runtime', async () => {
    const sandbox = createNodeClient({ distDir });
    clients.push(sandbox);
    assert.deepEqual(await sandbox.inspect(query), { unavailable: 'the runtime is not running: run some code first' });
    assert.equal(sandbox.state, 'stopped');
  });
});
