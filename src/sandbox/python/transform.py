"""IPython's input syntax turned into plain Python, line for line.

Loaded as the module ``_sandbox_transform`` before the memory snapshot is taken. ``transform``
reads a cell as IPython 8 reads it (IPython.core.inputtransformer2's rules, written afresh):
prompts pasted with the code (``>>>``, ``...``, ``In [1]:``) and a common indentation are
removed; ``%%name args`` on the first line makes the cell a cell magic; then, one at a time and
earliest first, in the tokens of each logical line:

- ``x = %name args`` and ``x = !cmd`` (an assignment from a magic or a shell command);
- a logical line that starts with ``%`` (a line magic), ``!``/``!!`` (a shell command),
  ``?``/``??`` (help), or the autocall escapes ``/f a b``, ``,f a b`` and ``;f a b``;
- a logical line that ends in ``name?`` or ``name??`` (help).

Each becomes a call on ``get_ipython()``, as IPython writes it. Unlike IPython, a line
continued with backslashes keeps its line count (the call takes the first line, blank lines the
rest), so tracebacks and diagnostics point at the lines that were written.
"""

import re
import tokenize

# Lines worth tokenizing: most code has none of this syntax and is returned as it is.
_MAYBE_SPECIAL = re.compile(r"^[ \t]*(?:[%!?,;/]|>>>|\.\.\.|In \[)|\?[ \t]*$|=[ \t]*[%!]", re.MULTILINE)
_NEWLINE = re.compile(r"\r\n|\r|\n")
_CLASSIC_PROMPT = re.compile(r"^(>>>|\.\.\.)( |$)")
_CLASSIC_FIRST_PROMPT = re.compile(r"^>>>( |$)")
_IPYTHON_PROMPT = re.compile(r"^(((\[nav\]|\[ins\])? )?In \[\d+\]: |\s*\.{3,}: ?)")
_CELL_MAGIC_HELP = re.compile(r"%%\w+\?")
_HELP_TARGET = re.compile(r"(%{0,2}(?!\d)[\w*]+(\.(?!\d)[\w*]+)*)(\?\??)$")

# The escapes a logical line may start with, and the two-character ones among them.
_ESCAPES = {"!", "?", "%", ",", ";", "/"}
_DOUBLE_ESCAPES = {"!!", "??"}

# A cell rewritten more often than this is refused (IPython's limit).
_MAX_REWRITES = 500


class Transformed:
    """A cell as Python: ``source``; for a cell magic, its ``body`` and the line it starts on (``body_line``, 1-based)."""

    __slots__ = ("source", "body", "body_line")

    def __init__(self, source, body=None, body_line=None):
        self.source = source
        self.body = body
        self.body_line = body_line


def transform(code):
    """``code`` with IPython's syntax made Python; its line count is unchanged."""
    if not _MAYBE_SPECIAL.search(code) and not code[:1].isspace():
        return Transformed(code)
    lines = _split_lines(code)
    lines = _strip_prompts(_dedent(lines))
    magic = _cell_magic(lines)
    if magic is not None:
        return magic
    for _ in range(_MAX_REWRITES):
        rewritten = _rewrite_once(lines)
        if rewritten is None:
            return Transformed("".join(lines))
        lines = rewritten
    raise RuntimeError(f"IPython syntax: the cell was still changing after {_MAX_REWRITES} rewrites")


def _split_lines(code):
    """Physical lines with their endings, as Python counts them (not str.splitlines, which also splits at \\f and more)."""
    lines, start = [], 0
    for match in _NEWLINE.finditer(code):
        lines.append(code[start : match.end()])
        start = match.end()
    if start < len(code):
        lines.append(code[start:])
    if lines and not _NEWLINE.search(lines[-1]):
        lines[-1] += "\n"
    return lines


def _first_code_line(lines):
    return next((index for index, line in enumerate(lines) if line.strip()), None)


def _dedent(lines):
    """Removes the first code line's indentation from every line that has it."""
    first = _first_code_line(lines)
    if first is None:
        return lines
    indent = lines[first][: len(lines[first]) - len(lines[first].lstrip(" \t"))]
    if not indent:
        return lines
    return [line[len(indent) :] if line.startswith(indent) else line for line in lines]


def _strip_prompts(lines):
    """Removes ``>>>``/``...`` or ``In [n]:``/``...:`` prompts, when the first or second line has one."""
    first = _first_code_line(lines)
    if first is None:
        return lines
    for prompt, first_prompt in ((_CLASSIC_PROMPT, _CLASSIC_FIRST_PROMPT), (_IPYTHON_PROMPT, _IPYTHON_PROMPT)):
        if first_prompt.match(lines[first]) or (len(lines) > first + 1 and prompt.match(lines[first + 1])):
            lines = [prompt.sub("", line, count=1) for line in lines]
    return lines


def _cell_magic(lines):
    """``%%name args`` on the first code line: the whole cell is one call, its body an argument."""
    first = _first_code_line(lines)
    if first is None or not lines[first].startswith("%%") or _CELL_MAGIC_HELP.match(lines[first]):
        return None
    name, _, args = lines[first][2:].rstrip().partition(" ")
    body = "".join(lines[first + 1 :])
    call = f"get_ipython().run_cell_magic({name!r}, {args!r}, {body!r})\n"
    return Transformed("\n" * first + call, body=body, body_line=first + 2)


# ----------------------------------------------------------------------------------------------
# Token rewrites: find the earliest special syntax, rewrite it, tokenize again (what follows
# special syntax may not tokenize as Python until it is rewritten).


def _logical_lines(lines):
    """Tokens grouped by logical line: a bracketed expression over several lines is one."""
    groups, depth = [[]], 0
    readline = iter(lines).__next__
    try:
        for token in tokenize.generate_tokens(readline):
            groups[-1].append(token)
            if token.type == tokenize.NEWLINE or (token.type == tokenize.NL and depth <= 0):
                groups.append([])
            elif token.string in ("(", "[", "{"):
                depth += 1
            elif token.string in (")", "]", "}"):
                depth = max(0, depth - 1)
    except (tokenize.TokenError, SyntaxError):
        pass  # the rest is not Python yet (or not at all): what came before is enough
    if not groups[-1]:
        groups.pop()
    return groups


def _first_token(line):
    return next((token for token in line if token.type not in (tokenize.INDENT, tokenize.DEDENT)), None)


def _assignment(line):
    """The index of the first ``=`` outside brackets, or None."""
    depth = 0
    for index, token in enumerate(line):
        if token.string == "=" and depth == 0:
            return index
        if token.string in ("(", "[", "{"):
            depth += 1
        elif token.string in (")", "]", "}") and depth > 0:
            depth -= 1
    return None


class _Rewrite:
    """One piece of special syntax found at ``start`` (1-based line, column): ``apply(lines, rewrite)`` rewrites it."""

    def __init__(self, start, priority, apply, last_line=None):
        self.line, self.column = start[0] - 1, start[1]
        self.key = (self.line, self.column, priority)
        self.apply = apply
        self.last_line = last_line


def _find_magic_assignment(groups):
    for line in groups:
        at = _assignment(line)
        if at is not None and len(line) > at + 2 and line[at + 1].string == "%" and line[at + 2].type == tokenize.NAME:
            return _Rewrite(line[at + 1].start, 10, _magic_assignment)
    return None


def _find_shell_assignment(groups):
    for line in groups:
        at = _assignment(line)
        if at is None or line[at].line.strip().startswith("="):
            continue
        # Python before 3.12 reads the space before "!" as an error token of its own.
        bang = next((token for token in line[at + 1 :] if not (token.type == tokenize.ERRORTOKEN and token.string.isspace())), None)
        if bang is not None and bang.string == "!":
            return _Rewrite(bang.start, 10, _shell_assignment)
    return None


def _find_escaped_line(groups):
    for line in groups:
        first = _first_token(line)
        if first is not None and first.string in _ESCAPES:
            return _Rewrite(first.start, 10, _escaped_line)
    return None


def _find_help_suffix(groups):
    for line in groups:
        if len(line) > 2 and line[-2].string == "?":
            # Help takes precedence over an escape at the same place: %magic? asks about the magic.
            return _Rewrite(_first_token(line).start, 5, _help_suffix, last_line=line[-2].start[0] - 1)
    return None


_FINDERS = (_find_magic_assignment, _find_shell_assignment, _find_escaped_line, _find_help_suffix)


def _rewrite_once(lines):
    """Rewrites the earliest special syntax; None when there is none."""
    groups = _logical_lines(lines)
    found = sorted((rewrite for find in _FINDERS if (rewrite := find(groups)) is not None), key=lambda rewrite: rewrite.key)
    for rewrite in found:
        try:
            return rewrite.apply(lines, rewrite)
        except SyntaxError:
            continue  # not this syntax after all (help without a name): try the next
    return None


def _continued(lines, start, column):
    """The text from (start, column) to the end of its backslash-continued line, as one line; and its last line's index."""
    end = start
    while lines[end].endswith("\\\n") and end + 1 < len(lines):
        end += 1
    parts = [lines[start][column:]] + lines[start + 1 : end + 1]
    text = " ".join([part.rstrip()[:-1] for part in parts[:-1]] + [parts[-1].rstrip()])
    return text, end


def _replace(lines, start, end, new_line):
    """Lines ``start`` to ``end`` replaced by ``new_line`` and blank lines, so that later lines keep their numbers."""
    return lines[:start] + [new_line + "\n"] + ["\n"] * (end - start) + lines[end + 1 :]


def _magic_assignment(lines, rewrite):
    text, end = _continued(lines, rewrite.line, rewrite.column)
    name, _, args = text[1:].partition(" ")
    before = lines[rewrite.line][: rewrite.column]
    return _replace(lines, rewrite.line, end, f"{before}get_ipython().run_line_magic({name!r}, {args!r})")


def _shell_assignment(lines, rewrite):
    text, end = _continued(lines, rewrite.line, rewrite.column)
    before = lines[rewrite.line][: rewrite.column]
    return _replace(lines, rewrite.line, end, f"{before}get_ipython().getoutput({text[1:]!r})")


def _help_call(target, escape):
    method = "pinfo2" if escape == "??" else "psearch" if "*" in target else "pinfo"
    return f"get_ipython().run_line_magic({method!r}, {target!r})"


def _escaped_call(escape, content):
    if escape == "!":
        return f"get_ipython().system({content!r})"
    if escape == "!!":
        return f"get_ipython().getoutput({content!r})"
    if escape in ("?", "??"):
        return _help_call(content, escape) if content else "get_ipython().show_usage()"
    name, _, args = content.partition(" ")
    if escape == "%":
        return f"get_ipython().run_line_magic({name!r}, {args!r})"
    if escape == ",":
        return "{}({})".format(name, ", ".join(f'"{arg}"' for arg in args.split())) if args.split() else f'{name}("")'
    if escape == ";":
        return f'{name}("{args}")'
    return "{}({})".format(name, ", ".join(args.split()))  # "/"


def _escaped_line(lines, rewrite):
    text, end = _continued(lines, rewrite.line, rewrite.column)
    escape = text[:2] if text[:2] in _DOUBLE_ESCAPES else text[:1]
    indent = lines[rewrite.line][: rewrite.column]
    return _replace(lines, rewrite.line, end, indent + _escaped_call(escape, text[len(escape) :]))


def _help_suffix(lines, rewrite):
    question_line = rewrite.last_line
    piece = "".join(lines[rewrite.line : question_line + 1])
    match = _HELP_TARGET.search(piece[rewrite.column :])
    if match is None:
        raise SyntaxError("not a help request")
    indent = piece[: rewrite.column]
    return _replace(lines, rewrite.line, question_line, indent + _help_call(match.group(1), match.group(3)))
