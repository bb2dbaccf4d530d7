"""The sandbox's replacements for what Pyodide would take from the host or from JavaScript.

The worker executes this file first, in the runner's private namespace, with its bridge
functions as the global ``bridge``, ``input_enabled``, and the pattern of the built-in modules it
disabled as ``disabled_modules``. It makes time.sleep park the thread instead of spinning,
answers input() and sys.stdin through the relay, gives asyncio a loop that needs no JavaScript,
reseeds what a memory snapshot froze, refuses modules that reach raw memory, and forgets the
Python -> JavaScript references that Pyodide's modules hold.
"""

import asyncio
import builtins
import gc
import io
import os
import random
import re
import sys
import time
import warnings

# Provided by the worker. The bridge's functions have no JavaScript prototype: they lead nowhere.
_bridge = bridge  # noqa: F821
_input_enabled = input_enabled  # noqa: F821
_disabled_modules = re.compile(disabled_modules)  # noqa: F821
del bridge, input_enabled, disabled_modules  # noqa: F821

# Pyodide records the worker script's host path here; the sandbox keeps host paths to itself.
os.environ.pop("_", None)

# A restored memory snapshot starts every runtime with the Mersenne Twister state it was taken
# with: draw a fresh seed from the OS, as a new interpreter does. (String hash randomization
# cannot change after start-up: hashes are fixed per snapshot, hence per Pyodide version.)
random.seed()


def _forget_javascript():
    """Drops every reference Pyodide's Python side keeps to JavaScript objects with a prototype.

    The worker unregistered the ``js`` and ``pyodide_js`` modules; imports already made are cached
    in sys.modules (pyodide_js._api reaches Pyodide's internals), a few Pyodide modules keep
    functions and objects at module level, and the import hook's loaders hold ``pyodide_js``.
    """
    from _pyodide._importhook import JsFinder, JsLoader
    from pyodide.ffi import JsProxy

    for name in [name for name in sys.modules if name == "js" or name.split(".")[0] == "pyodide_js"]:
        del sys.modules[name]
    for module in list(sys.modules.values()):
        namespace = getattr(module, "__dict__", None)
        if not isinstance(namespace, dict):
            continue
        for key, value in list(namespace.items()):
            if isinstance(value, JsProxy) and hasattr(value, "constructor"):
                del namespace[key]
    for obj in gc.get_objects():
        if isinstance(obj, JsLoader):
            obj.jsproxy = None
    sys.meta_path[:] = [finder for finder in sys.meta_path if not isinstance(finder, JsFinder)]
    gc.collect()


class _RefusedModules:
    """Refuses ctypes and CPython's test modules, which read and write raw memory.

    The worker also emptied their built-in modules, so removing this finder gains nothing.
    """

    @staticmethod
    def find_spec(name, path=None, target=None):
        top = name.partition(".")[0]
        if top == "ctypes" or _disabled_modules.fullmatch(top):
            raise ModuleNotFoundError(
                f"{top} is not available in the sandbox: it gives Python raw access to the runtime's memory",
                name=name,
            )
        return None


_forget_javascript()
for _name in [name for name in sys.modules if name.partition(".")[0] == "ctypes" or _disabled_modules.fullmatch(name)]:
    del sys.modules[_name]
sys.meta_path.insert(0, _RefusedModules)


def _sleep(seconds):
    """time.sleep that parks the thread (no busy wait) and wakes up for an interrupt."""
    seconds = float(seconds)
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    _bridge.sleep(seconds)


def _input(prompt=""):
    """input() answered through the relay; end of input raises EOFError as in a terminal."""
    prompt = str(prompt)
    sys.stdout.write(prompt)
    sys.stdout.flush()
    line = _read_line(prompt)
    if line is None:
        raise EOFError("EOF when reading a line")
    return line


def _read_line(prompt):
    """A line from the relay without its newline, or None at end of input."""
    if not _input_enabled:
        raise EOFError("input is not available: nothing is connected to the sandbox's stdin")
    return _bridge.read_line(prompt)


class _RelayStdin(io.TextIOBase):
    """sys.stdin that reads lines through the relay instead of a process's stdin."""

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
sys.stdin = _RelayStdin()
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)  # policies are deprecated from 3.14 on
    asyncio.set_event_loop_policy(_SandboxLoopPolicy())
# Pyodide marks its JavaScript-driven loop as running in this thread, which would make
# asyncio.run() refuse to start, and wraps asyncio.run to consult pyodide_js; undo both.
asyncio.events._set_running_loop(None)
asyncio.run = asyncio.runners.run
