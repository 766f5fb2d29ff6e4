"""Cache keys and atomic writes for results that are expensive to compute (page machinery, not shown).

A cached result is named after a key made of exactly what determines it: the snippet files its code
imports (read from their import statements, transitively), the source of the functions that
compute it, its settings and the library versions. A new caption, a page's prose or an unrelated
snippet leaves the key as it was; a change in the code that computes the result gives a new key.
The build-time hooks key the notebook pages' outputs the same way (hooks/notebook_cache.py).
"""
from __future__ import annotations

import ast
import hashlib
import importlib
import inspect
import json
import os
import platform
import re
import tempfile
from pathlib import Path

SNIPPETS = Path(__file__).resolve().parent.parent / "snippets"   # the code the pages show
PAGE_RESULTS = Path(__file__).resolve().parent                    # this folder: the pages' build-time code
CODE_FOLDERS = (SNIPPETS, PAGE_RESULTS)
# show_section("reinforce_cartpole.py", "train") names a file whose text the page shows
FILE_NAME = re.compile(r"^\w+\.py$")
MAGIC = re.compile(r"^\s*[%!].*$", re.M)  # IPython's %magic and !shell lines are not Python


def snippet_dependencies(*sources: str, snippets: Path | tuple[Path, ...] = CODE_FOLDERS) -> list[Path]:
    """The files of `snippets` (a folder or several) that the Python `sources` import or name, and the
    ones those import, and so on."""
    folders = (snippets,) if isinstance(snippets, Path) else tuple(snippets)
    found, todo = set(), list(sources)
    while todo:
        for name in _modules_named(todo.pop()):
            path = next((folder / f"{name}.py" for folder in folders if (folder / f"{name}.py").is_file()), None)
            if path is not None and path not in found:
                found.add(path)
                todo.append(path.read_text(encoding="utf-8"))
    return sorted(found)


def _modules_named(source: str):
    for node in ast.walk(ast.parse(MAGIC.sub("", source))):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and FILE_NAME.match(node.value):
            yield node.value.removesuffix(".py")


def code_files(*modules) -> list[Path]:
    """The files of these snippet modules and of every snippet file they import."""
    files = {Path(inspect.getsourcefile(module)) for module in modules}
    return sorted(files.union(*(snippet_dependencies(path.read_text(encoding="utf-8")) for path in files)))


def cache_key(settings, files=(), functions=(), libraries=("numpy",)) -> str:
    """A hash of the files (name and bytes), the functions' source, the settings (JSON) and the
    versions of Python and the `libraries`: 16 hex digits."""
    digest = hashlib.sha256()
    for path in sorted(files, key=lambda p: Path(p).name):
        digest.update(Path(path).name.encode() + b"\0" + Path(path).read_bytes())
    for function in functions:
        digest.update(inspect.getsource(function).encode())
    digest.update(json.dumps(settings, sort_keys=True).encode())
    versions = [platform.python_version()] + [importlib.import_module(name).__version__ for name in libraries]
    digest.update(" ".join(versions).encode())
    return digest.hexdigest()[:16]


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to a new file beside `path`, then rename it: a concurrent reader sees the old
    file or the whole new one, never half of it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(partial, 0o644)  # mkstemp's 0600 would hide the cache from other users of the folder
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)


def cached_json(path, compute):
    """The JSON results stored at `path`, else `compute()`'s, stored there; `from_cache` says which."""
    path = Path(path)
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8")) | {"from_cache": True}
    results = compute()
    write_atomically(path, json.dumps(results).encode())  # a concurrent build never reads half a file
    return results | {"from_cache": False}
