"""The sandbox's IPython shell: what ``get_ipython()`` returns, and the IPython side of a run.

Loaded as the module ``_sandbox_shell`` before the memory snapshot is taken, after the pretty
printer, the display module and the input transformer. A namespace has one shell, which keeps
what IPython keeps there: the execution count, ``In`` (each cell as it ran, after the syntax
was made Python) and ``_i``/``_ii``/``_iii``/``_iN`` (as written), ``Out`` and ``_``, ``__``,
``___``, ``_N`` (the values shown). It runs magics (``_sandbox_magics`` registers them) and
refuses shell commands. It is a small shell of its own, not IPython's: what it lacks, it says.
"""

import asyncio
import builtins
import inspect
import linecache
import os
import sys

import _sandbox_display  # display.py

# What ast_node_interactivity may be, as in IPython: which top-level statements show their value.
INTERACTIVITY = ("last_expr", "all", "last", "none", "last_expr_or_assign")

# Line and cell magics by name: function(shell, line) and function(shell, line, cell); magics.py fills them.
line_magics = {}
cell_magics = {}


class UsageError(Exception):
    """A magic used wrongly, or one the sandbox does not have (IPython.core.error.UsageError)."""


NO_PROGRAMS = (
    "the sandbox runs no programs: shell commands (!cmd, var = !cmd, %%bash, %%sh, %%script, %sx, %system)"
    " are not available; do it in Python instead"
)


def refuse_shell(command):
    """The error for a shell command: the sandbox starts no process."""
    hint = ""
    if command.strip().split()[:2] in (["pip", "install"], ["pip3", "install"]) or command.strip().startswith("python -m pip install"):
        hint = "; to load packages into this kernel, use %pip install"
    return UsageError(f"!{command.strip()}: {NO_PROGRAMS}{hint}")


class _Events:
    """Callbacks around each run, as IPython's ``shell.events``: pre_execute, pre_run_cell, post_execute, post_run_cell."""

    NAMES = ("pre_execute", "pre_run_cell", "post_execute", "post_run_cell", "shell_initialized")

    def __init__(self):
        self.callbacks = {name: [] for name in self.NAMES}
        self._info = None  # the running cell's, when a pre_run_cell callback got it

    def register(self, event, function):
        if event not in self.callbacks:
            raise KeyError(f"unknown event {event!r}; the events are {', '.join(self.NAMES)}")
        if not callable(function):
            raise TypeError(f"need a callable, got {function!r}")
        if function not in self.callbacks[event]:
            self.callbacks[event].append(function)

    def unregister(self, event, function):
        try:
            self.callbacks[event].remove(function)
        except ValueError:
            raise ValueError(f"function {function!r} is not registered as a {event} callback") from None

    def run_started(self, raw_cell):
        """pre_execute, then pre_run_cell with the cell's ExecutionInfo (made only for a callback that takes it)."""
        self.trigger("pre_execute")
        if self.callbacks["pre_run_cell"]:
            self._info = ExecutionInfo(raw_cell)
            self.trigger("pre_run_cell", self._info)

    def run_ended(self, count, error):
        """post_execute, then post_run_cell with an ExecutionResult. It is made only when a callback takes it: it
        holds the run's exception, which must not outlive the run otherwise (it may hold JavaScript)."""
        self.trigger("post_execute")
        info, self._info = self._info, None
        if self.callbacks["post_run_cell"]:
            result = ExecutionResult(info or ExecutionInfo(None))
            result.execution_count = count
            result.error_in_exec = error
            self.trigger("post_run_cell", result)

    def trigger(self, event, *args):
        """Calls the event's callbacks; one that raises is reported on stderr, as IPython does, and the rest still run."""
        for function in list(self.callbacks[event]):
            try:
                function(*args)
            except Exception as error:  # noqa: BLE001
                print(f"Error in callback {function!r} (for {event}):\n{type(error).__name__}: {error}", file=sys.stderr)


class ExecutionInfo:
    """What pre_run_cell callbacks get."""

    def __init__(self, raw_cell):
        self.raw_cell = raw_cell
        self.store_history = True
        self.silent = False
        self.shell_futures = True
        self.cell_id = None


class ExecutionResult:
    """What post_run_cell callbacks get: how the cell ended."""

    def __init__(self, info):
        self.info = info
        self.execution_count = None
        self.error_before_exec = None
        self.error_in_exec = None
        self.result = None

    @property
    def success(self):
        return self.error_before_exec is None and self.error_in_exec is None

    def raise_error(self):
        if self.error_in_exec is not None:
            raise self.error_in_exec


class SandboxShell:
    """The shell of one namespace (IPython's InteractiveShell, as far as the sandbox has it)."""

    ast_node_interactivity = "last_expr"

    def __init__(self, namespace):
        self.user_ns = namespace
        self.user_ns_hidden = {}
        self.execution_count = 0
        self.events = _Events()
        self.display_formatter = _sandbox_display.formatter
        self._input_history = [""]
        self._raw_history = [""]  # each cell as written (%history shows these)
        self._output_history = {}
        self._ = self.__ = self.___ = ""
        self._i = self._ii = self._iii = self._i00 = ""
        # The cell in progress (see _begin_cell).
        self.filename = None
        self.cell_body = None
        self.cell_body_line = None
        self.show = None
        self.last_shown = None
        self._fill_namespace()

    @property
    def user_global_ns(self):
        return self.user_ns

    def _fill_namespace(self):
        hidden = {
            "_ih": self._input_history,
            "_oh": self._output_history,
            "_dh": [os.getcwd()],
            "In": self._input_history,
            "Out": self._output_history,
            "get_ipython": get_ipython,
        }
        self.user_ns_hidden.update(hidden)
        self.user_ns.update(hidden)
        self.user_ns.update({"_": "", "__": "", "___": "", "_i": "", "_ii": "", "_iii": ""})

    # A cell's run, as the runner drives it.

    def _begin_cell(self, count, raw, transformed, filename):
        """A cell starts: ``count`` is its number, ``raw`` as written, ``transformed`` as Python (with a cell
        magic's body and where it starts), ``filename`` what its code is compiled as. Set ``show`` to show values."""
        self.execution_count = count
        self.filename = filename
        self.cell_body = transformed.body
        self.cell_body_line = transformed.body_line
        source = transformed.source
        self.show = None
        self.last_shown = None
        source = source.rstrip("\n")
        for history, text in ((self._input_history, source), (self._raw_history, raw.rstrip("\n"))):
            while len(history) < count:
                history.append("")
            if len(history) == count:
                history.append(text)
            else:
                history[count] = text
        self._iii, self._ii, self._i, self._i00 = self._ii, self._i, self._i00, raw.rstrip("\n")
        self.user_ns.update({"_i": self._i, "_ii": self._ii, "_iii": self._iii, f"_i{count}": self._i00})

    def _end_cell(self):
        self.show = None

    def displayhook(self, value):
        """sys.displayhook while a cell runs: a value to show, as IPython's displayhook does.

        ``show(value)`` shows it and returns the text it reports, or None when the cell is quiet.
        """
        if value is None or self.show is None:
            return
        shown = self.show(value)
        if shown is not None:
            self.last_shown = shown
            self._remember(value)

    def _remember(self, value):
        """``_``, ``__``, ``___``, ``_N`` and ``Out[N]`` (unless the user assigned ``_`` and friends themselves)."""
        if value is self._output_history:
            return
        names = ("_", "__", "___")
        untouched = all(name not in self.user_ns or self.user_ns[name] is getattr(self, name) for name in names)
        self.___, self.__, self._ = self.__, self._, value
        if untouched and "_" not in builtins.__dict__:
            self.user_ns.update({"_": self._, "__": self.__, "___": self.___})
        self.user_ns[f"_{self.execution_count}"] = value
        self._output_history[self.execution_count] = value

    def reset(self):
        """%reset: the namespace emptied (``In`` is kept), the output history forgotten."""
        for count in list(self._output_history):
            self.user_ns.pop(f"_{count}", None)
        self._output_history.clear()
        self._ = self.__ = self.___ = ""
        for name in [name for name in self.user_ns if name not in ("__builtins__", "__builtin__", "__name__")]:
            del self.user_ns[name]
        self.user_ns_hidden.clear()
        self._fill_namespace()

    # What code in a cell can call.

    def run_line_magic(self, magic_name, line, _stack_depth=1):
        """Runs the line magic ``%magic_name line``; returns what it returns."""
        function = line_magics.get(magic_name)
        if function is None:
            extra = f" (But cell magic `%%{magic_name}` exists, did you mean that instead?)" if magic_name in cell_magics else ""
            raise UsageError(f"Line magic function `%{magic_name}` not found{extra}.")
        return function(self, line)

    def run_cell_magic(self, magic_name, line, cell):
        """Runs the cell magic ``%%magic_name line`` on the cell body ``cell``."""
        function = cell_magics.get(magic_name)
        if function is None:
            extra = f" (But line magic `%{magic_name}` exists, did you mean that instead?)" if magic_name in line_magics else ""
            raise UsageError(f"Cell magic `%%{magic_name}` not found{extra}.")
        if cell == "":
            message = f"%%{magic_name} is a cell magic, but the cell body is empty."
            if magic_name in line_magics:
                message += f" Did you mean the line magic %{magic_name} (single %)?"
            raise UsageError(message)
        return function(self, line, cell)

    def magic(self, arg_s):
        """Deprecated in IPython: runs ``%name args`` given as one string."""
        name, _, line = arg_s.lstrip("%").partition(" ")
        return self.run_line_magic(name, line)

    def find_line_magic(self, magic_name):
        return line_magics.get(magic_name)

    def find_cell_magic(self, magic_name):
        return cell_magics.get(magic_name)

    def system(self, cmd):
        """``!cmd``: refused, the sandbox starts no process."""
        raise refuse_shell(cmd)

    system_raw = system_piped = system

    def getoutput(self, cmd, split=True, depth=0):
        """``var = !cmd``: refused, the sandbox starts no process."""
        raise refuse_shell(cmd)

    def show_usage(self):
        """A bare ``?``: what this shell understands."""
        print(_sandbox_usage())

    def push(self, variables, interactive=True):
        """Puts ``variables`` (a dict) into the namespace; hidden from %who unless ``interactive``."""
        if not isinstance(variables, dict):
            raise TypeError("push takes a dict of names to values in the sandbox")
        self.user_ns.update(variables)
        if not interactive:
            self.user_ns_hidden.update(variables)
        else:
            for name in variables:
                self.user_ns_hidden.pop(name, None)

    def ev(self, expr):
        """Evaluates ``expr`` in the namespace."""
        return eval(expr, self.user_ns)

    def ex(self, cmd):
        """Executes ``cmd`` in the namespace."""
        exec(cmd, self.user_ns)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise AttributeError(
            f"the sandbox's IPython shell has no attribute {name!r}: it is a small shell of its own, not IPython's"
            f" (it has {', '.join(_PUBLIC)}; magics: %lsmagic)"
        )


_PUBLIC = sorted(
    name
    for name in list(vars(SandboxShell)) + ["user_ns", "user_ns_hidden", "execution_count", "events", "display_formatter"]
    if not name.startswith("_") and name not in ("system_raw", "system_piped")
)


def ipython_subset_note():
    """What an import of something the sandbox's IPython lacks is told."""
    return (
        "the sandbox's IPython is a small one of its own: IPython (get_ipython, display), IPython.display"
        " (display, display_html and the other display_* functions, clear_output, update_display, DisplayHandle,"
        " HTML, Markdown, Image, SVG, JSON, Math, Latex, ProgressBar,"
        " Javascript, Pretty), IPython.core.display, IPython.core.error (UsageError),"
        " IPython.core.interactiveshell (InteractiveShell) and IPython.lib.pretty; %lsmagic lists its magics"
    )


def _sandbox_usage():
    return (
        "This is the sandbox's own small IPython, not IPython itself.\n"
        "  obj? / obj??       help on obj (??: with its source)\n"
        "  %magic args        a line magic; %%magic on a cell's first line: a cell magic (%lsmagic lists them)\n"
        "  _, __, ___, _N     the last values shown, and the value of cell N; Out[N], In[N]\n"
        "  display(obj)       show obj (from IPython.display: HTML, Markdown, Image, SVG, JSON, Math, Latex, Javascript)\n"
        "  !cmd               not available: the sandbox runs no programs"
    )


def evaluate(code, namespace, local_ns=None):
    """eval() that also runs code using top-level await, on a fresh (sandbox) event loop."""
    result = eval(code, namespace, local_ns)
    if code.co_flags & inspect.CO_COROUTINE:
        loop = asyncio.new_event_loop()
        try:
            result = loop.run_until_complete(result)
        finally:
            loop.close()
    return result


# The shell of the namespace that is running (get_ipython() returns it), set by the runner.
current = None


def get_ipython():
    """The shell running this code (IPython's get_ipython)."""
    return current


def remember_source(filename, code, keep=2**24):
    """Keeps a cell's source where inspect and traceback look for it (linecache), as IPython does; older cells
    are forgotten past ``keep`` characters."""
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    _remembered.append((filename, len(code)))
    total = sum(size for _, size in _remembered)
    while total > keep and len(_remembered) > 1:
        old, size = _remembered.pop(0)
        linecache.cache.pop(old, None)
        total -= size


_remembered = []
