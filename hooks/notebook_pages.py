"""Make notebook pages (mkdocs-jupyter) behave like the Markdown pages.

- Headings: nbconvert's Markdown renderer has no attr_list, so `## Baselines { #baseline }` would show
  the braces and get an id made from the text. The explicit id is moved into the heading and into the
  table of contents, so English and Chinese anchors match as on every other page.
- Links: nbconvert leaves `[text](glossary.md#score)` as a link to the Markdown file; it is resolved
  to the page's URL as MkDocs does on Markdown pages, and a link to a missing page fails the build.
- Code: nbconvert's highlighted blocks get the `<code>` element Material puts its copy button on.
- Stderr: what a cell writes to stderr (a warning, a missing font) would be shown to readers as it
  is; each such output is reported as a build warning naming the page, so a strict build fails.
- Size: mkdocs-jupyter inlines JupyterLab's stylesheet (~0.6 MB) into every notebook page. It is
  written once to `assets/notebook-<hash>.css` and linked instead, so the browser caches it, and only
  the rules that can match a notebook page of the site are kept (~40 KB): the stylesheet blocks the
  first paint, and a phone parses and matches every rule of it.
"""
from __future__ import annotations

import functools
import hashlib
import logging
import posixpath
import re
from html import unescape
from pathlib import Path

import tinycss2
from mkdocs.utils import get_relative_url

log = logging.getLogger("mkdocs.hooks.notebook_pages")

EXPLICIT_ID = re.compile(r"\s*\{\s*#([\w-]+)\s*\}\s*$")
HEADING = re.compile(r'<h(?P<level>[1-6]) id="(?P<id>[^"]*)">(?P<title>.*?)(?:<a class="anchor-link" href="#[^"]*">¶</a>)?</h(?P=level)>', re.S)
MD_LINK = re.compile(r'href="(?P<path>(?![a-z][a-z0-9+.-]*:|/|#)[^"#]*\.md)(?P<anchor>#[^"]*)?"')
CELL_ID = re.compile(r'id="cell-id=([\w-]+)"')
HIGHLIGHTED = re.compile(r'<div class="highlight(?P<classes>[^"]*)"><pre>(?P<code>.*?)</pre></div>', re.S)
STYLE = re.compile(r"<style[^>]*>(?P<css>.*?)</style>", re.S)
STDERR = re.compile(r'data-mime-type="application/vnd\.jupyter\.stderr"[^>]*>\s*<pre>(?P<text>.*?)</pre>', re.S)
LARGE_STYLE = 2000  # characters; small per-output styles stay inline

ROOT = Path(__file__).resolve().parent.parent
PRUNED = ROOT / ".cache" / "notebook-css"  # parsing JupyterLab's sheet takes a second: once per content
_stylesheets: dict[str, str] = {}  # file name -> css, written after the build
_classes_used: set[str] = set()     # every class on the notebook pages, to prune the stylesheet with
CLASS_ATTRIBUTE = re.compile(r'\bclass="([^"]*)"')
SELECTOR_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
# `:not(.jp-mod-active)` matches where the class is absent, `:is(.a, .b)` where one is present: the
# classes in a functional pseudo-class decide nothing here, and their rule is kept.
PSEUDO_ARGUMENTS = re.compile(r":[\w-]+\((?:[^()]|\([^()]*\))*\)")
# JupyterLab scopes its sheet under `.jupyter-wrapper`, so `.jupyter-wrapper :root { … }` (80 KB of
# icons) and `.jupyter-wrapper body` can never match anything.
NEVER_MATCHES = re.compile(r"\S\s*[\s>+~]\s*(:root|html|body)\b")
GROUPING_RULES = {"media", "supports", "layer", "container"}


def is_notebook(html: str) -> bool:
    return "jp-Notebook" in html


def fix_headings(html: str) -> tuple[str, dict[str, str]]:
    """Move `{ #id }` out of heading text into the id; return the html and old id -> new id."""
    renamed = {}

    def replace(match: re.Match) -> str:
        level, old_id, title = match.group("level"), match.group("id"), match.group("title")
        explicit = EXPLICIT_ID.search(title)
        new_id = explicit.group(1) if explicit else old_id
        title = EXPLICIT_ID.sub("", title) if explicit else title
        renamed[old_id] = new_id
        return f'<h{level} id="{new_id}">{title}<a class="headerlink" href="#{new_id}" title="Permanent link">¶</a></h{level}>'

    return HEADING.sub(replace, html), renamed


def fix_toc(items, renamed: dict[str, str]) -> None:
    """Give the table of contents the headings' explicit ids and titles without the `{ #id }`."""
    for item in items:
        explicit = EXPLICIT_ID.search(item.title)
        if explicit:
            item.title = EXPLICIT_ID.sub("", item.title)
            item.id = explicit.group(1)
        elif item.id in renamed:
            item.id = renamed[item.id]
        fix_toc(item.children, renamed)


def resolve_links(html: str, page, files) -> str:
    """Turn links to .md files into links to the built pages, relative to this page."""
    missing = []

    def replace(match: re.Match) -> str:
        target_uri = posixpath.normpath(posixpath.join(posixpath.dirname(page.file.src_uri), match.group("path")))
        target = files.get_file_from_path(target_uri)
        if target is None:
            missing.append(match.group("path"))
            return match.group(0)
        return f'href="{get_relative_url(target.url, page.url)}{match.group("anchor") or ""}"'

    html = MD_LINK.sub(replace, html)
    for path in sorted(set(missing)):  # a warning, as MkDocs gives for Markdown pages: --strict fails on it
        log.warning(f"docs/{page.file.src_path} links to '{path}', which is not a page of the site")
    return html


def wrap_code(html: str) -> str:
    """nbconvert highlights code as `<pre>` without `<code>`; Material adds its copy button to `pre > code`."""
    return HIGHLIGHTED.sub(
        lambda m: f'<div class="highlight{m.group("classes")}"><pre><code class="language-python">{m.group("code")}</code></pre></div>', html)


def link_stylesheets(html: str, page) -> str:
    large = [m for m in STYLE.finditer(html) if len(m.group("css")) > LARGE_STYLE]
    if not large:
        return html
    css = "\n".join(m.group("css") for m in large)
    name = f"notebook-{hashlib.sha256(css.encode()).hexdigest()[:12]}.css"
    _stylesheets[name] = css
    to_root = "../" * page.url.count("/")
    for match in reversed(large):
        html = html[: match.start()] + html[match.end():]
    return f'<link rel="stylesheet" href="{to_root}assets/{name}">\n' + html


def _selectors(rule) -> list[str]:
    selectors, current = [], []
    for token in rule.prelude:
        if token.type == "literal" and token.value == ",":
            selectors.append(tinycss2.serialize(current))
            current = []
        else:
            current.append(token)
    return selectors + [tinycss2.serialize(current)]


def _can_match(selector: str, classes: set[str]) -> bool:
    # Material's script adds classes of its own at run time (`md-typeset__scrollwrap` around tables)
    return not NEVER_MATCHES.search(selector) and all(
        name in classes or name.startswith("md-") for name in SELECTOR_CLASS.findall(PSEUDO_ARGUMENTS.sub("", selector)))


def _kept_rules(rules, classes: set[str]) -> list[str]:
    kept = []
    for rule in rules:
        if rule.type == "qualified-rule":
            if any(_can_match(selector, classes) for selector in _selectors(rule)):
                kept.append(rule.serialize())
        elif rule.type == "at-rule" and rule.lower_at_keyword in GROUPING_RULES and rule.content is not None:
            inner = _kept_rules(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True), classes)
            if inner:
                kept.append(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}{{{''.join(inner)}}}")
        else:  # @font-face, @keyframes, @charset, …
            kept.append(rule.serialize())
    return kept


@functools.lru_cache(maxsize=2)  # each language's build prunes the same sheet again
def _parsed(css: str) -> list:
    return tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)


def prune_stylesheet(css: str, classes: set[str]) -> str:
    """Only the rules one of whose selectors names classes that all occur in `classes` (and can match)."""
    return "\n".join(_kept_rules(_parsed(css), classes))


def report_stderr(html: str, page) -> None:
    """One build warning per distinct stderr text of the page's cells."""
    texts = dict.fromkeys(unescape(re.sub(r"<[^>]+>", "", m.group("text"))).strip() for m in STDERR.finditer(html))
    for text in texts:
        log.warning(f"docs/{page.file.src_path}: a notebook cell wrote to stderr, which the page would show: {text}")


def on_page_content(html: str, page, config, files) -> str:
    if not is_notebook(html):
        return html
    report_stderr(html, page)
    html, renamed = fix_headings(html)
    fix_toc(page.toc, renamed)
    html = resolve_links(html, page, files)
    html = wrap_code(html)
    # nbconvert's ids (`cell-id=<random>`, new at every read of a Markdown notebook) are not valid CSS
    # selectors, which Material's copy button needs, and differ between builds: number the cells.
    counter = iter(range(1, 10_000))
    html = CELL_ID.sub(lambda m: f'id="cell-{next(counter)}"', html)
    return link_stylesheets(html, page)


def on_post_page(output: str, page, config) -> str:
    if is_notebook(output):
        for match in CLASS_ATTRIBUTE.finditer(output):
            _classes_used.update(match.group(1).split())
    return output


def on_post_build(config) -> None:
    assets = Path(config["site_dir"]) / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    for name, css in _stylesheets.items():
        key = hashlib.sha256("\n".join([css, *sorted(_classes_used)]).encode()).hexdigest()[:16]
        cached = PRUNED / f"{key}.css"
        if not cached.exists():
            PRUNED.mkdir(parents=True, exist_ok=True)
            cached.write_text(prune_stylesheet(css, _classes_used), encoding="utf-8")
        (assets / name).write_text(cached.read_text(encoding="utf-8"), encoding="utf-8")
