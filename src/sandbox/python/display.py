"""Display data: objects shown as MIME bundles, sent in order with the output stream.

Loaded as the module ``_sandbox_display`` before the memory snapshot is taken, after the
environment and before the runner. It sends bundles through the worker's bridge function
``display(kind, items_json)``, which the environment holds once installed; it installs the
``display`` builtin, and gives the runner ``begin_run`` (called at the start of every run) and
``show_result`` (a run's final expression). It also selects matplotlib's Agg backend before
matplotlib can be imported, and makes ``plt.show()`` display the open figures as PNG images and
close them.

A bundle follows IPython's rules: ``_repr_mimebundle_(include, exclude)`` first, then the
``_repr_*_`` methods for the types it left out, and ``text/plain`` from ``repr`` always.
"""

import binascii
import builtins
import io
import json
import os
import re
import sys

import _sandbox_environment  # environment.py, installed before this module

# What one bundle and one run may carry; the client refuses more (protocol.ts), as a protocol fault.
_MAX_ITEM_BYTES = 10 * 2**20
_MAX_ITEMS = 32
_MAX_RUN_CHARS = 64 * 2**20
_MAX_RUN_DISPLAYS = 1000

# A MIME type without parameters, as the client accepts it (protocol.ts).
_MIME = re.compile(r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}")

_REPR_METHODS = (
    ("image/png", "_repr_png_"),
    ("image/jpeg", "_repr_jpeg_"),
    ("image/svg+xml", "_repr_svg_"),
    ("text/html", "_repr_html_"),
    ("text/markdown", "_repr_markdown_"),
    ("application/json", "_repr_json_"),
    ("text/latex", "_repr_latex_"),
)

# An object that claims to have this attribute claims every attribute (a mock, a proxy): its
# "_repr_*_ methods" are not display methods. IPython guards the same way.
_CANARY = "_sandbox_canary_method_should_not_exist_"

# matplotlib draws with Agg, which needs no screen and no JavaScript. Set before any import of
# matplotlib, which reads it once; code that sets MPLBACKEND itself keeps its choice.
os.environ.setdefault("MPLBACKEND", "Agg")

_budget = {"chars": 0, "count": 0, "warned": False}


def begin_run():
    """Starts a run's display budget afresh."""
    _budget.update(chars=0, count=0, warned=False)


def _megabytes(size):
    return f"{size / 2**20:.1f} MiB"


def _display_method(obj, name):
    """The bound method ``name`` of ``obj`` when it is a real display method, else None."""
    if isinstance(obj, type):
        return None  # a class's _repr_*_ are unbound functions: display the class by its repr
    try:
        if hasattr(obj, _CANARY):
            return None
        method = getattr(obj, name, None)
    except Exception:  # noqa: BLE001 - a broken __getattr__ means no display method
        return None
    return method if callable(method) else None


def _call(obj, name, **kwargs):
    """Calls a display method; one that raises is reported on stderr and skipped, as in IPython."""
    method = _display_method(obj, name)
    if method is None:
        return None
    try:
        value = method(**kwargs)
    except Exception as error:  # noqa: BLE001 - the other representations still count
        print(f"display: {type(obj).__name__}.{name}() raised {type(error).__name__}: {error}", file=sys.stderr)
        return None
    # A _repr_*_ method may return (data, metadata); the sandbox keeps the data.
    return value[0] if isinstance(value, tuple) and value else value


def _figure_png(obj):
    """PNG bytes of a matplotlib figure (which has no _repr_png_ of its own), else None."""
    figure_module = sys.modules.get("matplotlib.figure")
    if figure_module is None or not isinstance(obj, getattr(figure_module, "Figure", ())):
        return None
    buffer = io.BytesIO()
    obj.savefig(buffer, format="png", bbox_inches="tight")  # IPython's inline defaults
    return buffer.getvalue()


def _bundle(obj, include=None, exclude=None, plain=True):
    """{mime: value} for ``obj``; ``include``/``exclude`` filter the types, text/plain always stays.

    Without ``plain``, text/plain from repr is left to the caller (repr can be costly).
    """

    def wanted(mime):
        return (include is None or mime in include) and (exclude is None or mime not in exclude)

    data = {}
    bundle = _call(obj, "_repr_mimebundle_", include=include, exclude=exclude)
    if isinstance(bundle, dict):
        data.update((mime, value) for mime, value in bundle.items() if wanted(mime))
    if "image/png" not in data and wanted("image/png"):
        png = _figure_png(obj)
        if png is not None:
            data["image/png"] = png
    for mime, name in _REPR_METHODS:
        if mime not in data and wanted(mime):
            value = _call(obj, name)
            if value is not None:
                data[mime] = value
    if plain and "text/plain" not in data:
        data["text/plain"] = repr(obj)
    return data


def _is_binary(mime):
    top, _, sub = mime.partition("/")
    return (top in ("image", "audio", "video") and not sub.endswith("+xml")) or mime in ("application/pdf", "application/octet-stream")


def _is_json(mime):
    return mime == "application/json" or mime.endswith("+json")


def _encode(mime, value):
    """(encoding, data, size in bytes) of one bundle value; raises for a value that is not data."""
    if _is_binary(mime):
        if isinstance(value, str):
            # Jupyter's convention: text for a binary type is base64 already.
            raw = binascii.a2b_base64(value)
        elif isinstance(value, (bytes, bytearray, memoryview)):
            raw = bytes(value)
        else:
            raise TypeError(f"its data is a {type(value).__name__}, not bytes or base64 text")
        return "base64", raw, len(raw)
    if _is_json(mime) and not isinstance(value, str):
        value = json.dumps(value)
    elif isinstance(value, (bytes, bytearray)):
        value = bytes(value).decode("utf-8")
    elif not isinstance(value, str):
        raise TypeError(f"its data is a {type(value).__name__}, not text")
    return "text", value, len(value.encode("utf-8"))


def _items(bundle):
    """The protocol's items for a bundle: each checked, encoded and capped; notes go into text/plain."""
    items, notes = {}, []
    for mime, value in bundle.items():
        if not isinstance(mime, str) or not _MIME.fullmatch(mime):
            notes.append(f"{mime!r} is not a MIME type; left out")
            continue
        if mime != "text/plain" and len(items.keys() - {"text/plain"}) == _MAX_ITEMS - 1:
            notes.append(f"{mime} left out: a bundle holds at most {_MAX_ITEMS} types")
            continue
        try:
            encoding, data, size = _encode(mime, value)
        except (TypeError, ValueError, binascii.Error) as error:
            notes.append(f"{mime} left out: {error}")
            continue
        if size > _MAX_ITEM_BYTES and mime == "text/plain":
            data = data.encode("utf-8")[:_MAX_ITEM_BYTES].decode("utf-8", "ignore")
            notes.append(f"text/plain cut to {_megabytes(_MAX_ITEM_BYTES)} of {_megabytes(size)}")
        elif size > _MAX_ITEM_BYTES:
            notes.append(f"{mime} not shown: {_megabytes(size)} is over the {_megabytes(_MAX_ITEM_BYTES)} limit for one display item")
            continue
        if encoding == "base64":
            data = binascii.b2a_base64(data, newline=False).decode("ascii")
        items[mime] = {"mime": mime, "data": data, "encoding": encoding}
    if notes:
        plain = items.get("text/plain", {"data": ""})["data"]
        note = "\n".join(f"[{note}]" for note in notes)
        items["text/plain"] = {"mime": "text/plain", "data": f"{plain}\n{note}" if plain else note, "encoding": "text"}
    return list(items.values())


def _size(item):
    """What an item counts against the run's budget: at least its length as JavaScript sees it."""
    return len(item["data"]) if item["encoding"] == "base64" else len(item["data"].encode("utf-8"))


def _send(kind, bundle):
    """Sends one bundle (``kind`` 'display' or 'result') unless the run's budget is spent."""
    items = _items(bundle)
    chars = sum(_size(item) for item in items)
    if _budget["count"] >= _MAX_RUN_DISPLAYS or _budget["chars"] + chars > _MAX_RUN_CHARS:
        if not _budget["warned"]:
            _budget["warned"] = True
            print(
                f"display: this run displayed {_MAX_RUN_DISPLAYS} objects or {_megabytes(_MAX_RUN_CHARS)};"
                " the rest is not shown",
                file=sys.stderr,
            )
        return
    _budget["count"] += 1
    _budget["chars"] += chars
    # What was printed before comes first: it must reach the output stream before the bundle.
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    _sandbox_environment._bridge.display(kind, json.dumps(items))


def display(*objs, include=None, exclude=None, raw=False):
    """Shows each object as rich output (images, HTML, Markdown, ...) where the run is shown.

    ``include``/``exclude`` choose MIME types; with ``raw=True`` each object is a ready bundle,
    a dict of MIME type to data.
    """
    for obj in objs:
        if raw and not isinstance(obj, dict):
            raise TypeError(f"display(raw=True) takes dicts of MIME type to data, not {type(obj).__name__}")
        _send("display", obj if raw else _bundle(obj, include, exclude))


def show_result(value, only_rich):
    """A run's final expression, as Jupyter shows it: nothing for None; with ``only_rich``, nothing for text alone."""
    if value is None:
        return
    bundle = _bundle(value, plain=False)
    if only_rich and all(mime == "text/plain" for mime in bundle):
        return
    bundle.setdefault("text/plain", repr(value))
    _send("result", bundle)


def _show_figures(*args, **kwargs):
    """plt.show() in the sandbox: every open figure becomes an image/png display, then is closed."""
    pyplot = sys.modules["matplotlib.pyplot"]
    for number in pyplot.get_fignums():
        figure = pyplot.figure(number)
        display(figure)
        pyplot.close(figure)


class _PyplotLoader:
    """Loads matplotlib.pyplot with its own loader, then replaces its show()."""

    def __init__(self, loader):
        self._loader = loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        module.show = _show_figures


class _PyplotHook:
    """Finds matplotlib.pyplot through the other finders and wraps its loader."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name != "matplotlib.pyplot":
            return None
        for finder in sys.meta_path:
            find_spec = getattr(finder, "find_spec", None)
            if finder is _PyplotHook or find_spec is None:
                continue
            spec = find_spec(name, path, target)
            if spec is not None:
                spec.loader = _PyplotLoader(spec.loader)
                return spec
        return None


sys.meta_path.insert(0, _PyplotHook)
builtins.display = display
