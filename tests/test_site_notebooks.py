"""Every page as a Jupyter notebook in its language (hooks/page_notebooks.py).

On the built site: every page of both languages has a valid notebook and each home page links an
archive of all of them; each notebook runs top to bottom in a fresh kernel in an empty folder outside
the repository, with no error and nothing on stderr; its code cells are the page's code blocks, as
the copy button copies them, in page order; a Chinese notebook's prose is the Chinese page's; the
download button of every page leads to its notebook (Chromium). The hook's own checks are tested on
throw-away pages: a notebook that cannot be self-contained fails the build naming page and block.

Running 50-odd notebooks takes minutes, so a notebook's result is kept under .cache/notebook-runs/,
named after a hash of its code cells, the kernel, Python's version and the libraries it runs on
(hooks/notebook_cache.libraries: pyproject.toml's [project] dependencies, not its test tools or
settings): the English and the Chinese notebook of a page share one run, and a prose edit runs
nothing again.
"""
from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

import reader_helpers as rh
from conftest import ROOT, build

sys.path.insert(0, str(ROOT / "hooks"))
import notebook_cache  # noqa: E402
import page_notebooks  # noqa: E402

from test_site_reader import EACH_PAGE, LANGS, PAGES, browser, reader  # noqa: E402,F401 (the session's Chromium and reading pass)

RUNNER = Path(__file__).with_name("notebook_runner.py")
RUNS = ROOT / ".cache" / "notebook-runs"
WORKERS = 2
CJK = re.compile(r"[\u3400-\u9fff]")
DOCS = ROOT / "docs"


def _cache_tools():
    folder = next(p for p in (ROOT / "page_results", ROOT / "snippets") if (p / "_cache.py").exists())
    return page_notebooks._load(folder / "_cache.py", "notebook_tests_cache")


# ------------------------------------------------------------------------------------------------
# What the build wrote
# ------------------------------------------------------------------------------------------------
def built_pages(site: Path) -> list[tuple[str, str]]:
    """(language, page) for every page in the built site, e.g. ("zh", "agent"), ("en", "index")."""
    found = []
    for html in sorted(site.rglob("index.html")):
        parts = html.relative_to(site).parent.parts
        if parts[:1] == ("search",) or parts[:1] == ("assets",):
            continue
        lang = parts[0] if parts[:1] and parts[0] in LANGS and parts[0] != LANGS[0] else LANGS[0]
        rest = parts[1:] if lang != LANGS[0] else parts
        found.append((lang, "-".join(rest) or "index"))
    return found


def notebook_path(site: Path, lang: str, page: str) -> Path:
    return site / ("" if lang == LANGS[0] else lang) / page_notebooks.FOLDER / f"{page}.ipynb"


def missing_notebooks(site: Path) -> list[str]:
    """The pages of the built site that have no valid notebook, named, with the reason."""
    problems = []
    for lang, page in built_pages(site):
        path = notebook_path(site, lang, page)
        if not path.exists():
            problems.append(f"{lang}/{page}: no notebook at {path.relative_to(site)}")
            continue
        try:
            nbformat.validate(nbformat.read(path, as_version=4))
        except Exception as error:   # invalid JSON or not nbformat 4
            problems.append(f"{lang}/{page}: {path.relative_to(site)} is not a valid notebook: {str(error)[:300]}")
    return problems


def page_code_cells(notebook) -> list[str]:
    """The code cells that are the page's code blocks (not the install cell, carried definitions, stand-ins)."""
    return [cell.source for cell in notebook.cells
            if cell.cell_type == "code" and not set(cell.metadata.get("tags", [])) & set(page_notebooks.NOT_ON_PAGE)]


def read(site: Path, lang: str, page: str):
    return nbformat.read(notebook_path(site, lang, page), as_version=4)


def test_every_page_of_both_languages_has_a_valid_notebook(site_build):
    pages = built_pages(site_build.site)
    assert {lang for lang, _ in pages} == set(LANGS) and len(pages) >= 2 * 10
    assert missing_notebooks(site_build.site) == []


def test_a_page_without_a_notebook_is_named(tmp_path):
    for lang, page in (("en", "index"), ("en", "monte-carlo"), ("zh", "monte-carlo")):
        html = tmp_path / ("" if lang == "en" else lang) / ("" if page == "index" else page) / "index.html"
        html.parent.mkdir(parents=True, exist_ok=True)
        html.write_text("<html></html>")
    for lang, page in (("en", "index"), ("zh", "monte-carlo")):
        path = notebook_path(tmp_path, lang, page)
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nbformat.v4.new_notebook(), path)
    notebook_path(tmp_path, "zh", "monte-carlo").write_text("{not json")
    problems = missing_notebooks(tmp_path)
    assert [problem.split(":")[0] for problem in problems] == ["en/monte-carlo", "zh/monte-carlo"]


def test_each_home_page_links_an_archive_of_all_notebooks_of_its_language(site_build):
    site = site_build.site
    for lang in LANGS:
        home = site / ("" if lang == LANGS[0] else lang) / "index.html"
        hrefs = re.findall(r'<a href="([^"]+\.zip)" download="[^"]+"[^>]*class="md-content__button md-icon notebook-archive"',
                           home.read_text(encoding="utf-8"))
        assert len(hrefs) == 1, f"{lang} home page: archive links {hrefs}"
        archive = (home.parent / hrefs[0]).resolve()
        with zipfile.ZipFile(archive) as zipped:
            names = sorted(Path(name).stem for name in zipped.namelist())
            for name in zipped.namelist():
                nbformat.validate(nbformat.reads(zipped.read(name).decode("utf-8"), as_version=4))
        assert names == sorted(page for page_lang, page in built_pages(site) if page_lang == lang)


# ------------------------------------------------------------------------------------------------
# Running them
# ------------------------------------------------------------------------------------------------
# The one place a page's code differs between languages: an exercise checker's `lang="zh"`, which
# picks the language of its verdict (both languages' verdicts are tested in test_exercises.py).
CHECKER_LANGUAGE = re.compile(r'\blang="(?:en|zh)"')


def language_neutral(source: str) -> str:
    return CHECKER_LANGUAGE.sub('lang="en"', source)


def run_key(notebook) -> str:
    """What a run's outcome depends on: the code cells (the checkers' language aside) and kernel,
    Python, the libraries it runs on."""
    neutral = nbformat.from_dict(notebook)
    for cell in neutral.cells:
        cell.source = language_neutral(cell.source)
    digest = hashlib.sha256(page_notebooks.notebook_digest(neutral).encode())
    digest.update(platform.python_version().encode() + json.dumps(notebook_cache.libraries()).encode())
    return digest.hexdigest()[:24]


def run_notebook(path: Path) -> list[str]:
    """Problems of one notebook run in a new process, in an empty temporary folder outside the
    repository, with nothing of the project on the path (and matplotlib's default backend)."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONSTARTUP", "MPLBACKEND", "JUPYTER_CONFIG_PATH"}}
    with tempfile.TemporaryDirectory(prefix="notebook-run-") as empty:
        assert not Path(empty).resolve().is_relative_to(ROOT)
        result = subprocess.run([sys.executable, str(RUNNER), str(path)], cwd=empty, env=env,
                                capture_output=True, text=True, timeout=1800)
    if result.returncode != 0:
        return [f"the runner exited {result.returncode}: {result.stderr[-2000:]}"]
    return json.loads(result.stdout.strip().splitlines()[-1])


def run_all(notebooks: dict[str, Path], runs: Path = RUNS) -> dict[str, list[str]]:
    """name -> problems for each notebook; a notebook whose code ran cleanly before is not run again.

    Notebooks with the same code (a page's two languages) run once; WORKERS run side by side.
    """
    by_key: dict[str, list[str]] = {}
    for name, path in notebooks.items():
        by_key.setdefault(run_key(nbformat.read(path, as_version=4)), []).append(name)
    todo = {key: names for key, names in by_key.items() if not (runs / f"{key}.json").exists()}

    def run_one(key: str) -> tuple[str, list[str]]:
        problems = run_notebook(notebooks[by_key[key][0]])
        if not problems:   # only clean runs are kept: a failure is run again next time
            _cache_tools().write_atomically(runs / f"{key}.json", json.dumps({"notebooks": by_key[key]}).encode())
        return key, problems

    with ThreadPoolExecutor(WORKERS) as pool:
        outcome = dict(pool.map(run_one, todo))
    return {name: outcome.get(key, []) for key, names in by_key.items() for name in names}


def test_every_notebook_runs_top_to_bottom_in_an_empty_folder(site_build, capsys):
    notebooks = {f"{lang}/{page}": notebook_path(site_build.site, lang, page) for lang, page in built_pages(site_build.site)}
    results = run_all(notebooks)
    failures = [f"{name}: {problem}" for name, problems in sorted(results.items()) for problem in problems]
    assert failures == [], "\n".join(failures)


def test_a_notebook_whose_cell_raises_fails_naming_its_page(tmp_path):
    notebook = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    notebook.cells = [nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("raise ValueError('the corridor has no end')"),
                      nbformat.v4.new_code_cell("import sys; print('careful', file=sys.stderr)")]
    path = tmp_path / "broken-page.ipynb"
    nbformat.write(notebook, path)
    results = run_all({"zh/broken-page": path}, runs=tmp_path / "runs")
    assert results["zh/broken-page"][:1] == ["cell 2 raised ValueError: the corridor has no end"]
    assert any("stderr: careful" in problem for problem in results["zh/broken-page"])
    assert not (tmp_path / "runs").exists()   # a failed run is not kept


# ------------------------------------------------------------------------------------------------
# Same code as the page, prose in the page's language
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang, page", EACH_PAGE)
def test_code_cells_are_the_page_code_blocks_in_page_order(site_build, reader, lang, page):   # noqa: F811
    """What the copy button of each Python block copies (tests/reader_helpers.py), block by block.
    (Every built page is one of these: test_site_reader.test_every_built_page_is_read.)"""
    shown = [block.code for block in reader.read(lang, page).code if block.runs_as_python]
    assert code_problems(f"{lang}/{page}", page_code_cells(read(site_build.site, lang, page)), shown) == []


def code_problems(where: str, cells: list[str], shown: list[str]) -> list[str]:
    if cells == shown:
        return []
    first = next((i for i, (a, b) in enumerate(zip(cells, shown)) if a != b), min(len(cells), len(shown)))
    return [f"{where}: {len(cells)} code cells, {len(shown)} blocks on the page; first difference at block {first}"]


def test_a_notebook_whose_code_differs_from_the_page_is_caught():
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("%pip install x", metadata={"tags": ["setup"]}),
                      nbformat.v4.new_code_cell("a = 1"), nbformat.v4.new_code_cell("b = 2")]
    assert code_problems("en/x", page_code_cells(notebook), ["a = 1", "b = 2"]) == []
    assert code_problems("en/x", page_code_cells(notebook), ["a = 1", "b = 3"]) == [
        "en/x: 2 code cells, 2 blocks on the page; first difference at block 1"]
    assert code_problems("en/x", page_code_cells(notebook), ["b = 2", "a = 1"])          # order
    assert code_problems("en/x", page_code_cells(notebook), ["a = 1", "b = 2", "c = 3"])  # a block left out


def test_both_languages_run_the_same_code(site_build):
    site = site_build.site
    different = [page for lang, page in built_pages(site) if lang == LANGS[0]
                 if [language_neutral(c.source) for c in read(site, "en", page).cells if c.cell_type == "code"]
                 != [language_neutral(c.source) for c in read(site, "zh", page).cells if c.cell_type == "code"]]
    assert different == []


def cjk_text(text: str) -> str:
    return "".join(CJK.findall(text))


def paragraphs(notebook) -> list[str]:
    return [part.strip() for cell in notebook.cells if cell.cell_type == "markdown"
            for part in re.split(r"\n\s*\n", cell.source) if part.strip()]


def page_text(site: Path, lang: str, page: str) -> str:
    """The visible text of the page's article, formulas left out."""
    from bs4 import BeautifulSoup

    html = site / ("" if lang == LANGS[0] else lang) / ("" if page == "index" else page) / "index.html"
    article = BeautifulSoup(rh.without_formula_insides(html.read_text(encoding="utf-8")), "html.parser").select_one("article")
    if article is None:
        return ""
    for formula in article.select(".katex, .katex-display, .arithmatex"):
        formula.decompose()
    return article.get_text(" ")


def without_math(text: str) -> str:
    return page_notebooks.MATH.sub(" ", text)


def prose_problems(site: Path, page: str) -> list[str]:
    """The Chinese notebook's prose is the Chinese page's: its Chinese text appears, in order, on the
    Chinese page, and none of its paragraphs is one of the English notebook's."""
    problems = []
    chinese = cjk_text(page_text(site, "zh", page))
    source_line = re.compile("^\\*" + re.escape(page_notebooks.TEXT["zh"]["source"]).replace(re.escape("{url}"), r"\S+") + "\\*$")
    english = {without_math(p).strip() for p in paragraphs(read(site, "en", page))}
    english = {p for p in english if len(re.findall(r"\b[A-Za-z]{4,}\b", p)) >= 3}
    position = 0
    for paragraph in paragraphs(read(site, "zh", page)):
        if source_line.match(paragraph):   # the page's address, which the page does not show
            continue
        if without_math(paragraph).strip() in english:
            problems.append(f"zh/{page}: English paragraph {paragraph[:60]!r}")
        own = cjk_text(without_math(paragraph))
        found = chinese.find(own, position) if own else position
        if found < 0:
            problems.append(f"zh/{page}: {paragraph[:60]!r} is not on the Chinese page (in this order)")
        else:
            position = found + len(own)
    if not cjk_text("".join(paragraphs(read(site, "zh", page)))):
        problems.append(f"zh/{page}: no Chinese prose")
    return problems


@pytest.mark.parametrize("page", PAGES)
def test_chinese_notebooks_carry_the_chinese_pages_prose(site_build, page):
    assert prose_problems(site_build.site, page) == []


def test_an_english_notebook_in_the_chinese_folder_is_caught(site_build, tmp_path):
    import shutil

    site = tmp_path / "site"
    for lang, page in (("en", "monte-carlo"), ("zh", "monte-carlo")):
        target = site / ("" if lang == "en" else lang)
        (target / page_notebooks.FOLDER).mkdir(parents=True, exist_ok=True)
        (target / page).mkdir(parents=True, exist_ok=True)
        shutil.copy(notebook_path(site_build.site, lang, page), notebook_path(site, lang, page))
        shutil.copy(site_build.site / ("" if lang == "en" else lang) / page / "index.html", target / page / "index.html")
    assert prose_problems(site, "monte-carlo") == []
    shutil.copy(notebook_path(site, "en", "monte-carlo"), notebook_path(site, "zh", "monte-carlo"))
    assert prose_problems(site, "monte-carlo")


# ------------------------------------------------------------------------------------------------
# The download button, as a reader uses it
# ------------------------------------------------------------------------------------------------
ARCHIVE = "article a.md-content__button.notebook-archive"


def fetch(url: str) -> tuple[int, bytes]:
    from urllib.error import HTTPError
    from urllib.request import urlopen

    try:
        with urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except HTTPError as error:
        return error.code, b""


def button_problems(buttons: list[dict], lang: str, page: str, fetch=fetch) -> list[str]:
    """The buttons the reader found next to a page's title (reader_helpers.download_buttons): one that
    downloads this page's notebook (and on a home page one for the archive), drawn, reached with the
    keyboard, named in the page's language, and whose link serves a valid notebook (or zip)."""
    where, problems = f"{lang}/{page}", []
    kinds = sorted(button["kind"] for button in buttons)
    expected = ["archive", "notebook"] if page == "index" else ["notebook"]
    if kinds != expected:
        return [f"{where}: download buttons {kinds}, expected {expected}"]
    for button in buttons:
        if not button["visible"]:
            problems.append(f"{where}: the {button['kind']} button is not drawn")
        if button["tabIndex"] < 0:
            problems.append(f"{where}: the keyboard does not reach the {button['kind']} button")
        if not button["name"] or (lang == "zh") != bool(CJK.search(button["name"])):
            problems.append(f"{where}: the {button['kind']} button's name {button['name']!r} is not in the page's language")
        status, body = fetch(button["href"])
        if status != 200:
            problems.append(f"{where}: {button['href']} answers {status}")
            continue
        try:
            if button["kind"] == "notebook":
                if not button["href"].endswith(f"/{page_notebooks.FOLDER}/{page}.ipynb"):
                    problems.append(f"{where}: the button links {button['href']}, not this page's notebook")
                nbformat.validate(nbformat.reads(body.decode("utf-8"), as_version=4))
            else:
                import io
                zipfile.ZipFile(io.BytesIO(body)).testzip()
        except Exception as error:
            problems.append(f"{where}: {button['href']} is not a valid download: {str(error)[:200]}")
    return problems


@pytest.mark.parametrize("lang, page", EACH_PAGE)
def test_every_page_has_a_download_button_that_serves_its_notebook(reader, lang, page):   # noqa: F811
    """Read in Chromium by the reader tests' pass over every page (test_site_reader.Reader)."""
    reading = reader.read(lang, page)
    problems = [error for error in reading.errors if error.startswith(("load", "download buttons"))]
    assert problems + button_problems(reading.downloads, lang, page) == []


def test_a_broken_download_button_is_caught():
    notebook = nbformat.writes(nbformat.v4.new_notebook()).encode()
    good = {"kind": "notebook", "href": "http://site/zh/notebooks/monte-carlo.ipynb", "name": "下载 Notebook",
            "tabIndex": 0, "visible": True}
    serves = lambda url: (200, notebook)   # noqa: E731
    assert button_problems([good], "zh", "monte-carlo", serves) == []
    assert button_problems([good], "zh", "monte-carlo", lambda url: (404, b""))                       # dead link
    assert button_problems([good], "zh", "monte-carlo", lambda url: (200, b"<html>"))                 # not a notebook
    assert button_problems([good], "zh", "agent", serves)                                             # another page's
    assert button_problems([good | {"name": "Download notebook"}], "zh", "monte-carlo", serves)       # wrong language
    assert button_problems([good | {"tabIndex": -1}], "zh", "monte-carlo", serves)                    # no keyboard
    assert button_problems([good | {"visible": False}], "zh", "monte-carlo", serves)                  # not drawn
    assert button_problems([], "zh", "monte-carlo", serves)                                           # no button
    assert button_problems([good], "zh", "index", serves)                                             # no archive


def test_the_download_buttons_are_reached_with_the_tab_key(site_build, browser):   # noqa: F811
    """On each home page, a reader who only uses the keyboard reaches both buttons with Tab."""
    import reader_helpers as rh

    server = rh.SiteServer(site_build.site)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        for lang in LANGS:
            page.goto(rh.page_url(server.base, lang, "index"))
            page.wait_for_selector(ARCHIVE, state="visible")
            reached = set()
            for _ in range(60):
                page.keyboard.press("Tab")
                reached |= set(page.evaluate("() => [...document.activeElement.classList]"))
                if {"notebook-download", "notebook-archive"} <= reached:
                    break
            assert "notebook-download" in reached, f"{lang}: Tab never reaches the download button"
            assert "notebook-archive" in reached, f"{lang}: Tab never reaches the archive button"
    finally:
        context.close()
        server.stop()


# ------------------------------------------------------------------------------------------------
# The hook on throw-away pages
# ------------------------------------------------------------------------------------------------
class FakeFiles:
    def __init__(self, urls: dict[str, str]):
        self.urls = urls

    def get_file_from_path(self, path):
        return SimpleNamespace(url=self.urls[path]) if path in self.urls else None


def throwaway_page(tmp_path: Path, text: str, lang: str = "en", name: str = "scratch"):
    path = tmp_path / "docs" / lang / f"{name}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    file = SimpleNamespace(abs_src_path=str(path), src_uri=f"{lang}/{name}.md", src_path=f"{lang}/{name}.md")
    url = f"{name}/" if lang == "en" else f"{lang}/{name}/"
    return SimpleNamespace(file=file, url=url)


CONFIG = {"site_url": "https://example.org/pg/"}
FILES = FakeFiles({"en/glossary.md": "glossary/", "zh/glossary.md": "zh/glossary/"})
PINS = page_notebooks.project_pins(ROOT / "pyproject.toml")


def make(tmp_path, text, lang="en"):
    return page_notebooks.page_notebook(throwaway_page(tmp_path, text, lang), CONFIG, FILES, PINS)


def test_a_page_becomes_prose_cells_and_code_cells(tmp_path):
    made = make(tmp_path, (
        "# Scratch\n\nA [score](glossary.md#score) and $\\nabla_\\theta \\log p$ {: .x }\n\n"
        "## Section { #section }\n\n<!-- formula: A1 | code: monte_carlo.py:estimate -->\n$$\nx \\tag{A1}\n$$\n\n"
        '```python\n--8<-- "monte_carlo.py:estimate"\n```\n\n'
        '!!! note "Careful"\n    Inside the box.\n\n'
        '=== "NumPy"\n\n    ```python\n    print(1)\n    ```\n\n'
        "```text\nprinted output\n```\n"), "zh")
    cells = made.notebook.cells
    markdown = "\n\n".join(cell.source for cell in cells if cell.cell_type == "markdown")
    assert made.path == "zh/notebooks/scratch.ipynb"
    assert "[score](https://example.org/pg/zh/glossary/#score)" in markdown
    assert '## Section <a id="section"></a>' in markdown and "{ #section }" not in markdown and "{: .x }" not in markdown
    assert "formula:" not in markdown and "$$\nx \\tag{A1}\n$$" in markdown
    assert "> **Careful**\n>\n> Inside the box." in markdown
    assert "**NumPy**" in markdown and "```text\nprinted output\n```" in markdown
    code = page_code_cells(made.notebook)
    assert code == [page_notebooks.section_source("monte_carlo.py", "estimate").rstrip(), "print(1)"]
    setup = [cell for cell in cells if "setup" in cell.metadata.get("tags", [])]
    assert len(setup) == 1 and f'"numpy": "{PINS["numpy"]}"' in setup[0].source and "%pip install" in setup[0].source
    nbformat.validate(made.notebook)


@pytest.mark.parametrize("code, message", [
    ('--8<-- "monte_carlo.py:no_such_section"', "no section 'no_such_section'"),
    ('--8<-- "no_such_file.py:x"', "no file snippets/no_such_file.py"),
    ("from policy_gradient import reward_to_go\nprint(reward_to_go)", "imports policy_gradient, a module of this repository"),
    ('import sys\nsys.path.insert(0, "snippets")', "changes sys.path"),
    ('print(open("snippets/monte_carlo.py").read())', "reads 'snippets/monte_carlo.py', a file of this repository"),
    ("print(undefined_helper(3))", "uses undefined_helper, which no cell of the notebook defines"),
    ("import yaml\nprint(yaml)", "imports yaml, which pyproject.toml does not pin"),
])
def test_a_notebook_that_cannot_be_self_contained_names_page_and_block(tmp_path, code, message):
    with pytest.raises(page_notebooks.NotebookError) as raised:
        make(tmp_path, f"# Scratch\n\nText.\n\n```python\nx = 1\n```\n\n```python\n{code}\n```\n")
    assert "docs/en/scratch.md, code block 2" in str(raised.value) and message in str(raised.value)


def test_a_notebook_that_cannot_be_made_fails_the_strict_build(project_copy, tmp_path):
    page = project_copy / "docs" / "zh" / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n```python\nimport monte_carlo\n```\n", encoding="utf-8")
    result = build(project_copy, tmp_path / "site")
    assert result.returncode != 0
    assert "docs/zh/index.md, code block 1" in result.log and "imports monte_carlo" in result.log


def test_the_throwaway_project_writes_notebooks_and_archives(project_copy, tmp_path):
    result = build(project_copy, tmp_path / "site")
    assert result.returncode == 0, result.log
    assert missing_notebooks(tmp_path / "site") == []
    assert (tmp_path / "site" / "zh" / "notebooks" / "policy-gradient-notebooks-zh.zip").exists()


NOTEBOOK_PAGE = """---
jupyter:
  jupytext:
    text_representation:
      extension: .md
      format_name: markdown
  kernelspec:
    display_name: Python 3
    language: python
    name: python3
---

# A notebook page

```python tags=["hide-input"]
from _page_tools import show_section
import variance_reduction_report as report
LANG = "en"
```

Prose.

```python tags=["hide-input"]
show_section("short_corridor.py", "exact_value")
```

```python tags=["hide-input"]
table = report.estimator_rows()
report.estimator_table(LANG)
```
"""
STAND_IN = '\n```python tags=["notebook-only"]\nprint(corridor_J(P_STAR))\n```\n'


def test_a_notebook_page_keeps_its_shown_code_and_drops_its_machinery(tmp_path):
    made = make(tmp_path, NOTEBOOK_PAGE + STAND_IN)
    code = [cell for cell in made.notebook.cells if cell.cell_type == "code"]
    assert page_code_cells(made.notebook) == [page_notebooks.section_source("short_corridor.py", "exact_value").rstrip()]
    assert [cell.metadata.get("tags", []) for cell in code] == [["setup"], [], ["notebook-only"]]
    assert "report" not in "".join(cell.source for cell in code) and "show_section" not in "".join(c.source for c in code)


def test_a_notebook_page_that_drops_results_without_a_stand_in_is_named(tmp_path):
    page = throwaway_page(tmp_path, NOTEBOOK_PAGE)
    assert stand_in_problems({"scratch": Path(page.file.abs_src_path)}) == [
        "docs/en/scratch.md leaves out the results of cell 5 (page machinery) and has no `notebook-only` cell "
        "that computes them in the notebook"]
    (tmp_path / "docs" / "en" / "scratch.md").write_text(NOTEBOOK_PAGE + STAND_IN, encoding="utf-8")
    assert stand_in_problems({"scratch": Path(page.file.abs_src_path)}) == []


def stand_in_problems(pages: dict[str, Path]) -> list[str]:
    problems = []
    for name, path in pages.items():
        where = f"docs/{path.parent.name}/{path.name}"
        cells, dropped = page_notebooks.notebook_page_cells(path, lambda target: target, where)
        if dropped and not any(page_notebooks.NOTEBOOK_ONLY in cell.tags for cell in cells):
            cell_numbers = ", ".join(item.rsplit("cell ", 1)[1] for item in dropped)
            problems.append(f"{where} leaves out the results of cell {cell_numbers} (page machinery) and has no "
                            "`notebook-only` cell that computes them in the notebook")
    return problems


def test_every_notebook_page_computes_its_results_in_its_notebook():
    """A notebook page whose plots and tables come from page machinery stands in for them with
    `notebook-only` cells: a downloaded notebook without its results would be a broken one."""
    pages = {f"{lang}/{path.stem}": path for lang in LANGS for path in sorted((DOCS / lang).glob("*.md"))
             if page_notebooks.is_notebook_page(path.read_text(encoding="utf-8"))}
    assert stand_in_problems(pages) == []


# ------------------------------------------------------------------------------------------------
# Exercises: the notebook ends with them, solutions hidden
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", __import__("exercise_pages").TEACHING_PAGES)
def test_notebook_ends_with_the_exercises_solutions_hidden(site_build, lang, page):
    import exercise_pages

    blocks = [block for exercise in exercise_pages.exercises(lang, page) for block in exercise.blocks]
    assert blocks, f"docs/{lang}/{page}.md has no exercise code"
    code_cells = [cell for cell in read(site_build.site, lang, page).cells if cell.cell_type == "code"]
    tail = code_cells[-len(blocks):]
    assert [cell.source for cell in tail] == [block.code for block in blocks]
    hidden = [cell.metadata.get("jupyter", {}).get("source_hidden", False) for cell in tail]
    assert hidden == [block.box == "success" for block in blocks]


def test_an_exercise_solution_is_folded_in_the_notebook():
    page = ("### ★ Task { #task }\n\nShow that $a = b$.\n\n??? success \"Solution\"\n    Since $a = b$.\n\n"
            "    ```python\n    x = 1\n    ```\n\n    Hence it.\n\n!!! note \"Aside\"\n    Not folded.\n")
    cells = page_notebooks.markdown_cells(page, lambda lines, n: ("\n".join(lines), []), lambda target: target, "x")
    assert [(cell.kind, cell.tags) for cell in cells] == [
        ("markdown", []), ("markdown", []), ("code", [page_notebooks.SOLUTION]), ("markdown", []), ("markdown", [])]
    assert cells[0].source.startswith("### ★ Task") and "Show that" in cells[0].source
    assert cells[1].source == '<details><summary><b>Solution</b></summary>\n\nSince $a = b$.\n\n</details>'
    assert cells[3].source.startswith("<details>") and "Hence it." in cells[3].source
    assert cells[4].source.startswith("> **Aside**") and "<details>" not in cells[4].source
