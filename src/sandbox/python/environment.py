"""The sandbox's replacements for what Pyodide would take from the host or from JavaScript.

Loaded as the module ``_sandbox_environment`` before the memory snapshot is taken. It makes
time.sleep park the thread instead of spinning, answers input() and sys.stdin through the
relay (input() reads a sys.stdin the program put in place, as CPython's does), and gives asyncio
a loop that needs no JavaScript. Each runtime then calls ``install``
with the worker's bridge, whose functions have no JavaScript prototype: they lead nowhere.
"""

import asyncio
import builtins
import io
import operator
import random
import sys
import time
import warnings

# Set by install(): the worker's functions, whether anyone answers input(), and what to say if not.
_bridge = None
_input_enabled = False
_no_input_reason = None
# Set by the variables module while it reads a value: called with the seconds first, it raises
# when a sleep would go past the value's time (a __repr__ that sleeps is stopped, not waited for).
_sleep_guard = None


# CPython counts time in nanoseconds, in a signed 64-bit integer: the longest sleep it takes.
_MAX_NS = 2**63 - 1


def _sleep(seconds):
    """time.sleep that parks the thread (no busy wait) and wakes up for an interrupt.

    It takes what CPython's takes (an int or a float) and refuses the rest with CPython's errors,
    checked in CPython's order: the conversion to nanoseconds first, then the sign.
    """
    if isinstance(seconds, float):
        if seconds != seconds:
            raise ValueError("Invalid value NaN (not a number)")
        if abs(seconds) * 1e9 >= 2**63:
            raise OverflowError("timestamp out of range for platform time_t")
    else:
        try:
            seconds = operator.index(seconds)
        except TypeError as error:
            # "'decimal.Decimal' object cannot be interpreted as an integer": CPython names the type.
            raise TypeError(f"{error} or float") from None
        if abs(seconds) * 10**9 > _MAX_NS:
            raise OverflowError("timestamp too large to convert to C PyTime_t")
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    if _sleep_guard is not None:
        _sleep_guard(seconds)
    _bridge.sleep(float(seconds))


def _input(prompt=""):
    """input() as CPython's: a line of sys.stdin, with the prompt written to sys.stdout first.

    While sys.stdin is the sandbox's own, the line comes through the relay (which shows the
    prompt where the line is asked for); a program that replaced sys.stdin reads from what it
    put there, as it would in CPython. End of input raises EOFError.
    """
    stdin, stdout = sys.stdin, sys.stdout
    if stdin is None:
        raise RuntimeError("lost sys.stdin")
    if stdout is None:
        raise RuntimeError("lost sys.stdout")
    try:
        sys.stderr.flush()
    except Exception:  # noqa: BLE001 - CPython ignores a stderr that cannot flush
        pass
    prompt = str(prompt)
    stdout.write(prompt)
    stdout.flush()
    if stdin is _STDIN:
        line = _read_line(prompt)
        if line is None:
            raise EOFError("EOF when reading a line")
        return line
    line = stdin.readline()
    if not isinstance(line, str):
        raise TypeError("object.readline() returned non-string")
    if not line:
        raise EOFError("EOF when reading a line")
    return line[:-1] if line.endswith("\n") else line


def _read_line(prompt):
    """A line from the relay without its newline, or None at end of input."""
    if not _input_enabled:
        raise EOFError(_no_input_reason or "input is not available: nothing is connected to the sandbox's stdin")
    return _bridge.read_line(prompt)


class _RelayStdinBytes(io.RawIOBase):
    """The bytes under sys.stdin: the relay's lines in UTF-8, for programs that read
    sys.stdin.buffer (``sys.stdin.buffer.readline``, ``.read().split()``) as python3 lets them."""

    def __init__(self):
        super().__init__()
        self._pending = b""

    def readable(self):
        return True

    def readinto(self, buffer):
        if not self._pending:
            line = _read_line("")
            if line is None:
                return 0
            self._pending = (line + "\n").encode("utf-8", "surrogateescape")
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


class _RelayStdin(io.TextIOBase):
    """sys.stdin that reads lines through the relay instead of a process's stdin."""

    def __init__(self):
        super().__init__()
        self.buffer = io.BufferedReader(_RelayStdinBytes())

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


def _forget_javascript():
    """Drops every reference Pyodide's Python side keeps to JavaScript objects with a prototype.

    The worker has just unregistered the ``js`` and ``pyodide_js`` modules (they must exist when
    the snapshot is taken, so this runs at every start). Imports of them made earlier are cached
    in sys.modules (pyodide_js._api reaches Pyodide's internals) and hold their loaders, which
    hold ``pyodide_js``; a few of Pyodide's own modules keep JavaScript functions and objects.
    """
    from _pyodide._importhook import JsFinder
    from pyodide.ffi import JsProxy

    for name in [name for name in sys.modules if name == "js" or name.split(".")[0] == "pyodide_js"]:
        module = sys.modules.pop(name)
        for loader in {getattr(getattr(module, "__spec__", None), "loader", None), getattr(module, "__loader__", None)}:
            if hasattr(loader, "jsproxy"):
                loader.jsproxy = None
    for name, module in list(sys.modules.items()):
        if name.partition(".")[0] not in ("pyodide", "_pyodide"):
            continue
        namespace = module.__dict__
        for key, value in list(namespace.items()):
            if isinstance(value, JsProxy) and hasattr(value, "constructor"):
                del namespace[key]
    sys.meta_path[:] = [finder for finder in sys.meta_path if not isinstance(finder, JsFinder)]


def install(bridge, input_enabled, no_input_reason=None):
    """Connects a restored runtime to its worker: the bridge, whether input() may ask (and why
    not), a fresh seed; and forgets the JavaScript that Pyodide's Python side was holding."""
    global _bridge, _input_enabled, _no_input_reason
    _forget_javascript()
    _bridge = bridge
    _input_enabled = input_enabled
    _no_input_reason = no_input_reason
    # Every runtime restores the same memory snapshot, Mersenne Twister state included: draw a
    # fresh seed from the OS, as a new interpreter does. (String hash randomization cannot
    # change after start-up: hashes are fixed per snapshot, hence per Pyodide version.)
    random.seed()


_STDIN = _RelayStdin()

time.sleep = _sleep
builtins.input = _input
# sys.__stdin__ is what a program puts back after replacing sys.stdin: the relay too.
sys.stdin = sys.__stdin__ = _STDIN
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)  # policies are deprecated from 3.14 on
    asyncio.set_event_loop_policy(_SandboxLoopPolicy())
# Pyodide marks its JavaScript-driven loop as running in this thread, which would make
# asyncio.run() refuse to start, and wraps asyncio.run to consult pyodide_js; undo both.
asyncio.events._set_running_loop(None)
asyncio.run = asyncio.runners.run
