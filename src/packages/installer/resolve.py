"""Runs in the package installer's Pyodide, never in the sandbox: resolves requirements with
micropip against a PyPI-compatible index and reports the wheels it would install, with the facts
micropip.freeze() would list for them. Nothing is installed: micropip's transaction downloads each
wheel and reads its metadata as data, and no byte of a wheel is loaded, imported or run here
(installing an emscripten wheel would instantiate its WebAssembly libraries, whose constructors
run as they load). The host downloads the wheels itself and checks their sha256."""

import hashlib
import io
import json
import zipfile
from urllib.parse import urlparse

from micropip import package_index, wheelinfo
from micropip._compat import compatibility_layer
from micropip._vendored.packaging.src.packaging.markers import default_environment
from micropip.metadata import Metadata, wheel_dist_info_dir
from micropip.transaction import Transaction

# A top_level.txt lists a few module names; more than this is not read (a zip may inflate far).
MAX_TOP_LEVEL_BYTES = 64 * 1024
# A wheel's METADATA holds its description too, rarely more than a few hundred KiB. micropip reads
# it whole, and a few MiB of a zip can inflate to gigabytes: past this it is refused, unread.
MAX_METADATA_BYTES = 32 * 2**20


class BoundedMetadata(Metadata):
    """micropip's Metadata, read from a wheel only when the zip says it is no larger than
    MAX_METADATA_BYTES (zipfile inflates no more than an entry says it holds)."""

    def __init__(self, metadata):
        if isinstance(metadata, zipfile.Path):
            size = metadata.root.getinfo(metadata.at).file_size
            if size > MAX_METADATA_BYTES:
                raise ValueError(
                    f"{metadata.at} says it inflates to {size / 2**20:.1f} MiB, "
                    f"more than the {MAX_METADATA_BYTES // 2**20} MiB a wheel's metadata may have"
                )
        super().__init__(metadata)


# Where micropip's download reads a wheel's metadata.
wheelinfo.Metadata = BoundedMetadata

_fetch_bytes = compatibility_layer.fetch_bytes


async def fetch_bytes(url, kwargs):
    """micropip's fetch of a wheel or its metadata, for http(s) URLs only: micropip also reads
    file: and emfs: URLs, and an index must not have this process read files for it (without
    Node's permission model, any file of the user's). The host downloads only http(s) too."""
    if urlparse(url).scheme not in ("http", "https"):
        raise ValueError(f"{url} is refused: the installer fetches http(s) URLs only")
    return await _fetch_bytes(url, kwargs)


compatibility_layer.fetch_bytes = staticmethod(fetch_bytes)


async def resolve(requirements, index_url):
    try:
        # micropip looks in the lock before the index only when the index is its default (PyPI).
        # Making the configured index the default keeps that order for any index, so a package
        # the lock has always comes from the lock, as it does with PyPI.
        package_index.DEFAULT_INDEX_URLS = [index_url]
        # As micropip.install builds it, which then installs what it gathered: here that is left out.
        transaction = Transaction(
            _compat_layer=compatibility_layer,
            ctx=default_environment(),
            ctx_extras=[],
            keep_going=False,
            deps=True,
            pre=False,
            fetch_kwargs={},
            index_urls=[index_url],
        )
        await transaction.gather_requirements(list(requirements))
        # Lock packages (transaction.pyodide_packages) are left to the host, which has the lock.
        return json.dumps({"wheels": [describe(wheel) for wheel in transaction.wheels]})
    except Exception as error:
        return json.dumps({"error": f"{type(error).__name__}: {error}"})


def describe(wheel):
    """What micropip.freeze() lists for an installed wheel, from the transaction's download."""
    if wheel.sha256 is None:
        raise ValueError(
            f"{wheel.name}: the index gave no sha256 for {wheel.url}, "
            "so the wheel cannot be verified"
        )
    # micropip.install checks this before installing; the metadata read below is from these bytes.
    actual = hashlib.sha256(wheel._data).hexdigest()
    if actual != wheel.sha256:
        raise ValueError(
            f"{wheel.name}: {wheel.url} has sha256 {actual}, the index says {wheel.sha256}"
        )
    return {
        "name": wheel.name,
        "version": str(wheel.version),
        "file_name": wheel.url,
        "sha256": wheel.sha256,
        # What micropip records as PYODIDE_REQUIRES.
        "depends": sorted(requirement.name for requirement in wheel._requires or []),
        "imports": top_level_modules(wheel),
    }


def top_level_modules(wheel):
    """The names in the wheel's top_level.txt (none without one), read from the zip as data."""
    with zipfile.ZipFile(io.BytesIO(wheel._data)) as archive:
        name = f"{wheel_dist_info_dir(archive, wheel.name)}/top_level.txt"
        if name not in archive.namelist():
            return []
        with archive.open(name) as file:
            return file.read(MAX_TOP_LEVEL_BYTES).decode("utf-8").split()
