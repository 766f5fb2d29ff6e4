"""KaTeX's fonts cut down to the characters the site's formulas draw (issue 15: fewer bytes on a phone).

KaTeX ships 20 fonts (260 KB); a formula page asks for four or five of them with the page
(hooks/page_weight.py), about 80 KB that share a phone's connection with the page before its first
screen is drawn. fontTools keeps in each font the glyphs of the characters that KaTeX's HTML half draws
on every page of both languages (hooks/katex.py collects them as it renders), and Basic Latin and Greek
whole. The kept glyphs keep KaTeX's own outlines, hinting and metrics.

Why the two blocks whole: with only the drawn characters, Chromium drew the same formulas with slightly
different anti-aliasing (KaTeX_Math-Italic without ω, which no page uses, changed how λ and dx were
drawn). With Basic Latin and Greek kept, full-page screenshots are pixel for pixel those with KaTeX's
own fonts.
"""
from __future__ import annotations

import functools
import html
import io
import re
from pathlib import Path

from notebook_cache import cache_tools  # the project's atomic write (page_results/_cache.py)

ROOT = Path(__file__).resolve().parent.parent
KATEX = ROOT / "node_modules" / "katex"
CACHE = ROOT / ".cache" / "katex-fonts"   # one folder per set of characters: a warm build subsets nothing
KEPT_WHOLE = (range(0x20, 0x7F), range(0x370, 0x400))   # Basic Latin; Greek and Coptic
HTML_HALF = '<span class="katex-html"'
TAG = re.compile(r"<[^>]*>")


@functools.lru_cache(maxsize=None)
def drawn_text(formula_html: str) -> str:
    """What one rendered formula draws: the text of KaTeX's HTML half. Its MathML half, for screen
    readers, comes first and is never drawn."""
    start = formula_html.find(HTML_HALF)
    return "" if start < 0 else html.unescape(TAG.sub("", formula_html[start:]))


def drawn_characters(formula_html: str) -> frozenset[str]:
    return frozenset(drawn_text(formula_html))


def kept_codepoints(characters) -> set[int]:
    return {ord(character) for character in characters}.union(*KEPT_WHOLE)


def subset_font(font_path: Path, codepoints: set[int]) -> bytes:
    """The woff2 font at `font_path` with only the glyphs of `codepoints` (those it maps)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(font_path, recalcTimestamp=False)   # the same characters give the same bytes
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.name_legacy = True
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=set(font.getBestCmap()) & codepoints)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def fonts_key(codepoints: set[int], sources: list[Path]) -> str:
    """What the cut-down fonts depend on: the characters, KaTeX's fonts, how they are cut, fontTools."""
    return cache_tools.cache_key({"codepoints": sorted(codepoints)}, files=sources, functions=[subset_font],
                                 libraries=("fontTools",))


def write_fonts(characters, target: Path) -> dict[str, tuple[int, int]]:
    """Write KaTeX's woff2 fonts, cut down to `characters` (and KEPT_WHOLE), into `target`.
    Returns font name -> (KaTeX's bytes, written bytes)."""
    codepoints = kept_codepoints(characters)
    sources = sorted((KATEX / "dist" / "fonts").glob("*.woff2"))   # every browser that runs Material reads woff2
    cached = CACHE / fonts_key(codepoints, sources)
    if not (cached / "complete").exists():
        for font in sources:
            cache_tools.write_atomically(cached / font.name, subset_font(font, codepoints))
        cache_tools.write_atomically(cached / "complete", b"")   # last: a build stopped halfway is done again
    target.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for font in sources:
        data = (cached / font.name).read_bytes()
        (target / font.name).write_bytes(data)
        sizes[font.name] = (font.stat().st_size, len(data))
    return sizes
