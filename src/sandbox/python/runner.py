"""Runs submitted code inside the sandbox's Pyodide and describes how it ended.

Loaded as the module ``_sandbox_runner`` before the memory snapshot is taken, with the import
names of Pyodide's optional packages as the global ``optional_packages``. It exposes ``run``;
code is passed to it as an argument, never spliced into Python source.

An exec runs as an IPython cell: its IPython syntax made Python (transform.py), the values of
its top-level expressions (the last one, by default) shown through the shell's display hook
(shell.py), which keeps ``_``, ``Out`` and ``In``.
"""

import ast
import builtins
import json
import linecache
import os
import sys
import traceback
import types

import _sandbox_display  # display.py, installed before this module
import _sandbox_magics  # magics.py: registers the shell's magics
import _sandbox_shell  # shell.py
import _sandbox_transform  # transform.py

# Import names of Pyodide's optional packages (from its lock file), which are loaded on request.
_optional_packages = frozenset(optional_packages)  # noqa: F821 - provided by the worker
del optional_packages  # noqa: F821


def _main_module():
    """A new ``__main__`` module: code run in its namespace, once it is ``sys.modules["__main__"]``, finds itself
    there (doctest.testmod(), pickle and typing look its names up there)."""
    module = types.ModuleType("__main__")
    module.__builtins__ = builtins
    return module


def _new_shell():
    """A shell whose namespace is a new ``__main__`` module's, as IPython's user module is."""
    module = _main_module()
    shell = _sandbox_shell.SandboxShell(module.__dict__)
    shell.user_module = module
    return shell


_shell = _new_shell()
_namespace = _shell.user_ns
_run_count = 0

# What one result may carry; the client treats larger messages as a protocol fault.
_MAX_NAME = 200
_MAX_MESSAGE = 16_384
_MAX_VALUE = 8 * 2**20


def _characters(filename, line, offset):
    """A frame's column, which Python counts in UTF-8 bytes, in characters of its line, as tracebacks show it."""
    text = linecache.getline(filename, line) if offset is not None and line is not None else ""
    # An eval's source is not in linecache: its offsets stay as they are.
    return len(text.encode()[:offset].decode(errors="replace")) if text else offset


def _operator(text, start, end):
    """Where python3 puts its ``^`` among the ``~`` under an expression that raised on one line of ``text``, from
    column ``start`` to ``end`` (characters): the operator of a binary operation, or the brackets of a subscript,
    as {"operatorStart", "operatorEnd"} (columns in characters of the line); empty for any other expression."""
    segment = text[start:end]
    try:
        body = ast.parse(segment).body
    except SyntaxError:
        return {}
    if len(body) != 1 or not isinstance(body[0], ast.Expr):
        return {}
    expression = body[0].value

    def at(offset):
        """An AST column, which counts UTF-8 bytes, in characters of the segment."""
        return len(segment.encode()[:offset].decode(errors="replace"))

    if isinstance(expression, ast.BinOp):
        # The operator, as python3's own traceback printer finds it: the first character after the
        # left operand that is neither blank nor a closing bracket; two of them for //, **, <<...
        end = at(expression.right.col_offset)
        for left in range(at(expression.left.end_col_offset), end):
            if segment[left].isspace() or (segment[left] == ")" and left + 1 < end):
                continue
            right = left + (2 if left + 1 < end and not segment[left + 1].isspace() else 1)
            break
        else:
            return {}
    elif isinstance(expression, ast.Subscript):
        # From the end of the subscripted value to one past the end of the index, as python3 has it.
        left, right = at(expression.value.end_col_offset), at(expression.slice.end_col_offset) + 1
    else:
        return {}
    return {"operatorStart": start + left, "operatorEnd": start + right}


def _frame(frame, filename):
    """A traceback frame of the code as the protocol has it: columns in characters, and the operator marked."""
    column = _characters(filename, frame.lineno, frame.colno)
    end_column = _characters(filename, frame.end_lineno, frame.end_colno)
    text = linecache.getline(filename, frame.lineno)
    one_line = text and frame.end_lineno == frame.lineno and column is not None and end_column is not None
    return {
        "line": frame.lineno,
        "endLine": frame.end_lineno,
        "column": column,
        "endColumn": end_column,
        "name": frame.name[:_MAX_NAME],
        **(_operator(text, column, end_column) if one_line else {}),
    }


def _frames(error, filename):
    frames = [
        _frame(frame, filename)
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename == filename and frame.lineno
    ]
    if isinstance(error, SyntaxError) and error.filename == filename and error.lineno:
        # Where the code does not parse is all there is to show (a magic's code fails to parse
        # while the cell runs, under the magic's own frame). SyntaxError offsets are 1-based; the
        # protocol's columns are 0-based like tracebacks'.
        frames = [
            {
                "line": error.lineno,
                "endLine": error.end_lineno or error.lineno,
                "column": error.offset - 1 if error.offset else None,
                "endColumn": error.end_offset - 1 if error.end_offset and error.end_offset > 0 else None,
                "name": "<module>",
            }
        ]
    return [{k: v for k, v in frame.items() if v is not None} for frame in _collapse(frames)]


_MAX_FRAMES = 50


def _collapse(frames):
    """A run of the same frame (deep recursion) as that frame once, with how many times it ran in
    a row (``repeats``, which python3 reports); then the outer and inner ends of what is left."""
    kept = []
    for frame in frames:
        if kept and frame == {key: value for key, value in kept[-1].items() if key != "repeats"}:
            kept[-1]["repeats"] = kept[-1].get("repeats", 1) + 1
        else:
            kept.append(dict(frame))
    if len(kept) > _MAX_FRAMES:
        kept = kept[: _MAX_FRAMES // 2] + kept[-_MAX_FRAMES // 2 :]
    return kept


# Where the worker places the workspace files a run may read (shared/workspace-paths.ts).
_WORKSPACE_ROOT = "/workspace"


def _in_workspace(path):
    """Whether a path an OSError names is in the workspace folder (relative ones from the working directory)."""
    if not isinstance(path, (str, bytes)):
        return False
    try:
        path = os.path.abspath(os.fsdecode(path))
    except (TypeError, ValueError, OSError):
        return False
    return path == _WORKSPACE_ROOT or path.startswith(_WORKSPACE_ROOT + "/")


def _file_hint(error, not_found_hint):
    """What to add to an OSError about a workspace path: how files become readable, or that they are read-only."""
    if not not_found_hint or not isinstance(error, OSError) or not _in_workspace(error.filename):
        return ""
    if isinstance(error, FileNotFoundError):
        return f"; {not_found_hint}"
    if isinstance(error, PermissionError):
        return "; the workspace files the sandbox reads are read-only: write results under ./output/, where they can be saved"
    return ""


def _exception(error, filename, not_found_hint):
    """One exception as the protocol has it: its type, message, frames in the code, and notes."""
    try:
        message = error.msg if isinstance(error, SyntaxError) else str(error)
        message = message if isinstance(message, str) else str(message)
    except Exception:
        message = "<exception str() failed>"  # python3's words
    if len(message) > _MAX_MESSAGE:
        message = message[:_MAX_MESSAGE] + f"… ({len(message) - _MAX_MESSAGE} more characters)"
    message += _file_hint(error, not_found_hint)
    top = (error.name or "").partition(".")[0] if isinstance(error, ImportError) else None
    if top == "IPython":
        message += "; " + _sandbox_shell.ipython_subset_note()
    elif isinstance(error, ModuleNotFoundError) and top in _optional_packages:
        message += (
            f"; {top} is a Pyodide package that was not loaded: the sandbox loads"
            " packages before a run, for the code's import statements, its %pip install lines and for"
            " packages named in pythonSandbox.packages.preload, with Sandbox: Install Packages… or with --packages"
        )
    described = {"type": type(error).__name__[:_MAX_NAME], "message": message, "frames": _frames(error, filename)}
    notes = _notes(error)
    if notes:
        described["notes"] = notes
    return described


# Exception notes and earlier exceptions of a chain one error carries; the client refuses more.
_MAX_NOTES = 20
_MAX_NOTE = 4096
_MAX_CHAIN = 8
# The links as python3 reads them, from the exception itself: a class's property of the same name is not asked.
_CAUSE, _CONTEXT, _SUPPRESS_CONTEXT = (vars(BaseException)[name] for name in ("__cause__", "__context__", "__suppress_context__"))


def _notes(error):
    """The error's notes (PEP 678) as python3 prints them: str() of each, when ``__notes__`` is a list or tuple."""
    try:
        notes = getattr(error, "__notes__", None)
        notes = list(notes[:_MAX_NOTES]) if isinstance(notes, (list, tuple)) else []
    except Exception:  # a property of the exception's class, or a list subclass's own slicing
        return []
    shown = []
    for note in notes:
        try:
            text = note if isinstance(note, str) else str(note)
        except Exception:
            text = "<note str() failed>"
        shown.append(text[:_MAX_NOTE])
    return shown


def _chain(error):
    """The exceptions before ``error`` that python3 prints above it, oldest first, each with how it led to the
    next ('cause': ``raise ... from``; 'context': raised while handling it, unless ``from None`` suppressed
    that). As python3, a cycle ends the chain; only the ``_MAX_CHAIN`` nearest ``error`` are kept."""
    chain, seen = [], {id(error)}
    while len(chain) < _MAX_CHAIN:
        cause, context = _CAUSE.__get__(error), _CONTEXT.__get__(error)
        if cause is not None:
            earlier, link = cause, "cause"
        elif context is not None and not _SUPPRESS_CONTEXT.__get__(error):
            earlier, link = context, "context"
        else:
            break
        if id(earlier) in seen:
            break
        seen.add(id(earlier))
        chain.append((earlier, link))
        error = earlier
    return chain[::-1]


def _describe(error, filename, not_found_hint=None):
    """The error the run ended with, with the exceptions chained before it and its notes."""
    described = _exception(error, filename, not_found_hint)
    chain = [{**_exception(earlier, filename, not_found_hint), "link": link} for earlier, link in _chain(error)]
    if chain:
        described["chain"] = chain
    if isinstance(error, SystemExit) and (error.code is None or isinstance(error.code, int)):
        # As python3 ends: a status, not a traceback. It reads the int's own value (an int subclass's
        # methods are not asked), takes -1 for one past a C long long, and the OS keeps the low byte.
        code = 0 if error.code is None else int.__index__(error.code)
        described["exitStatus"] = code & 0xFF if -(2**63) <= code < 2**63 else 0xFF
    return described


def _flush():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass


_MAX_LAST_VALUE = 2000

_FLAGS = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT


def _interactive_split(body, interactivity):
    """(statements run plainly, statements whose expression values are shown), as IPython's ast_node_interactivity says."""
    if interactivity not in _sandbox_shell.INTERACTIVITY:
        raise ValueError(f"ast_node_interactivity is one of {', '.join(_sandbox_shell.INTERACTIVITY)}, not {interactivity!r}")
    if not body or interactivity == "none":
        return body, []
    if interactivity == "all":
        return [], body
    if interactivity == "last":
        return body[:-1], body[-1:]
    last = body[-1]
    if interactivity == "last_expr_or_assign":
        target = _assigned_name(last)
        if target is not None:
            shown = ast.Expr(ast.Name(target, ast.Load()))
            ast.copy_location(shown, last)
            ast.copy_location(shown.value, last)
            return body, [shown]
    return (body[:-1], [last]) if isinstance(last, ast.Expr) else (body, [])


def _assigned_name(node):
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target = node.targets[0]
    elif isinstance(node, (ast.AugAssign, ast.AnnAssign)) and getattr(node, "value", None) is not None:
        target = node.target
    else:
        return None
    return target.id if isinstance(target, ast.Name) else None


def _quiet(source, body):
    """A cell that ends in ``;`` shows no value (IPython: the last token of the cell)."""
    if not body:
        return False
    lines = source.splitlines()
    last = body[-1]
    rest = lines[last.end_lineno - 1].encode()[last.end_col_offset :].decode(errors="replace")
    return (rest + "".join(lines[last.end_lineno :])).lstrip().startswith(";")


class _Shower:
    """Shows a value the run's code shows (``display_last_value`` says how), unless the cell is quiet; returns
    the text reported as the run's last value (repr() when nothing is displayed, as the API promises)."""

    def __init__(self, quiet, capture_last_value, display_last_value):
        self.quiet = quiet
        self.capture = capture_last_value
        self.display = display_last_value

    def __call__(self, value):
        if self.quiet:
            return None
        if self.display == "none":
            return repr(value) if self.capture else ""
        text = _sandbox_display.plain_text(value)
        bundle = _sandbox_display.result_bundle(value, text, only_rich=self.display == "rich")
        if bundle is not None:
            _sandbox_display.send_result(bundle)
        return text


def _exec(code, filename, shell, count, capture_last_value, display_last_value="none"):
    """Runs ``code`` as an IPython cell numbered ``count``; returns the text of the last value it showed, when asked.

    ``display_last_value`` ('none', 'rich' or 'all') says when a shown value is also display data (display.py).
    """
    transformed = _sandbox_transform.transform(code)
    source = transformed.source
    _sandbox_shell.remember_source(filename, code)
    # A cell counts, and is in In, even when it does not compile.
    shell._begin_cell(count, code, transformed, filename)
    tree = compile(source, filename, "exec", flags=ast.PyCF_ONLY_AST | _FLAGS)
    plain, interactive = _interactive_split(tree.body, shell.ast_node_interactivity)
    shell.show = _Shower(_quiet(source, tree.body), capture_last_value, display_last_value)
    shell.events.run_started(code)
    hook, sys.displayhook = sys.displayhook, shell.displayhook
    failure = None
    try:
        if plain:
            _sandbox_shell.evaluate(compile(ast.Module(plain, type_ignores=[]), filename, "exec", flags=_FLAGS), shell.user_ns)
        for node in interactive:
            _sandbox_shell.evaluate(compile(ast.Interactive([node]), filename, "single", flags=_FLAGS), shell.user_ns)
    except BaseException as error:
        failure = error
        raise
    finally:
        sys.displayhook = hook
        shell._end_cell()
        if display_last_value != "none":
            _sandbox_display.flush_figures()
        shell.events.run_ended(count, failure)
        failure = None
    last = shell.last_shown
    return None if last is None or not capture_last_value else last[:_MAX_LAST_VALUE]


def _run_script(code, filename, argv):
    """Runs ``code`` as python3 runs the script file ``filename``: as the code of a new ``__main__`` module, with
    nothing of IPython's in it (no magics, no ``In`` or ``_``), ``argv`` as ``sys.argv`` and the script's folder
    first on ``sys.path``, in place of the working directory, so that the modules beside it import."""
    module = _main_module()
    module.__dict__.update({"__file__": filename, "__cached__": None})
    sys.modules["__main__"] = module
    sys.argv = list(argv)
    sys.path[:1] = [os.path.dirname(filename)]
    _sandbox_shell.remember_source(filename, code)
    exec(compile(code, filename, "exec", dont_inherit=True), module.__dict__)


def run(
    mode,
    code,
    fresh,
    capture_last_value=False,
    display_last_value="none",
    execution_count=None,
    not_found_hint=None,
    script_path=None,
    script_argv=None,
):
    """Runs ``code`` (``mode`` 'exec' or 'eval'); returns the outcome as a JSON string.

    ``execution_count`` numbers an exec as a notebook cell (``Out[N]``, ``_N``); without it, the
    shell counts the runs of its namespace. ``not_found_hint``, when the run has a workspace, is
    added to a FileNotFoundError there. ``script_path``, for an exec, is the script file the code
    is, run as python3 runs it: compiled as that file (absolute, as python3 makes it), its
    ``__file__``, with ``script_argv`` as ``sys.argv`` and its folder first on ``sys.path`` (see _run_script).
    """
    global _run_count
    _run_count += 1
    _sandbox_display.begin_run()
    # A name per run, so frames from code submitted earlier are not mistaken for this code's.
    filename = f"<sandbox-{_run_count}>"
    shell = _new_shell() if fresh else _shell
    namespace = shell.user_ns
    _sandbox_shell.current = shell
    sys.modules["__main__"] = shell.user_module
    if script_path is not None:
        filename = os.path.abspath(script_path)
    outcome = {}
    try:
        if script_path is not None:
            _run_script(code, filename, script_argv or [script_path])
        elif mode == "eval":
            value = _sandbox_shell.evaluate(compile(code, filename, "eval", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT), namespace)
            outcome["value"] = json.dumps(value)
            if len(outcome["value"]) > _MAX_VALUE:
                raise ValueError(f"the value's JSON has {len(outcome['value'])} characters; eval returns at most {_MAX_VALUE}")
        else:
            count = execution_count if execution_count is not None else shell.execution_count + 1
            last_value = _exec(code, filename, shell, count, capture_last_value, display_last_value)
            if last_value is not None:
                outcome["lastValue"] = last_value
    except BaseException as error:  # noqa: BLE001 - every exception is a result, even SystemExit
        outcome["error"] = _describe(error, filename, not_found_hint)
        error.__traceback__ = None
    finally:
        _flush()
    return json.dumps(outcome)
