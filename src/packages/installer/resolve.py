"""Runs in the package installer's Pyodide, never in the sandbox: resolves requirements with
micropip against a PyPI-compatible index and reports the wheels it chose, as micropip.freeze()
lists them. The host downloads those wheels itself and checks their sha256."""

import json
from importlib.metadata import distributions

import micropip
from micropip import package_index


async def resolve(requirements, index_url):
    try:
        # micropip looks in the lock before the index only when the index is its default (PyPI).
        # Making the configured index the default keeps that order for any index, so a package
        # the lock has always comes from the lock, as it does with PyPI.
        package_index.DEFAULT_INDEX_URLS = [index_url]
        await micropip.install(list(requirements), index_urls=[index_url])
        frozen = json.loads(micropip.freeze())["packages"]
        wheels = []
        for dist in distributions():
            if dist.read_text("INSTALLER") != "micropip":
                continue
            entry = next(e for e in frozen.values() if e["name"] == dist.name)
            # micropip records the index as the source only when the index gave a sha256.
            if dist.read_text("PYODIDE_SOURCE") != "pypi":
                raise ValueError(
                    f"{dist.name}: the index gave no sha256 for {entry['file_name']}, "
                    "so the wheel cannot be verified"
                )
            wheels.append(entry)
        return json.dumps({"wheels": wheels})
    except Exception as error:
        return json.dumps({"error": f"{type(error).__name__}: {error}"})
