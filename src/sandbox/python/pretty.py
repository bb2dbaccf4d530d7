"""IPython's pretty printer, written for the sandbox: how Jupyter shows a value as text.

Loaded as the module ``_sandbox_pretty`` before the memory snapshot is taken; the sandbox's
``IPython.lib.pretty`` is this module. It follows the rules of IPython's ``IPython.lib.pretty``
(a line-breaking printer after Ruby's ``prettyprint``, from Oppen's algorithm): lines of at most
79 columns where a value allows breaks, sets sorted, dicts in insertion order, a Counter by
count (as IPython since 8.13, and ``repr``), ``[...]`` for cycles, at most 1000 items of a
sequence, ``_repr_pretty_(p, cycle)`` on an object's class, and printers per type. Where the
layout has a peculiarity that changes what is shown (which queued group gives up its place when
one is broken), it is kept: the point is to print what Jupyter prints.
"""

import datetime
import os
import re
import sys
import types
from collections import deque
from contextlib import contextmanager
from inspect import signature
from io import StringIO

__all__ = [
    "pretty",
    "pprint",
    "PrettyPrinter",
    "RepresentationPrinter",
    "for_type",
    "for_type_by_name",
    "RawText",
    "RawStringLiteral",
    "CallExpression",
]

MAX_SEQ_LENGTH = 1000


def pretty(obj, verbose=False, max_width=79, newline="\n", max_seq_length=MAX_SEQ_LENGTH):
    """``obj`` as IPython shows it: its pretty representation, as a string."""
    out = StringIO()
    printer = RepresentationPrinter(out, verbose, max_width, newline, max_seq_length=max_seq_length)
    printer.pretty(obj)
    printer.flush()
    return out.getvalue()


def pprint(obj, verbose=False, max_width=79, newline="\n", max_seq_length=MAX_SEQ_LENGTH):
    """Prints ``pretty(obj)`` and a newline to stdout."""
    sys.stdout.write(pretty(obj, verbose, max_width, newline, max_seq_length) + newline)
    sys.stdout.flush()


def _attribute(obj, name, default=None):
    """getattr that takes any exception for "no such attribute" (proxies raise all sorts)."""
    try:
        return getattr(obj, name, default)
    except Exception:  # noqa: BLE001
        return default


# ----------------------------------------------------------------------------------------------
# The layout: text and possible line breaks, kept in a buffer until it is known whether the
# groups they belong to fit on the line.


class _Group:
    """A run of output whose breakables break together: all of them, or none."""

    __slots__ = ("depth", "waiting", "broken")

    def __init__(self, depth):
        self.depth = depth
        self.waiting = 0  # its breakables still in the buffer
        self.broken = False


class _Break:
    """A place where the line may break: ``sep`` if its group fits, else a newline and indentation."""

    __slots__ = ("sep", "width", "indent", "group")

    def __init__(self, sep, indent, group):
        self.sep = sep
        self.width = len(sep)
        self.indent = indent
        self.group = group


class _Text:
    """Consecutive text in the buffer."""

    __slots__ = ("parts", "width")

    def __init__(self):
        self.parts = []
        self.width = 0


class _BreakQueue:
    """Groups that still have breakables in the buffer, by depth: the shallowest break first.

    Within a depth the group queued last is broken first. The place it leaves in the queue is
    counted from the other end, so another group of that depth may be dropped instead (and then
    never broken) while the broken one stays; IPython's layout does this, and so its output.
    """

    def __init__(self):
        self.by_depth = []

    def add(self, group):
        while len(self.by_depth) <= group.depth:
            self.by_depth.append([])
        self.by_depth[group.depth].append(group)

    def discard(self, group):
        groups = self.by_depth[group.depth] if group.depth < len(self.by_depth) else ()
        if group in groups:
            groups.remove(group)

    def take(self):
        """The group to break next (marked broken), or None when nothing is left to break."""
        for groups in self.by_depth:
            for distance, group in enumerate(reversed(groups)):
                if group.waiting:
                    del groups[distance]
                    group.broken = True
                    return group
            # No group of this depth can break here any more: all of them break from now on.
            for group in groups:
                group.broken = True
            groups.clear()
        return None


class _PrinterMethods:
    @contextmanager
    def indent(self, indent):
        """Indents what is printed inside the ``with`` block by ``indent`` more columns."""
        self.indentation += indent
        try:
            yield
        finally:
            self.indentation -= indent

    @contextmanager
    def group(self, indent=0, open="", close=""):
        """``begin_group`` and ``end_group`` around a ``with`` block."""
        self.begin_group(indent, open)
        try:
            yield
        finally:
            self.end_group(indent, close)


class PrettyPrinter(_PrinterMethods):
    """Lays out text and breakables in lines of at most ``max_width`` columns where it can."""

    def __init__(self, output, max_width=79, newline="\n", max_seq_length=MAX_SEQ_LENGTH):
        self.output = output
        self.max_width = max_width
        self.newline = newline
        self.max_seq_length = max_seq_length
        self.output_width = 0  # the column that what was written reached
        self.buffer_width = 0  # the width of what waits in the buffer
        self.indentation = 0
        self._waiting = deque()
        outermost = _Group(0)
        self._open = [outermost]
        self._queue = _BreakQueue()
        self._queue.add(outermost)

    # What leaves the buffer.

    def _emit(self, item, column):
        """Writes one buffered item; returns the column after it."""
        if isinstance(item, _Text):
            for part in item.parts:
                self.output.write(part)
            return column + item.width
        group = item.group
        group.waiting -= 1
        if group.broken:
            self.output.write(self.newline + " " * item.indent)
            return item.indent
        if not group.waiting:
            self._queue.discard(group)
        self.output.write(item.sep)
        return column + item.width

    def _emit_first(self):
        item = self._waiting.popleft()
        self.output_width = self._emit(item, self.output_width)
        self.buffer_width -= item.width

    def _break(self, group):
        """Writes the buffer up to the last breakable of ``group`` (now broken), and text after it."""
        while group.waiting:
            self._emit_first()
        while self._waiting and isinstance(self._waiting[0], _Text):
            self._emit_first()

    def _fit(self):
        """Breaks groups, outermost first, until the line can hold what is buffered."""
        while self.output_width + self.buffer_width > self.max_width:
            group = self._queue.take()
            if group is None:
                return
            self._break(group)

    def _newline(self):
        self.flush()
        self.output.write(self.newline + " " * self.indentation)
        self.output_width = self.indentation

    # The interface printers use.

    def text(self, obj):
        """Adds text that never breaks."""
        width = len(obj)
        if not self._waiting:
            self.output.write(obj)
            self.output_width += width
            return
        last = self._waiting[-1]
        if not isinstance(last, _Text):
            last = _Text()
            self._waiting.append(last)
        last.parts.append(obj)
        last.width += width
        self.buffer_width += width
        self._fit()

    def breakable(self, sep=" "):
        """Adds ``sep``, or a line break if the current group does not fit on the line."""
        group = self._open[-1]
        if group.broken:
            self._newline()
            return
        item = _Break(sep, self.indentation, group)
        group.waiting += 1
        self._waiting.append(item)
        self.buffer_width += item.width
        self._fit()

    def break_(self):
        """Adds a line break here, whatever fits."""
        group = self._queue.take()
        if group is not None:
            self._break(group)
        self._newline()

    def begin_group(self, indent=0, open=""):
        """Opens a group after the text ``open``; lines it breaks are indented ``indent`` more."""
        if open:
            self.text(open)
        group = _Group(self._open[-1].depth + 1)
        self._open.append(group)
        self._queue.add(group)
        self.indentation += indent

    def end_group(self, dedent=0, close=""):
        """Closes the innermost group, then adds the text ``close``."""
        self.indentation -= dedent
        group = self._open.pop()
        if not group.waiting:
            self._queue.discard(group)
        if close:
            self.text(close)

    def flush(self):
        """Writes whatever is buffered."""
        while self._waiting:
            self._emit_first()
        self.buffer_width = 0

    def _enumerate(self, items):
        """enumerate() up to ``max_seq_length`` items, then ``, ...``."""
        for index, item in enumerate(items):
            if self.max_seq_length and index >= self.max_seq_length:
                self.text(",")
                self.breakable()
                self.text("...")
                return
            yield index, item


# ----------------------------------------------------------------------------------------------
# Printers: how each kind of object is laid out.


class RepresentationPrinter(PrettyPrinter):
    """A PrettyPrinter that finds each object's printer: by identity (None, True, ...), by type
    along the class's MRO (registered, or registered by module and name), ``_repr_pretty_``,
    a class's own ``__repr__``, else ``<module.Class at 0x...>``. ``verbose`` is for printers."""

    def __init__(
        self,
        output,
        verbose=False,
        max_width=79,
        newline="\n",
        singleton_pprinters=None,
        type_pprinters=None,
        deferred_pprinters=None,
        max_seq_length=MAX_SEQ_LENGTH,
    ):
        super().__init__(output, max_width, newline, max_seq_length=max_seq_length)
        self.verbose = verbose
        self.stack = []
        self.singleton_pprinters = dict(_singleton_printers) if singleton_pprinters is None else singleton_pprinters
        self.type_pprinters = dict(_type_printers) if type_pprinters is None else type_pprinters
        self.deferred_pprinters = dict(_deferred_printers) if deferred_pprinters is None else deferred_pprinters

    def pretty(self, obj):
        """Adds ``obj``, laid out by its printer."""
        key = id(obj)
        cycle = key in self.stack
        self.stack.append(key)
        self.begin_group()
        try:
            self._printer_for(obj, key)(obj, self, cycle)
        finally:
            self.end_group()
            self.stack.pop()

    def _printer_for(self, obj, key):
        try:
            return self.singleton_pprinters[key]
        except (KeyError, TypeError):
            pass
        cls = _attribute(obj, "__class__") or type(obj)
        for klass in _attribute(cls, "__mro__") or (cls,):
            printer = self.type_pprinters.get(klass) if _hashable(klass) else None
            if printer is None:
                printer = self._by_name(klass)
            if printer is not None:
                return printer
            own = _attribute(klass, "__dict__") or {}
            if "_repr_pretty_" in own and callable(klass._repr_pretty_):
                return klass._repr_pretty_
            if klass is not object and callable(own.get("__repr__")):
                return _repr_lines
        return _default_printer

    def _by_name(self, klass):
        """A printer registered for ``klass`` by module and name; it is registered by type from then on."""
        name = (_attribute(klass, "__module__"), _attribute(klass, "__name__"))
        try:
            printer = self.deferred_pprinters.pop(name)
        except (KeyError, TypeError):
            return None
        if _hashable(klass):
            self.type_pprinters[klass] = printer
        return printer


def _hashable(obj):
    try:
        hash(obj)
    except Exception:  # noqa: BLE001
        return False
    return True


class RawText:
    """Shown as its text, as it is: ``p.pretty(RawText(s))`` is ``p.text(s)``."""

    def __init__(self, value):
        self.value = value

    def _repr_pretty_(self, p, cycle):
        p.text(self.value)


class CallExpression:
    """Shown as a call, ``name(arg, ..., key=value)``, broken after commas when it is long."""

    def __init__(__self, __name, *args, **kwargs):  # noqa: N805 - positional-only by name mangling
        __self.name = __name
        __self.args = args
        __self.kwargs = kwargs

    @classmethod
    def factory(cls, name):
        """A function making CallExpressions of ``name``."""

        def make(*args, **kwargs):
            return cls(name, *args, **kwargs)

        return make

    def _repr_pretty_(self, p, cycle):
        opening = self.name + "("
        with p.group(len(opening), opening, ")"):
            arguments = [(None, value) for value in self.args] + list(self.kwargs.items())
            for index, (keyword, value) in enumerate(arguments):
                if index:
                    p.text(",")
                    p.breakable()
                if keyword is None:
                    p.pretty(value)
                    continue
                with p.group(len(keyword) + 1, keyword + "="):
                    p.pretty(value)


class RawStringLiteral:
    """A string shown as a raw literal, ``r'...'``."""

    def __init__(self, value):
        self.value = value

    def _repr_pretty_(self, p, cycle):
        text = repr(self.value)
        prefix = "r"
        if text[:1] in ("u", "U"):
            text, prefix = text[1:], "ur"
        p.text(prefix + text.replace("\\\\", "\\"))


def _repr_lines(obj, p, cycle):
    """repr(), its lines joined by forced breaks (so they keep the indentation)."""
    with p.group():
        for index, line in enumerate(repr(obj).splitlines()):
            if index:
                p.break_()
            p.text(line)


def _default_printer(obj, p, cycle):
    """``<module.Class at 0x...>`` for an object without a repr of its own (with attributes when verbose)."""
    cls = _attribute(obj, "__class__") or type(obj)
    if _attribute(cls, "__repr__") is not object.__repr__:
        _repr_lines(obj, p, cycle)
        return
    p.begin_group(1, "<")
    p.pretty(cls)
    p.text(f" at 0x{id(obj):x}")
    if cycle:
        p.text(" ...")
    elif p.verbose:
        shown = 0
        for name in dir(obj):
            if name.startswith("_"):
                continue
            try:
                value = getattr(obj, name)
            except AttributeError:
                continue
            if isinstance(value, types.MethodType):
                continue
            if shown:
                p.text(",")
            p.breakable()
            p.text(name + "=")
            with p.indent(len(name) + 1):
                p.pretty(value)
            shown += 1
    p.end_group(1, ">")


def _comma_separated(p, items):
    """The items, each by its printer, with a comma and a breakable between them (up to the item limit)."""
    for index, item in p._enumerate(items):
        if index:
            p.text(",")
            p.breakable()
        p.pretty(item)


def _sequence_printer(opening, closing):
    def print_sequence(obj, p, cycle):
        if cycle:
            p.text(opening + "..." + closing)
            return
        p.begin_group(len(opening), opening)
        _comma_separated(p, obj)
        if isinstance(obj, tuple) and len(obj) == 1:
            p.text(",")
        p.end_group(len(opening), closing)

    return print_sequence


def _in_order(items):
    """The items sorted; by their str() if they do not compare; as they come if that fails too."""
    items = list(items)
    for key in (None, str):
        try:
            return sorted(items, key=key)
        except Exception:  # noqa: BLE001
            pass
    return items


def _set_printer(opening, closing):
    def print_set(obj, p, cycle):
        if cycle:
            p.text(opening + "..." + closing)
            return
        if not obj:
            p.text(type(obj).__name__ + "()")
            return
        # Sorting a huge set costs more than it shows: past the item limit, it is left as it is.
        items = obj if p.max_seq_length and len(obj) >= p.max_seq_length else _in_order(obj)
        p.begin_group(len(opening), opening)
        _comma_separated(p, items)
        p.end_group(len(opening), closing)

    return print_set


def _mapping_printer(opening, closing):
    def print_mapping(obj, p, cycle):
        if cycle:
            p.text("{...}")
            return
        p.begin_group(len(opening), opening)
        for index, key in p._enumerate(obj.keys()):
            if index:
                p.text(",")
                p.breakable()
            p.pretty(key)
            p.text(": ")
            p.pretty(obj[key])
        p.end_group(len(opening), closing)

    return print_mapping


def _super_printer(obj, p, cycle):
    p.begin_group(8, "<super: ")
    p.pretty(obj.__thisclass__)
    p.text(",")
    p.breakable()
    p.pretty(obj.__self__)
    p.end_group(8, ">")


_RE_FLAGS = [name for name in ("TEMPLATE", "IGNORECASE", "LOCALE", "MULTILINE", "DOTALL", "UNICODE", "VERBOSE", "DEBUG") if hasattr(re, name)]


class _ReFlags:
    def __init__(self, value):
        self.value = value

    def _repr_pretty_(self, p, cycle):
        p.text("|".join("re." + name for name in _RE_FLAGS if self.value & getattr(re, name)))


def _pattern_printer(obj, p, cycle):
    arguments = [RawStringLiteral(obj.pattern)] + ([_ReFlags(obj.flags)] if obj.flags else [])
    p.pretty(CallExpression("re.compile", *arguments))


def _namespace_printer(obj, p, cycle):
    if cycle:
        p.pretty(CallExpression("namespace", RawText("...")))
    else:
        p.pretty(CallExpression("namespace", **obj.__dict__))


def _qualified(module, name):
    return name if module in (None, "__builtin__", "builtins", "exceptions") else f"{module}.{name}"


def _type_printer(obj, p, cycle):
    """A class by its qualified name, unless its metaclass has a repr of its own."""
    first_repr = next((klass for klass in type(obj).__mro__ if "__repr__" in vars(klass)), None)
    if first_repr is not type:
        _repr_lines(obj, p, cycle)
        return
    try:
        name = obj.__qualname__
        if not isinstance(name, str):
            raise TypeError("__qualname__ is not a str")
    except Exception:  # noqa: BLE001
        name = obj.__name__
        if not isinstance(name, str):
            name = "<unknown type>"
    p.text(_qualified(_attribute(obj, "__module__"), name))


def _function_printer(obj, p, cycle):
    """``<function module.name(signature)>``."""
    name = _attribute(obj, "__qualname__", obj.__name__)
    if obj.__module__:
        name = _qualified(obj.__module__, name)
    try:
        name += str(signature(obj))
    except ValueError:
        pass
    p.text(f"<function {name}>")


def _exception_printer(obj, p, cycle):
    cls = obj.__class__
    name = getattr(cls, "__qualname__", cls.__name__)
    if cls.__module__ not in ("exceptions", "builtins"):
        name = f"{cls.__module__}.{name}"
    p.pretty(CallExpression(name, *getattr(obj, "args", ())))


def _constructor_printer(arguments):
    """A printer showing ``Class(*arguments(obj))``; ``Class(...)`` in a cycle."""

    def print_constructor(obj, p, cycle):
        name = obj.__class__.__name__
        p.pretty(CallExpression(name, RawText("...")) if cycle else CallExpression(name, *arguments(obj)))

    return print_constructor


def _deque_printer(obj, p, cycle):
    name = obj.__class__.__name__
    if cycle:
        p.pretty(CallExpression(name, RawText("...")))
    elif obj.maxlen is not None:
        p.pretty(CallExpression(name, list(obj), maxlen=obj.maxlen))
    else:
        p.pretty(CallExpression(name, list(obj)))


_type_printers = {
    int: _repr_lines,
    float: _repr_lines,
    str: _repr_lines,
    bytes: _repr_lines,
    range: _repr_lines,
    slice: _repr_lines,
    tuple: _sequence_printer("(", ")"),
    list: _sequence_printer("[", "]"),
    dict: _mapping_printer("{", "}"),
    types.MappingProxyType: _mapping_printer("mappingproxy({", "})"),
    set: _set_printer("{", "}"),
    frozenset: _set_printer("frozenset({", "})"),
    super: _super_printer,
    re.Pattern: _pattern_printer,
    type: _type_printer,
    types.FunctionType: _function_printer,
    types.BuiltinFunctionType: _function_printer,
    types.MethodType: _repr_lines,
    types.SimpleNamespace: _namespace_printer,
    datetime.datetime: _repr_lines,
    datetime.timedelta: _repr_lines,
    BaseException: _exception_printer,
}
if type(os.environ) is not dict:
    _type_printers[type(os.environ)] = _mapping_printer("environ{", "}")

_deferred_printers = {
    ("collections", "defaultdict"): _constructor_printer(lambda obj: (obj.default_factory, dict(obj))),
    ("collections", "OrderedDict"): _constructor_printer(lambda obj: (list(obj.items()),) if obj else ()),
    ("collections", "deque"): _deque_printer,
    ("collections", "Counter"): _constructor_printer(lambda obj: (dict(obj.most_common()),) if obj else ()),
    ("collections", "UserList"): _constructor_printer(lambda obj: (obj.data,)),
}

_singleton_printers = {id(value): _repr_lines for value in (None, True, False, Ellipsis, NotImplemented)}


def for_type(typ, func):
    """Registers ``func(obj, p, cycle)`` as the printer of ``typ``; returns the one it replaces."""
    old = _type_printers.get(typ)
    if func is not None:
        _type_printers[typ] = func
    return old


def for_type_by_name(type_module, type_name, func):
    """``for_type`` for a class named by its module and name, without importing it."""
    old = _deferred_printers.get((type_module, type_name))
    if func is not None:
        _deferred_printers[(type_module, type_name)] = func
    return old
