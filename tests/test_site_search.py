"""Search as a reader uses it: the header's search box, in each language's site, in headless Chromium.

Each language searches its own pages (hooks/search_languages.py splits Material's index per
language), the results carry no broken markup, their previews break lines where Chinese may break,
and a section named after the query comes first. The queries are those of issue 10.

`SEARCH_TEST_SITE=/path/to/site pytest tests/test_site_search.py` reads an already built site
instead of building one (used to show these tests fail on a site built before the fix).
"""
from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import reader_helpers as rh
from conftest import ROOT
from test_site_reader import browser  # noqa: F401  (the session's Chromium)

sys.path.insert(0, str(ROOT / "hooks"))
import search_languages  # noqa: E402

LANGS = ("en", "zh")
QUERIES = ("baseline", "REINFORCE", "得分函数", "基线", "对数导数技巧", "蒙特卡洛", "智能体")
ENGLISH_QUERIES = {"baseline", "REINFORCE"}  # Chinese pages carry these English terms in brackets
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
MARKUP = re.compile(r"</?[A-Za-z][\w-]*[\s/>]|\b(?:ark|mark|sub|sup|code|span)>|&(?:lt|gt|amp|#\d+);")
# What Chinese text never starts a line with: closing punctuation and the pause marks.
NO_LINE_START = "。，、；：！？）」』】〕》〉”’…"
# What KaTeX's visible text of a formula reads like when flattened: an accent beside its letter (R^t),
# a big operator with its limits on the line (i=1∑n). Scripts shown as scripts are not on the line.
FLATTENED_MATH = re.compile(r"[\w)]\^|\^[\w(]|[=\w]\d*[∑∏]|[∑∏]\w*=")

# For each preview that is shown: the first character of every line, where the browser drew it.
LINE_STARTS_JS = r"""() => {
  const starts = [];
  for (const article of document.querySelectorAll('.md-search-result__article')) {
    if (!article.checkVisibility()) continue;
    const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
    let lastTop = null, lastBlock = null;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const block = node.parentElement.closest('p, li, h1, h2, pre, div, article');
      for (let i = 0; i < node.data.length; i++) {
        const char = node.data[i];
        if (/\s|\u200b/.test(char)) continue;
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const box = range.getClientRects()[0];
        if (!box) continue;
        if (lastTop === null || block !== lastBlock || box.top > lastTop + box.height / 2) {
          starts.push({char, context: node.data.slice(Math.max(0, i - 12), i + 12).replace(/\u200b/g, '')});
        }
        lastTop = box.top;
        lastBlock = block;
      }
    }
  }
  return starts;
}"""


# ------------------------------------------------------------------------------------------------
# One search per language, query and screen width, read once
# ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def site(request) -> Path:
    chosen = os.environ.get("SEARCH_TEST_SITE")
    return Path(chosen) if chosen else request.getfixturevalue("site_build").site


@pytest.fixture(scope="module")
def searches(site, browser):  # noqa: F811
    """(viewport, lang, query) -> what Material listed, with each preview line's first character."""
    server = rh.SiteServer(site)
    found = {}
    try:
        for viewport, size in VIEWPORTS.items():
            context = browser.new_context(viewport=size)
            page = context.new_page()
            for lang in LANGS:
                page.goto(rh.page_url(server.base, lang, "index"))
                for query in QUERIES:
                    result = rh.search(page, query, every=True)
                    result["line_starts"] = page.evaluate(LINE_STARTS_JS)
                    result["previews"] = page.evaluate(
                        "() => [...document.querySelectorAll('.md-search-result__article')].map(a => a.innerHTML)")
                    result["base"] = server.base
                    found[viewport, lang, query] = result
            context.close()
    finally:
        server.stop()
    return found


def language_of(href: str, base: str) -> str:
    path = urlsplit(href).path.removeprefix(urlsplit(base).path)
    return "zh" if path.startswith("zh/") else "en"


EACH_SEARCH = [pytest.param(lang, query, id=f"{lang}-{query}") for lang in LANGS for query in QUERIES]


@pytest.mark.parametrize("lang, query", EACH_SEARCH)
def test_search_lists_only_pages_of_the_readers_language(searches, lang, query):
    found = searches["desktop", lang, query]
    others = [r["href"] for r in found["results"] if language_of(r["href"], found["base"]) != lang]
    assert others == [], f"{query!r} on the {lang} site lists {len(others)} of {len(found['results'])} results in another language: {others[:5]}"
    if lang == "zh" and query in ENGLISH_QUERIES:
        assert found["results"], f"{query!r} finds none of the Chinese pages that carry it: {found['meta']}"


@pytest.mark.parametrize("lang, query", EACH_SEARCH)
def test_search_results_show_no_markup(searches, lang, query):
    found = searches["desktop", lang, query]
    shown = [(r["href"], r["title"] + "\n" + r["text"]) for r in found["results"]]
    broken = [f"{href}: {m.group(0)!r} in …{text[max(0, m.start() - 20):m.end() + 20]}…"
              for href, text in shown for m in [MARKUP.search(text)] if m]
    assert broken == [], f"{len(broken)} results show markup: {broken[:3]}"


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("lang, query", EACH_SEARCH)
def test_no_preview_line_starts_with_chinese_punctuation(searches, viewport, lang, query):
    starts = searches[viewport, lang, query]["line_starts"]
    bad = [f"{s['char']!r} in …{s['context']}…" for s in starts if s["char"] in NO_LINE_START]
    assert bad == [], f"{len(bad)} of {len(starts)} preview lines start with punctuation at {viewport} width: {bad[:3]}"


def on_the_line(html: str) -> str:
    """The prose of a preview as it sits on the line: code, sub- and superscripts (and markup) removed."""
    html = re.sub(r"<(pre|code)>.*?</\1>", " ", re.sub(r"</?mark>", "", html), flags=re.S)
    while True:
        shorter = re.sub(r"<(sub|sup)>[^<]*</\1>", "", html)
        if shorter == html:
            return re.sub(r"<[^>]+>", "", html)
        html = shorter


@pytest.mark.parametrize("lang, query", EACH_SEARCH)
def test_previews_show_formulas_as_text_not_flattened(searches, lang, query):
    found = searches["desktop", lang, query]
    flat = [f"{m.group(0)!r} in …{text[max(0, m.start() - 25):m.end() + 25]}…"
            for text in map(on_the_line, found["previews"]) for m in [FLATTENED_MATH.search(text)] if m]
    assert flat == [], f"{len(flat)} previews show flattened formulas: {flat[:3]}"


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_section_titled_like_the_query_is_listed_first(searches, viewport):
    found = searches[viewport, "zh", "基线"]
    titles = [(r["title"].replace("\u200b", ""), r["href"]) for r in found["results"]]
    first = [title for title, href in titles[:2] if "#" in href]
    assert "基线" in first, f"the first results for 基线 are {titles[:6]}"


@pytest.mark.site  # reads the built site (through `site`, which asks for site_build by name)
def test_each_language_has_an_index_of_its_own_pages(site):
    indexes = {"en": site / "search" / "search_index.json", "zh": site / "zh" / "search" / "search_index.json"}
    assert all(path.exists() for path in indexes.values()), f"missing: {[str(p) for p in indexes.values() if not p.exists()]}"
    en, zh = (json.loads(path.read_text(encoding="utf-8")) for path in indexes.values())
    for index in (en, zh):  # zh's locations are relative to /zh/, where its pages point Material's base
        assert index["docs"] and not [d["location"] for d in index["docs"] if d["location"].startswith("zh/")]
    assert "\\u200b" in zh["config"]["separator"], "the separator must split on jieba's zero-width spaces"
    assert "策略\u200b梯度" in " ".join(doc["text"] for doc in zh["docs"]), "jieba did not segment the Chinese pages"
    assert not re.search(r"[\u4e00-\u9fff]", " ".join(d["title"] for d in en["docs"])), "Chinese titles in the English index"


# ------------------------------------------------------------------------------------------------
# The hook's pieces, on their own
# ------------------------------------------------------------------------------------------------
def test_zero_width_spaces_stay_only_where_a_line_may_break():
    text = "\u200b方差\u200b缩减\u200b。\u200b（\u200b基线\u200b）\u200b详见\u200b「\u200b方差\u200b」。\u200b b(s)"
    # kept between words, after closing and before opening brackets; never before 。） nor after （「
    assert search_languages.tidy_breaks(text) == "方差\u200b缩减。\u200b（基线）\u200b详见\u200b「方差」。 b(s)"


def test_entries_with_the_same_location_are_merged():
    docs = [{"location": "zh/agent/", "title": "训练一个智能体", "text": "代码"},
            {"location": "zh/agent/", "title": "训练一个智能体", "text": "正文"},
            {"location": "zh/agent/#cartpole", "title": "任务", "text": "平衡"}]
    assert search_languages.merge_same_location(docs) == [
        {"location": "zh/agent/", "title": "训练一个智能体", "text": "代码 正文"},
        {"location": "zh/agent/#cartpole", "title": "任务", "text": "平衡"}]


def test_each_language_index_is_located_from_its_home_and_boosts_short_headings():
    index = {"config": {"lang": ["en", "zh"], "separator": r"[\s\u200b\-]+"},
             "docs": [{"location": "zh/variance-reduction/#baseline", "title": "基线", "text": ""},
                      {"location": "zh/short-corridor/#reinforce", "title": "带\u200b基线\u200b与\u200b不带\u200b基线", "text": ""}]}
    zh = search_languages.language_index(index, "zh", "en", "zh/")
    assert [d["location"] for d in zh["docs"]] == ["variance-reduction/#baseline", "short-corridor/#reinforce"]
    assert [d["boost"] for d in zh["docs"]] == [2.0, 1.0]
    assert zh["config"]["lang"] == ["en", "zh"]
    assert search_languages.language_index({**index, "docs": []}, "en", "en", "")["config"]["lang"] == ["en"]


def test_formulas_are_indexed_as_readable_text():
    from katex import render

    inline = search_languages.formula_search_text(render(r"\hat R_t - \hat v(s_t)", False))
    assert inline == "R\u0302<sub>t</sub> − v\u0302(s<sub>t</sub>)"
    sums = search_languages.formula_search_text(render(r"\frac{1}{n}\sum_{i=1}^{n} \log \pi_\theta(a_i|s_i)", False))
    assert sums == "1/n ∑<sub>i=1</sub><sup>n</sup> log π<sub>θ</sub>(a<sub>i</sub>∣s<sub>i</sub>)"
    display = render(r"\mathbb{E}[x] = \int x\, p(x)\, dx \tag{A1}", True)
    assert search_languages.formula_search_text(display) == "(A1)"


def test_short_headings_are_boosted_and_exercises_are_not():
    separator = r"[\s\-\u200b，。]+"
    assert search_languages.title_boost("基线", separator) == 2.0
    assert search_languages.title_boost("Variance reduction", separator) == 1.5
    assert search_languages.title_boost("The estimator for both parameters", separator) == 1.0
    assert search_languages.title_boost("★★★ 用\u200b动作\u200b价值\u200b构造\u200b基线", separator) == 0.5
    assert search_languages.title_boost("★ One decision, by hand", separator) == 0.5
