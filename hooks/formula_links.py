"""Turn every "(D5)" in a page's prose into a link to formula D5.

hooks/katex.py gives the display formula with `\\tag{D5}` the id `D5` (its first one on a page). A
reference links to `#D5` when the page displays D5, else to the page (in the same language) that
displays it; which page displays which tag is read once from the display math of docs/en/*.md.
Prose is what a reader reads as text: code, formulas, headings, the titles of collapsible boxes and
existing links are left as they are. A reference to a tag that no page displays fails the build,
naming the page and the tag.

Runs on the HTML after hooks/katex.py, whose `<!--katex-->…<!--/katex-->` marks tell formulas apart.
"""
from __future__ import annotations

import posixpath
import re
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.S)
# a formula id, and a letter when one id has several displays on a page (B1, B1a, B1b)
TAG = re.compile(r"\\tag\{([A-Z]\d+[a-z]?)\}")
# "(D5)", "（D5）", "(B1a)": one capital, a number and maybe a letter, in ASCII or full-width brackets
REFERENCE = re.compile(r"(?P<open>[(（])(?P<tag>[A-Z]\d{1,2}[a-z]?)(?P<close>[)）])")
# Where a "(D5)" is not prose. Every other tag is split out too, so attributes are never touched.
NOT_PROSE = re.compile(
    r"(<!--katex-->.*?<!--/katex-->"
    r"|<(pre|code|a|h[1-6]|summary|script|style|svg|textarea|title)\b.*?</\2\s*>"
    r"|<!--.*?-->"
    r"|<[^>]*>)",
    re.S,
)

_displayed: dict[str, list[str]] = {}  # tag -> names of the pages that display it, e.g. "policy-gradient"


def displayed_tags(docs_en: Path) -> dict[str, list[str]]:
    """Which pages display which tags: the `\\tag{…}` of the display math of every English page."""
    pages: dict[str, list[str]] = {}
    for path in sorted(docs_en.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        for formula in DISPLAY_MATH.finditer(text):
            for tag in TAG.findall(formula.group(1)):
                pages.setdefault(tag, [])
                if path.stem not in pages[tag]:
                    pages[tag].append(path.stem)
    return pages


def link_references(html: str, page_name: str, link_to_page, displayed: dict[str, list[str]], where: str) -> str:
    """Link each "(X1)" in the prose of `html`.

    page_name: the page's file name without `.md`; link_to_page(name): the URL of page `name` in the
    page's language, relative to the page; where: the page's source file, for the error message.
    """
    missing: list[str] = []

    def link(match: re.Match) -> str:
        tag = match.group("tag")
        pages = displayed.get(tag)
        if not pages:
            missing.append(tag)
            return match.group(0)
        href = f"#{tag}" if page_name in pages else f"{link_to_page(pages[0])}#{tag}"
        return f'<a class="formula-ref" href="{href}">{match.group(0)}</a>'

    parts = NOT_PROSE.split(html)
    # split() with two groups: [text, region, inner tag name, text, region, name, text, ...]
    for index in range(0, len(parts), 3):
        parts[index] = REFERENCE.sub(link, parts[index])
    if missing:
        tags = ", ".join(f"({tag})" for tag in dict.fromkeys(missing))
        raise PluginError(f"{where} refers to {tags}, which no page displays: no display formula has that \\tag{{…}}")
    return "".join(part for index, part in enumerate(parts) if index % 3 != 2)


def on_config(config):
    _displayed.clear()
    _displayed.update(displayed_tags(Path(config["docs_dir"]) / "en"))
    return config


def on_page_content(html: str, page, config, files) -> str:
    folder = posixpath.dirname(page.file.src_uri)    # "en" or "zh"
    page_name = posixpath.splitext(posixpath.basename(page.file.src_uri))[0]

    def link_to_page(name: str) -> str:
        target = files.get_file_from_path(posixpath.join(folder, f"{name}.md"))
        if target is None:
            raise PluginError(f"docs/{page.file.src_path}: formulas of {name}.md are referred to, but "
                              f"docs/{folder}/{name}.md is not a page of this build")
        return get_relative_url(target.url, page.url)

    return link_references(html, page_name, link_to_page, _displayed, f"docs/{page.file.src_path}")
