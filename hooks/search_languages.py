"""Each language searches its own pages, and search previews read as text.

Material's search plugin writes one `search/search_index.json`, and mkdocs-static-i18n fills it with
the pages of every language (its `reconfigure_search` only drops duplicates). Material's JavaScript
loads `search/search_index.json` from the page's `base` (the `__config` script), so a reader on /zh/
searched the English pages too. After the build, this hook splits the index by language:

- `search/search_index.json`: the default language's pages, as before;
- `<locale>/search/search_index.json`: every other language's pages, located relative to `<locale>/`;
- the pages of those languages point Material's `base` at their language's home. Besides the index,
  Material resolves search result links against `base`, plus the sitemap of instant navigation
  (off) and `<link rel="alternate">` targets (dropped by alternate_links.py): nothing else moves.

On the way, the entries are cleaned for the previews and the ranking:

- A page whose first heading has an empty id (a Chinese title slugifies to "") gave two entries with
  the same location; lunr joined their matches and Material's highlighter wrapped the same word
  twice ("训练一个ark>智能体"). Entries with the same location are merged into one.
- jieba's zero-width spaces are break opportunities: one before "。" started a preview line with
  "。". They are dropped next to whitespace, before closing punctuation and after opening
  punctuation; the separator (mkdocs.yml) splits words at Chinese punctuation instead.
- A formula's visible KaTeX text flattens it ("R^t−v^(st)": accents beside their letters, scripts
  on the line). `formula_search_text` writes the search plugin a readable line from KaTeX's MathML
  instead ("R̂<sub>t</sub> − v̂(s<sub>t</sub>)"; the plugin keeps `sub`/`sup`), and for a display
  formula only its number, "(G2)": a preview is prose, and a derivation on one line is not.
- Plots are inline SVG: their tick labels are left out of the index.
- Material ranks with lunr's `b = 0` (no length normalisation), so a title that repeats the word
  ("带基线与不带基线的 REINFORCE") beat the section titled just "基线". A heading of one or two
  words (a glossary term, "基线") names what its section is about: its entry is boosted ×2 or ×1.5.
  An exercise section ("★★★ 用动作价值构造基线") uses the terms it practises over and over: ×0.5.
"""
from __future__ import annotations

import functools
import html
import json
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.utils import get_relative_url

ZWSP = "\u200b"
CONFIG_SCRIPT = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)
BASE = re.compile(r'("base":\s*")[^"]*(")')
SVG_OPEN = re.compile(r"<svg\b")


# ------------------------------------------------------------------------------------------------
# Languages
# ------------------------------------------------------------------------------------------------
def languages(config) -> tuple[str, list[str]]:
    """(default locale, every built locale) from the i18n plugin's configuration."""
    i18n = config["plugins"].get("i18n")
    default, built = None, []
    for language in getattr(getattr(i18n, "config", None), "languages", []) or []:
        if language.default:
            default = language.locale
        if language.build:
            built.append(language.locale)
    return default or config["theme"]["language"], built


def locale_of(location: str, others: list[str]) -> str | None:
    """The non-default locale whose folder holds `location`, or None for the default language."""
    return next((locale for locale in others if location.startswith(f"{locale}/")), None)


# ------------------------------------------------------------------------------------------------
# Formulas as the search index shows them
# ------------------------------------------------------------------------------------------------
MATH = re.compile(r"<math\b.*?</math>", re.S)
TEX_TAG = re.compile(r"\\tag\*?\{\s*([^{}]*?)\s*\}")
ACCENTS = {"^": "\u0302", "ˆ": "\u0302", "~": "\u0303", "˜": "\u0303", "ˉ": "\u0304", "¯": "\u0304",
           "‾": "\u0305", "˙": "\u0307", "¨": "\u0308", "ˇ": "\u030c", "→": "\u20d7", "⃗": "\u20d7"}
DOUBLE_STRUCK = {"C": "ℂ", "E": "𝔼", "N": "ℕ", "P": "ℙ", "Q": "ℚ", "R": "ℝ", "Z": "ℤ"}
SPACED = set("=≈≃≅≠≡≤≥<>≪≫∝∈∉⊂⊆→←↦⇒⇔+−±∓×")
PRIMES = {"′", "″", "‴"}
BIG_OPERATORS = set("∑∏∐∫∬∭∮⋃⋂⋁⋀⨁⨂")
SIMPLE = re.compile(r"^[\w.′″∞∗*]+$")


class _Element:
    def __init__(self, tag: str, attrs: dict):
        self.tag, self.attrs, self.children = tag, attrs, []

    def text(self) -> str:
        return "".join(child if isinstance(child, str) else child.text() for child in self.children)

    def elements(self) -> list["_Element"]:
        return [child for child in self.children if isinstance(child, _Element)]


class _MathParser(HTMLParser):
    """KaTeX's MathML as a tree (HTMLParser: the markup is KaTeX's own, well formed)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = _Element("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = _Element(tag, dict(attrs))
        self.stack[-1].children.append(element)
        self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(_Element(tag, dict(attrs)))

    def handle_endtag(self, tag):
        while len(self.stack) > 1:
            if self.stack.pop().tag == tag:
                break

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def _with_script(base: str, script: str, tag: str) -> str:
    """`base<sub>script</sub>`, the base's surrounding spaces kept outside the pair."""
    core = base.strip()
    lead, trail = base[: len(base) - len(base.lstrip())], base[len(base.rstrip()):]
    return f"{lead}{core}<{tag}>{script.strip()}</{tag}>{trail}"


def _linear(node, in_script: bool = False) -> str:
    """One MathML node as a line of text: scripts as <sub>/<sup>, accents as combining marks."""
    if isinstance(node, str):
        return html.escape(node.replace("\u00a0", " "), quote=False)
    tag, kids = node.tag, node.elements()
    inner = lambda child, script=in_script: _linear(child, script)  # noqa: E731
    if tag in {"annotation", "annotation-xml", "mphantom", "mglyph"}:
        return ""
    if tag == "mi":
        text = node.text()
        if node.attrs.get("mathvariant") == "double-struck":
            text = "".join(DOUBLE_STRUCK.get(char, char) for char in text)
        return f" {html.escape(text, quote=False)} " if len(text) > 1 else html.escape(text, quote=False)
    if tag == "mo":
        text = node.text()
        if text in {"\u2061", "\u2062", "\u2063"}:  # function application, invisible times and comma
            return ""
        if node.attrs.get("separator") == "true":
            return f"{html.escape(text, quote=False)} "
        spaced = text in SPACED and not in_script and not node.attrs.get("unary")
        return f" {html.escape(text, quote=False)} " if spaced else html.escape(text, quote=False)
    if tag in {"mn", "mtext", "ms"}:
        return html.escape(node.text().replace("\u00a0", " "), quote=False)
    if tag == "mspace":
        return " "
    if tag in {"msub", "msup", "msubsup", "munder", "mover", "munderover"} and len(kids) >= 2:
        base = inner(kids[0])
        if tag == "mover" and (node.attrs.get("accent") == "true" or kids[1].text() in ACCENTS):
            mark = ACCENTS.get(kids[1].text().strip())
            if mark and base.strip():
                return base.rstrip() + mark + base[len(base.rstrip()):]
        first = inner(kids[1], True)
        if tag in {"msup", "mover"}:
            if kids[1].text().strip() in PRIMES:
                return base.rstrip() + kids[1].text().strip()
            return _with_script(base, first, "sup")
        text = _with_script(base, first, "sub")
        if tag in {"msubsup", "munderover"} and len(kids) >= 3:
            text = _with_script(text, inner(kids[2], True), "sup")
        return text
    if tag == "mfrac" and len(kids) == 2:
        top, bottom = inner(kids[0]).strip(), inner(kids[1]).strip()
        if node.attrs.get("linethickness", "").strip("0.pxem") == "" and node.attrs.get("linethickness"):
            return f"{top} {bottom}"  # a binomial coefficient: no fraction bar
        top = top if SIMPLE.match(top) else f"({top})"
        bottom = bottom if SIMPLE.match(bottom) else f"({bottom})"
        return f"{top}/{bottom}"
    if tag == "msqrt":
        text = "".join(inner(kid) for kid in kids).strip()
        return "√" + (text if SIMPLE.match(text) else f"({text})")
    if tag == "mroot" and len(kids) == 2:
        return f"<sup>{inner(kids[1], True).strip()}</sup>√({inner(kids[0]).strip()})"
    if tag == "mtr":
        return " ".join(inner(kid) for kid in kids)
    if tag == "mtable":
        return "; ".join(inner(kid).strip() for kid in kids)
    return _join(node.children, in_script)  # mrow, mstyle, mpadded, semantics, math, …


def _join(children: list, in_script: bool) -> str:
    """A row of MathML: a sign with no operand before it is unary (no spaces: "= −2"), a fraction
    stands apart from what follows and a big operator from both sides ("1/n ∑<sub>i</sub> f(x<sub>i</sub>)")."""
    elements = [child for child in children if isinstance(child, _Element) and child.text() != "\u2061"]
    parts, previous = [], None
    for child in children:
        if isinstance(child, _Element) and child.tag == "mo" and child.text() in {"−", "+", "±"}:
            if previous is None or previous.tag == "mspace" or not previous.text().strip() or (
                    previous.tag == "mo" and previous.text() not in {")", "]", "}", "|", "∣", "∥"}):
                child.attrs["unary"] = "true"
        text = _linear(child, in_script)
        if isinstance(child, _Element):
            big = child.text() in BIG_OPERATORS or bool(child.elements()) and child.elements()[0].text() in BIG_OPERATORS
            if big or child.tag == "mfrac":
                text = f" {text} " if big else f"{text} "
            if child.tag == "mi" and len(child.text()) > 1 and child in elements:  # log p, but softmax(θ)
                following = elements[elements.index(child) + 1:]
                if following and following[0].tag == "mo" and following[0].text() in {"(", "[", "{"}:
                    text = text.rstrip()
            if child.text() != "\u2061":
                previous = child
        parts.append(text)
    return "".join(parts)


@functools.lru_cache(maxsize=None)  # the same formulas recur on every page and at every rebuild
def formula_search_text(formula: str) -> str:
    """What the search index holds for one KaTeX formula (HTML with only `sub`/`sup` markup): an inline
    formula as one readable line from its MathML, a display formula as its number, "(G2)", or nothing."""
    math = MATH.search(formula)
    if math is None:
        return ""
    parser = _MathParser()
    parser.feed(math.group(0))
    parser.close()
    if formula.lstrip().startswith('<span class="katex-display"'):
        tag = TEX_TAG.search(html.unescape(math.group(0)))
        return f"({html.escape(tag.group(1), quote=False)})" if tag else ""
    text = re.sub(r"\s+", " ", _linear(parser.root))
    text = re.sub(r" (?=[…⋯])", "\u00a0", text)  # "s₀, …, s_T": a preview line never starts with the ellipsis
    return re.sub(r"([(\[{]) | ([)\]}])", r"\1\2", text).strip()


# ------------------------------------------------------------------------------------------------
# Cleaning the entries
# ------------------------------------------------------------------------------------------------
def _breaks_badly(before: str, after: str) -> bool:
    """Whether a break opportunity between `before` and `after` would misplace punctuation or a space."""
    if not before or not after or before.isspace() or after.isspace() or ZWSP in (before, after):
        return True
    return unicodedata.category(after) in {"Pe", "Pf", "Po"} or unicodedata.category(before) in {"Ps", "Pi"}


def tidy_breaks(text: str) -> str:
    """Keep jieba's zero-width spaces only where a line may break: not before 。，：） nor after （「."""
    def keep_or_drop(match: re.Match) -> str:
        before = text[match.start() - 1] if match.start() else ""
        after = text[match.end()] if match.end() < len(text) else ""
        return "" if _breaks_badly(before, after) else ZWSP

    return re.sub(f"{ZWSP}+", keep_or_drop, text)


def merge_same_location(docs: list[dict]) -> list[dict]:
    """One entry per location: the texts of entries sharing one are joined, in page order."""
    merged: dict[str, dict] = {}
    for doc in docs:
        first = merged.get(doc["location"])
        if first is None:
            merged[doc["location"]] = dict(doc)
        else:
            first["text"] = " ".join(part for part in (first["text"], doc["text"]) if part)
    return list(merged.values())


def title_boost(title: str, separator: str) -> float:
    """A heading of one or two words names what its section is about: ×2 and ×1.5; longer ones ×1.
    An exercise ("★★ …") practises terms the page's sections explain, and repeats them: ×0.5."""
    text = re.sub(r"<[^>]+>", " ", title)
    if text.lstrip().startswith("★"):
        return 0.5
    words = [word for word in re.split(separator, text) if word]
    return {1: 2.0, 2: 1.5}.get(len(words), 1.0)


def language_index(index: dict, locale: str, default: str, prefix: str) -> dict:
    """The entries of one language, located relative to its home, with its own search languages."""
    config = dict(index["config"])
    # A language's own stemmer and stop words, and English too where pages carry English terms.
    config["lang"] = [lang for lang in config["lang"] if lang in {locale, default}] or [locale]
    separator = config["separator"]
    docs = []
    for doc in merge_same_location(index["docs"]):
        doc = {**doc, "location": doc["location"][len(prefix):],
               "title": tidy_breaks(doc["title"]), "text": tidy_breaks(doc["text"])}
        doc["boost"] = round(doc.get("boost", 1) * title_boost(doc["title"], separator), 3)
        docs.append(doc)
    return {"config": config, "docs": docs}


# ------------------------------------------------------------------------------------------------
# Hooks
# ------------------------------------------------------------------------------------------------
@event_priority(50)  # after katex.py has swapped the formulas out (100), before the search plugin (0)
def on_page_context(context, page, config, nav):
    """Plots are drawn as inline SVG, whose text (tick labels, "image/svg+xml Matplotlib v3…") made
    previews of the notebook pages; the search plugin skips them, then drops its mark."""
    page.content = SVG_OPEN.sub('<svg data-search-exclude="plot"', page.content)
    return context


def on_post_page(output: str, page, config) -> str:
    """A page of a non-default language: Material's `base` is that language's home."""
    default, built = languages(config)
    locale = locale_of(page.url, [locale for locale in built if locale != default])
    if locale is None:
        return output
    home = get_relative_url(f"{locale}/", page.url)

    def rebase(match: re.Match) -> str:
        return match.group(1) + BASE.sub(lambda m: m.group(1) + home + m.group(2), match.group(2), count=1) + match.group(3)

    return CONFIG_SCRIPT.sub(rebase, output, count=1)


@event_priority(-110)  # after mkdocs-static-i18n (-100) has written the index of all languages
def on_post_build(config) -> None:
    path = Path(config["site_dir"]) / "search" / "search_index.json"
    if not path.exists():
        return
    index = json.loads(path.read_text(encoding="utf-8"))
    default, built = languages(config)
    others = [locale for locale in built if locale != default]
    by_language: dict[str, list[dict]] = {locale: [] for locale in [default, *others]}
    for doc in index["docs"]:
        by_language[locale_of(doc["location"], others) or default].append(doc)
    for locale, docs in by_language.items():
        prefix = "" if locale == default else f"{locale}/"
        target = Path(config["site_dir"]) / prefix / "search" / "search_index.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        data = language_index({"config": index["config"], "docs": docs}, locale, default, prefix)
        target.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
