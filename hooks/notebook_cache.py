"""Key mkdocs-jupyter's cache of executed notebooks on the code each notebook uses, per language.

mkdocs-jupyter keys its cache on the notebook's own text and options only, so a change in
snippets/ (the training code) would show stale results. Pointing its cache_dir at a folder named
after a hash of the files of snippets/ and page_results/ the page's code cells import or show (show_section("x.py", ...)),
and the ones those import (page_results/_cache.py reads their import statements), makes a change in
that code re-execute the page; an edit of another snippet file leaves it alone, and a prose edit
of a notebook page still changes that page's own key only. Each language gets its own folder: the
i18n plugin builds the languages one after the other, and mkdocs-jupyter evicts every cache entry
its current build did not use.

Of pyproject.toml, only what decides what the code computes is in the key: the libraries the pages
run on ([project] dependencies, and the versions installed of them and of what they need). The test
tools and the settings of pytest and the other tools are not: editing them runs no notebook again.
"""
import functools
import importlib.metadata
import importlib.util
import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

import jupytext
from mkdocs.plugins import event_priority

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
PAGE_RESULTS = ROOT / "page_results"   # the notebook pages' build-time code (caches, plots)
PYPROJECT = ROOT / "pyproject.toml"  # its [project] dependencies: the pinned libraries the pages run on


def _snippet_module(name):
    """A module of page_results/ by its path: the build's sys.path stays as it is."""
    spec = importlib.util.spec_from_file_location(f"page_results_{name}", PAGE_RESULTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


cache_tools = _snippet_module("_cache")  # the cache keys and atomic writes the snippets use too
CHECKING = _snippet_module("_page_tools").CHECKING.partition(":")[0]   # every checker block starts with it
SHOWN_BY_PATH = re.compile(r"""["'](?P<path>[\w-]+(?:/[\w-]+)+\.py)(?::[\w-]+)?["']""")


def shown_by_path(code: str, snippets: Path | tuple[Path, ...]) -> list[Path]:
    """Files in a folder of `snippets` that the code shows by their path: an exercise's stub, checker
    and solution (show_checker("exercises/x.py", ...)), and the checkers' shared core."""
    folders = (snippets,) if isinstance(snippets, Path) else tuple(snippets)
    paths = {m.group("path") for m in SHOWN_BY_PATH.finditer(code)} | ({CHECKING} if "show_checker(" in code else set())
    return sorted(folder / path for path in paths for folder in folders if (folder / path).is_file())


def libraries(pyproject: Path | None = None) -> list[str]:
    """What a page's code runs on: pyproject.toml's [project] dependencies as written, then every
    library they need, transitively, at the version installed ("pillow==12.0.0"; "(not installed)"
    when it is not). The optional dependencies (the test tools) and the [tool.*] tables are not read."""
    text = (pyproject or PYPROJECT).read_text(encoding="utf-8")
    return list(_libraries(tuple(sorted(tomllib.loads(text)["project"].get("dependencies", [])))))


@functools.cache  # once per build: each notebook page asks
def _libraries(dependencies: tuple[str, ...]) -> tuple[str, ...]:
    installed, todo = {}, [Requirement(dependency) for dependency in dependencies]
    while todo:
        requirement = todo.pop()
        name = requirement.name.lower().replace("_", "-")
        if name in installed:
            continue
        try:
            installed[name] = importlib.metadata.version(name)
            needs = importlib.metadata.requires(name) or []
        except importlib.metadata.PackageNotFoundError:
            installed[name], needs = "(not installed)", []
        for need in map(Requirement, needs):
            extras = requirement.extras or {""}
            if need.marker is None or any(need.marker.evaluate({"extra": extra}) for extra in extras):
                todo.append(need)
    return (*dependencies, *(f"{name}=={version}" for name, version in sorted(installed.items())))


def code_fingerprint(code: str, snippets: Path | tuple[Path, ...] = (SNIPPETS, PAGE_RESULTS)) -> str:
    """A hash of the libraries the code runs on (`libraries`) and of the snippet files that `code`
    imports or shows, transitively."""
    return cache_tools.cache_key({"libraries": libraries()}, [*cache_tools.snippet_dependencies(code, snippets=snippets),
                                                              *shown_by_path(code, snippets)])


def notebook_code(path) -> str:
    """The code cells of a notebook page (a jupytext Markdown file), one after the other."""
    return "\n".join(cell.source for cell in jupytext.read(path).cells if cell.cell_type == "code")


@event_priority(100)  # before mkdocs-jupyter reads cache_dir in its own on_pre_page
def on_pre_page(page, config, files):
    plugin = config.plugins.get("mkdocs-jupyter")
    if plugin is not None and plugin.should_include(page.file):
        language = page.file.src_uri.split("/", 1)[0]
        fingerprint = code_fingerprint(notebook_code(page.file.abs_src_path))  # read at every build: `mkdocs serve` too
        plugin.config["cache_dir"] = str(ROOT / ".cache" / "mkdocs-jupyter" / fingerprint / language)
    return page
