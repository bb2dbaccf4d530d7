"""Reads the runtime's namespace for the Variables view, hovers and tables, and changes nothing.

Loaded as the module ``_sandbox_variables`` after the runner, whose persistent namespace it
reads. The worker calls ``answer(query_json)`` between runs (never during one) and sends the JSON
it returns; the query's shape is protocol.ts's ``VariablesQuery``. Nothing here runs the user's
code as a run does: no history, no ``_``, no count. What reading a value calls of theirs
(``__repr__``, ``__len__``, ``__dir__``, properties, a key's ``__repr__``) runs under a time
budget, traced: past it, the value is reported as unavailable and the next one is read. Code that
ignores the budget (it disables tracing, or loops inside C) is the client's to stop: it
interrupts the query, and ends the runtime when that does not help.

Generators and other iterators are never iterated: reading them would change them.
"""

import collections
import itertools
import json
import sys
import time
import types

import _sandbox_environment  # environment.py: time.sleep asks this module's guard first
import _sandbox_runner  # runner.py: the namespace and its shell

# Taken now: the user's code can replace what modules hold, not what this one took.
_clock = time.perf_counter
_settrace = sys.settrace
_gettrace = sys.gettrace
_dumps = json.dumps
_loads = json.loads
# The names the shell puts in the namespace (In, Out, get_ipython, _oh, ...) with their values,
# as IPython's user_ns_hidden: %reset refills this same dict.
_shell_names = _sandbox_runner._shell.user_ns_hidden
_missing = object()

# Text this module makes from values is cut here; the client refuses more (protocol.ts).
_MAX_NAME = 200
_MAX_TEXT = 1000
_MAX_VALUE = 4096
_MAX_CELL = 100
_MAX_COLUMNS = 100
_MAX_ROWS = 1000
_MAX_TABLE_CHARS = 2 * 2**20
_MAX_PAGE = 500

# Beyond this many items a container subclass is shown by our own bounded repr, never its own:
# the repr of a large deque or defaultdict is one call into C that no budget can stop.
_SMALL = 50
# An int of more bits than this is described, not written out (its repr can take long in C).
_MAX_INT_BITS = 3000

_NoneType = type(None)
_SCALARS = (int, float, complex, bool, _NoneType)
_TEXTS = (str, bytes, bytearray)
_CONTAINERS = (list, tuple, dict, set, frozenset, collections.deque)
_OWN_REPRS = frozenset(t.__repr__ for t in _CONTAINERS)
_ROUTINES = (
    types.FunctionType,
    types.BuiltinFunctionType,
    types.MethodType,
    types.BuiltinMethodType,
    types.MethodWrapperType,
    types.WrapperDescriptorType,
    types.MethodDescriptorType,
    types.ClassMethodDescriptorType,
    staticmethod,
    classmethod,
)

# Read from a type without asking its metaclass, which could run code.
_qualname = type.__dict__["__qualname__"].__get__
_mro = type.__dict__["__mro__"].__get__
_type_dict = type.__dict__["__dict__"].__get__
_args = BaseException.__dict__["args"].__get__


class _OverBudget(BaseException):
    """Raised into the user's code when a value's time is up; not an Exception, so `except Exception` lets it through."""


class _Budget:
    """The query's deadline and the current value's, which a trace function keeps while the user's code runs.

    The trace function stays set for the whole query: setting and unsetting it costs more than a
    value takes to read (it re-instruments code). It ignores this module's frames and raises
    _OverBudget into the user's frames (and their sleeps) once the value's time is up.
    """

    def __init__(self, budget):
        self.value_ms = budget["valueMs"]
        self.total_ms = budget["totalMs"]
        self.deadline = _clock() + budget["totalMs"] / 1000
        self.value_deadline = self.deadline

        def check(frame, event, arg):
            if frame.f_code.co_filename == _HERE:
                return None
            if _clock() > self.value_deadline:
                raise _OverBudget
            return check

        self._check = check

    def __enter__(self):
        self._previous = _gettrace()
        _settrace(self._check)
        _sandbox_environment._sleep_guard = self._guard_sleep
        return self

    def __exit__(self, *exception):
        _settrace(self._previous)
        _sandbox_environment._sleep_guard = None

    def _guard_sleep(self, seconds):
        if _clock() + seconds > self.value_deadline:
            raise _OverBudget

    def spent(self):
        return _clock() > self.deadline

    def begin(self):
        """Starts a value's time, which every run() until the next begin() shares."""
        self.value_deadline = min(_clock() + self.value_ms / 1000, self.deadline)
        # A trace function that raised is unset, and the user's code may have set another.
        if _gettrace() is not self._check:
            _settrace(self._check)

    def run(self, read, *args):
        """``read(*args)`` within the current value's time: its result, or raises _OverBudget."""
        if _clock() > self.value_deadline:
            raise _OverBudget
        return read(*args)


def _cut(text, room):
    return text if len(text) <= room else text[: max(room - 1, 0)] + "…"


def _error_text(error):
    """An exception as `Type: message`, read without calling its code (its __str__ is the user's)."""
    name = _qualname(type(error))
    args = _args(error)
    message = args[0] if len(args) == 1 and type(args[0]) is str else ""
    return _cut(f"{name}: {message}" if message else name, 300)


def _type_name(t):
    return _cut(_qualname(t), _MAX_NAME)


def _kind(t):
    if issubclass(t, types.ModuleType):
        return "module"
    if issubclass(t, type):
        return "class"
    if issubclass(t, _ROUTINES) or issubclass(t, getattr(sys.modules.get("functools"), "partial", ())):
        return "function"
    return "data"


def _module_type(name, attribute):
    """A class of a package that is loaded (numpy, pandas), else None: nothing is imported here."""
    module = sys.modules.get(name)
    found = getattr(module, attribute, None) if module is not None else None
    return found if isinstance(found, type) else None


def _is(t, module, attribute):
    cls = _module_type(module, attribute)
    return cls is not None and issubclass(t, cls)


# ---------------------------------------------------------------------------------------------
# Short values


def _short(value, room, depth=0):
    """A repr of at most ``room`` characters; builtin containers are walked, never repr'd whole."""
    t = type(value)
    if t is int and value.bit_length() > _MAX_INT_BITS:
        return f"<an int of {value.bit_length()} bits>"
    if t in _SCALARS:
        return _cut(repr(value), room)
    if issubclass(t, _TEXTS):
        base = next(base for base in _TEXTS if issubclass(t, base))
        return _cut(repr(base(base.__getitem__(value, slice(0, room + 1)))), room)
    if issubclass(t, _CONTAINERS):
        own = t in _CONTAINERS or t.__repr__ in _OWN_REPRS
        if own or len(value) > _SMALL:
            walked = _walk(value, room, depth)
            return walked if own and t is not collections.deque else _cut(f"{_qualname(t)}({walked})", room)
    return _cut(repr(value), room)


def _walk(value, room, depth):
    """[a, b, …], (a,), {k: v, …} or {a, …}, up to ``room`` characters."""
    if isinstance(value, dict):
        opening, closing, pairs = "{", "}", True
        items = dict.items(value)
    elif isinstance(value, (set, frozenset)):
        if not value:
            return f"{_qualname(type(value))}()"
        opening, closing, pairs = "{", "}", False
        items = set.__iter__(value) if isinstance(value, set) else frozenset.__iter__(value)
    else:
        opening, closing, pairs = ("(", ")", False) if isinstance(value, tuple) else ("[", "]", False)
        items = _iterate(value)
    if depth >= 3:
        return f"{opening}…{closing}" if len(value) else f"{opening}{closing}"
    parts, used = [], 2
    for item in items:
        if used >= room:
            parts.append("…")
            break
        if pairs:
            key, item_value = item
            part = f"{_short(key, room - used, depth + 1)}: {_short(item_value, room - used, depth + 1)}"
        else:
            part = _short(item, room - used, depth + 1)
        parts.append(part)
        used += len(part) + 2
    single_tuple = opening == "(" and len(parts) == 1 and parts[0] != "…"
    return _cut(opening + ", ".join(parts) + ("," if single_tuple else "") + closing, room)


def _iterate(value):
    """A list's, a tuple's or a deque's items through its own type's C iterator (a subclass's __iter__ is not asked)."""
    for base in (list, tuple, collections.deque):
        if isinstance(value, base):
            return base.__iter__(value)
    return iter(())


# ---------------------------------------------------------------------------------------------
# Summaries


def _summary(value, t):
    """Its size in words, or None: lengths, shapes and dtypes, rows and columns."""
    if issubclass(t, str):
        return f"{len(value)} characters"
    if issubclass(t, (bytes, bytearray)):
        return f"{len(value)} bytes"
    if _is(t, "numpy", "ndarray"):
        return f"{value.dtype}, shape {tuple(value.shape)}"
    if _is(t, "pandas", "DataFrame"):
        rows, columns = value.shape
        dtypes = ", ".join(f"{_cut(str(name), 40)} {dtype}" for name, dtype in itertools.islice(value.dtypes.items(), 8))
        more = ", …" if columns > 8 else ""
        return _cut(f"{rows} rows × {columns} columns" + (f": {dtypes}{more}" if columns else ""), _MAX_TEXT)
    if _is(t, "pandas", "Series"):
        return f"{len(value)} values, {value.dtype}"
    if issubclass(t, (*_CONTAINERS, range)) or _has(t, "__len__"):
        try:
            count = len(value)
        except Exception:  # noqa: BLE001 - a __len__ that fails means no summary, not an unavailable value
            return None
        return f"{count} item" + ("" if count == 1 else "s")
    return None


def _has(t, name):
    """Whether the type (not the instance, not its metaclass) defines ``name``."""
    return any(name in _type_dict(klass) for klass in _mro(t))


# ---------------------------------------------------------------------------------------------
# Children: items by position, attributes by name


def _item_kind(value, t):
    """How the value's children are reached: 'item', 'attr', or None (no children)."""
    if t in _SCALARS or issubclass(t, _TEXTS) or issubclass(t, _ROUTINES) or issubclass(t, range):
        return None
    if issubclass(t, _CONTAINERS):
        return "item"
    if _is(t, "numpy", "ndarray"):
        return "item" if value.ndim > 0 else None
    if _is(t, "pandas", "DataFrame") or _is(t, "pandas", "Series"):
        return "item"
    return "attr"


def _attributes(value):
    """The names of the value's attributes that are data: dir() less dunders and methods."""
    t = type(value)
    own = _instance_dict(value)
    names = []
    for name in dir(value):
        if type(name) is not str or (name.startswith("__") and name.endswith("__")):
            continue
        if name not in own and _static_routine(t, name):
            continue
        names.append(name)
    return sorted(names)


def _instance_dict(value):
    try:
        found = object.__getattribute__(value, "__dict__")
    except Exception:  # noqa: BLE001 - no __dict__ (slots, builtins)
        return {}
    return found if type(found) is dict or isinstance(found, types.MappingProxyType) else {}


def _static_routine(t, name):
    """Whether ``name`` is a method of the type, found without running a descriptor."""
    for klass in _mro(t):
        found = _type_dict(klass).get(name, _missing)
        if found is not _missing:
            return isinstance(found, _ROUTINES)
    return False


_missing = object()


def _children(value, offset, limit, budget):
    """(by, total, [(name, read)]) for a page of the value's children; ``read()`` gets a child."""
    t = type(value)
    by = _item_kind(value, t)
    if by is None:
        return None, 0, []
    if by == "attr":
        names = budget.run(_attributes, value)
        return "attr", len(names), [(name, _getter(value, name)) for name in names[offset : offset + limit]]
    if _is(t, "pandas", "DataFrame"):
        labels = budget.run(list, value.columns[offset : offset + limit])
        return "item", value.shape[1], [(_Later(_label, label), _frame_column(value, offset + i)) for i, label in enumerate(labels)]
    if _is(t, "pandas", "Series"):
        labels = budget.run(list, value.index[offset : offset + limit])
        return "item", len(value), [(_Later(_label, label), _series_value(value, offset + i)) for i, label in enumerate(labels)]
    total = budget.run(len, value)
    if isinstance(value, dict):
        keys = list(itertools.islice(dict.keys(value), offset, offset + limit))
        return "item", total, [(_Later(_short, key, _MAX_NAME), _getter_dict(value, key)) for key in keys]
    return "item", total, [(str(offset + i), _item_getter(value, offset + i)) for i in range(max(0, min(limit, total - offset)))]


def _label(value):
    return _cut(value, _MAX_NAME) if type(value) is str else _short(value, _MAX_NAME)


class _Later:
    """A child's name that needs the user's code (a dict key's repr): read under the child's budget."""

    def __init__(self, read, *args):
        self.read, self.args = read, args


def _getter(value, name):
    return lambda: getattr(value, name)


def _getter_dict(value, key):
    return lambda: dict.__getitem__(value, key)


def _frame_column(frame, position):
    return lambda: frame.iloc[:, position]


def _series_value(series, position):
    return lambda: series.iloc[position]


def _item_getter(value, position):
    return lambda: _item(value, position)


def _item(value, position):
    """The child at ``position`` of a container, as its listing numbers them."""
    t = type(value)
    if _is(t, "pandas", "DataFrame"):
        return value.iloc[:, position]
    if _is(t, "pandas", "Series"):
        return value.iloc[position]
    if _is(t, "numpy", "ndarray"):
        return value[position]
    if isinstance(value, dict):
        return next(itertools.islice(dict.values(value), position, None))
    if isinstance(value, (set, frozenset)):
        iterator = set.__iter__(value) if isinstance(value, set) else frozenset.__iter__(value)
        return next(itertools.islice(iterator, position, None))
    for base in (list, tuple, collections.deque):
        if isinstance(value, base):
            return base.__getitem__(value, position)
    raise LookupError("it has no items")


# ---------------------------------------------------------------------------------------------
# Tables


def _tabular(value, t):
    """Whether the value can be shown as a table: a list of rows, a dict of columns, a data frame, a 2-D array."""
    if _is(t, "pandas", "DataFrame"):
        return True
    if _is(t, "numpy", "ndarray"):
        return value.ndim == 2
    if isinstance(value, list) and list.__len__(value) > 0:
        return isinstance(list.__getitem__(value, 0), (dict, list, tuple))
    if isinstance(value, dict) and dict.__len__(value) > 0:
        first = next(iter(dict.values(value)))
        return _column_like(first)
    return False


def _column_like(value):
    t = type(value)
    return issubclass(t, (list, tuple)) or _is(t, "numpy", "ndarray") or _is(t, "pandas", "Series")


def _cell(value):
    """A cell's text: strings as they are, everything else as a short repr."""
    if type(value) is str:
        return _cut(value, _MAX_CELL)
    return _short(value, _MAX_CELL)


def _table(value, max_rows):
    """{columns, rows, totalRows, totalColumns} of the value's first rows, or raises TypeError."""
    t = type(value)
    max_rows = min(max_rows, _MAX_ROWS)
    if _is(t, "pandas", "DataFrame"):
        head = value.iloc[:max_rows, :_MAX_COLUMNS - 1]
        columns = [str(value.index.name) if value.index.name is not None else ""] + [str(c) for c in head.columns]
        cells = [list(head.index)] + [head.iloc[:, j].tolist() for j in range(head.shape[1])]
        return _rows(columns, list(zip(*cells)), value.shape[0], value.shape[1])
    if _is(t, "numpy", "ndarray") and value.ndim == 2:
        rows = value[:max_rows, :_MAX_COLUMNS].tolist()
        return _rows([str(i) for i in range(min(value.shape[1], _MAX_COLUMNS))], rows, value.shape[0], value.shape[1])
    if isinstance(value, list):
        rows = list.__getitem__(value, slice(0, max_rows))
        if rows and all(isinstance(row, dict) for row in rows):
            columns = list(dict.fromkeys(key for row in rows for key in dict.keys(row)))
            shown = columns[:_MAX_COLUMNS]
            cells = [[dict.get(row, key, "") for key in shown] for row in rows]
            return _rows([_column_name(key) for key in shown], cells, list.__len__(value), len(columns))
        if rows and all(isinstance(row, (list, tuple)) for row in rows):
            width = max(_length(row) for row in rows)
            shown = min(width, _MAX_COLUMNS)
            heads = [list(itertools.islice(_iterate(row), shown)) for row in rows]
            cells = [head + [""] * (shown - len(head)) for head in heads]
            return _rows([str(i) for i in range(shown)], cells, list.__len__(value), width)
    if isinstance(value, dict) and all(_column_like(column) for column in dict.values(value)):
        keys = list(dict.keys(value))
        shown = keys[:_MAX_COLUMNS]
        columns = [_head(dict.__getitem__(value, key), max_rows) for key in shown]
        length = max((_length(dict.__getitem__(value, key)) for key in keys), default=0)
        height = max((len(column) for column in columns), default=0)
        cells = [[column[i] if i < len(column) else "" for column in columns] for i in range(height)]
        return _rows([_column_name(key) for key in shown], cells, length, len(keys))
    raise TypeError("it is not a list of rows, a dict of columns, a DataFrame or a 2-D array")


def _column_name(key):
    return _cut(key, _MAX_CELL) if type(key) is str else _short(key, _MAX_CELL)


def _head(column, count):
    t = type(column)
    if _is(t, "pandas", "Series"):
        return column.iloc[:count].tolist()
    if _is(t, "numpy", "ndarray"):
        return column[:count].tolist()
    return list(itertools.islice(_iterate(column), count))


def _length(column):
    t = type(column)
    if _is(t, "pandas", "Series") or _is(t, "numpy", "ndarray"):
        return len(column)
    return list.__len__(column) if isinstance(column, list) else tuple.__len__(column) if isinstance(column, tuple) else 0


def _rows(columns, rows, total_rows, total_columns):
    """The protocol's table; rows stop before the table's character cap."""
    shown, used = [], 0
    for row in rows:
        cells = [_cell(cell) for cell in row]
        used += sum(len(cell) for cell in cells)
        if used > _MAX_TABLE_CHARS:
            break
        shown.append(cells)
    return {"columns": columns, "rows": shown, "totalRows": total_rows, "totalColumns": total_columns}


# ---------------------------------------------------------------------------------------------
# Queries


def _hidden(name, value, hide):
    """Names of the sandbox's own (``_`` first, the shell's In, Out, get_ipython) and, with ``hide``, all but data.

    A name of the shell's that the user's code gave a value of its own is shown, as %who shows it.
    """
    if type(name) is not str or name.startswith("_") or value is dict.get(_shell_names, name, _missing):
        return True
    return hide and _kind(type(value)) != "data"


def _entry(name, read, budget, value_chars):
    """One variable: its type and kind always; its summary, value and children when its time allows."""
    entry = {"name": type(name) is str and _cut(name, _MAX_NAME) or "…", "type": "", "kind": "data", "expandable": False, "table": False}
    if budget.spent():
        entry["unavailable"] = f"not read: the {budget.total_ms} ms this view may take were spent"
        return entry
    budget.begin()
    try:
        if isinstance(name, _Later):
            entry["name"] = budget.run(name.read, *name.args) or "…"
        value = budget.run(read)
        t = type(value)
        entry.update(type=_type_name(t), kind=_kind(t))
        entry.update(budget.run(_described, value, t, value_chars))
    except _OverBudget:
        entry["unavailable"] = f"reading it took longer than {budget.value_ms} ms"
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # noqa: BLE001 - the user's code may raise anything, SystemExit included
        entry["unavailable"] = f"reading it raised {_error_text(error)}"
    return entry


def _entries(page, budget, value_chars):
    """The entries of a page, and why they stop early (an interrupt from the client) or None."""
    entries = []
    for name, read in page:
        try:
            entries.append(_entry(name, read, budget, value_chars))
        except KeyboardInterrupt:
            return entries, "reading the namespace was interrupted: it took too long"
    return entries, None


def _described(value, t, value_chars):
    described = {"value": _short(value, value_chars)}
    summary = _summary(value, t)
    if summary is not None:
        described["summary"] = _cut(summary, _MAX_TEXT)
    kind = _item_kind(value, t)
    described["expandable"] = kind == "attr" or (kind == "item" and _summary_length(value, t) != 0)
    described["table"] = bool(_tabular(value, t))
    return described


def _summary_length(value, t):
    try:
        return len(value)
    except Exception:  # noqa: BLE001
        return None


def _resolve(path, budget):
    """The value at ``path`` (a name, then positions and attribute names), within one value's time."""
    namespace = _sandbox_runner._namespace
    name = path[0]
    if type(name) is not str or name not in namespace:
        raise LookupError(f"{_cut(str(name), _MAX_NAME)} is not defined")
    value = dict.__getitem__(namespace, name)
    budget.begin()
    for step in path[1:]:
        value = budget.run(_item, value, step) if type(step) is int else budget.run(getattr, value, step)
    return value


def _page(entries, problem, total, **more):
    answer = {"entries": entries, "total": total, **more}
    if problem:
        answer["problem"] = problem
    return answer


def _names(query, budget):
    namespace = _sandbox_runner._namespace
    visible = sorted(
        ((name, value) for name, value in list(dict.items(namespace)) if not _hidden(name, value, query["hide"])),
        key=lambda pair: (pair[0].lower(), pair[0]),
    )
    offset, limit = query["offset"], min(query["limit"], _MAX_PAGE)
    page = [(name, (lambda value=value: value)) for name, value in visible[offset : offset + limit]]
    return _page(*_entries(page, budget, query["valueChars"]), total=len(visible))


def _lookup(query, budget):
    path = query["path"]
    try:
        value = _resolve(path, budget)
    except LookupError:
        return {"entries": [], "total": 0}
    name = path[-1] if type(path[-1]) is str else str(path[-1])
    return _page(*_entries([(name, lambda: value)], budget, query["valueChars"]), total=1)


def _children_of(query, budget):
    value = _resolve(query["path"], budget)
    by, total, page = _children(value, query["offset"], min(query["limit"], _MAX_PAGE), budget)
    return _page(*_entries(page, budget, query["valueChars"]), total=total, **({"by": by} if by else {}))


def _table_of(query, budget):
    value = _resolve(query["path"], budget)
    budget.begin()
    return {"entries": [], "total": 0, "table": budget.run(_table, value, query["maxRows"])}


_OPS = {"names": _names, "lookup": _lookup, "children": _children_of, "table": _table_of}


def answer(query_json):
    """The answer to a query (protocol.ts's VariablesQuery), as JSON; what could not be had says why."""
    query = _loads(query_json)
    try:
        with _Budget(query["budget"]) as budget:
            found = _OPS[query["op"]](query, budget)
    except _OverBudget:
        found = {"entries": [], "total": 0, "problem": f"reading it took longer than {query['budget']['valueMs']} ms"}
    except LookupError as error:
        found = {"entries": [], "total": 0, "problem": _error_text(error).partition(": ")[2] or "it is no longer there"}
    except KeyboardInterrupt:
        found = {"entries": [], "total": 0, "problem": "reading the namespace was interrupted: it took too long"}
    except BaseException as error:  # noqa: BLE001 - the user's code may raise anything
        found = {"entries": [], "total": 0, "problem": f"reading it raised {_error_text(error)}"}
    return _dumps(found)


# Frames of this module are not traced line by line (see _Budget.run).
_HERE = answer.__code__.co_filename
