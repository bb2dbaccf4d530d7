"""The sandbox's replacements for what Pyodide would take from the host or from JavaScript.

The worker executes this file first, in the runner's private namespace, with its host functions
as the global ``host``. It makes time.sleep park the thread instead of spinning, answers input()
and sys.stdin through the host, gives asyncio a loop that needs no JavaScript, and forgets the
Python -> JavaScript bridges that imports may have cached.
"""

import asyncio
import builtins
import io
import os
import sys
import time
import warnings

_host = host  # noqa: F821 - provided by the worker
del host  # noqa: F821

# Pyodide records the worker script's host path here; the sandbox keeps host paths to itself.
os.environ.pop("_", None)

# The worker unregistered Python's bridges to JavaScript; imports already made are cached here,
# including pyodide_js._api, which reaches Pyodide's internals.
for _name in [name for name in sys.modules if name == "js" or name.split(".")[0] == "pyodide_js"]:
    del sys.modules[_name]


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
