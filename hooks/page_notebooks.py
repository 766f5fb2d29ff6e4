"""Every page as a Jupyter notebook in its language, written into the built site.

For each page of each language the build writes `<language root>/notebooks/<page>.ipynb` (nbformat 4)
and one archive of them all per language, `<language root>/notebooks/<archive name>.zip`:

- prose: Markdown cells in the page's language, math kept as `$…$` / `$$…$$` (Jupyter renders it),
  formula labels and attribute lists dropped, heading ids kept as `<a id>` anchors, links to other
  pages made absolute to `site_url`, admonitions and content tabs turned into plain Markdown;
- code: every Python block of the page as a code cell, in page order, with the text the page shows
  (`--8<-- "file.py:section"` expanded from snippets/ by the same reader as `show_section`);
- a first cell that installs, at the versions pyproject.toml pins, the packages the code imports
  (only those missing or at another version: running it twice does nothing);
- definitions the shown code uses from outside its sections (a constant, an exception class) are
  carried once, in a cell of their own, taken from the snippet file.

Notebook pages (jupytext Markdown, executed by mkdocs-jupyter) compute their results with page
machinery (show_section, caches, report plots). In the notebook a `show_section(...)` cell becomes
the section's code, and `show_checker(...)` / `show_solution(...)` the cells of an exercise's boxes
as on a Markdown page; cells that use the machinery are left out; cells tagged `notebook-only`
(removed from the page before it runs, see mkdocs.yml) stand in for them with self-contained code.

Cells that are not one of the page's code blocks carry a tag from NOT_ON_PAGE, so a test can compare
the rest with what the page shows. A notebook that cannot be self-contained fails the build, naming
the page and the block: a missing snippet section, an import of a file of this repository, a
`sys.path` change, a string naming a file of the repository, a name no cell defines, a package
pyproject.toml does not pin.

Each page also gets `page.notebook` (its link, file name and the action's label in the page's
language) for overrides/partials/actions.html, and each home page `page.notebook_archive`.
"""
from __future__ import annotations

import ast
import builtins
import functools
import hashlib
import importlib.util
import io
import json
import posixpath
import re
import symtable
import sys
import textwrap
import tomllib
import zipfile
from dataclasses import dataclass, field
from importlib.metadata import packages_distributions
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
MACHINERY = ROOT / "page_results"      # build-time code of the notebook pages: never in a notebook
LOCAL_CODE = (SNIPPETS, MACHINERY, ROOT / "hooks")
FOLDER = "notebooks"                    # under each language's root in the site

PYTHON = {"python", "py", "python3", ""}   # a fence without a language runs as Python (reader tests too)
NOTEBOOK_ONLY = "notebook-only"            # jupytext tag: a cell for the notebook, removed from the page
HIDE_INPUT = "hide-input"
# Tags of the cells that are not one of the page's code blocks (the tests leave them out).
SETUP, CARRIED = "setup", "from-snippets"
NOT_ON_PAGE = (SETUP, CARRIED, NOTEBOOK_ONLY, "hidden-on-page")
# An exercise's solution (code in a `??? success` box): folded on the page, source hidden in Jupyter.
SOLUTION, SOLUTION_BOX = "solution", "success"

TEXT = {
    "en": {"download": "Download notebook",
           "download_label": "Download notebook: this page as a Jupyter notebook (.ipynb)",
           "archive": "Download all notebooks (zip)",
           "archive_label": "Download all notebooks (zip): every page of this site as a Jupyter notebook",
           "archive_name": "policy-gradient-notebooks-en",
           "source": "Made from the page {url}: the same text, and the page's code as cells you can run.",
           "install": ("# The packages this notebook imports, at the versions the site pins. Only what is missing\n"
                       "# or at another version is installed, so running this cell again does nothing; restart\n"
                       "# the kernel if it installed something.\n")},
    "zh": {"download": "下载 Notebook",
           "download_label": "下载 Notebook：把本页下载为 Jupyter Notebook 文件",
           "archive": "下载全部 Notebook（压缩包）",
           "archive_label": "下载全部 Notebook（压缩包）：本站每一页的 Jupyter Notebook",
           "archive_name": "policy-gradient-notebooks-zh",
           "source": "本 Notebook 由网站页面 {url} 生成：正文与页面相同，页面上的代码都是可以运行的单元格。",
           "install": ("# The packages this notebook imports, at the versions the site pins. Only what is missing\n"
                       "# or at another version is installed, so running this cell again does nothing; restart\n"
                       "# the kernel if it installed something.\n")},
}

FRONT_MATTER = re.compile(r"\A---\s*\n.*?\n---\s*\n", re.S)
FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>[\w+-]*)(?P<options>[^\n`]*)$")
EMBED = re.compile(r"""^[ \t]*--8<--[ \t]+(?P<quote>["'])(?P<spec>[^"']+)(?P=quote)[ \t]*$""")
BOX = re.compile(r"^(?P<indent>[ \t]*)(?P<kind>!!!|\?\?\?\+?)[ \t]+(?P<type>[\w-]+)(?:[ \t]+\"(?P<title>[^\"]*)\")?[ \t]*$")
TAB = re.compile(r"^(?P<indent>[ \t]*)===\+?[ \t]+\"(?P<title>[^\"]*)\"[ \t]*$")
HEADING = re.compile(r"^(?P<hashes>#{1,6})[ \t]+(?P<text>.*?)[ \t]*$")
COMMENT = re.compile(r"<!--.*?-->[ \t]*\n?", re.S)
MATH = re.compile(r"\$\$.+?\$\$|(?<![\\$])\$(?!\s)[^$\n]+?(?<![\s\\])\$|`+[^`]*`+", re.S)  # and code spans
ATTR_VALUE = r"""(?:[#.][\w-]+|[\w-]+=(?:"[^"]*"|'[^']*'|[^\s}]+))"""
ATTR_LIST = re.compile(rf"[ \t]*\{{:?[ \t]*{ATTR_VALUE}(?:[ \t]+{ATTR_VALUE})*[ \t]*\}}")
HEADING_ID = re.compile(r"[ \t]*\{:?[ \t]*#(?P<id>[\w-]+)[^}]*\}[ \t]*$")
LINK = re.compile(r"(?P<head>!?\[(?:[^\]\[]|\[[^\]]*\])*\]\()(?P<target><[^>]*>|[^)\s]+)(?P<tail>(?:[ \t]+\"[^\"]*\")?\))")
LINK_DEFINITION = re.compile(r"^(?P<head>[ ]{0,3}\[[^\]]+\]:[ \t]*)(?P<target>\S+)", re.M)
MAGIC = re.compile(r"^[ \t]*[%!].*$", re.M)
PATH_LIKE = re.compile(r"^(?![/.])[\w.-]+(?:/[\w.-]+)*\.\w{1,8}$")   # "snippets/x.py", "data.csv"
PIN = re.compile(r"^\s*(?P<name>[A-Za-z0-9_.-]+)\s*==\s*(?P<version>[^\s;]+)")
IPYTHON_NAMES = {"display", "get_ipython", "__name__", "__doc__", "__builtins__"}


def _load(path: Path, name: str):
    """A module of this repository by its path: the build's sys.path stays as it is."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_page_tools = _load(next(p for p in (MACHINERY / "_page_tools.py", SNIPPETS / "_page_tools.py") if p.exists()),
                    "page_notebooks_page_tools")
section_source = _page_tools.section_source   # the one reader of `# --8<-- [start:x]` sections


class NotebookError(PluginError):
    """A page whose notebook cannot be made; the message names the page and the block."""


@dataclass
class Cell:
    kind: str                      # "markdown" or "code"
    source: str
    tags: list[str] = field(default_factory=list)
    where: str = ""                # "code block 3" / "cell 12": for messages
    specs: list[str] = field(default_factory=list)   # snippet sections the code came from
    quoted: bool = False           # Markdown that ends inside an admonition's quote


@dataclass
class PageNotebook:
    page: str                      # "docs/en/agent.md", for messages
    lang: str
    path: str                      # site-relative: "zh/notebooks/agent.ipynb"
    notebook: dict


# ------------------------------------------------------------------------------------------------
# Prose
# ------------------------------------------------------------------------------------------------
def _outside_math(text: str, function) -> str:
    """Apply `function` to the parts of `text` that are neither math nor inline code."""
    parts, last = [], 0
    for match in MATH.finditer(text):
        parts += [function(text[last:match.start()]), match.group(0)]
        last = match.end()
    return "".join(parts + [function(text[last:])])


def prose_markdown(text: str, link) -> str:
    """Page Markdown (no code fences) as Jupyter Markdown: no comments, no attribute lists, headings
    with their id as an anchor, links through `link(target) -> target`."""
    text = COMMENT.sub("", text)
    lines = []
    for line in text.split("\n"):
        heading = HEADING.match(line)
        if heading and (found := HEADING_ID.search(line)):
            title = HEADING_ID.sub("", heading.group("text"))
            line = f'{heading.group("hashes")} {title} <a id="{found.group("id")}"></a>'
        lines.append(line)
    text = "\n".join(lines)

    def rewrite(part: str) -> str:
        part = ATTR_LIST.sub("", part)
        part = LINK.sub(lambda m: m.group("head") + link(m.group("target").strip("<>")) + m.group("tail"), part)
        return LINK_DEFINITION.sub(lambda m: m.group("head") + link(m.group("target")), part)

    text = _outside_math(text, rewrite)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


def _dedent(lines: list[str], width: int) -> list[str]:
    return [line[width:] if line[:width].strip() == "" else line.lstrip() for line in lines]


def _block_body(lines: list[str], start: int, indent: str) -> int:
    """Index after the indented body (4 more spaces than `indent`) that starts at `start`."""
    end = start
    while end < len(lines) and (lines[end].strip() == "" or lines[end].startswith(indent + "    ")):
        end += 1
    while end > start and lines[end - 1].strip() == "":
        end -= 1
    return end


def markdown_cells(markdown: str, expand, link, where: str) -> list[Cell]:
    """Split page Markdown into Markdown and code cells, in page order.

    `expand(lines, number) -> code` turns a Python fence's lines into the code the page shows.
    Admonitions become a bold title line and a quote; content tabs a bold title line and their body;
    an exercise's solution (`??? success`) a folded <details> and code cells with their source hidden.
    """
    cells: list[Cell] = []
    counter = {"code": 0}

    def add_markdown(text: str, quote: bool) -> None:
        text = prose_markdown(text, link) if text.strip() else ""
        if not text:
            return
        if quote:
            text = "\n".join(f"> {line}".rstrip() for line in text.split("\n"))
        if cells and cells[-1].kind == "markdown" and not cells[-1].source.startswith("<details>"):
            # the next paragraph of the same box stays in its quote (a folded solution stays alone)
            cells[-1].source += ("\n>\n" if quote and cells[-1].quoted else "\n\n") + text
            cells[-1].quoted = quote
        else:
            cells.append(Cell("markdown", text, quoted=quote))

    def add_folded(text: str, title: str) -> None:
        """An exercise's solution prose, folded as on the page: Jupyter renders <details> closed."""
        text = prose_markdown(text, link) if text.strip() else ""
        if text:
            cells.append(Cell("markdown", f"<details><summary><b>{title}</b></summary>\n\n{text}\n\n</details>"))

    def walk(lines: list[str], quote: bool, solution: str | None = None) -> None:
        """solution: the title of the solution box the lines are in (its prose and code are folded)."""
        prose: list[str] = []

        def flush():
            if solution:
                add_folded("\n".join(prose), solution)
            else:
                add_markdown("\n".join(prose), quote)
            prose.clear()

        index = 0
        while index < len(lines):
            line = lines[index]
            opening = FENCE_OPEN.match(line)
            box = BOX.match(line)
            tab = TAB.match(line)
            if opening:
                fence, indent = opening.group("fence"), opening.group("indent")
                closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
                end = index + 1
                while end < len(lines) and not closing.match(lines[end]):
                    end += 1
                body = _dedent(lines[index + 1:end], len(indent))
                if opening.group("lang").lower() in PYTHON:
                    flush()
                    counter["code"] += 1
                    number = counter["code"]
                    code, specs = expand(body, number)
                    cells.append(Cell("code", code, tags=[SOLUTION] if solution else [],
                                      where=f"{where}, code block {number}", specs=specs))
                else:   # program output shown as text: Markdown, as the page shows it
                    prose.extend([line.lstrip(), *body, lines[end].lstrip() if end < len(lines) else fence])
                index = end + 1
            elif box or tab:
                flush()
                found = box or tab
                indent = found.group("indent")
                end = _block_body(lines, index + 1, indent)
                title = found.group("title")
                if box and title is None:
                    title = found.group("type").capitalize()
                opens_solution = bool(box and found.group("type") == SOLUTION_BOX) and not solution
                if title and not opens_solution:
                    add_markdown(f"**{title}**", quote or bool(box))
                walk(_dedent(lines[index + 1:end], len(indent) + 4), quote or bool(box),
                     title if opens_solution else solution)
                index = end
            else:
                prose.append(line)
                index += 1
        flush()

    walk(markdown.split("\n"), quote=False)
    return cells


# ------------------------------------------------------------------------------------------------
# Code
# ------------------------------------------------------------------------------------------------
def expand_embeds(lines: list[str], where: str) -> tuple[str, list[str]]:
    """A fence's lines with each `--8<-- "file.py:section"` replaced by that section (pymdownx.snippets
    with dedent_subsections): the code the page shows, and the sections it came from."""
    out, specs = [], []
    for line in lines:
        embed = EMBED.match(line)
        if not embed:
            out.append(line)
            continue
        spec = embed.group("spec")
        file_name, _, section = spec.partition(":")
        specs.append(spec)
        path = SNIPPETS / file_name
        try:
            if not path.is_file():
                raise LookupError(f"no file snippets/{file_name}")
            text = section_source(file_name, section) if section else path.read_text(encoding="utf-8")
        except LookupError as error:
            raise NotebookError(f"{where}: cannot make the notebook: {error}") from None
        out.extend(textwrap.dedent(text).rstrip("\n").split("\n"))
    return "\n".join(out).rstrip(), specs


def _parse(code: str, where: str) -> ast.Module:
    try:
        return _tree(code)
    except SyntaxError as error:
        raise NotebookError(f"{where}: the code does not parse ({error.msg}, line {error.lineno})") from None


@functools.lru_cache(maxsize=4096)   # both languages show the same code: parse it once (never mutated)
def _tree(code: str) -> ast.Module:
    return ast.parse(MAGIC.sub("", code))


@functools.cache
def local_modules() -> frozenset[str]:
    """The modules of this repository (cleared at each build: `mkdocs serve` sees new files)."""
    return frozenset(path.stem for folder in LOCAL_CODE if folder.is_dir() for path in folder.glob("*.py"))


def imported_modules(tree: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


@functools.lru_cache(maxsize=4096)
def _imports(code: str) -> frozenset[str]:
    return frozenset(imported_modules(_tree(code)))


def outside_needs(code: str, where: str) -> list[str]:
    """What makes `code` depend on this repository: imports of its modules, sys.path, its files."""
    _parse(code, where)   # a syntax error names the block
    return list(_outside_needs(code))


@functools.lru_cache(maxsize=4096)
def _outside_needs(code: str) -> tuple[str, ...]:
    tree = _tree(code)
    problems = [f"imports {name}, a module of this repository" for name in sorted(imported_modules(tree) & local_modules())]
    if any(isinstance(node, ast.Attribute) and node.attr == "path" and isinstance(node.value, ast.Name)
           and node.value.id == "sys" for node in ast.walk(tree)):
        problems.append("changes sys.path")
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and PATH_LIKE.match(node.value):
            if any((folder / node.value).is_file() for folder in (ROOT, SNIPPETS, MACHINERY)):
                problems.append(f"reads '{node.value}', a file of this repository")
    return tuple(problems)


@functools.lru_cache(maxsize=4096)   # both languages show the same code
def bound_and_used(code: str) -> tuple[frozenset[str], frozenset[str]]:
    """Names the code binds at module level, and global names it reads (in any scope)."""
    table = symtable.symtable(MAGIC.sub("", code), "<notebook>", "exec")
    bound, used = set(), set()

    def visit(scope, top: bool) -> None:
        for symbol in scope.get_symbols():
            name = symbol.get_name()
            if top:
                if symbol.is_assigned() or symbol.is_imported() or symbol.is_namespace():
                    bound.add(name)
                if symbol.is_referenced():
                    used.add(name)
            else:
                if symbol.is_declared_global() and symbol.is_assigned():
                    bound.add(name)
                if symbol.is_global() and symbol.is_referenced():
                    used.add(name)
        for child in scope.get_children():
            visit(child, False)

    visit(table, True)
    return frozenset(bound), frozenset(used)


def unbound_names(codes: list[str]) -> set[str]:
    bound, used = set(), set()
    for code in codes:
        b, u = bound_and_used(code)
        bound |= b
        used |= u
    return used - bound - set(dir(builtins)) - IPYTHON_NAMES


def carried_definitions(names: set[str], files: list[str]) -> tuple[str, set[str]]:
    """The top-level statements of the snippet `files`, outside their sections, that bind `names`
    (and what those need in turn), in file order; and the names still not found."""
    wanted, found_names, chosen = set(names), set(), {}
    while wanted - found_names:
        progress = False
        for file_name in files:
            text = (SNIPPETS / file_name).read_text(encoding="utf-8")
            lines = text.split("\n")
            inside, section_lines = False, set()
            for number, line in enumerate(lines, 1):
                if re.match(r"^[ \t]*# --8<-- \[start:", line):
                    inside = True
                if inside:
                    section_lines.add(number)
                if re.match(r"^[ \t]*# --8<-- \[end:", line):
                    inside = False
            for node in ast.parse(text).body:
                if node.lineno in section_lines or (file_name, node.lineno) in chosen:
                    continue
                if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in local_modules():
                    continue
                start = node.decorator_list[0].lineno if getattr(node, "decorator_list", None) else node.lineno
                segment = "\n".join(lines[start - 1:node.end_lineno])
                binds, needs = bound_and_used(segment)
                if binds & (wanted - found_names):
                    chosen[(file_name, node.lineno)] = segment
                    found_names |= binds
                    wanted |= needs - set(dir(builtins))
                    progress = True
        if not progress:
            break
    ordered = [chosen[key] for key in sorted(chosen, key=lambda key: (files.index(key[0]), key[1]))]
    return "\n\n".join(ordered), (names - found_names)


def install_cell(cells: list[Cell], pins: dict[str, str], lang: str, where: str) -> Cell | None:
    """The first cell: pip installs, at the pinned versions, the distributions the code imports."""
    distributions = _distributions()
    needed = {}
    for cell in cells:
        unpinned = []
        for module in sorted(_imports(cell.source)):
            if module in sys.stdlib_module_names or module in local_modules():
                continue
            pinned = [name for name in distributions.get(module, [module]) if name.lower() in pins]
            if pinned:
                needed[pinned[0].lower()] = pins[pinned[0].lower()]
            else:
                unpinned.append(module)
        if unpinned:
            raise NotebookError(f"{cell.where or where}: the code imports {', '.join(unpinned)}, which pyproject.toml "
                                "does not pin: a reader's notebook could not install the version the site runs")
    if not needed:
        return None
    pins_text = ", ".join(f'"{name}": "{version}"' for name, version in sorted(needed.items()))
    source = (TEXT.get(lang, TEXT["en"])["install"] +
              "from importlib.metadata import PackageNotFoundError, version\n\n"
              f"PINS = {{{pins_text}}}\n\n\n"
              "def installed(name):\n"
              "    try:\n"
              "        return version(name)\n"
              "    except PackageNotFoundError:\n"
              "        return None\n\n\n"
              'missing = " ".join(f"{name}=={pin}" for name, pin in PINS.items() if installed(name) != pin)\n'
              "if missing:\n"
              "    %pip install --quiet {missing}")
    return Cell("code", source, tags=[SETUP])


@functools.cache
def _distributions() -> dict[str, list[str]]:
    """Import name -> distributions: reading every installed package's metadata takes ~0.5 s."""
    return packages_distributions()


def project_pins(pyproject: Path) -> dict[str, str]:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    pins = {}
    for requirement in project.get("dependencies", []):
        if match := PIN.match(requirement):
            pins[match.group("name").lower()] = match.group("version")
    return pins


# ------------------------------------------------------------------------------------------------
# Notebook pages
# ------------------------------------------------------------------------------------------------
def _last_is_expression(tree: ast.Module) -> bool:
    return bool(tree.body) and isinstance(tree.body[-1], ast.Expr)


# Calls that show code on a notebook page, and the Markdown a Markdown page writes for the same block
SHOWN_CODE = {
    "show_section": lambda file_name, section: f'```python\n--8<-- "{file_name}:{section}"\n```',
    "show_checker": _page_tools.checker_markdown,     # an exercise's folded checker (`??? example`)
    "show_solution": _page_tools.solution_markdown,   # an exercise's folded solution (`??? success`)
}


def shown_code_markdown(source: str, where: str) -> str | None:
    """A code cell that only shows code (show_section, show_checker, show_solution with literal
    arguments) as the Markdown a Markdown page writes for the same blocks; None for another cell."""
    tree = _parse(source, where)
    blocks = []
    for node in tree.body:
        call = node.value if isinstance(node, ast.Expr) else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in SHOWN_CODE):
            return None
        try:
            args = [ast.literal_eval(arg) for arg in call.args]
            kwargs = {keyword.arg: ast.literal_eval(keyword.value) for keyword in call.keywords}
        except ValueError:
            raise NotebookError(f"{where}: {call.func.id}(...) takes literal arguments (lang=\"en\", not lang=LANG): "
                                "the notebook and the tests read them without running the page") from None
        blocks.append(SHOWN_CODE[call.func.id](*args, **kwargs))
    return "\n\n".join(blocks) if blocks else None


def notebook_page_markdown(path: Path) -> str:
    """A notebook page as a Markdown page would write it: its Markdown cells, each cell that shows
    code as the blocks and boxes that embed the same sections; its other code cells left out."""
    import jupytext

    parts = []
    for number, cell in enumerate(jupytext.read(path).cells, 1):
        if cell.cell_type == "markdown":
            parts.append(cell.source)
        elif cell.cell_type == "code" and NOTEBOOK_ONLY not in cell.metadata.get("tags", []):
            shown = shown_code_markdown(cell.source, f"docs/{path.parent.name}/{path.name}, cell {number}")
            parts += [shown] if shown else []
    return "\n\n".join(parts) + "\n"


def notebook_page_cells(path: Path, link, where: str) -> tuple[list[Cell], list[str]]:
    """A jupytext Markdown notebook page as notebook cells; and the machinery cells left out that
    showed results (the page's plots and tables), which `notebook-only` cells must stand in for."""
    import jupytext

    cells: list[Cell] = []
    machinery_names: set[str] = set()
    dropped_results: list[str] = []
    local = local_modules()
    for number, cell in enumerate(jupytext.read(path).cells, 1):
        here = f"{where}, cell {number}"
        tags = cell.metadata.get("tags", [])
        if cell.cell_type == "markdown":
            cells += markdown_cells(cell.source, lambda lines, n: ("\n".join(lines), []), link, where)
            continue
        if cell.cell_type != "code":
            continue
        if NOTEBOOK_ONLY in tags:
            cells.append(Cell("code", cell.source.rstrip(), tags=[NOTEBOOK_ONLY], where=here))
            continue
        tree = _parse(cell.source, here)
        shown = shown_code_markdown(cell.source, here)
        if shown is not None:   # the code blocks (and an exercise's boxes) a Markdown page would hold
            cells += markdown_cells(shown, lambda lines, n: expand_embeds(lines, here), link, here)
            continue
        bound, used = bound_and_used(cell.source)
        is_machinery = (bool(imported_modules(tree) & local) or bool(used & machinery_names)
                        or any(isinstance(n, ast.Attribute) and n.attr == "path" and getattr(n.value, "id", "") == "sys"
                               for n in ast.walk(tree)))
        if is_machinery:
            machinery_names |= bound
            if _last_is_expression(tree):
                dropped_results.append(here)
            continue
        if HIDE_INPUT in tags:
            cells.append(Cell("code", cell.source.rstrip(), tags=["hidden-on-page"], where=here))
        else:
            cells.append(Cell("code", cell.source.rstrip(), where=here))
    return cells, dropped_results


def is_notebook_page(markdown: str) -> bool:
    front = FRONT_MATTER.match(markdown)
    return bool(front) and re.search(r"^jupyter:", front.group(0), re.M) is not None


# ------------------------------------------------------------------------------------------------
# The whole notebook
# ------------------------------------------------------------------------------------------------
def make_notebook(cells: list[Cell], pins: dict[str, str], lang: str, page_url: str, where: str) -> dict:
    code_cells = [cell for cell in cells if cell.kind == "code"]
    for cell in code_cells:
        problems = outside_needs(cell.source, cell.where or where)
        if problems:
            raise NotebookError(f"{cell.where or where}: the notebook would need files outside it: "
                                f"{'; '.join(problems)}. Show the code from snippets/ instead.")
    codes = [cell.source for cell in code_cells]
    missing = unbound_names(codes)
    extra: list[Cell] = []
    if missing:
        files = list(dict.fromkeys(spec.partition(":")[0] for cell in code_cells for spec in cell.specs))
        carried, still_missing = carried_definitions(missing, files)
        if still_missing:
            users = [cell.where for cell in code_cells if bound_and_used(cell.source)[1] & still_missing]
            raise NotebookError(f"{', '.join(users) or where}: uses {', '.join(sorted(still_missing))}, which no "
                                "cell of the notebook defines (a reader would get a NameError)")
        extra.append(Cell("code", "# Defined in the snippet files outside the sections the page shows.\n" + carried,
                          tags=[CARRIED]))
    install = install_cell(code_cells + extra, pins, lang, where)
    # The page's URL under its title (or first, for a page without one)
    source = f'*{TEXT.get(lang, TEXT["en"])["source"].format(url=page_url)}*'
    if cells and cells[0].kind == "markdown" and cells[0].source.startswith("# "):
        title, _, rest = cells[0].source.partition("\n")
        head = [Cell("markdown", f"{title}\n\n{source}")] + ([Cell("markdown", rest.strip("\n"))] if rest.strip() else [])
        cells = cells[1:]
    else:
        head = [Cell("markdown", source)]
    ordered = head + ([install] if install else []) + extra + cells
    notebook = nbformat.v4.new_notebook()
    notebook.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    for number, cell in enumerate(ordered, 1):
        if cell.kind == "markdown":
            made = nbformat.v4.new_markdown_cell(cell.source)
        else:
            made = nbformat.v4.new_code_cell(cell.source)
            if cell.tags:
                made.metadata["tags"] = list(cell.tags)
            if SOLUTION in cell.tags:
                made.metadata["jupyter"] = {"source_hidden": True}
        made.id = f"cell-{number}"    # stable ids: the same page gives the same file
        notebook.cells.append(made)
    nbformat.validate(notebook)
    return notebook


def page_notebook(page, config, files, pins: dict[str, str]) -> PageNotebook:
    source_path = Path(page.file.abs_src_path)
    markdown = source_path.read_text(encoding="utf-8")
    lang = page.file.src_uri.split("/", 1)[0]
    where = f"docs/{page.file.src_path}"
    site_url = config["site_url"] or "/"
    page_url = site_url.rstrip("/") + "/" + page.url

    def link(target: str) -> str:
        parts = urlsplit(target)
        if parts.scheme or target.startswith(("#", "/", "mailto:")):
            return target
        path = posixpath.normpath(posixpath.join(posixpath.dirname(page.file.src_uri), parts.path))
        found = files.get_file_from_path(path)
        url = found.url if found is not None else posixpath.normpath(posixpath.join(page.url, parts.path))
        return site_url.rstrip("/") + "/" + url + (f"#{parts.fragment}" if parts.fragment else "")

    if is_notebook_page(markdown):
        cells, _ = notebook_page_cells(source_path, link, where)   # tests check the stand-ins
    else:
        body = FRONT_MATTER.sub("", markdown)
        cells = markdown_cells(body, lambda lines, n: expand_embeds(lines, f"{where}, code block {n}"), link, where)
    notebook = make_notebook(cells, pins, lang, page_url, where)
    root = page.url[: len(lang) + 1] if page.url.startswith(lang + "/") else ""
    name = Path(page.file.src_uri).relative_to(lang).with_suffix("").as_posix().replace("/", "-")
    return PageNotebook(where, lang, f"{root}{FOLDER}/{name}.ipynb", notebook)


def notebook_bytes(notebook: dict) -> bytes:
    return (json.dumps(notebook, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def archive_bytes(notebooks: list[PageNotebook], folder: str) -> bytes:
    """One zip of the notebooks, with fixed dates: the same notebooks give the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in sorted(notebooks, key=lambda n: n.path):
            info = zipfile.ZipInfo(f"{folder}/{Path(item.path).name}", date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, notebook_bytes(item.notebook))
    return buffer.getvalue()


# ------------------------------------------------------------------------------------------------
# MkDocs events
# ------------------------------------------------------------------------------------------------
_state: dict = {"notebooks": {}, "pins": {}}


def on_pre_build(config):
    local_modules.cache_clear()
    _state["notebooks"] = {}   # this language's build (the i18n plugin builds each language on its own)
    _state["pins"] = project_pins(ROOT / "pyproject.toml")


def on_page_markdown(markdown, page, config, files):
    made = page_notebook(page, config, files, _state["pins"])
    _state["notebooks"][made.path] = made
    text = TEXT.get(made.lang, TEXT["en"])
    page.notebook = {"href": get_relative_url(made.path, page.url), "file_name": Path(made.path).name,
                     "title": text["download"], "label": text["download_label"]}
    if page.file.src_uri == f"{made.lang}/index.md":
        archive = f"{made.path.rsplit('/', 1)[0]}/{text['archive_name']}.zip"
        page.notebook_archive = {"href": get_relative_url(archive, page.url), "file_name": Path(archive).name,
                                 "title": text["archive"], "label": text["archive_label"]}
    return markdown


def on_post_build(config):
    site = Path(config["site_dir"])
    by_folder: dict[str, list[PageNotebook]] = {}
    for path, made in _state["notebooks"].items():
        target = site / path
        target.parent.mkdir(parents=True, exist_ok=True)
        data = notebook_bytes(made.notebook)
        if not target.exists() or target.read_bytes() != data:
            target.write_bytes(data)
        by_folder.setdefault(path.rsplit("/", 1)[0], []).append(made)
    for folder, notebooks in by_folder.items():
        name = TEXT.get(notebooks[0].lang, TEXT["en"])["archive_name"]
        (site / folder / f"{name}.zip").write_bytes(archive_bytes(notebooks, name))


def notebook_digest(notebook: dict) -> str:
    """A hash of the code cells and the kernel: what running the notebook depends on."""
    digest = hashlib.sha256(notebook["metadata"]["kernelspec"]["name"].encode())
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            digest.update(b"\0" + cell["source"].encode())
    return digest.hexdigest()
