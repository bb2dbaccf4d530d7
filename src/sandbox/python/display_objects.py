"""IPython's display objects (IPython.display.HTML, Markdown, Image, SVG, JSON, Math, Latex,
Javascript, Pretty, ProgressBar), written for the sandbox.

Loaded as the module ``_sandbox_display_objects`` before the memory snapshot is taken; the
sandbox's ``IPython.display`` and ``IPython.core.display`` hand them out. They behave as
IPython's do (the same MIME types and data, ``<IPython.core.display.HTML object>`` as text), with
two differences that come from the sandbox: data named by a URL is never downloaded (there is no
network: ``Image(url=...)`` shows an ``<img>`` tag, which the notebook loads itself, and anything
that must be embedded from a URL fails and says why), and files are read from the sandbox's own
file system, not yours. Display metadata (an image's width and height) is not kept.
"""

import html
import json
import os
import uuid
from pathlib import PurePath

import _sandbox_display  # display.py, installed before this module

# IPython's module for these classes: their text form names it, as Jupyter shows them.
_MODULE = "IPython.core.display"


def _no_network(what, url):
    return OSError(f"{what}: {url} is not downloaded: the sandbox has no network. Download it outside and pass the data instead")


def _is_url(text):
    return isinstance(text, str) and text.startswith("http")


def _is_file(text):
    try:
        return isinstance(text, str) and len(text) < 4096 and "\n" not in text and os.path.exists(text)
    except (OSError, ValueError):
        return False


class DisplayObject:
    """Data to be displayed: given directly (``data``), or read from a ``filename`` (URLs are not downloaded)."""

    _read_flags = "r"
    metadata = None

    def __init__(self, data=None, url=None, filename=None, metadata=None):
        if isinstance(data, PurePath):
            data = str(data)
        if isinstance(data, str) and url is None and filename is None:
            if _is_url(data):
                url, data = data, None
            elif _is_file(data):
                filename, data = data, None
        self.url = url
        self.filename = filename
        self.data = data
        self.metadata = dict(metadata) if metadata is not None else dict(self.metadata or {})
        self.reload()
        self._check_data()

    def __repr__(self):
        return f"<{type(self).__module__}.{type(self).__name__} object>"

    def _check_data(self):
        pass

    def reload(self):
        """Reads the data again from its file (a URL cannot be read: the sandbox has no network)."""
        if self.filename is not None:
            encoding = None if "b" in self._read_flags else "utf-8"
            with open(self.filename, self._read_flags, encoding=encoding) as file:
                self.data = file.read()
        elif self.url is not None:
            raise _no_network(type(self).__name__, self.url)


class TextDisplayObject(DisplayObject):
    """A display object whose data is text."""

    def _check_data(self):
        if self.data is not None and not isinstance(self.data, str):
            raise TypeError(f"{type(self).__name__} expects text, not {self.data!r}")


class Pretty(TextDisplayObject):
    """Text shown as it is, as the value's text form."""

    def _repr_pretty_(self, p, cycle):
        p.text(self.data)


class HTML(TextDisplayObject):
    """HTML, shown as text/html."""

    def _repr_html_(self):
        return self.data

    def __html__(self):
        return self._repr_html_()


class Markdown(TextDisplayObject):
    """Markdown, shown as text/markdown."""

    def _repr_markdown_(self):
        return self.data


class Math(TextDisplayObject):
    """A LaTeX formula, shown as text/latex in display style."""

    def _repr_latex_(self):
        return f"$\\displaystyle {self.data.strip('$')}$"


class Latex(TextDisplayObject):
    """LaTeX, shown as text/latex as it is."""

    def _repr_latex_(self):
        return self.data


class SVG(DisplayObject):
    """An SVG image, shown as image/svg+xml: the <svg> element of the document given."""

    _read_flags = "rb"
    _svg = None

    @property
    def data(self):
        return self._svg

    @data.setter
    def data(self, svg):
        if svg is None:
            self._svg = None
            return
        from xml.dom import minidom

        elements = minidom.parseString(svg).getElementsByTagName("svg")
        if elements:
            svg = elements[0].toxml()
        self._svg = svg.decode("utf-8") if isinstance(svg, bytes) else svg

    def _repr_svg_(self):
        return self.data


class JSON(DisplayObject):
    """A dict or list, shown as application/json (a JSON string is parsed first)."""

    _json = None

    def __init__(self, data=None, url=None, filename=None, expanded=False, metadata=None, root="root", **kwargs):
        self.expanded = expanded
        self.root = root
        super().__init__(data=data, url=url, filename=filename, metadata=metadata)

    @property
    def data(self):
        return self._json

    @data.setter
    def data(self, data):
        if isinstance(data, PurePath):
            data = str(data)
        self._json = json.loads(data) if isinstance(data, (str, bytes)) else data

    def _check_data(self):
        if self.data is not None and not isinstance(self.data, (dict, list)):
            raise TypeError(f"{type(self).__name__} expects JSONable dict or list, not {self.data!r}")

    def _repr_json_(self):
        return self.data


class Javascript(TextDisplayObject):
    """JavaScript, shown as application/javascript (run by the notebook, not by the sandbox)."""

    def __init__(self, data=None, url=None, filename=None, lib=None, css=None):
        if lib or css:
            raise _no_network("Javascript(lib=, css=)", ", ".join(list(lib or []) + list(css or [])))
        super().__init__(data=data, url=url, filename=filename)

    def _repr_javascript_(self):
        return self.data


_JPEG = b"\xff\xd8"
_FORMATS = {"png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif"}


class Image(DisplayObject):
    """A PNG, JPEG or GIF image, from bytes or a file (embedded), or a URL (an <img> tag the notebook loads)."""

    _read_flags = "rb"

    def __init__(self, data=None, url=None, filename=None, format=None, embed=None, width=None, height=None, retina=False, unconfined=False, metadata=None, alt=None):  # fmt: skip
        if isinstance(data, PurePath):
            data = str(data)
        named = filename or url or (data if isinstance(data, str) and (_is_url(data) or _is_file(data)) else None)
        if named is None and data is None:
            raise ValueError("No image data found. Expecting filename, url, or data.")
        extension = named.rsplit(".", 1)[-1].lower() if named and "." in named else None
        if format is None:
            format = extension if extension else ("jpeg" if isinstance(data, bytes) and data[:2] == _JPEG else "png")
        self.format = "jpeg" if format.lower() == "jpg" else format.lower()
        self.embed = embed if embed is not None else url is None
        if self.embed and self.format not in _FORMATS:
            raise ValueError(f"Cannot embed the '{self.format}' image format")
        self.width, self.height, self.retina, self.unconfined, self.alt = width, height, retina, unconfined, alt
        super().__init__(data=data, url=url, filename=filename, metadata=metadata)

    def reload(self):
        if self.embed:
            super().reload()

    def _repr_html_(self):
        if self.embed:
            return None
        attributes = "".join(
            [
                f' width="{int(self.width)}"' if self.width else "",
                f' height="{int(self.height)}"' if self.height else "",
                ' class="unconfined"' if self.unconfined else "",
                f' alt="{html.escape(self.alt)}"' if self.alt else "",
            ]
        )
        return f'<img src="{self.url}"{attributes}/>'

    def _repr_mimebundle_(self, include=None, exclude=None):
        if self.embed:
            return {_FORMATS[self.format]: self.data}
        return {"text/html": self._repr_html_()}

    def _repr_png_(self):
        return self.data if self.embed and self.format == "png" else None

    def _repr_jpeg_(self):
        return self.data if self.embed and self.format == "jpeg" else None


class ProgressBar:
    """A progress bar of ``total`` steps that updates where it is shown: ``display()`` shows it,
    setting ``progress`` (or ``update()``) redraws it, and iterating over it counts 0 to total - 1."""

    def __init__(self, total):
        self.total = total
        self._progress = 0
        self.html_width = "60ex"
        self.text_width = 60
        self._display_id = uuid.uuid4().hex[:16]

    @property
    def progress(self):
        return self._progress

    @progress.setter
    def progress(self, value):
        self._progress = value
        self.update()

    def __repr__(self):
        filled = int(self.progress / self.total * self.text_width)
        return f"[{'=' * filled}{' ' * (self.text_width - filled)}] {self.progress}/{self.total}"

    def _repr_html_(self):
        return f"<progress style='width:{self.html_width}' max='{self.total}' value='{self.progress}'></progress>"

    def display(self):
        _sandbox_display.display(self, display_id=self._display_id)

    def update(self):
        _sandbox_display.display(self, display_id=self._display_id, update=True)

    def __iter__(self):
        self.display()
        self._progress = -1  # the first step is 0
        return self

    def __next__(self):
        self.progress += 1
        if self.progress >= self.total:
            raise StopIteration
        return self.progress


for _class in (DisplayObject, TextDisplayObject, Pretty, HTML, Markdown, Math, Latex, SVG, JSON, Javascript, Image, ProgressBar):
    _class.__module__ = _MODULE
