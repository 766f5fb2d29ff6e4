"""The foundation: strict build, twins, build-time KaTeX, nothing from another origin, clear failures."""
from __future__ import annotations

import html
import re
import sys
from pathlib import Path

from conftest import ROOT, build

sys.path.insert(0, str(ROOT / "hooks"))
import translations  # noqa: E402  (the build's own twin check)

DOCS = ROOT / "docs"
# Attributes and CSS that make a browser fetch something (links a reader clicks are not fetches).
FETCHING = [
    re.compile(r"<(?:script|img|iframe|source|audio|video|embed|track)\b[^>]*\bsrc=[\"']?(?P<url>[^\"' >]+)", re.I),
    re.compile(r"<link\b(?=[^>]*\brel=[\"']?(?:stylesheet|preload|modulepreload|prefetch|preconnect|dns-prefetch|icon|manifest))[^>]*\bhref=[\"']?(?P<url>[^\"' >]+)", re.I),
    re.compile(r"<object\b[^>]*\bdata=[\"']?(?P<url>[^\"' >]+)", re.I),
    re.compile(r"url\(\s*[\"']?(?P<url>[^\"')]+)", re.I),
    re.compile(r"@import\s+[\"'](?P<url>[^\"']+)", re.I),
]
OTHER_ORIGIN = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.I)


# MkDocs' own log ("WARNING -  ..."), Python's default logging format ("ERROR:tornado.general:...",
# as the notebook kernels log), Jupyter apps ("[IPKernelApp] WARNING | ...") and bare tracebacks.
PROBLEM = re.compile(r"^(?:(?:WARNING|ERROR|CRITICAL)\b|\[\w+\] (?:WARNING|ERROR|CRITICAL)\b|Traceback \(most recent call last\))")


def build_problems(log: str) -> list[str]:
    """Each warning or error in a build log, with the lines after it (a traceback) for the message."""
    lines = log.splitlines()
    return ["\n".join(lines[i:i + 25]) for i, line in enumerate(lines) if PROBLEM.match(line)]


def test_build_problems_are_found_in_every_format():
    log = "\n".join([
        "INFO    -  Documentation built",
        "WARNING -  Doc file 'x.md' contains a link",
        "ERROR:tornado.general:Uncaught exception in ZMQStream callback",
        "Traceback (most recent call last):",
        '  File "zmqstream.py", line 1',
        "[IPKernelApp] WARNING | Kernel is running over TCP",
        "Loading model cost 0.5 seconds.",
    ])
    problems = build_problems(log)
    assert [p.splitlines()[0] for p in problems] == [
        "WARNING -  Doc file 'x.md' contains a link",
        "ERROR:tornado.general:Uncaught exception in ZMQStream callback",
        "Traceback (most recent call last):",
        "[IPKernelApp] WARNING | Kernel is running over TCP",
    ]
    assert '  File "zmqstream.py", line 1' in problems[1]  # the traceback travels with its error


def test_strict_build_has_no_warnings(site_build):
    problems = build_problems(site_build.log)
    assert problems == [], "the build logged:\n\n" + "\n\n".join(problems)


def test_every_english_page_has_a_chinese_twin_and_back():
    assert translations.missing_twins(DOCS) == []


def test_the_twin_check_names_a_page_without_a_twin(tmp_path):
    for lang, names in {"en": ["index.md", "extra.md"], "zh": ["index.md"]}.items():
        (tmp_path / lang).mkdir()
        for name in names:
            (tmp_path / lang / name).write_text("# x\n", encoding="utf-8")
    assert translations.missing_twins(tmp_path) == ["docs/en/extra.md has no translation: docs/zh/extra.md is missing"]


def test_every_page_is_built_in_both_languages(site_build):
    for page in translations.pages(DOCS, "en"):
        stem = page.removesuffix(".md")
        path = "index.html" if stem == "index" else f"{stem}/index.html"
        assert (site_build.site / path).is_file(), f"English {page} was not built"
        assert (site_build.site / "zh" / path).is_file(), f"Chinese {page} was not built"


def test_nothing_is_fetched_from_another_origin(site_build):
    offenders = []
    for file in site_build.site.rglob("*"):
        if file.suffix not in {".html", ".css", ".js", ".svg", ".xml"} or file.name.startswith("sitemap"):
            continue
        text = file.read_text(encoding="utf-8", errors="replace")
        for pattern in FETCHING:
            for match in pattern.finditer(text):
                url = match.group("url")
                if OTHER_ORIGIN.match(url) and "w3.org/" not in url:  # XML namespaces are names, not fetches
                    offenders.append(f"{file.relative_to(site_build.site)}: {url}")
    assert offenders == []


def test_math_is_katex_html_at_build_time(site_build):
    html_pages = [p for p in site_build.site.rglob("index.html") if "search" not in p.parts]
    with_math = []
    for page in html_pages:
        html = page.read_text(encoding="utf-8")
        assert "katex-error" not in html, page
        assert "$$" not in re.sub(r"<(pre|code|script)\b.*?</\1>", "", html, flags=re.S), f"raw $$ in {page}"
        assert 'class="arithmatex">\\(' not in html and 'class="arithmatex">\\[' not in html, f"raw TeX in {page}"
        if 'class="katex"' in html:
            with_math.append(page)
    assert site_build.site / "index.html" in with_math
    assert site_build.site / "zh" / "index.html" in with_math


def test_katex_stylesheet_and_fonts_are_in_the_site(site_build):
    css = site_build.site / "assets" / "katex" / "katex.min.css"
    assert css.is_file()
    woff2 = set(re.findall(r"url\((fonts/[^)]+\.woff2)\)", css.read_text(encoding="utf-8")))
    assert woff2, "katex.min.css names no woff2 font"
    missing = [font for font in woff2 if not (css.parent / font).is_file()]
    assert missing == []
    for lang_page in ("index.html", "zh/index.html"):
        assert "assets/katex/katex.min.css" in (site_build.site / lang_page).read_text(encoding="utf-8")


# KaTeX nests spans (and svg, which has no text): an element is read tag by tag to its closing tag.
SPAN_TAG = re.compile(r"<span\b[^>]*>|</span>")


def element_end(page: str, start: int) -> int:
    """Where the span element that starts at `start` ends."""
    depth = 0
    for tag in SPAN_TAG.finditer(page, start):
        depth += 1 if tag.group() != "</span>" else -1
        if depth == 0:
            return tag.end()
    raise ValueError(f"no closing tag for the span at {start}")


def drawn_on(page: str) -> set[str]:
    """Every character the HTML halves of the page's formulas draw (its MathML halves are not drawn)."""
    drawn, start = set(), page.find('<span class="katex-html"')
    while start >= 0:
        end = element_end(page, start)
        drawn.update(html.unescape(re.sub(r"<[^>]*>", "", page[start:end])))
        start = page.find('<span class="katex-html"', end)
    return drawn


def test_every_character_a_formula_draws_keeps_its_katex_glyph(site_build):
    """The site serves KaTeX's fonts cut down (hooks/katex_fonts.py): each character that a formula of
    either language draws and that one of KaTeX's own fonts has is in that font as served."""
    from fontTools.ttLib import TTFont

    served = site_build.site / "assets" / "katex" / "fonts"
    fonts = {font.name: (set(TTFont(font).getBestCmap()), set(TTFont(served / font.name).getBestCmap()))
             for font in sorted((ROOT / "node_modules" / "katex" / "dist" / "fonts").glob("*.woff2"))}
    missing, drawn_anywhere = [], set()
    for path in sorted(site_build.site.rglob("*.html")):
        drawn = {ord(character) for character in drawn_on(path.read_text(encoding="utf-8"))}
        drawn_anywhere |= drawn
        for name, (katex_own, cut) in fonts.items():
            missing += [f"{path.relative_to(site_build.site)}: {chr(c)!r} (U+{c:04X}) not in {name}" for c in sorted(drawn & katex_own - cut)]
    assert missing == []
    assert {ord("θ"), ord("∑"), ord("∇")} <= drawn_anywhere   # the scan found the formulas
    amsr, main = fonts["KaTeX_AMS-Regular.woff2"], fonts["KaTeX_Main-Regular.woff2"]
    assert len(amsr[1]) < len(amsr[0]) / 2 and len(main[1]) < len(main[0])   # and the fonts are cut down


def formulas_on(page: str):
    """(start, end) of each formula of the page: its `katex` element, or the arithmatex box around it."""
    start = page.find('<span class="katex">')
    while start >= 0:
        end = element_end(page, start)
        if page.endswith('<span class="arithmatex">', 0, start):
            start, end = start - len('<span class="arithmatex">'), end + len("</span>")
        yield start, end
        start = page.find('<span class="katex">', end)


def test_no_line_can_start_with_the_punctuation_after_a_formula_of_one_piece(site_build):
    """Chromium may break a line between a formula and the comma after it (hooks/katex.py): a short
    formula of one piece and its punctuation share a nowrap box, on every page of both languages."""
    import katex
    from katex_fonts import drawn_text

    loose, kept = [], 0
    for path in sorted(site_build.site.rglob("index.html")):
        page = path.read_text(encoding="utf-8")
        for start, end in formulas_on(page):
            if page[end:end + 1] in katex.TRAILING_PUNCTUATION and page.count('class="katex-base"', start, end) == 1 \
                    and 'class="katex-display"' not in page[start:end] and len(drawn_text(page[start:end])) <= katex.SHORT:
                boxed = page.endswith('<span class="katex-nowrap">', 0, start)
                kept += boxed
                loose += [] if boxed else [f"{path.relative_to(site_build.site)}: {page[start:end + 1][-80:]}"]
    assert loose == []
    assert kept > 500   # the scan found them (1049 on the site today)


def test_a_malformed_formula_fails_the_build_naming_page_and_tex(project_copy, tmp_path):
    page = project_copy / "docs" / "en" / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n$$\n\\frac{1}{\\thetaa}\n$$\n", encoding="utf-8")
    result = build(project_copy, tmp_path / "site")
    assert result.returncode != 0
    assert "docs/en/index.md" in result.log
    assert "\\thetaa" in result.log and "Undefined control sequence" in result.log


def test_a_missing_snippet_section_fails_the_build(project_copy, tmp_path):
    page = project_copy / "docs" / "zh" / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + '\n```python\n--8<-- "policy_gradient.py:no_such_section"\n```\n', encoding="utf-8")
    result = build(project_copy, tmp_path / "site")
    assert result.returncode != 0
    assert "no_such_section" in result.log


def test_a_missing_snippet_file_fails_the_build(project_copy, tmp_path):
    page = project_copy / "docs" / "en" / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + '\n```python\n--8<-- "no_such_file.py"\n```\n', encoding="utf-8")
    result = build(project_copy, tmp_path / "site")
    assert result.returncode != 0
    assert "no_such_file.py" in result.log


def test_a_missing_translation_fails_the_build_naming_the_page(project_copy, tmp_path):
    (project_copy / "docs" / "en" / "extra-page.md").write_text("# Only in English\n", encoding="utf-8")
    result = build(project_copy, tmp_path / "site")
    assert result.returncode != 0
    assert "docs/zh/extra-page.md is missing" in result.log


def test_the_throwaway_copy_builds_when_nothing_is_broken(project_copy, tmp_path):
    """Guards the three tests above: they must fail for the reason they name, not because the copy is broken."""
    result = build(project_copy, tmp_path / "site")
    assert result.returncode == 0, result.log


def test_chinese_text_is_segmented_for_search(site_build):
    import json

    # the Chinese pages' own index (hooks/search_languages.py), located relative to /zh/
    index = json.loads((site_build.site / "zh" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert "\\u200b" in index["config"]["separator"], "the separator must split on jieba's zero-width spaces"
    chinese = " ".join(doc["text"] for doc in index["docs"])
    assert "策略\u200b梯度" in chinese, "jieba did not segment the Chinese pages"
