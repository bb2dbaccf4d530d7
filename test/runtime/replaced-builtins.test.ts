/**
 * The sandbox replaces time.sleep, input() and sys.stdin (environment.py). Where a program sees
 * them, they answer as CPython's do: the same probe runs in a plain Pyodide (CPython's own
 * builtins, the reference) and in the sandbox, and must print the same.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { loadPyodide } from 'pyodide';
import { distDir, sandboxFor } from './sandbox';

/** Calls each builtin as programs do, wrongly too, and prints what came back or what was raised. */
const PROBE = `
import decimal, io, sys, time
out = []
def attempt(label, call):
    try:
        out.append(f"{label}: returned {call()!r}")
    except BaseException as error:
        out.append(f"{label}: {type(error).__name__}: {error}")

class Floaty:
    def __float__(self):
        return 0.01

for label, value in [("str", "1"), ("Decimal", decimal.Decimal("0.01")), ("__float__", Floaty()), ("None", None),
                     ("nan", float("nan")), ("-1", -1), ("-0.5", -0.5), ("10**30", 10**30), ("10**10", 10**10), ("-10**10", -(10**10)),
                     ("inf", float("inf")), ("1e30", 1e30), ("1e10", 1e10), ("-1e10", -1e10), ("-2.0**31", -(2.0**31)), ("False", False), ("0", 0), ("0.0", 0.0)]:
    attempt(f"time.sleep({label})", lambda: time.sleep(value))

# A program that puts its own stdin in place (a test harness, a judge's input) reads from it.
prompts, real_stdout = io.StringIO(), sys.stdout
sys.stdin, sys.stdout = io.StringIO("first line\\nsecond"), prompts
attempt("input(prompt)", lambda: input("p> "))
attempt("input()", input)
attempt("input() at the end", input)
sys.stdout = real_stdout
out.append(f"prompts written: {prompts.getvalue()!r}")
attempt("sys.stdin.read()", lambda: (setattr(sys, "stdin", io.StringIO("a\\nb\\n")), sys.stdin.read())[1])

class Odd:
    def readline(self):
        return 5

sys.stdin = Odd()
attempt("input() from a readline that returns no string", input)
sys.stdin = None
attempt("input() without sys.stdin", input)
sys.stdin = io.StringIO("x\\n")
sys.stdout = None
attempt("input() without sys.stdout", input)
sys.stdout = real_stdout
print("\\n".join(out))
`;

describe('replaced builtins answer as CPython', function () {
  const sandbox = sandboxFor(this, { input: true });

  it('time.sleep, and input() from a sys.stdin the program put in place: the same as in a plain Pyodide', async () => {
    const pyodide = await loadPyodide({ indexURL: path.join(distDir, 'pyodide') + path.sep });
    let reference = '';
    pyodide.setStdout({ batched: (line) => (reference += `${line}\n`) });
    pyodide.runPython(PROBE);
    assert.match(reference, /input\(\): returned 'second'/, 'the probe ran');
    const result = await sandbox().exec(PROBE);
    assert.equal(result.error, undefined);
    assert.equal(result.output, reference);
  });

  it('input() asks the relay again once the program puts sys.__stdin__ back', async () => {
    const run = sandbox().run('exec', 'import io, sys\nsys.stdin = io.StringIO("")\nsys.stdin = sys.__stdin__\nprint(input("name? "))');
    run.onDidRequestInput((request) => request.reply('Ada'));
    const result = await run.result;
    assert.equal(result.error, undefined);
    assert.equal(result.output, 'name? Ada\n');
  });
});
