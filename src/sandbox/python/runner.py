"""Runs submitted code inside the sandbox's Pyodide and describes how it ended.

Loaded as the module ``_sandbox_runner`` before the memory snapshot is taken, with the import
names of Pyodide's optional packages as the global ``optional_packages``. It exposes ``run``;
code is passed to it as an argument, never spliced into Python source.
"""

import ast
import asyncio
import builtins
import inspect
import json
import os
import sys
import traceback

import _sandbox_display  # display.py, installed before this module

# Import names of Pyodide's optional packages (from its lock file), which are loaded on request.
_optional_packages = frozenset(optional_packages)  # noqa: F821 - provided by the worker
del optional_packages  # noqa: F821


def _new_namespace():
    return {"__name__": "__main__", "__builtins__": builtins}


_namespace = _new_namespace()
_run_count = 0

# What one result may carry; the client treats larger messages as a protocol fault.
_MAX_NAME = 200
_MAX_MESSAGE = 16_384
_MAX_VALUE = 8 * 2**20


def _frames(error, filename):
    frames = [
        {
            "line": frame.lineno,
            "endLine": frame.end_lineno,
            "column": frame.colno,
            "endColumn": frame.end_colno,
            "name": frame.name[:_MAX_NAME],
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


def _describe(error, filename, not_found_hint=None):
    message = error.msg if isinstance(error, SyntaxError) else str(error)
    if len(message) > _MAX_MESSAGE:
        message = message[:_MAX_MESSAGE] + f"… ({len(message) - _MAX_MESSAGE} more characters)"
    message += _file_hint(error, not_found_hint)
    if isinstance(error, ModuleNotFoundError) and (error.name or "").split(".")[0] in _optional_packages:
        message += (
            f"; {error.name.split('.')[0]} is a Pyodide package that was not loaded: the sandbox loads"
            " packages before a run, for the code's import statements and for packages named in"
            " pythonSandbox.packages.preload, with Sandbox: Install Packages… or with --packages"
        )
    return {"type": type(error).__name__[:_MAX_NAME], "message": message, "frames": _frames(error, filename)}


def _flush():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass


_MAX_LAST_VALUE = 2000


def _exec(code, filename, namespace, capture_last_value, display_last_value="none"):
    """exec(); with ``capture_last_value``, a final bare expression is evaluated on its own and its repr returned.

    ``display_last_value`` ('none', 'rich' or 'all') says when that value is also display data (display.py).
    """
    tree = compile(code, filename, "exec", flags=ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    wants_last = capture_last_value or display_last_value != "none"
    last = tree.body.pop() if wants_last and tree.body and isinstance(tree.body[-1], ast.Expr) else None
    _evaluate(compile(tree, filename, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT), namespace)
    if last is None:
        return None
    value = _evaluate(compile(ast.Expression(last.value), filename, "eval", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT), namespace)
    if display_last_value != "none":
        _sandbox_display.show_result(value, only_rich=display_last_value == "rich")
    return None if value is None or not capture_last_value else repr(value)[:_MAX_LAST_VALUE]


def _evaluate(code_object, namespace):
    """eval() that also runs code using top-level await, on a fresh (sandbox) event loop."""
    result = eval(code_object, namespace)
    if code_object.co_flags & inspect.CO_COROUTINE:
        loop = asyncio.new_event_loop()
        try:
            result = loop.run_until_complete(result)
        finally:
            loop.close()
    return result


def run(mode, code, fresh, capture_last_value=False, display_last_value="none", not_found_hint=None):
    """Runs ``code`` (``mode`` 'exec' or 'eval'); returns the outcome as a JSON string.

    ``not_found_hint``, when the run has a workspace, is added to a FileNotFoundError there.
    """
    global _run_count
    _run_count += 1
    _sandbox_display.begin_run()
    # A name per run, so frames from code submitted earlier are not mistaken for this code's.
    filename = f"<sandbox-{_run_count}>"
    namespace = _new_namespace() if fresh else _namespace
    outcome = {}
    try:
        if mode == "eval":
            value = _evaluate(compile(code, filename, "eval", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT), namespace)
            outcome["value"] = json.dumps(value)
            if len(outcome["value"]) > _MAX_VALUE:
                raise ValueError(f"the value's JSON has {len(outcome['value'])} characters; eval returns at most {_MAX_VALUE}")
        else:
            last_value = _exec(code, filename, namespace, capture_last_value, display_last_value)
            if last_value is not None:
                outcome["lastValue"] = last_value
    except BaseException as error:  # noqa: BLE001 - every exception is a result, even SystemExit
        outcome["error"] = _describe(error, filename, not_found_hint)
        error.__traceback__ = None
    finally:
        _flush()
    return json.dumps(outcome)
