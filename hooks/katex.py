"""Render every formula to KaTeX HTML at build time, and serve KaTeX's CSS and fonts from the site.

Markdown pages: pymdownx.arithmatex (generic mode) wraps TeX in `<span class="arithmatex">\\(…\\)</span>`
and `<div class="arithmatex">\\[…\\]</div>`. Notebook pages (mkdocs-jupyter): the Markdown cells keep
`$…$` / `$$…$$` as text and the page carries a MathJax loader from a CDN, which is removed here.
KaTeX itself (npm package `katex`, pinned in package.json) runs in one Node process for the whole
build. A formula KaTeX cannot parse fails the build with the page and the TeX.
"""
from __future__ import annotations

import html
import json
import logging
import re
import shutil
import subprocess
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from html_regions import PROTECTED, outside_protected  # MkDocs puts hooks/ on sys.path while loading hooks
from katex_fonts import drawn_characters, drawn_text, write_fonts
from search_languages import formula_search_text

log = logging.getLogger("mkdocs.hooks.katex")

ROOT = Path(__file__).resolve().parent.parent
KATEX_DIST = ROOT / "node_modules" / "katex" / "dist"
RENDERER = Path(__file__).resolve().parent / "katex_render.cjs"
INSTALL_HINT = "run `make install` (it runs `npm ci`) so that node_modules/katex exists"

ARITHMATEX = re.compile(
    r'<(?P<tag>span|div) class="arithmatex">\s*(?P<open>\\\(|\\\[)(?P<tex>.*?)(?:\\\)|\\\])\s*</(?P=tag)>',
    re.S,
)
NOTEBOOK_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.S)
NOTEBOOK_INLINE = re.compile(r"(?<![\\$\w])\$(?!\s)([^$\n]+?)(?<!\s)\$(?![\w$])")
MATHJAX_LOADER = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)

_renderer: subprocess.Popen | None = None
_rendered: dict[tuple[str, bool], str] = {}  # survives rebuilds under `mkdocs serve`
# What the formulas of both languages draw (the i18n plugin builds them one after the other in this
# process), for the fonts written after the build. Under `mkdocs serve` it only grows: a character no
# formula draws any more keeps its glyph until the server restarts.
_drawn: set[str] = set()


def _start_renderer() -> subprocess.Popen:
    global _renderer
    if _renderer is None or _renderer.poll() is not None:
        if not (KATEX_DIST / "katex.min.css").exists():
            raise PluginError(f"KaTeX is not installed: {KATEX_DIST} is missing; {INSTALL_HINT}")
        if shutil.which("node") is None:
            raise PluginError("Node.js is not on PATH; the build renders math with KaTeX under Node (>= 20)")
        _renderer = subprocess.Popen(
            ["node", str(RENDERER)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True, encoding="utf-8", bufsize=1,
        )
    return _renderer


def render(tex: str, display: bool) -> str:
    """KaTeX HTML for one formula; raises ValueError with KaTeX's message if it cannot parse it."""
    key = (tex, display)
    if key not in _rendered:
        process = _start_renderer()
        process.stdin.write(json.dumps({"tex": tex, "display": display}) + "\n")
        process.stdin.flush()
        answer = json.loads(process.stdout.readline())
        if "error" in answer:
            raise ValueError(answer["error"])
        # The MathML copy (for screen readers) repeats the formula and its TeX: keep it out of the
        # search index, whose previews would show the TeX. Material's search plugin skips elements
        # marked data-search-exclude and strips the mark from the page.
        _rendered[key] = answer["html"].replace(
            '<span class="katex-mathml">', '<span class="katex-mathml" data-search-exclude="mathml">')
    return _rendered[key]


EQUATION_TAG = re.compile(r"\\tag\*?\{\s*([A-Za-z0-9][A-Za-z0-9_.\-]*)\s*\}")
DISPLAY_OPEN = '<span class="katex-display">'


class _Errors(list):
    """One page's formulas: KaTeX's errors, and the equation ids already given on the page."""

    def __init__(self):
        super().__init__()
        self.equation_ids: set[str] = set()

    def render(self, tex: str, display: bool) -> str:
        try:
            rendered = render(tex, display)
        except ValueError as error:
            self.append(f"{error}\n      TeX: {tex.strip()}")
            return ""
        _drawn.update(drawn_characters(rendered))
        if display:
            rendered = self.anchor(tex, rendered)
        return f"<!--katex-->{rendered}<!--/katex-->"  # marks: see on_page_context

    def anchor(self, tex: str, rendered: str) -> str:
        """`\\tag{D5}` makes the display a link target, `#D5` (the first display with that tag on a page)."""
        tag = EQUATION_TAG.search(tex)
        if tag is None or tag.group(1) in self.equation_ids or not rendered.startswith(DISPLAY_OPEN):
            return rendered
        self.equation_ids.add(tag.group(1))
        return f'<span class="katex-display" id="{tag.group(1)}">' + rendered[len(DISPLAY_OPEN):]


def render_markdown_page(content: str, errors: _Errors) -> str:
    def replace(match: re.Match) -> str:
        tex = html.unescape(match.group("tex"))
        tag = match.group("tag")  # keep arithmatex's wrapper: Material styles it (scrolling wide formulas)
        rendered = errors.render(tex, display=match.group("open") == "\\[")
        return f'<{tag} class="arithmatex">{rendered}</{tag}>'

    return ARITHMATEX.sub(replace, content)


def render_notebook_page(content: str, errors: _Errors) -> str:
    def render_math(text: str) -> str:  # `$` in code, program output, plots and scripts is not math
        text = NOTEBOOK_DISPLAY.sub(lambda m: errors.render(html.unescape(m.group(1)), True), text)
        return NOTEBOOK_INLINE.sub(lambda m: errors.render(html.unescape(m.group(1)), False), text)

    return outside_protected(MATHJAX_LOADER.sub("", content), render_math)


TOC_MATH = re.compile(r"\\\((?P<tex>.*?)\\\)", re.S)


def render_toc(items, errors: _Errors) -> None:
    """Headings with math: the table of contents gets the same KaTeX HTML as the heading."""
    for item in items:
        title = TOC_MATH.sub(lambda m: errors.render(html.unescape(m.group("tex")), False), item.title)
        item.title = keep_punctuation_with_formula(title).replace("<!--katex-->", "").replace("<!--/katex-->", "")
        render_toc(item.children, errors)


# Chromium may break a line right after a formula (each of KaTeX's pieces is an inline-block), before the
# comma or full stop that follows it, which then starts the next line: "，下面的图…" under "…精确的 J". A
# short formula of one piece goes into a nowrap box with the punctuation after it. A formula of several
# pieces is left alone (the box would also stop its own line breaks, which a long formula needs on a
# phone), and so is a long one: a box wider than what is left of a phone's line would stick out of it.
TRAILING_PUNCTUATION = "，。、；：？！）」』】》〉”’…,.;:!?)"
FORMULA_THEN_PUNCTUATION = re.compile(
    r'(?P<formula>(?P<arithmatex><span class="arithmatex">)?<!--katex-->(?P<katex>(?:(?!<!--/katex-->).)*)<!--/katex-->'
    rf'(?(arithmatex)</span>))(?P<punctuation>[{re.escape(TRAILING_PUNCTUATION)}]+)', re.S)
PIECE = re.compile(r'class="(?:katex-)?base"')
SHORT = 12   # characters drawn: about 8 em, a third of a phone's line


def keep_punctuation_with_formula(html_content: str) -> str:
    def keep(match: re.Match) -> str:
        formula = match.group("katex")
        if formula.startswith('<span class="katex-display"') or len(PIECE.findall(formula)) != 1 \
                or len(drawn_text(formula)) > SHORT:
            return match.group(0)
        return f'<span class="katex-nowrap">{match.group("formula")}{match.group("punctuation")}</span>'

    return FORMULA_THEN_PUNCTUATION.sub(keep, html_content)


def on_page_content(html_content: str, page, config, files) -> str:
    errors = _Errors()
    render_toc(page.toc, errors)
    is_notebook = "jp-Notebook" in html_content or "<!-- Load mathjax -->" in html_content
    if is_notebook:
        html_content = render_notebook_page(html_content, errors)
    else:
        html_content = render_markdown_page(html_content, errors)
    # Whatever still looks like display math was not recognised as math: fail rather than show raw TeX.
    leftover = [part for part in PROTECTED.split(html_content)[::2] if "$$" in part]
    if errors or leftover:
        details = "\n  - ".join(errors) if errors else "unrendered display math ($$) left in the page"
        raise PluginError(f"KaTeX could not render math in docs/{page.file.src_path}:\n  - {details}")
    return keep_punctuation_with_formula(html_content)


# Material's search plugin parses every page's HTML tag by tag, in Python; KaTeX writes a dozen
# elements per symbol, which made indexing half of each rebuild, and its visible HTML reads as
# flattened math in a preview ("R^t−v^(st)"). So the plugin is given the page with each formula swapped
# for a short readable text (hooks/search_languages.py), and the formulas are put back into the page.
FORMULA = re.compile(r"<!--katex-->(.*?)<!--/katex-->", re.S)
PLACEHOLDER = re.compile(r'<span data-katex-formula="(\d+)">.*?</span>', re.S)  # text with <sub>/<sup>
_formulas: dict[str, list[str]] = {}  # page URL -> the formulas swapped out of its content


@event_priority(100)  # before the search plugin indexes page.content
def on_page_context(context, page, config, nav):
    formulas = _formulas[page.url] = []

    def swap(match: re.Match) -> str:
        formulas.append(match.group(1).replace(' data-search-exclude="mathml"', ""))
        return f'<span data-katex-formula="{len(formulas) - 1}">{formula_search_text(match.group(1))}</span>'

    page.content = FORMULA.sub(swap, page.content)
    return context


@event_priority(100)  # before any other hook reads the page
def on_post_page(output: str, page, config) -> str:
    formulas = _formulas.pop(page.url, [])
    return PLACEHOLDER.sub(lambda match: formulas[int(match.group(1))], output)


@event_priority(-110)  # after mkdocs-static-i18n (-100) has built the other language: every formula is in
def on_post_build(config) -> None:
    """KaTeX's stylesheet and fonts in the site (the pages never ask another origin for them); the fonts
    with only the glyphs the formulas draw (hooks/katex_fonts.py)."""
    target = Path(config["site_dir"]) / "assets" / "katex"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(KATEX_DIST / "katex.min.css", target / "katex.min.css")
    try:
        sizes = write_fonts(_drawn, target / "fonts")
    except ImportError as error:   # fontTools writes woff2 with brotli: both are in requirements.lock
        raise PluginError(f"cannot write KaTeX's fonts: {error}; run `make install`") from error
    before, after = (sum(size[i] for size in sizes.values()) for i in (0, 1))
    log.debug(f"KaTeX fonts: {len(_drawn)} characters drawn, {before // 1024} KB -> {after // 1024} KB")


def on_shutdown() -> None:
    if _renderer is not None and _renderer.poll() is None:
        _renderer.stdin.close()
        _renderer.wait(timeout=5)
