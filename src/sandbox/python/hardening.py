"""Closes what sandboxed code could use to reach JavaScript or raw memory.

The worker runs this once, before the memory snapshot is taken (so every runtime starts with
it), in a private namespace with ``disabled_modules``, the pattern of the built-in modules it
emptied.
"""

import os
import re
import sys

_disabled_modules = re.compile(disabled_modules)  # noqa: F821 - provided by the worker

# Pyodide records the worker script's host path here; the sandbox keeps host paths to itself.
os.environ.pop("_", None)


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


for _name in [name for name in sys.modules if name.partition(".")[0] == "ctypes" or _disabled_modules.fullmatch(name)]:
    del sys.modules[_name]
sys.meta_path.insert(0, _RefusedModules)
