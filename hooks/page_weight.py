"""Less work for a phone's main thread while a page loads (issue 15; measured with
benchmarks/lighthouse_pages.py and Chromium traces).

- Every code block says how many lines it has (`<pre style="--code-lines: 18">`). A code block off
  screen is skipped until the reader comes near it (content-visibility in docs/assets/site.css), and
  code never wraps, so its height is known without laying it out: the space it keeps is exactly the
  space it takes. (A rough guess made the skipped code overflow its box in the geometry that
  accessibility checkers read, and axe misread the contrast of text drawn after it.)
- Text far below the first screen is marked (`class="below-first-screens"`) so that docs/assets/site.css
  skips it until the reader comes near (paragraphs; lists and tables, `data-below-first-screens`, with a
  height estimated from their text). Whether a block is on the first screen cannot be known before
  layout; its place is estimated here for a phone (a 358 px column), and only blocks estimated three
  phone screens down or more are marked: a skipped block on the first screen is drawn at a guessed size
  in the first frame and at its own in the next, which moves what follows (layout shift 0.13).
- KaTeX's fonts are asked for with the page (`<link rel="preload">`), not after the first layout: the
  two every formula uses on every page with formulas, and any other that a formula in the first two
  phone screens uses (a big operator's Size1, a blackboard E's AMS...). Asked for late, a font arrived
  after the formula was drawn in a fallback one: the formula grew and pushed the text below it down
  (layout shift up to 0.22), and the first paragraph could not be painted until it came.
- Material's palette stylesheet switches transitions off for every element while the palette script
  runs (`[data-md-color-switching] *`). The script runs on every load, so that rule made Chromium
  restyle the whole page twice more (6 whole-page restyles of 11,000 elements instead of 4 on the
  policy-gradient page). Without it, toggling dark mode lets Material's 0.125-0.25 s colour
  transitions play; nothing else changes.
- Two rules of Material's main stylesheet zero the outer margins of a cell's first and last child in
  tables without a class (`table:not([class]) td>:first-child`). A selector that tests `[class]` and ends
  in a bare `:first-child` makes Chromium restyle the whole subtree of any element whose class changes;
  Material's scripts change <html>'s classes while the page loads, which restyled every element once
  more (4,871 on the Chinese short-corridor page). The rules are written without the table test: the
  site's one table with a class (vr-table) has only text and links in its cells, whose vertical margins
  do nothing.
- Material's palette script adds a `<meta name="color-scheme">` and writes its content on every load.
  Chromium restyles every element on each of those two changes, even when the value stays the same
  (4,873 elements each on zh/short-corridor). The page's head has the meta from the start
  (overrides/main.html), and two statements of Material's bundle are patched: its script reuses that
  meta and writes the content only when the scheme changes (a reader who picked dark mode, or toggles).
"""
from __future__ import annotations

import math
import re
from html.parser import HTMLParser
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

from katex import KATEX_DIST  # MkDocs puts hooks/ on sys.path while loading hooks

KATEX_STYLESHEET = KATEX_DIST / "katex.min.css"

CODE_BLOCK = re.compile(r"<pre(?P<attributes>[^>]*)>(?P<body>(?:<span></span>)?<code[^>]*>(?P<code>.*?)</code></pre>)", re.S)
SWITCHING_RULE = re.compile(r"\[data-md-color-switching\] \*,\[data-md-color-switching\] :after,"
                            r"\[data-md-color-switching\] :before\{transition-duration:0s!important\}")


def count_code_lines(html: str) -> str:
    def with_lines(match: re.Match) -> str:
        if "style=" in match["attributes"]:
            return match[0]
        lines = match["code"].rstrip("\n").count("\n") + 1
        return f'<pre{match["attributes"]} style="--code-lines: {lines}">{match["body"]}'
    return CODE_BLOCK.sub(with_lines, html)


# Material's rule -> the same rule without `table:not([class])` (see the docstring).
CELL_EDGE_RULES = {
    ".md-typeset table:not([class]) td>:first-child,.md-typeset table:not([class]) th>:first-child{":
        ".md-typeset td>:first-child,.md-typeset th>:first-child{",
    ".md-typeset table:not([class]) td>:last-child,.md-typeset table:not([class]) th>:last-child{":
        ".md-typeset td>:last-child,.md-typeset th>:last-child{",
}


# Material's statement -> ours (see the docstring). Minified names, so exact to one Material release.
COLOR_SCHEME_EDITS = {
    'let o=x("meta",{name:"color-scheme"});document.head.appendChild(o);':
        'let o=document.querySelector(\'meta[name="color-scheme"]\')||x("meta",{name:"color-scheme"});'
        'o.parentNode||document.head.appendChild(o);',
    "return o.content=a.colorScheme,":
        "return o.content!==a.colorScheme&&(o.content=a.colorScheme),",
}


def patch_in_place(path: Path, edits: dict[str, str], table: str, what: str) -> None:
    """Replace each key of `edits` by its value, once; a file patched by an earlier build is left alone."""
    text = path.read_text(encoding="utf-8")
    patched = text
    for material, ours in edits.items():
        if ours in patched:
            continue
        if patched.count(material) != 1:
            raise PluginError(f"{path}: Material's `{material}` is no longer there (once); read its new {what} "
                              f"and update {table} in hooks/page_weight.py")
        patched = patched.replace(material, ours)
    if patched != text:
        path.write_text(patched, encoding="utf-8")


def rewrite_cell_edge_rules(stylesheet: Path) -> None:
    patch_in_place(stylesheet, CELL_EDGE_RULES, "CELL_EDGE_RULES", "rules for table cells' first and last children")


def reuse_color_scheme_meta(bundle: Path) -> None:
    patch_in_place(bundle, COLOR_SCHEME_EDITS, "COLOR_SCHEME_EDITS", "palette script")


def drop_palette_switching_rule(stylesheet: Path) -> None:
    css = stylesheet.read_text(encoding="utf-8")
    kept = SWITCHING_RULE.sub("", css)
    if "data-md-color-switching" in kept:
        raise PluginError(f"{stylesheet}: Material's rule for [data-md-color-switching] is no longer the one "
                          "hooks/page_weight.py drops; read the new rule and update SWITCHING_RULE")
    if kept != css:
        stylesheet.write_text(kept, encoding="utf-8")


# A phone's text column: 358 px of 16 px text, 1.6 lines high; a CJK character is 1 em wide, other
# characters about half that. Code: 19.04 px a line and 21 px of padding (docs/assets/site.css).
COLUMN_EM, LINE_PX, CODE_LINE_PX = 358 / 16, 16 * 1.6, 19.04
PHONE_SCREEN_PX = 844
MARK_FROM_PX = 3 * PHONE_SCREEN_PX
# Lists and tables far down are skipped too, each kept at a height estimated from its own text (a list
# is a flow-root in Material and a table is wrapped in a scrolling box, so neither lets a child's margin
# through: skipping them changes no spacing). Table text is 0.64rem, 1.6 lines high, with 0.9375em of
# padding above and below. A row's cells share the column unevenly and its formulas are wider than their
# letters, so its text is counted four times over (drawn, the site's tables came within 6 % of that or under
# it; counted 1.5 times, up to 1.8 times over): a guess too small lets skipped rows overflow what follows.
LIST_INDENT_EM, TABLE_EM, TABLE_LINE_PX, TABLE_ROW_PADDING_PX = 1.875, 0.64, 0.64 * 16 * 1.6, 2 * 0.9375 * 0.64 * 16
ROW = re.compile(r"<tr\b")
ITEM = re.compile(r"<li\b")
FIXED_HEIGHT_PX = {"h1": 80, "h2": 70, "h3": 55, "h4": 45, "details": 60, "hr": 40}


ALWAYS_PRELOADED = ("Main-Regular", "Math-Italic")   # the text and the variables of every formula
FONTS_FROM_PX = 2 * PHONE_SCREEN_PX
ARTICLE = re.compile(r'(<article class="md-content__inner md-typeset">)(.*?)(</article>)', re.S)
CLASSES = re.compile(r'class="([^"]+)"')
NOTEBOOK_CELL = re.compile(r'<div class="jp-Cell ')
MATHML = re.compile(r"<math.*?</math>", re.S)
TAGS = re.compile(r"<[^>]+>")
CONTAINER = re.compile(r"<(/?)(div|details|ul|ol|dl|table|blockquote|figure|section|aside|nav|p)\b")
SKIPPED_BLOCKS = {"p", "ul", "ol", "table"}
FIRST_SCREENS_END = "<!-- end of the first screens (hooks/page_weight.py) -->"


class _TopLevelBlocks(HTMLParser):
    """The page content's top-level elements: tag, where the start tag is, and the text a reader sees
    (KaTeX's MathML copy and TeX annotation left out), with the code lines of a highlighted block."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", html)]
        self.blocks: list[dict] = []
        self.depth = 0
        self.hidden_depth: int | None = None

    def handle_starttag(self, tag, attrs):
        if tag in {"br", "img", "hr", "input", "meta", "link", "wbr", "source", "col"}:
            if self.depth == 0:
                self._open(tag, attrs)
            return
        if self.depth == 0:
            self._open(tag, attrs)
        self.depth += 1
        classes = (dict(attrs).get("class") or "").split()
        if self.hidden_depth is None and ("katex-mathml" in classes or tag == "annotation"):
            self.hidden_depth = self.depth

    def _open(self, tag, attrs):
        line, column = self.getpos()
        self.blocks.append({"tag": tag, "offset": self.line_starts[line - 1] + column, "text": "",
                            "classes": (dict(attrs).get("class") or "").split()})

    def handle_endtag(self, tag):
        if tag in {"br", "img", "hr", "input", "meta", "link", "wbr", "source", "col"}:
            return
        if self.hidden_depth == self.depth:
            self.hidden_depth = None
        self.depth = max(0, self.depth - 1)

    def handle_data(self, data):
        if self.blocks and self.depth > 0 and self.hidden_depth is None:
            self.blocks[-1]["text"] += data


def estimated_height_px(block: dict) -> float:
    tag, text = block["tag"], block["text"]
    if tag in FIXED_HEIGHT_PX:
        return FIXED_HEIGHT_PX[tag]
    if "highlight" in block["classes"]:
        return (text.rstrip("\n").count("\n") + 1) * CODE_LINE_PX + 21 + 40   # + its title
    if "arithmatex" in block["classes"]:
        return 90
    return max(1, math.ceil(letters_width_em(text) / COLUMN_EM)) * LINE_PX + 16


def first_blocks(html: str, chunk: int = 16_384) -> list[dict]:
    """The top-level blocks as far as three phone screens and one block more (parsing all of a page's
    HTML took 0.1-0.4 s a page)."""
    parser = _TopLevelBlocks(html)
    for start in range(0, len(html), chunk):
        parser.feed(html[start:start + chunk])
        complete = parser.blocks[:-1]   # the last one may still be open
        if sum(estimated_height_px(block) for block in complete) >= MARK_FROM_PX + 1000:
            return complete
    parser.close()
    return parser.blocks


def letters_width_em(text: str) -> float:
    """How wide text is on one line, in em of its font: a CJK character 1 em, others about half."""
    return sum(1.0 if ord(ch) >= 0x2E80 else 0.5 for ch in " ".join(text.split()))


def text_width_em(html: str) -> float:
    """letters_width_em of an HTML fragment's visible text (KaTeX's MathML copy left out)."""
    return letters_width_em(TAGS.sub(" ", MATHML.sub("", html)))


def estimated_skipped_height_px(tag: str, html: str) -> int:
    """A list's or a table's height on a phone, on the large side."""
    if tag == "table":
        rows = ROW.split(html)[1:]
        column_em = COLUMN_EM / TABLE_EM
        return math.ceil(sum(max(1, math.ceil(4 * text_width_em(row) / column_em)) * TABLE_LINE_PX + TABLE_ROW_PADDING_PX
                             for row in rows) + 8 * len(rows))
    items = ITEM.split(html)[1:]
    column_em = COLUMN_EM - LIST_INDENT_EM
    return math.ceil(sum(max(1, math.ceil(1.25 * text_width_em(item) / column_em)) * LINE_PX + 8 for item in items))


def top_level_blocks(html: str, start: int) -> list[tuple[int, str, int]]:
    """The paragraphs, lists and tables outside any other block, from `start` (a top-level boundary) on:
    where each starts, its tag, and where it ends."""
    depth, found, opened = 0, [], None
    for match in CONTAINER.finditer(html, start):
        if match[1]:
            depth -= 1
            if depth == 0 and opened:
                found.append((opened[0], opened[1], match.end()))
                opened = None
            continue
        if depth == 0 and match[2] in SKIPPED_BLOCKS:
            opened = (match.start(), match[2])
        depth += 1
    return found


def mark_first_screens(html: str) -> str:
    """Give the top-level paragraphs estimated three phone screens down the class `below-first-screens`
    (lists and tables: the attribute `data-below-first-screens` and their estimated height), and put
    FIRST_SCREENS_END before the first block estimated two screens down (the fonts' cut-off)."""
    if "jp-Notebook" in html:   # a notebook page is one block: its cells are its blocks (paragraphs: site.css)
        starts = [match.start() for match in NOTEBOOK_CELL.finditer(html)] + [len(html)]
        blocks = [{"tag": "div", "offset": start, "classes": [], "text": TAGS.sub(" ", MATHML.sub("", html[start:stop]))}
                  for start, stop in zip(starts, starts[1:])]
    else:
        blocks = first_blocks(html)
    top, edits, fonts_end = 0.0, [], None
    for block in blocks:
        if top >= FONTS_FROM_PX and fonts_end is None:
            fonts_end = block["offset"]
            edits.append((fonts_end, "end", ""))
        if top >= MARK_FROM_PX:   # from here on only where the blocks to skip start matters
            edits += [(offset, tag, html[offset:end]) for offset, tag, end in top_level_blocks(html, block["offset"])]
            break
        top += estimated_height_px(block)
    for offset, edit, block in sorted(edits, reverse=True):   # from the end, so the earlier offsets stay right
        if edit == "end":
            html = html[:offset] + FIRST_SCREENS_END + html[offset:]
            continue
        start_tag_end = html.index(">", offset)
        start_tag = html[offset:start_tag_end]
        if edit != "p":   # a table keeps no class (Material styles `table:not([class])`): an attribute
            if "style=" in start_tag:
                continue
            height = estimated_skipped_height_px(edit, block)
            start_tag += f' data-below-first-screens style="--estimated-height: {height}px"'
        elif 'class="' in start_tag:
            start_tag = start_tag.replace('class="', 'class="below-first-screens ', 1)
        else:
            start_tag += ' class="below-first-screens"'
        html = html[:offset] + start_tag + html[start_tag_end:]
    return html


def katex_font_rules(css: str) -> list[tuple[frozenset, str]]:
    """(classes an element needs, the KaTeX font file it is drawn in), from KaTeX's own stylesheet."""
    faces = {}
    for face in re.findall(r"@font-face\{([^}]*)\}", css):
        family = re.search(r'font-family:"?(KaTeX_\w+)', face)[1]
        style = re.search(r"font-style:(\w+)", face)[1]
        weight = re.search(r"font-weight:(\d+)", face)[1]
        faces[family, style, weight] = re.search(r"fonts/KaTeX_([\w-]+)\.woff2", face)[1]
    rules = []
    for rule in css.split("}"):
        selectors, _, declarations = rule.partition("{")
        if "@" in selectors or not re.search(r'font-family:"?KaTeX_', declarations):
            continue
        family = re.search(r'font-family:"?(KaTeX_\w+)', declarations)[1]
        style = "italic" if "font-style:italic" in declarations else "normal"
        weight = "700" if re.search(r"font-weight:(700|bold)", declarations) else "400"
        font = faces.get((family, style, weight))
        for selector in selectors.split(","):
            last = re.split(r"[ >]+", selector.strip())[-1]
            classes = frozenset(re.findall(r"\.([\w-]+)", last))
            if font and classes and selector.strip().startswith(".katex "):
                rules.append((classes, font))
    return rules


_font_rules: list[tuple[frozenset, str]] | None = None


def first_screen_fonts(article: str) -> list[str]:
    """KaTeX fonts the formulas before FIRST_SCREENS_END (two phone screens, estimated) are drawn in."""
    global _font_rules
    if 'class="katex' not in article:
        return []
    if _font_rules is None:
        _font_rules = katex_font_rules(KATEX_STYLESHEET.read_text(encoding="utf-8"))
    end = article.find(FIRST_SCREENS_END)
    used = set(ALWAYS_PRELOADED)
    for found in CLASSES.findall(article, 0, end if end >= 0 else len(article)):
        classes = set(found.split())
        used.update(font for needed, font in _font_rules if needed <= classes)
    return sorted(used, key=lambda font: (font not in ALWAYS_PRELOADED, font))


def preload_fonts(output: str, page_url: str) -> str:
    article = ARTICLE.search(output)
    fonts = first_screen_fonts(article[2]) if article else []
    links = "".join(f'\n  <link rel="preload" href="{get_relative_url(f"assets/katex/fonts/KaTeX_{font}.woff2", page_url)}" '
                    'as="font" type="font/woff2" crossorigin>' for font in fonts)
    output = output.replace(FIRST_SCREENS_END, "", 1)
    return output.replace("</head>", links + "\n</head>", 1) if links else output


def on_page_content(html: str, page, config, files) -> str:
    return mark_first_screens(html)


def on_post_page(output: str, page, config) -> str:
    return preload_fonts(count_code_lines(output), page.url)


def material_assets(config, pattern: str) -> list[Path]:
    found = sorted((Path(config["site_dir"]) / "assets").glob(pattern))
    if not found:
        raise PluginError(f"hooks/page_weight.py: Material's assets/{pattern} is missing from the built site")
    return found


def on_post_build(config) -> None:
    for stylesheet in material_assets(config, "stylesheets/palette.*.min.css"):
        drop_palette_switching_rule(stylesheet)
    for stylesheet in material_assets(config, "stylesheets/main.*.min.css"):
        rewrite_cell_edge_rules(stylesheet)
    for bundle in material_assets(config, "javascripts/bundle.*.min.js"):
        reuse_color_scheme_meta(bundle)
