"""Runs submitted code inside the sandbox's Pyodide and describes how it ended.

The worker executes this file once, in a private namespace, after Pyodide is loaded and locked
down. It receives the worker's host functions as ``host`` (a global set before execution) and
exposes ``run``. Code is passed as an argument, never spliced into Python source.
"""

import ast
import asyncio
import builtins
import inspect
import io
import json
import os
import sys
import time
import traceback
import warnings

_host = host  # noqa: F821 - provided by the worker
# Import names of Pyodide's optional packages (from its lock file), which are not bundled.
_optional_packages = frozenset(optional_packages)  # noqa: F821 - provided by the worker
del host, optional_packages  # noqa: F821

# Pyodide records the worker script's host path here; the sandbox keeps host paths to itself.
os.environ.pop("_", None)

# The worker unregistered Python's bridges to JavaScript; imports already made are cached here,
# including pyodide_js._api, which reaches Pyodide's internals.
for _name in [name for name in sys.modules if name == "js" or name.split(".")[0] == "pyodide_js"]:
    del sys.modules[_name]


def _new_namespace():
    return {"__name__": "__main__", "__builtins__": builtins}


_namespace = _new_namespace()
_run_count = 0


def _sleep(seconds):
    """time.sleep that parks the thread (no busy wait) and wakes up for an interrupt."""
    seconds = float(seconds)
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    _host.sleep(seconds)


def _input(prompt=""):
    """input() answered by the host; end of input raises EOFError as in a terminal."""
    prompt = str(prompt)
    sys.stdout.write(prompt)
    sys.stdout.flush()
    line = _read_line(prompt)
    if line is None:
        raise EOFError("EOF when reading a line")
    return line


def _read_line(prompt):
    """A line from the host without its newline, or None at end of input."""
    status, line = _host.read_line(prompt)
    if status == "unavailable":
        raise EOFError("input is not available: nothing is connected to the sandbox's stdin")
    return line if status == "line" else None


class _HostStdin(io.TextIOBase):
    """sys.stdin that reads lines through the host instead of the host process's stdin."""

    def readable(self):
        return True

    def readline(self, size=-1):
        line = _read_line("")
        return "" if line is None else line + "\n"

    def read(self, size=-1):
        chunks = []
        while line := self.readline():
            chunks.append(line)
        return "".join(chunks)


class _NoIOSelector:
    """What the event loop waits on: nothing but time, since sandboxed code has no I/O."""

    def select(self, timeout=None):
        if timeout is None:
            raise RuntimeError("the event loop would wait forever: nothing is scheduled, and the sandbox has no I/O to wait for")
        if timeout > 0:
            _sleep(timeout)
        return []

    def close(self):
        pass


class _SandboxEventLoop(asyncio.BaseEventLoop):
    """An asyncio loop for timers and callbacks that runs synchronously, like CPython's own.

    Pyodide's default loop runs on JavaScript's event loop through pyodide_js, which the
    sandbox removes; this one lets asyncio.run() and top-level await work without it.
    """

    def __init__(self):
        super().__init__()
        self._selector = _NoIOSelector()

    def _process_events(self, event_list):
        pass

    def _write_to_self(self):
        pass


class _SandboxLoopPolicy(asyncio.DefaultEventLoopPolicy):
    def new_event_loop(self):
        return _SandboxEventLoop()


time.sleep = _sleep
builtins.input = _input
sys.stdin = _HostStdin()
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)  # policies are deprecated from 3.14 on
    asyncio.set_event_loop_policy(_SandboxLoopPolicy())
# Pyodide marks its JavaScript-driven loop as running in this thread, which would make
# asyncio.run() refuse to start, and wraps asyncio.run to consult pyodide_js; undo both.
asyncio.events._set_running_loop(None)
asyncio.run = asyncio.runners.run


def _frames(error, filename):
    frames = [
        {
            "line": frame.lineno,
            "endLine": frame.end_lineno,
            "column": frame.colno,
            "endColumn": frame.end_colno,
            "name": frame.name,
        }
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename == filename and frame.lineno
    ]
    if isinstance(error, SyntaxError) and error.filename == filename and error.lineno:
        # SyntaxError offsets are 1-based; the protocol's columns are 0-based like tracebacks'.
        frames.append(
            {
                "line": error.lineno,
                "endLine": error.end_lineno or error.lineno,
                "column": error.offset - 1 if error.offset else None,
                "endColumn": error.end_offset - 1 if error.end_offset and error.end_offset > 0 else None,
                "name": "<module>",
            }
        )
    return [{k: v for k, v in frame.items() if v is not None} for frame in _collapse(frames)]


_MAX_FRAMES = 50


def _collapse(frames):
    """Drops repeats of the same frame (deep recursion) and keeps the outer and inner ends."""
    kept = [frame for i, frame in enumerate(frames) if i == 0 or frame != frames[i - 1]]
    if len(kept) > _MAX_FRAMES:
        kept = kept[: _MAX_FRAMES // 2] + kept[-_MAX_FRAMES // 2 :]
    return kept


def _describe(error, filename):
    message = error.msg if isinstance(error, SyntaxError) else str(error)
    if isinstance(error, ModuleNotFoundError) and (error.name or "").split(".")[0] in _optional_packages:
        message += (
            f"; {error.name.split('.')[0]} is an optional Pyodide package, which the sandbox does not"
            " ship and cannot download (it has no network access)"
        )
    return {"type": type(error).__name__, "message": message, "frames": _frames(error, filename)}


def _flush():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass


_MAX_LAST_VALUE = 2000


def _exec(code, filename, namespace, capture_last_value):
    """exec(); with ``capture_last_value``, a final bare expression is evaluated on its own and its repr returned."""
    tree = compile(code, filename, "exec", flags=ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    last = tree.body.pop() if capture_last_value and tree.body and isinstance(tree.body[-1], ast.Expr) else None
    _evaluate(compile(tree, filename, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT), namespace)
    if last is None:
        return None
    value = _evaluate(compile(ast.Expression(last.value), filename, "eval", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT), namespace)
    return None if value is None else repr(value)[:_MAX_LAST_VALUE]


def _evaluate(code_object, namespace):
    """eval() that also runs code using top-level await, on a fresh sandbox event loop."""
    result = eval(code_object, namespace)
    if code_object.co_flags & inspect.CO_COROUTINE:
        loop = _SandboxEventLoop()
        try:
            result = loop.run_until_complete(result)
        finally:
            loop.close()
    return result


def run(mode, code, fresh, capture_last_value=False):
    """Runs ``code`` (``mode`` 'exec' or 'eval'); returns the outcome as a JSON string."""
    global _run_count
    _run_count += 1
    # A name per run, so frames from code submitted earlier are not mistaken for this code's.
    filename = f"<sandbox-{_run_count}>"
    namespace = _new_namespace() if fresh else _namespace
    outcome = {}
    try:
        if mode == "eval":
            value = _evaluate(compile(code, filename, "eval", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT), namespace)
            outcome["value"] = json.dumps(value)
        else:
            last_value = _exec(code, filename, namespace, capture_last_value)
            if last_value is not None:
                outcome["lastValue"] = last_value
    except BaseException as error:  # noqa: BLE001 - every exception is a result, even SystemExit
        outcome["error"] = _describe(error, filename)
        error.__traceback__ = None
    finally:
        _flush()
    return json.dumps(outcome)
