"""The sandbox's ``IPython`` package: a small one of its own, importable with no network.

Loaded as the module ``_sandbox_ipython`` before the memory snapshot is taken, after the
modules it hands out. It builds the package's modules once (in the snapshot) and installs a
finder that gives them to ``import IPython...``; until then they are not in ``sys.modules``, so
code that checks for IPython there does not find it. Each module re-exports what the sandbox's
own modules implement, and says what it lacks when asked for something else.
"""

import importlib
import importlib.abc
import importlib.machinery
import sys
import types

import _sandbox_display  # display.py
import _sandbox_display_objects  # display_objects.py
import _sandbox_pretty  # pretty.py
import _sandbox_shell  # shell.py

VERSION_INFO = (9, 0, 0, "sandbox")

_DISPLAY_FUNCTIONS = {
    "display": _sandbox_display.display,
    "clear_output": _sandbox_display.clear_output,
    "update_display": _sandbox_display.update_display,
    "DisplayHandle": _sandbox_display.DisplayHandle,
    **_sandbox_display.display_functions,
}
_DISPLAY = dict(
    _DISPLAY_FUNCTIONS,
    **{name: getattr(_sandbox_display_objects, name) for name in ("DisplayObject", "TextDisplayObject", "Pretty", "HTML", "Markdown", "Math", "Latex", "SVG", "JSON", "Javascript", "Image", "ProgressBar")},  # fmt: skip
)

# Module name -> (what it is, what it has, its submodules).
_MODULES = {
    "IPython": (
        "IPython, as the sandbox has it: get_ipython, display, and the submodules below",
        {
            "get_ipython": _sandbox_shell.get_ipython,
            "InteractiveShell": _sandbox_shell.SandboxShell,
            "version_info": VERSION_INFO,
            "__version__": ".".join(map(str, VERSION_INFO[:3])) + "+sandbox",
        },
        ("display", "core", "lib"),
    ),
    "IPython.display": ("Public API for display tools in the sandbox's IPython.", _DISPLAY, ()),
    "IPython.core": ("The parts of IPython.core the sandbox has.", {}, ("display", "display_functions", "error", "getipython", "interactiveshell")),
    "IPython.core.display": ("Display objects and functions.", _DISPLAY, ()),
    "IPython.core.display_functions": ("Display functions.", _DISPLAY_FUNCTIONS, ()),
    "IPython.core.error": ("IPython's errors, as the sandbox raises them.", {"UsageError": _sandbox_shell.UsageError}, ()),
    "IPython.core.getipython": ("get_ipython.", {"get_ipython": _sandbox_shell.get_ipython}, ()),
    "IPython.core.interactiveshell": ("The shell.", {"InteractiveShell": _sandbox_shell.SandboxShell}, ()),
    "IPython.lib": ("The parts of IPython.lib the sandbox has.", {}, ("pretty",)),
}


def _missing(module_name, submodules):
    def __getattr__(name):
        if name in submodules:
            return importlib.import_module(f"{module_name}.{name}")
        raise AttributeError(f"module {module_name!r} has no attribute {name!r}; {_sandbox_shell.ipython_subset_note()}")

    return __getattr__


def _build(name, doc, names, submodules):
    module = types.ModuleType(name, doc)
    module.__dict__.update(names)
    module.__all__ = sorted(key for key in names if not key.startswith("_"))
    module.__getattr__ = _missing(name, submodules)
    if submodules:
        module.__path__ = []
    return module


_built = {name: _build(name, *parts) for name, parts in _MODULES.items()}
_built["IPython.lib.pretty"] = _sandbox_pretty


class _Loader(importlib.abc.Loader):
    def create_module(self, spec):
        return _built[spec.name]

    def exec_module(self, module):
        pass  # built already, in the snapshot


class _Finder(importlib.abc.MetaPathFinder):
    """Finds the sandbox's IPython modules (before any IPython a package could bring)."""

    _loader = _Loader()

    def find_spec(self, name, path=None, target=None):
        if name not in _built:
            return None
        return importlib.machinery.ModuleSpec(name, self._loader, is_package=hasattr(_built[name], "__path__"))


sys.meta_path.insert(0, _Finder())
