"""The magics of the sandbox's IPython shell, as IPython's work where the sandbox can do the same.

Loaded as the module ``_sandbox_magics`` before the memory snapshot is taken, after the shell,
whose registries it fills. Each magic's docstring is its help (``%time?``). Code a magic runs
(``%time x = f()``, a ``%%timeit`` body) is compiled as part of the cell it is in, at its own
lines and columns there, so that tracebacks and diagnostics point at the cell's text.
"""

import ast
import builtins
import cProfile
import fnmatch
import gc
import importlib.metadata
import inspect
import io
import itertools
import linecache
import math
import os
import pstats
import re
import shlex
import sys
import time
import types

import _sandbox_display  # display.py
import _sandbox_display_objects  # display_objects.py
import _sandbox_shell  # shell.py
import _sandbox_transform  # transform.py
from _sandbox_shell import UsageError

_FLAGS = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT


def line_magic(name):
    def register(function):
        _sandbox_shell.line_magics[name] = function
        return function

    return register


def cell_magic(name):
    def register(function):
        _sandbox_shell.cell_magics[name] = function
        return function

    return register


# ----------------------------------------------------------------------------------------------
# Code inside magics: compiled where it stands in the cell.


def _caller(shell):
    """The frame of the cell's code that called the magic (its line, its namespace), or None."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename != shell.filename:
        frame = frame.f_back
    return frame


def _locals_of(shell, frame):
    """The calling function's locals, when a magic is used inside a function (as IPython's needs_local_scope)."""
    return frame.f_locals if frame is not None and frame.f_locals is not shell.user_ns else None


class _Place:
    """Where a magic's code stands in the cell: its line, and its column in characters and in UTF-8 bytes."""

    def __init__(self, line, column=0, byte_column=0):
        self.line, self.column, self.byte_column = line, column, byte_column


def _place_in_line(shell, frame, text):
    """Where a line magic's argument ``text`` stands: on the caller's line, where the text is found there."""
    if frame is None:
        return None
    line = linecache.getline(shell.filename, frame.f_lineno)
    column = line.find(text.split("\n", 1)[0]) if text.strip() else -1
    if column < 0:
        return _Place(frame.f_lineno)
    return _Place(frame.f_lineno, column, len(line[:column].encode()))


def _body_place(shell, cell):
    """Where a cell magic's body stands: from the line after the magic, when it is the running cell's body."""
    return _Place(shell.cell_body_line) if shell.cell_body_line is not None and cell == shell.cell_body else None


def _parse(shell, text, place):
    """``text``, made Python, parsed as if it stood at ``place`` in the cell: (tree, filename). Code with no place
    in the cell (a magic called by hand) is ``<magic>``, whose frames are not the cell's."""
    source = _sandbox_transform.transform(text).source
    filename = shell.filename if place is not None else "<magic>"
    try:
        tree = compile(source, filename, "exec", flags=ast.PyCF_ONLY_AST | _FLAGS)
    except SyntaxError as error:
        if place is not None and error.lineno:
            _move_error(error, place)
        raise
    if place is not None:
        _move(tree, place)
    return tree, filename


def _move_error(error, place):
    """A SyntaxError's place in the fragment, made its place in the cell (offsets count characters, from 1)."""
    if error.lineno == 1:
        error.offset = error.offset + place.column if error.offset else error.offset
        if error.end_offset and error.end_offset > 0 and (error.end_lineno or 1) == 1:
            error.end_offset += place.column
    error.lineno += place.line - 1
    if error.end_lineno:
        error.end_lineno += place.line - 1


def _move(tree, place):
    """Moves a parsed fragment to its place in the cell: lines down, the first line's columns (bytes) right."""
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) == 1:
            node.col_offset += place.byte_column
        if getattr(node, "end_lineno", None) == 1 and getattr(node, "end_col_offset", None) is not None:
            node.end_col_offset += place.byte_column
    ast.increment_lineno(tree, place.line - 1)


def _code_of(shell, line, cell):
    """The code a magic runs, parsed in place (a cell magic's body, else the line): (tree, filename, locals)."""
    frame = _caller(shell)
    if cell is not None:
        tree, filename = _parse(shell, cell, _body_place(shell, cell))
    else:
        tree, filename = _parse(shell, line, _place_in_line(shell, frame, line))
    return tree, filename, _locals_of(shell, frame)


# ----------------------------------------------------------------------------------------------
# Options, as IPython's magics take them (getopt's rules: -n10 or -n 10, flags together).


def _options(line, spec, repeated=""):
    """(options, rest) for a line like ``-n 10 -r3 -q stmt``; ``spec`` as getopt's: ``n:r:q``. Options
    named in ``repeated`` may be given more than once: their values are kept in a list."""
    with_value = set(re.findall(r"(\w):", spec))
    flags = set(re.sub(r"\w:", "", spec))
    options = {}
    rest = line.lstrip()
    while rest.startswith("-") and not rest.startswith("--"):
        word = rest.split(None, 1)[0]
        rest = rest[len(word) :].lstrip()
        letters = word[1:]
        while letters:
            letter, letters = letters[0], letters[1:]
            if letter in with_value:
                if not letters:
                    if not rest:
                        raise UsageError(f"option -{letter} requires argument")
                    letters, _, rest = rest.partition(" ")
                    rest = rest.lstrip()
                if letter in repeated:
                    options.setdefault(letter, []).append(letters)
                else:
                    options[letter] = letters
                letters = ""
            elif letter in flags:
                options[letter] = ""
            else:
                raise UsageError(f"option -{letter} not recognized")
    return options, rest


# ----------------------------------------------------------------------------------------------
# %time, %timeit


def format_time(seconds, precision=3):
    """A duration as IPython writes one: ``1.23 ms``, ``45.6 µs``, ``2min 3s``."""
    if seconds >= 60.0:
        parts = []
        left = seconds
        for suffix, length in (("d", 86400), ("h", 3600), ("min", 60), ("s", 1)):
            value = int(left / length)
            if value > 0:
                left %= length
                parts.append(f"{value}{suffix}")
            if left < 1:
                break
        return " ".join(parts)
    order = min(-int(math.floor(math.log10(seconds)) // 3), 3) if seconds > 0.0 else 3
    return "%.*g %s" % (precision, seconds * (1, 1e3, 1e6, 1e9)[order], ("s", "ms", "\u00b5s", "ns")[order])


def _cpu():
    # No resource module here: the CPU time is the process's, with no system time apart (as IPython on Windows).
    return time.process_time(), 0.0


@line_magic("time")
@cell_magic("time")
def time_magic(shell, line, cell=None):
    """Time execution of a Python statement or expression.

    %time statement, or %%time on a cell's first line: runs the code once, prints the CPU and wall
    times, and returns the value of the last expression (if any). CPU time is measured as the
    process's time (the sandbox cannot tell user from system time).
    """
    if line.strip() and cell is not None:
        raise UsageError("Can't use statement directly after '%%time'!")
    parse_start = time.perf_counter()
    tree, filename, local_ns = _code_of(shell, line, cell)
    parse_time = time.perf_counter() - parse_start
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    compile_start = time.perf_counter()
    statements = compile(tree, filename, "exec", flags=_FLAGS)
    expression = None if last is None else compile(ast.Expression(last.value), filename, "eval", flags=_FLAGS)
    compile_time = time.perf_counter() - compile_start
    wall_start, cpu_start = time.perf_counter(), _cpu()
    _sandbox_shell.evaluate(statements, shell.user_ns, local_ns)
    value = None if expression is None else _sandbox_shell.evaluate(expression, shell.user_ns, local_ns)
    cpu_end, wall = _cpu(), time.perf_counter() - wall_start
    user, system = cpu_end[0] - cpu_start[0], cpu_end[1] - cpu_start[1]
    print(f"CPU times: user {format_time(user)}, sys: {format_time(system)}, total: {format_time(user + system)}")
    print(f"Wall time: {format_time(wall)}")
    if compile_time > 0.1:
        print(f"Compiler : {format_time(compile_time)}")
    if parse_time > 0.1:
        print(f"Parser   : {format_time(parse_time)}")
    return value


class TimeitResult:
    """What ``%timeit -o`` returns: the loops, the runs and their times."""

    def __init__(self, loops, repeat, best, worst, all_runs, compile_time, precision):
        self.loops = loops
        self.repeat = repeat
        self.best = best
        self.worst = worst
        self.all_runs = all_runs
        self.compile_time = compile_time
        self._precision = precision
        self.timings = [run / loops for run in all_runs]

    @property
    def average(self):
        return math.fsum(self.timings) / len(self.timings)

    @property
    def stdev(self):
        mean = self.average
        return (math.fsum((timing - mean) ** 2 for timing in self.timings) / len(self.timings)) ** 0.5

    def __str__(self):
        runs = f"{self.repeat} run{'' if self.repeat == 1 else 's'}"
        loops = f"{self.loops:,} loop{'' if self.loops == 1 else 's'}"
        mean, deviation = format_time(self.average, self._precision), format_time(self.stdev, self._precision)
        return f"{mean} \u00b1 {deviation} per loop (mean \u00b1 std. dev. of {runs}, {loops} each)"

    def _repr_pretty_(self, p, cycle):
        p.text(f"<TimeitResult : {self}>")


# The function %timeit times (timeit's own template): its loop gets the statement, its start the setup.
_TIMING_FUNCTION = """def inner(_it, _timer):
    _t0 = _timer()
    for _i in _it:
        pass
    _t1 = _timer()
    return _t1 - _t0
"""


def _timing_function(setup, statement):
    """``inner(iterations, timer)``: the setup, then the statement once per iteration, timed."""
    function = ast.parse(_TIMING_FUNCTION).body[0]
    # The template's own code stands at the statement's line, so that its frames point there too.
    line = statement.body[0].lineno if statement.body else 1
    for node in ast.walk(function):
        if hasattr(node, "lineno"):
            node.lineno = node.end_lineno = line
            node.col_offset = node.end_col_offset = 0
    function.body[1].body = statement.body or [ast.Pass()]
    function.body[:0] = setup.body
    return ast.fix_missing_locations(ast.Module([function], type_ignores=[]))


@line_magic("timeit")
@cell_magic("timeit")
def timeit_magic(shell, line, cell=None):
    """Time execution of a Python statement or expression, with timeit.

    %timeit [-n<N> -r<R> [-t|-c] -q -p<P> -o] statement
    %%timeit [-n<N> -r<R> [-t|-c] -q -p<P> -o] setup_code  (then the timed code in the cell)

    -n<N>: the statement runs N times per loop; by default N is chosen so that one loop takes at
    least 0.2 s. -r<R>: R loops (default 7); the mean and standard deviation are shown.
    -p<P>: P significant digits (default 3). -q: print nothing. -o: return a TimeitResult.
    -t and -c choose the clock (wall time, the default, or CPU time).
    """
    options, statement = _options(line, "n:r:tcp:qo")
    if not statement.strip() and cell is None:
        return None
    number = int(options.get("n", 0) or 0)
    repeat = int(options.get("r", 7) or 7)
    precision = int(options.get("p", 3) or 3)
    timer = time.process_time if "c" in options else time.time if "t" in options else time.perf_counter
    frame = _caller(shell)
    if cell is None:
        setup, _ = _parse(shell, "pass", None)
        timed, filename = _parse(shell, statement, _place_in_line(shell, frame, statement))
    else:
        setup, _ = _parse(shell, statement, _place_in_line(shell, frame, statement))
        timed, filename = _parse(shell, cell, _body_place(shell, cell))
    compile_start = time.perf_counter()
    code = compile(_timing_function(setup, timed), filename, "exec", flags=_FLAGS)
    compile_time = time.perf_counter() - compile_start
    local = {}
    exec(code, shell.user_ns, local)
    inner = local["inner"]

    def measure(loops):
        collecting = gc.isenabled()
        gc.disable()
        try:
            return inner(itertools.repeat(None, loops), timer)
        finally:
            if collecting:
                gc.enable()

    if number == 0:
        for power in range(10):
            number = 10**power
            if measure(number) >= 0.2:
                break
    runs = [measure(number) for _ in range(repeat)]
    best, worst = min(runs) / number, max(runs) / number
    result = TimeitResult(number, repeat, best, worst, runs, compile_time, precision)
    if "q" not in options:
        if worst > 4 * best and best > 0 and worst > 1e-6:
            print(f"The slowest run took {worst / best:0.2f} times longer than the fastest. This could mean that an intermediate result is being cached.")
        print(result)
        if compile_time > 0.1:
            print(f"Compiler time: {compile_time:.2f} s")
    return result if "o" in options else None


def _limit(text):
    """A -l restriction of %prun as pstats takes it: a count (int), a fraction (float) or a name pattern."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


@line_magic("prun")
@cell_magic("prun")
def prun(shell, line, cell=None):
    """Run a statement through the Python profiler (cProfile).

    %prun [-l limit] [-r] [-s key ...] [-q] statement
    %%prun [options] on a cell's first line profiles the cell.

    -s key: sort the statistics by key (pstats' names: time, cumulative, calls, ...; default time;
    several -s sort by each in turn). -l limit: print only the functions whose name matches the
    string limit, or the first N (an integer) or that fraction (a float) of them; -l may be given
    more than once. -q: print nothing. -r: return the pstats.Stats. The statistics are printed as
    the cell's output (Jupyter sends them to its pager).
    """
    options, statement = _options(line, "l:rs:q", repeated="ls")
    frame = _caller(shell)
    if cell is None:
        tree, filename = _parse(shell, statement, _place_in_line(shell, frame, statement))
    else:
        tree, filename = _parse(shell, cell, _body_place(shell, cell))
    code = compile(tree, filename, "exec", flags=_FLAGS)
    profile = cProfile.Profile()
    exited = ""
    try:
        local_ns = _locals_of(shell, frame)
        profile.runctx(code, shell.user_ns, shell.user_ns if local_ns is None else local_ns)
    except SystemExit:
        exited = "*** SystemExit exception caught in code being profiled."
    stats = pstats.Stats(profile).strip_dirs().sort_stats(*options.get("s", ["time"]))
    if "q" not in options:
        report = io.StringIO()
        stats.stream = report
        stats.print_stats(*map(_limit, options.get("l", [])))
        stats.stream = sys.stdout
        print(report.getvalue().rstrip())
        print(exited, end=" ")
    return stats if "r" in options else None


# ----------------------------------------------------------------------------------------------
# The namespace: %who, %whos, %who_ls, %reset


def _user_names(shell, types=""):
    hidden = shell.user_ns_hidden
    missing = object()
    names = [name for name, value in shell.user_ns.items() if not name.startswith("_") and value is not hidden.get(name, missing)]
    wanted = set(types.split())
    if wanted:
        names = [name for name in names if type(shell.user_ns[name]).__name__ in wanted]
    return sorted(names)


@line_magic("who_ls")
def who_ls(shell, line):
    """Return a sorted list of all interactive variables (of the given types, if any: %who_ls int str)."""
    return _user_names(shell, line)


@line_magic("who")
def who(shell, line):
    """Print all interactive variables, with minimal formatting (of the given types, if any: %who int str)."""
    names = _user_names(shell, line)
    if not names:
        print("No variables match your requested type." if line.strip() else "Interactive namespace is empty.")
        return
    for index, name in enumerate(names, start=1):
        print(name + "\t", end=" ")
        if index % 9 == 0:
            print()
    print()


@line_magic("whos")
def whos(shell, line):
    """Like %who, but gives some extra information about each variable: its type, and its length or value."""
    names = _user_names(shell, line)
    if not names:
        print("No variables match your requested type." if line.strip() else "Interactive namespace is empty.")
        return
    values = [shell.user_ns[name] for name in names]
    kinds = [type(value).__name__ for value in values]
    name_width = max(max(map(len, names)), len("Variable")) + 3
    kind_width = max(max(map(len, kinds)), len("Type")) + 3
    print("Variable".ljust(name_width) + "Type".ljust(kind_width) + " Data/Info\n" + "-" * (name_width + kind_width + len("Data/Info") + 1))
    for name, value, kind in zip(names, values, kinds):
        print(f"{name:<{name_width}}{kind:<{kind_width}}", end=" ")
        if kind in ("dict", "list", "tuple"):
            print(f"n={len(value)}")
            continue
        try:
            text = str(value)
        except Exception:  # noqa: BLE001
            text = f"<object with id {id(value)} (str() failed)>"
        text = text.replace("\n", "\\n")
        print(text if len(text) < 50 else text[:25] + "<...>" + text[-25:])


@line_magic("reset")
def reset(shell, line):
    """Resets the namespace by removing all names defined by the user (In is kept).

    %reset -f does it without asking; %reset asks first (y/[n]).
    """
    options, _ = _options(line, "fs")
    if "f" not in options:
        answer = input("Once deleted, variables cannot be recovered. Proceed (y/[n])? ")
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing done.")
            return
    shell.reset()


# ----------------------------------------------------------------------------------------------
# %env


@line_magic("env")
def env(shell, line):
    """Get, set, or list the sandbox's environment variables (its own: the host's are not there).

    %env: all of them, as a dict. %env VAR: one. %env VAR=value or %env VAR value: set one.
    """
    line = line.strip()
    if not line:
        return dict(os.environ)
    if "=" in line or " " in line:
        name, _, value = line.partition("=") if "=" in line else line.partition(" ")
        name, value = name.strip(), value.strip()
        os.environ[name] = value
        print(f"env: {name}={value}")
        return None
    try:
        return os.environ[line]
    except KeyError:
        raise UsageError(f"Environment does not have key: {line}") from None


# ----------------------------------------------------------------------------------------------
# What the sandbox does not have, said clearly.


@line_magic("load_ext")
@line_magic("reload_ext")
@line_magic("unload_ext")
def load_ext(shell, line):
    """Not available: the sandbox's IPython loads no extensions."""
    name = line.strip() or "an extension"
    raise UsageError(f"%load_ext {name}: the sandbox's IPython is a small one of its own and loads no extensions (%lsmagic lists what it has)")


@line_magic("system")
@line_magic("sx")
def system(shell, line):
    """Not available: the sandbox runs no programs."""
    raise _sandbox_shell.refuse_shell(line)


def _refuse_program_cell(name):
    def refuse(shell, line, cell):
        raise UsageError(f"%%{name}: {_sandbox_shell.NO_PROGRAMS}")

    return refuse


for _name in ("bash", "sh", "script", "system", "sx", "perl", "ruby", "python", "python2", "python3", "pypy", "cmd", "powershell"):
    _sandbox_shell.cell_magics[_name] = _refuse_program_cell(_name)


@line_magic("conda")
@line_magic("mamba")
def conda(shell, line):
    """Not available: the sandbox has no conda; %pip install loads packages."""
    raise UsageError("%conda: there is no conda in the sandbox; %pip install NAME loads packages into this kernel")


# ----------------------------------------------------------------------------------------------
# %matplotlib


@line_magic("matplotlib")
def matplotlib(shell, line):
    """%matplotlib inline: accepted; figures are shown in the cell's output already (PNG, after the cell)."""
    backend = line.strip().lstrip("-")
    if backend not in ("", "inline"):
        raise UsageError(f"%matplotlib {backend}: the sandbox shows figures inline only (%matplotlib inline)")


# ----------------------------------------------------------------------------------------------
# %pip


_PIP_VALUE_OPTIONS = {"-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url", "--extra-index-url", "-f", "--find-links", "-t", "--target", "--prefix", "--root", "--src", "--upgrade-strategy", "--platform", "--python-version", "--implementation", "--abi", "--progress-bar", "--log", "--cache-dir", "--proxy", "--retries", "--timeout", "--exists-action", "--trusted-host", "--cert", "--client-cert", "--report"}  # fmt: skip
_PIP_REFUSED_OPTIONS = {"-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url", "--extra-index-url", "-f", "--find-links", "-t", "--target", "--prefix", "--root"}  # fmt: skip


def _requirement_name(requirement):
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    return match.group(1) if match else requirement


@line_magic("pip")
def pip(shell, line):
    """Packages in this kernel: %pip install NAME... and %pip list.

    %pip install loads packages as imports do: the host reads the cell's %pip install lines before
    the cell runs, downloads (with your consent) and verifies the packages, and loads them into
    this kernel; the magic then checks they are there. %pip list lists what is loaded, %pip show
    NAME describes one. Packages cannot be uninstalled: restart the kernel instead.
    """
    try:
        words = shlex.split(line, comments=True)
    except ValueError as error:
        raise UsageError(f"%pip {line}: {error}") from None
    command = next((word for word in words if not word.startswith("-")), None)
    rest = words[words.index(command) + 1 :] if command else []
    if command == "install":
        return _pip_install(rest)
    if command == "list":
        return _pip_list()
    if command == "show":
        return _pip_show(rest)
    if command == "uninstall":
        raise UsageError("%pip uninstall: a loaded package cannot be unloaded; restart the kernel for a fresh one")
    raise UsageError(f"%pip {line.strip()}: the sandbox's %pip has install, list and show")


def _pip_install(words):
    requirements, skip = [], False
    for word in words:
        option = word.split("=", 1)[0]
        if skip:
            skip = False
        elif option in _PIP_REFUSED_OPTIONS:
            raise UsageError(f"%pip install {word}: not available in the sandbox, which loads named packages only (from Pyodide's distribution or the PyPI index in the settings)")
        elif word.startswith("-"):
            skip = option in _PIP_VALUE_OPTIONS and "=" not in word
        else:
            requirements.append(word)
    if not requirements:
        raise UsageError("%pip install: name the packages to load")
    loaded, missing = [], []
    for requirement in requirements:
        name = _requirement_name(requirement.split(";", 1)[0])
        try:
            loaded.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            missing.append(name)
    if missing:
        raise UsageError(
            f"%pip install: {', '.join(missing)} not loaded. The sandbox loads packages before a cell runs, for the"
            " %pip install lines it can read in the cell (names written out, one magic per line)"
        )
    print(f"Loaded into this kernel: {', '.join(loaded)}")
    return None


def _distributions():
    found = {}
    for distribution in importlib.metadata.distributions():
        name = distribution.metadata["Name"]
        if name and name.lower() not in found:
            found[name.lower()] = (name, distribution.version, distribution)
    return [found[key] for key in sorted(found)]


def _pip_list():
    rows = [("Package", "Version")] + [(name, version) for name, version, _ in _distributions()]
    widths = [max(len(row[column]) for row in rows) for column in (0, 1)]
    rows.insert(1, ("-" * widths[0], "-" * widths[1]))
    for name, version in rows:
        print(f"{name:<{widths[0]}} {version}".rstrip())


def _pip_show(words):
    names = [word for word in words if not word.startswith("-")]
    if not names:
        raise UsageError("%pip show: name a package")
    for index, name in enumerate(names):
        try:
            metadata = importlib.metadata.metadata(name)
        except importlib.metadata.PackageNotFoundError:
            print(f"WARNING: Package(s) not found: {name}", file=sys.stderr)
            continue
        if index:
            print("---")
        print(f"Name: {metadata['Name']}\nVersion: {metadata['Version']}\nSummary: {metadata.get('Summary', '')}")
        requires = importlib.metadata.requires(name) or []
        print(f"Requires: {', '.join(sorted({_requirement_name(requirement) for requirement in requires if 'extra ==' not in requirement}))}")


# ----------------------------------------------------------------------------------------------
# Help: obj? and obj??, %pinfo, %pinfo2, %psearch


def _find(shell, target):
    """The object ``target`` names (``a.b.c``, or a magic ``%name``), or a reason it is not there."""
    if target.startswith("%"):
        name = target.lstrip("%")
        kinds = _sandbox_shell.cell_magics if target.startswith("%%") else _sandbox_shell.line_magics
        found = kinds.get(name) or _sandbox_shell.line_magics.get(name) or _sandbox_shell.cell_magics.get(name)
        return (True, found) if found else (False, None)
    first, *rest = target.split(".")
    namespaces = [shell.user_ns, vars(builtins)]
    frame = _caller(shell)
    if frame is not None and frame.f_locals is not shell.user_ns:
        namespaces.insert(0, frame.f_locals)
    for namespace in namespaces:
        if first in namespace:
            value = namespace[first]
            try:
                for part in rest:
                    value = getattr(value, part)
            except Exception:  # noqa: BLE001
                return False, None
            return True, value
    return False, None


def _signature(value):
    try:
        return str(inspect.signature(value))
    except (TypeError, ValueError):
        return None


def _help_text(target, value, detail):
    """What obj? prints: signature, type, value, docstring (obj??: source instead, when there is one)."""
    is_code = inspect.isroutine(value) or inspect.isclass(value) or inspect.ismodule(value)
    lines = []
    signature = _signature(value) if callable(value) else None
    if signature is not None:
        lines.append(f"{'Init signature' if inspect.isclass(value) else 'Signature'}: {target.lstrip('%')}{signature}")
    if not is_code:
        try:
            text = str(value)
        except Exception:  # noqa: BLE001
            text = "<str() failed>"
        lines.append(f"Type:        {type(value).__name__}")
        lines.append(f"String form: {text if len(text) <= 200 else text[:100] + '<...>' + text[-100:]}")
        try:
            lines.append(f"Length:      {len(value)}")
        except Exception:  # noqa: BLE001
            pass
    source = None
    if detail:
        try:
            source = inspect.getsource(value)
        except (OSError, TypeError):
            source = None
    if source is not None:
        lines.append("Source:\n" + source.rstrip("\n"))
    else:
        document = inspect.getdoc(value)
        lines.append(f"Docstring:\n{document}" if document and "\n" in document else f"Docstring: {document or '<no docstring>'}")
    if is_code:
        lines.append(f"Type:      {type(value).__name__}")
    return "\n".join(lines)


@line_magic("pinfo")
def pinfo(shell, line, detail=False):
    """Provide detailed information about an object: obj? or %pinfo obj."""
    target = line.strip()
    found, value = _find(shell, target)
    if not found:
        print(f"Object `{target}` not found.")
        return
    print(_help_text(target, value, detail))


@line_magic("pinfo2")
def pinfo2(shell, line):
    """Provide extra detailed information about an object, with its source: obj?? or %pinfo2 obj."""
    pinfo(shell, line, detail=True)


@line_magic("psearch")
def psearch(shell, line):
    """Search for objects in the namespaces by wildcard: a*? or %psearch a*."""
    pattern = line.strip().split()[0] if line.strip() else "*"
    names = set(shell.user_ns) | set(vars(builtins))
    for name in sorted(name for name in names if fnmatch.fnmatchcase(name, pattern) and not name.startswith("_")):
        print(name)


# ----------------------------------------------------------------------------------------------
# %run


def _script_path(name):
    """The file ``%run NAME`` runs: NAME, else NAME.py (as IPython finds it)."""
    if os.path.isfile(name):
        return name
    if not name.endswith(".py") and os.path.isfile(name + ".py"):
        return name + ".py"
    raise Exception(f"File `{name!r}` not found.")  # IPython's very class and words


@line_magic("run")
def run(shell, line):
    """%run [-i] [-n] [-t] FILE [ARGS ...]: runs FILE (a .py file in the sandbox's own files) as a program.

    It runs as ``__main__`` in a namespace of its own, with ``sys.argv`` = [FILE, ARGS ...]; then
    the names it defined join the notebook's. -i runs it in the notebook's namespace (it sees the
    notebook's names), -n runs it with ``__name__`` the file's name (its ``if __name__ ==
    "__main__"`` block does not run), -t prints how long it took.
    """
    options, rest = _options(line, "int")
    try:
        words = shlex.split(rest)
    except ValueError as error:
        raise UsageError(f"%run: {error}") from None
    if not words:
        raise UsageError("%run: name a file to run")
    path = _script_path(words[0])
    with open(path, encoding="utf-8") as file:
        code = compile(file.read(), os.path.abspath(path), "exec", dont_inherit=True)
    name = os.path.splitext(os.path.basename(path))[0] if "n" in options else "__main__"
    if "i" in options:
        namespace = shell.user_ns
        saved_name = namespace.get("__name__")
    else:
        module = types.ModuleType(name)
        namespace = module.__dict__
        namespace["__builtins__"] = builtins
    namespace.update(__name__=name, __file__=path)
    saved_argv, saved_main = sys.argv, sys.modules.get("__main__")
    sys.argv = [path, *words[1:]]
    if "i" not in options and name == "__main__":
        sys.modules["__main__"] = module  # so that pickle and ``from __main__ import`` find its names
    wall_start, cpu_start = time.perf_counter(), _cpu()
    try:
        _sandbox_shell.evaluate(code, namespace)
    finally:
        sys.argv = saved_argv
        if saved_main is not None:
            sys.modules["__main__"] = saved_main
        if "i" in options:
            namespace["__name__"] = saved_name
        else:
            # What it defined joins the notebook's names, even when it failed part way (as in IPython).
            shell.user_ns.update((key, value) for key, value in namespace.items() if key not in ("__name__", "__file__", "__builtins__"))
    if "t" in options:
        cpu_end, wall = _cpu(), time.perf_counter() - wall_start
        print("\nIPython CPU timings (estimated):")
        print(f"  User   : {cpu_end[0] - cpu_start[0]:10.2f} s.")
        print(f"  System : {cpu_end[1] - cpu_start[1]:10.2f} s.")
        print(f"Wall time: {wall:10.2f} s.")


# ----------------------------------------------------------------------------------------------
# %history


def _history_numbers(shell, ranges):
    """The cell numbers ``ranges`` name, in order: ``4``, ``4-6`` (6 included), ``4:6`` (6 not)."""
    last = len(shell._raw_history) - 1
    numbers = []
    for word in ranges:
        match = re.fullmatch(r"(\d+)(?:([-:])(\d+))?", word)
        if match is None:
            raise UsageError(f"%history: the sandbox keeps this session's cells only; not a range: {word!r}")
        start = int(match[1])
        stop = start + 1 if match[2] is None else int(match[3]) + (match[2] == "-")
        numbers.extend(range(max(start, 1), min(stop, last + 1)))
    return numbers


@line_magic("history")
@line_magic("hist")
def history(shell, line):
    """%history [-n] [-o] [-p] [-t] [-f FILE] [-g PATTERN] [-l [N]] [RANGE ...]: prints this session's cells.

    RANGE is ``4``, ``4-6`` (6 included) or ``4:6`` (6 not); without one, all the cells (with
    -l, the last N before this one, 10 by default; with -g, those that match the glob PATTERN).
    -n numbers them, -o adds their outputs, -p adds >>> prompts, -t shows them as translated
    to Python, -f FILE writes them to FILE (in the sandbox's own files) instead.
    """
    try:
        words = shlex.split(line)
    except ValueError as error:
        raise UsageError(f"%history: {error}") from None
    flags, ranges, values = set(), [], {}
    while words:
        word = words.pop(0)
        if word in ("-f", "-g"):
            if not words:
                raise UsageError(f"%history: argument {word}: expected one argument")
            values[word] = words.pop(0)
        elif word == "-l":
            values[word] = int(words.pop(0)) if words and words[0].isdigit() else 10
        elif re.fullmatch(r"-[nopt]+", word):
            flags.update(word[1:])
        elif word.startswith("-"):
            raise UsageError(f"unrecognized arguments: {word}")
        else:
            ranges.append(word)
    cells = shell._input_history if "t" in flags else shell._raw_history
    everything = range(1, len(cells))
    if "-g" in values:
        pattern = "*" + values["-g"] + "*"
        numbers = [number for number in everything if fnmatch.fnmatch(cells[number], pattern)]
        flags.add("n")
    elif "-l" in values:
        numbers = list(everything)[:-1][-values["-l"] :] if values["-l"] else []
    elif ranges:
        numbers = _history_numbers(shell, ranges)
    else:
        numbers = list(everything)
    out = io.StringIO()
    for number in numbers:
        text = cells[number].expandtabs(4).rstrip()
        multiline = "\n" in text
        if "n" in flags:
            out.write(f"{number:>4}:" + ("\n" if multiline else " "))
        if "p" in flags:
            out.write(">>> ")
            if multiline:
                text = "\n... ".join(text.splitlines()) + "\n..."
        out.write(text + "\n")
        if "o" in flags and number in shell._output_history:
            out.write(repr(shell._output_history[number]) + "\n")
    if "-f" in values:
        with open(values["-f"], "w", encoding="utf-8") as file:
            file.write(out.getvalue())
    else:
        print(out.getvalue(), end="")


# ----------------------------------------------------------------------------------------------
# %%capture


class CapturedIO:
    """What ``%%capture NAME`` keeps of a cell: its ``stdout``, its ``stderr`` and its displays
    (``outputs``); ``show()`` or calling it shows them all again."""

    __module__ = "IPython.utils.capture"  # as IPython names it (its repr says so)

    def __init__(self, stdout, stderr, outputs):
        self._stdout, self._stderr, self.outputs = stdout, stderr, outputs

    def __str__(self):
        return self.stdout

    @property
    def stdout(self):
        return self._stdout.getvalue() if self._stdout else ""

    @property
    def stderr(self):
        return self._stderr.getvalue() if self._stderr else ""

    def show(self):
        sys.stdout.write(self.stdout)
        sys.stderr.write(self.stderr)
        for kind, bundle, display_id in self.outputs:
            _sandbox_display._send("display" if kind == "result" else kind, bundle, display_id)

    __call__ = show


@cell_magic("capture")
def capture(shell, line, cell):
    """%%capture [--no-stdout] [--no-stderr] [--no-display] [NAME]: runs the cell, keeping its
    output from the cell's outputs (in NAME, a CapturedIO, when named)."""
    words = line.split()
    flags = {word for word in words if word.startswith("--")}
    unknown = flags - {"--no-stdout", "--no-stderr", "--no-display"}
    names = [word for word in words if not word.startswith("--")]
    if unknown or len(names) > 1:
        raise UsageError(f"%%capture [--no-stdout] [--no-stderr] [--no-display] [NAME]: not {line.strip()!r}")
    tree, filename, local_ns = _code_of(shell, line, cell)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    statements = compile(tree, filename, "exec", flags=_FLAGS)
    expression = None if last is None else compile(ast.Expression(last.value), filename, "eval", flags=_FLAGS)
    stdout = None if "--no-stdout" in flags else io.StringIO()
    stderr = None if "--no-stderr" in flags else io.StringIO()
    outputs = []
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = stdout or sys.stdout, stderr or sys.stderr
    if "--no-display" not in flags:
        _sandbox_display.captures.append(outputs)
    try:
        _sandbox_shell.evaluate(statements, shell.user_ns, local_ns)
        value = None if expression is None else _sandbox_shell.evaluate(expression, shell.user_ns, local_ns)
        # IPython runs the body as a cell: its last value is shown, and so captured.
        if value is not None:
            _sandbox_display.display(value)
    finally:
        if "--no-display" not in flags:
            _sandbox_display.captures.remove(outputs)
        sys.stdout, sys.stderr = saved
        if names:
            shell.user_ns[names[0]] = CapturedIO(stdout, stderr, outputs)


# ----------------------------------------------------------------------------------------------
# Cells that display what they hold; %%writefile; %lsmagic


def _display_cell(display_class):
    def show(shell, line, cell):
        _sandbox_display.display(display_class(cell))

    show.__doc__ = f"Displays the cell as {display_class.__name__} (IPython.display.{display_class.__name__})."
    return show


for _name, _class in (("html", "HTML"), ("markdown", "Markdown"), ("latex", "Latex"), ("svg", "SVG"), ("javascript", "Javascript"), ("js", "Javascript")):  # fmt: skip
    _sandbox_shell.cell_magics[_name] = _display_cell(getattr(_sandbox_display_objects, _class))


@cell_magic("writefile")
def writefile(shell, line, cell):
    """%%writefile [-a] FILE: writes the cell to FILE in the sandbox's own file system (in memory; not your disk)."""
    options, name = _options(line, "a")
    name = name.strip().strip("\"'")
    if not name:
        raise UsageError("%%writefile: name a file")
    exists = os.path.exists(name)
    print(f"{'Appending to' if 'a' in options else 'Overwriting' if exists else 'Writing'} {name}")
    with open(name, "a" if "a" in options else "w", encoding="utf-8") as file:
        file.write(cell)


@line_magic("quickref")
def quickref(shell, line):
    """Prints a quick reference of the sandbox's IPython (as ``?`` alone does; Jupyter pages it)."""
    shell.show_usage()


@line_magic("magic")
def magic(shell, line):
    """Prints what each magic does, in a line (``%name?`` gives the rest; Jupyter pages it)."""
    shell.show_usage()
    for prefix, magics in (("%", _sandbox_shell.line_magics), ("%%", _sandbox_shell.cell_magics)):
        print(f"\n{'Line' if prefix == '%' else 'Cell'} magics:")
        for name, function in sorted(magics.items()):
            summary = (inspect.getdoc(function) or "").partition("\n")[0]
            print(f"{prefix}{name}: {summary}")


@line_magic("lsmagic")
def lsmagic(shell, line):
    """List the magics the sandbox's IPython has."""
    print("Available line magics:\n" + "  ".join("%" + name for name in sorted(_sandbox_shell.line_magics)))
    print("\nAvailable cell magics:\n" + "  ".join("%%" + name for name in sorted(_sandbox_shell.cell_magics)))
    print("\nThis is the sandbox's own small IPython; shell commands (!cmd) are not available.")

