"""Display data: objects shown as MIME bundles, sent in order with the output stream.

Loaded as the module ``_sandbox_display`` before the memory snapshot is taken, after the
environment and the pretty printer, and before the shell and the runner. It sends bundles
through the worker's bridge function ``display(kind, items_json, display_id, wait)``, which the
environment holds once installed; it installs the ``display`` builtin (IPython's ``display``,
with ``display_id``, ``update_display``, ``clear_output`` and ``DisplayHandle``), and gives the
runner ``begin_run`` (called at the start of every run) and ``result_bundle`` (a value a cell
shows). It also selects matplotlib's Agg backend before matplotlib can be imported, and makes
``plt.show()`` display the open figures as PNG images and close them.

A bundle follows IPython's rules: ``_ipython_display_`` takes over when an object has it;
otherwise ``_repr_mimebundle_(include, exclude)`` first, then for each other MIME type a
printer registered with its formatter (``formatter.formatters[mime].for_type``) or the
``_repr_*_`` method, and ``text/plain`` from the pretty printer (IPython.lib.pretty's rules)
always.
"""

import binascii
import builtins
import io
import json
import os
import re
import sys
import uuid
from io import StringIO

import _sandbox_environment  # environment.py, installed before this module
import _sandbox_pretty  # pretty.py, installed before this module

# What one bundle and one run may carry; the client refuses more (protocol.ts), as a protocol fault.
_MAX_ITEM_BYTES = 10 * 2**20
_MAX_ITEMS = 32
_MAX_RUN_CHARS = 64 * 2**20
_MAX_RUN_DISPLAYS = 1000

# A MIME type without parameters, as the client accepts it (protocol.ts).
_MIME = re.compile(r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}")

# IPython's formatters, in its order, with the method each calls.
_REPR_METHODS = (
    ("text/html", "_repr_html_"),
    ("text/markdown", "_repr_markdown_"),
    ("image/svg+xml", "_repr_svg_"),
    ("image/png", "_repr_png_"),
    ("application/pdf", "_repr_pdf_"),
    ("image/jpeg", "_repr_jpeg_"),
    ("text/latex", "_repr_latex_"),
    ("application/json", "_repr_json_"),
    ("application/javascript", "_repr_javascript_"),
)

# An object that claims to have this attribute claims every attribute (a mock, a proxy): its
# "_repr_*_ methods" are not display methods. IPython guards the same way.
_CANARY = "_sandbox_canary_method_should_not_exist_"

# matplotlib draws with Agg, which needs no screen and no JavaScript. Set before any import of
# matplotlib, which reads it once; code that sets MPLBACKEND itself keeps its choice.
os.environ.setdefault("MPLBACKEND", "Agg")

_budget = {"chars": 0, "count": 0, "warned": False}

# %%capture's lists of what it keeps: while one is open, displays go there instead of to the cell.
captures = []


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
    return None if method is None else _report_failure(obj, name, lambda: method(**kwargs))


def _report_failure(obj, name, compute):
    try:
        value = compute()
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


class MimeFormatter:
    """How objects become one MIME type: a printer registered for their type, else their ``_repr_*_`` method."""

    def __init__(self, format_type, method):
        self.format_type = format_type
        self.print_method = method
        self.enabled = True
        self.type_printers = {}
        self.deferred_printers = {}

    def for_type(self, typ, func=None):
        """Registers ``func`` for ``typ`` (a class, or ``'module.Name'``); returns the printer it replaces."""
        if isinstance(typ, str):
            module, _, name = typ.rpartition(".")
            return self.for_type_by_name(module, name, func)
        old = self.type_printers.get(typ)
        if func is not None:
            self.type_printers[typ] = func
        return old

    def for_type_by_name(self, type_module, type_name, func=None):
        """Registers ``func`` for the class ``type_module.type_name`` without importing it."""
        old = self.deferred_printers.get((type_module, type_name))
        if func is not None:
            self.deferred_printers[(type_module, type_name)] = func
        return old

    def pop(self, typ, default=None):
        return self.type_printers.pop(typ, default)

    def lookup_by_type(self, typ):
        for klass in getattr(typ, "__mro__", (typ,)):
            if klass in self.type_printers:
                return self.type_printers[klass]
            key = (getattr(klass, "__module__", None), getattr(klass, "__name__", None))
            if key in self.deferred_printers:
                self.type_printers[klass] = printer = self.deferred_printers.pop(key)
                return printer
        raise KeyError(f"no {self.format_type} printer for {typ!r}")

    def __call__(self, obj):
        """The data of ``obj`` in this type, or None."""
        if not self.enabled:
            return None
        try:
            printer = self.lookup_by_type(type(obj))
        except KeyError:
            return _call(obj, self.print_method)
        return _report_failure(obj, self.print_method, lambda: printer(obj))


class PlainTextFormatter(MimeFormatter):
    """text/plain: the pretty printer, 79 columns wide; its printers take ``(obj, p, cycle)``."""

    def __init__(self):
        super().__init__("text/plain", "_repr_pretty_")
        self.pprint = True
        self.verbose = False
        self.max_width = 79
        self.max_seq_length = _sandbox_pretty.MAX_SEQ_LENGTH
        self.newline = "\n"
        self.singleton_printers = dict(_sandbox_pretty._singleton_printers)
        self.type_printers = dict(_sandbox_pretty._type_printers)
        self.deferred_printers = dict(_sandbox_pretty._deferred_printers)

    def __call__(self, obj):
        if not self.pprint:
            return repr(obj)
        out = StringIO()
        printer = _sandbox_pretty.RepresentationPrinter(
            out,
            self.verbose,
            self.max_width,
            self.newline,
            max_seq_length=self.max_seq_length,
            singleton_pprinters=self.singleton_printers,
            type_pprinters=self.type_printers,
            deferred_pprinters=self.deferred_printers,
        )
        printer.pretty(obj)
        printer.flush()
        return out.getvalue()


class DisplayFormatter:
    """What ``get_ipython().display_formatter`` is: a formatter per MIME type, and ``format(obj)``."""

    def __init__(self):
        self.formatters = {"text/plain": PlainTextFormatter()}
        self.formatters.update((mime, MimeFormatter(mime, method)) for mime, method in _REPR_METHODS)
        self.active_types = list(self.formatters)

    def format(self, obj, include=None, exclude=None):
        """(data, metadata): ``obj``'s bundle, as display() sends it; metadata is always empty here."""
        return _bundle(obj, include, exclude), {}


formatter = DisplayFormatter()


def plain_text(obj):
    """``obj`` as text, as IPython shows it (the pretty printer, or the printer registered for its type)."""
    return formatter.formatters["text/plain"](obj)


def _bundle(obj, include=None, exclude=None, plain=True):
    """{mime: value} for ``obj``; ``include``/``exclude`` filter the types, text/plain too (as IPython's do).

    Without ``plain``, text/plain is left to the caller, who has it already.
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
    for mime, mime_formatter in formatter.formatters.items():
        if mime != "text/plain" and mime not in data and wanted(mime):
            value = mime_formatter(obj)
            if value is not None:
                data[mime] = value
    if plain and "text/plain" not in data and wanted("text/plain"):
        data["text/plain"] = plain_text(obj)
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


def _send(kind, bundle, display_id=None):
    """Sends one bundle (``kind`` 'display', 'result' or 'update') unless the run's budget is spent."""
    if captures:
        captures[-1].append((kind, bundle, display_id))
        return
    items = _items(bundle)
    if not _spend(sum(_size(item) for item in items)):
        return
    # What was printed before comes first: it must reach the output stream before the bundle.
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    _sandbox_environment._bridge.display(kind, json.dumps(items), display_id, False)


def _spend(chars):
    """Counts a display message of ``chars`` against the run's budget; False (and a note, once) when it is spent."""
    if _budget["count"] >= _MAX_RUN_DISPLAYS or _budget["chars"] + chars > _MAX_RUN_CHARS:
        if not _budget["warned"]:
            _budget["warned"] = True
            print(
                f"display: this run displayed {_MAX_RUN_DISPLAYS} objects or {_megabytes(_MAX_RUN_CHARS)};"
                " the rest is not shown",
                file=sys.stderr,
            )
        return False
    _budget["count"] += 1
    _budget["chars"] += chars
    return True


def _takes_over(obj):
    """Calls ``obj._ipython_display_()`` when it has one (it displays itself); True if it did."""
    method = _display_method(obj, "_ipython_display_")
    if method is None:
        return False
    method()
    return True


_MAX_DISPLAY_ID = 200


def _display_id(display_id):
    """The id as the protocol carries it: a string (True makes a new one)."""
    if display_id is True:
        return uuid.uuid4().hex
    display_id = str(display_id)
    if not display_id or len(display_id) > _MAX_DISPLAY_ID:
        raise ValueError(f"a display_id is 1 to {_MAX_DISPLAY_ID} characters")
    return display_id


def display(*objs, include=None, exclude=None, metadata=None, transient=None, display_id=None, raw=False, clear=False, update=False):
    """Shows each object as rich output (images, HTML, Markdown, ...) where the run is shown.

    ``include``/``exclude`` choose MIME types; with ``raw=True`` each object is a ready bundle,
    a dict of MIME type to data. ``display_id`` names the output so that ``update_display`` (or
    the DisplayHandle returned) can replace it later; ``clear=True`` clears the cell's output
    first. Display ``metadata`` (an image's size) is not kept by the sandbox.
    """
    display_id = (transient or {}).get("display_id", display_id)
    if display_id:
        display_id = _display_id(display_id)
    if update and not display_id:
        raise TypeError("display_id required for update_display")
    if not objs and display_id:
        objs, raw = ({},), True  # an empty output to update later
    if clear:
        clear_output(wait=True)
    kind = "update" if update else "display"
    for obj in objs:
        if raw and not isinstance(obj, dict):
            raise TypeError(f"display(raw=True) takes dicts of MIME type to data, not {type(obj).__name__}")
        if not raw and _takes_over(obj):
            continue
        bundle = obj if raw else _bundle(obj, include, exclude)
        if raw or bundle:  # IPython shows nothing of an object that include/exclude left no type of
            _send(kind, bundle, display_id)
    return DisplayHandle(display_id) if display_id and not update else None


def _display_one_type(mime):
    def show(*objs, raw=False, metadata=None):
        display(*([{mime: obj} for obj in objs] if raw else objs), raw=raw, metadata=metadata, include=[mime])

    show.__doc__ = f"""Displays each object as {mime} only (nothing of one that has no {mime});
        with ``raw=True`` each object is the {mime} data itself."""
    return show


# IPython.display's display_html, display_png, ...: one type each.
display_functions = {
    f"display_{name}": _display_one_type(mime)
    for name, mime in (
        ("pretty", "text/plain"),
        ("html", "text/html"),
        ("markdown", "text/markdown"),
        ("json", "application/json"),
        ("javascript", "application/javascript"),
        ("latex", "text/latex"),
        ("svg", "image/svg+xml"),
        ("png", "image/png"),
        ("jpeg", "image/jpeg"),
        ("pdf", "application/pdf"),
    )
}
for _name, _function in display_functions.items():
    _function.__name__ = _function.__qualname__ = _name


def update_display(obj, *, display_id, **kwargs):
    """Replaces the outputs shown with ``display_id`` by ``obj``, wherever they are."""
    kwargs["update"] = True
    display(obj, display_id=display_id, **kwargs)


def clear_output(wait=False):
    """Clears the cell's output; with ``wait``, only once new output arrives (no flicker)."""
    if not _spend(0):
        return
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    _sandbox_environment._bridge.display("clear", "[]", None, bool(wait))


class DisplayHandle:
    """A display that can be shown again (``display``) or replaced (``update``) by its id."""

    def __init__(self, display_id=None):
        self.display_id = _display_id(True if display_id is None else display_id)

    def __repr__(self):
        return f"<{type(self).__name__} display_id={self.display_id}>"

    def display(self, obj, **kwargs):
        display(obj, display_id=self.display_id, **kwargs)

    def update(self, obj, **kwargs):
        update_display(obj, display_id=self.display_id, **kwargs)


def result_bundle(value, text, only_rich):
    """The bundle of a value a cell shows (``text`` is its text/plain): None when there is nothing to
    send (it displayed itself; with ``only_rich``, it has text only)."""
    if _takes_over(value):
        return None
    bundle = _bundle(value, plain=False)
    if only_rich and all(mime == "text/plain" for mime in bundle):
        return None
    bundle.setdefault("text/plain", text)
    return bundle


def send_result(bundle):
    _send("result", bundle)


def _show_figures(*args, **kwargs):
    """plt.show() in the sandbox: every open figure becomes an image/png display, then is closed."""
    pyplot = sys.modules["matplotlib.pyplot"]
    for number in pyplot.get_fignums():
        figure = pyplot.figure(number)
        display(figure)
        pyplot.close(figure)


def flush_figures():
    """After a cell, as IPython's inline backend: figures left open are displayed, then closed."""
    if "matplotlib.pyplot" in sys.modules and sys.modules["matplotlib.pyplot"].get_fignums():
        _show_figures()


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
