"""What makes a page slow on a phone, checked on the built site without timing anything (issue 15).

The timings are benchmarks/lighthouse_pages.py's (Lighthouse's mobile run, `make bench-pages`); here
are the causes it found, which do not depend on the machine: how many elements a page has, how many
bytes of stylesheet stand before its first paint, and that blocks off screen are skipped until the
reader comes near them (content-visibility in docs/assets/site.css) without moving anything on the
first screen or losing a wide formula's tab stop.
"""
from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

import reader_helpers as rh
from test_site_reader import browser  # noqa: F401 (the session's Chromium)

# Elements in a page's HTML. The largest pages (the policy gradient, with its exercises) have about
# 25,000, most of them KaTeX's: each formula is drawn in HTML and repeated in MathML for screen readers.
ELEMENT_BUDGET = 30_000
# Gzipped bytes of the stylesheets that block a page's first paint. Material's and KaTeX's and the
# site's come to about 30 KB; JupyterLab's whole stylesheet on the notebook pages added 90 KB.
BLOCKING_CSS_BUDGET = 45_000
STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)"')
LONG_PAGE = "policy-gradient"   # formulas, code tabs and exercises far below the first screen


def blocking_stylesheet_bytes(site: Path, page: str) -> int:
    html = (site / page / "index.html").read_text(encoding="utf-8")
    head = html.split("</head>", 1)[0]
    total = 0
    for href in STYLESHEET.findall(head):
        path = urlsplit(urljoin(f"http://site/{page}", href)).path
        total += len(gzip.compress((site / path.lstrip("/")).read_bytes(), compresslevel=6))
    return total


def test_every_page_stays_within_its_element_budget(site_build):
    pages = rh.site_pages(site_build.site)
    sizes = {page or "/": rh.element_count((site_build.site / page / "index.html").read_text(encoding="utf-8"))
             for page in pages}
    assert len(sizes) >= 30, sorted(sizes)
    assert {page: n for page, n in sizes.items() if n > ELEMENT_BUDGET} == {}


def test_stylesheets_before_the_first_paint_stay_small(site_build):
    pages = rh.site_pages(site_build.site)
    sizes = {page or "/": blocking_stylesheet_bytes(site_build.site, page) for page in pages}
    assert {page: n for page, n in sizes.items() if n > BLOCKING_CSS_BUDGET} == {}
    assert min(sizes.values()) > 20_000, "Material's stylesheet is no longer counted"


def test_the_stylesheet_budget_catches_jupyterlabs_whole_stylesheet(tmp_path):
    """The notebook pages linked JupyterLab's whole stylesheet (0.6 MB, 90 KB gzipped) before it was pruned."""
    (tmp_path / "agent").mkdir()
    (tmp_path / "assets").mkdir()
    rules = "".join(f".jp-Widget{i} .jp-Icon-{i * 7919 % 10007}{{margin:{i % 13}px;color:#{i * 2654435761 % 16**6:06x}}}\n"
                    for i in range(20_000))
    (tmp_path / "assets" / "notebook.css").write_text(rules)
    (tmp_path / "agent" / "index.html").write_text('<head><link rel="stylesheet" href="../assets/notebook.css"></head>')
    assert blocking_stylesheet_bytes(tmp_path, "agent/") > BLOCKING_CSS_BUDGET


def test_pages_with_formulas_ask_for_katex_fonts_with_the_page(site_build):
    """Asked for after the first layout, the fonts arrived when a formula on the first screen was already
    drawn in a fallback font: it grew and pushed the text below it down (hooks/page_weight.py). Every font
    asked for competes with the page itself for a slow connection: only those the first screens use
    (test_site_reader.py checks the screen's formulas have theirs)."""
    wrong = {}
    for page in rh.site_pages(site_build.site):
        html = (site_build.site / page / "index.html").read_text(encoding="utf-8")
        head = html.split("</head>", 1)[0]
        preloaded = re.findall(r'<link rel="preload" href="[^"]*/KaTeX_([\w-]+)\.woff2" as="font"', head)
        has_formulas = 'class="katex' in html
        if (has_formulas and not {"Main-Regular", "Math-Italic"} <= set(preloaded) or not has_formulas and preloaded
                or len(preloaded) != len(set(preloaded)) or len(preloaded) > 6):
            wrong[page or "/"] = preloaded
    assert wrong == {}


@pytest.fixture(scope="module")
def site_server(site_build):
    server = rh.SiteServer(site_build.site)
    yield server
    server.stop()


@pytest.fixture
def phone(browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    context.add_init_script(rh.NO_SEARCH_INDEX_BUILD_JS)  # the index is asked for, not built (reader_helpers.py)
    yield context.new_page()
    context.close()


# Formulas and code shown (not in a closed <details> or a tab not chosen) three screens or more below the
# top: how many there are, and how many of them are rendered all the same. (Chromium draws blocks near
# the screen too, and where a block lies is a guess until the text above it is drawn: two screens
# down, a block was once drawn before the reader came near.)
FAR_BLOCKS_JS = """() => {
  const far = [...document.querySelectorAll('.md-typeset .katex-display, .md-typeset .highlight > pre')]
    .filter(block => block.checkVisibility() && block.getBoundingClientRect().top > 3 * innerHeight);
  return {far: far.length, rendered: far.filter(block => block.firstElementChild.checkVisibility({contentVisibilityAuto: true})).length};
}"""
LAST_SHOWN_DISPLAY = """[...document.querySelectorAll('.md-typeset .katex-display')].filter(d => d.checkVisibility()).pop()"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_blocks_off_screen_are_skipped_and_the_first_screen_does_not_move(phone, site_server, lang):
    phone.goto(rh.page_url(site_server.base, lang, LONG_PAGE), wait_until="load")
    rh.wait_until_ready(phone, render_all=False)
    blocks = phone.evaluate(FAR_BLOCKS_JS)
    assert blocks["far"] >= 5 and blocks["rendered"] == 0, blocks   # not rendered yet
    skipped = phone.screenshot()
    phone.evaluate(rh.RENDER_ALL_JS)
    phone.wait_for_function(f"() => {{ const b = ({FAR_BLOCKS_JS})(); return b.rendered === b.far; }}")
    assert phone.screenshot() == skipped     # rendering them moves nothing the reader sees first


# A block with content-visibility contains its children's margins; where they used to collapse through
# it (a <pre>'s margin through the .highlight around it), the page's spacing changed everywhere.
MARGINS_HELD_IN_JS = """() => [...document.querySelectorAll('article *')]
  .filter(e => getComputedStyle(e).contentVisibility === 'auto').filter(e => {
    const s = getComputedStyle(e);
    if (!/^(block|list-item)$/.test(s.display) || s.overflowX !== 'visible') return false;  // already kept them
    const flow = [...e.children].map(c => getComputedStyle(c)).filter(c => c.display !== 'none' && c.float === 'none'
      && !['absolute', 'fixed'].includes(c.position));
    if (!flow.length) return false;
    const px = v => parseFloat(v) || 0;
    return px(flow[0].marginTop) && !px(s.paddingTop) && !px(s.borderTopWidth)
      || px(flow[flow.length - 1].marginBottom) && !px(s.paddingBottom) && !px(s.borderBottomWidth);
  }).map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.')).slice(0, 5)"""


@pytest.mark.parametrize("page", ["policy-objectives", "agent"])
def test_skipping_blocks_changes_no_spacing(phone, site_server, page):
    phone.goto(rh.page_url(site_server.base, "en", page), wait_until="load")
    rh.wait_until_ready(phone, render_all=False)
    assert phone.evaluate(MARGINS_HELD_IN_JS) == []


def test_a_wide_formula_off_screen_becomes_a_tab_stop_when_the_reader_comes_to_it(phone, site_server):
    # The page's last display formula made wider than any phone, before the page's scripts run.
    phone.add_init_script(f"""document.addEventListener('DOMContentLoaded', () => {{
      {LAST_SHOWN_DISPLAY}.querySelector('.katex-html').style.minWidth = '2000px'; }})""")
    phone.goto(rh.page_url(site_server.base, "en", LONG_PAGE), wait_until="load")
    rh.wait_until_ready(phone, render_all=False)
    last = f"({LAST_SHOWN_DISPLAY})"
    assert phone.evaluate(f"{last}.tabIndex") == -1
    assert not phone.evaluate(f"{last}.firstElementChild.checkVisibility({{contentVisibilityAuto: true}})")
    phone.evaluate(f"{last}.scrollIntoView()")
    phone.wait_for_function(f"{last}.getAttribute('tabindex') === '0'")  # docs/assets/site.js


# A skipped code block keeps the height it takes once drawn (hooks/page_weight.py counts its lines,
# docs/assets/site.css turns them into a height): nothing moves when the reader scrolls to it, and the
# geometry accessibility checkers read has no code overflowing its box onto the text after it.
CODE_HEIGHTS_JS = """() => [...document.querySelectorAll('.md-typeset .highlight > pre')].filter(pre => pre.checkVisibility())
  .map(pre => ({height: pre.getBoundingClientRect().height, drawn: pre.firstElementChild.checkVisibility({contentVisibilityAuto: true})}))"""
WRONG_LINE_COUNT = "<style>.md-typeset .highlight > pre { --code-lines: 3 !important; }</style></head>"


def code_heights_skipped_and_drawn(browser, base: str, width: int, edit=None) -> tuple[list, list]:  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 844})
    context.add_init_script(rh.NO_SEARCH_INDEX_BUILD_JS)
    try:
        page = context.new_page()
        if edit:
            page.route("**/policy-gradient/", lambda route: route.fulfill(response=(r := route.fetch()), body=edit(r.text())))
        page.goto(rh.page_url(base, "en", LONG_PAGE), wait_until="load")
        rh.wait_until_ready(page, render_all=False)
        skipped = page.evaluate(CODE_HEIGHTS_JS)
        page.evaluate(rh.RENDER_ALL_JS)
        page.wait_for_function(f"() => ({CODE_HEIGHTS_JS})().every(block => block.drawn)")
        return skipped, page.evaluate(CODE_HEIGHTS_JS)
    finally:
        context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_a_skipped_code_block_keeps_the_height_it_takes(browser, site_server, width):  # noqa: F811
    skipped, drawn = code_heights_skipped_and_drawn(browser, site_server.base, width)
    assert sum(not block["drawn"] for block in skipped) >= 10
    # within a pixel: the drawn lines land on device pixels, the kept height is their exact sum
    assert [round(a["height"] - b["height"], 1) for a, b in zip(skipped, drawn) if abs(a["height"] - b["height"]) >= 1] == []


def test_a_wrong_line_count_is_caught(browser, site_server):  # noqa: F811
    skipped, drawn = code_heights_skipped_and_drawn(browser, site_server.base, 390,
                                                    edit=lambda html: html.replace("</head>", WRONG_LINE_COUNT, 1))
    assert sum(abs(a["height"] - b["height"]) >= 1 for a, b in zip(skipped, drawn)) >= 10


# The search index (170-200 KB gzipped) is asked for once the page has loaded (overrides/main.html), so on
# a slow phone it does not hold back the first text; a reader who goes to the search box first gets it then.
INDEX_ASKED_AND_LOAD_JS = """() => {
  const index = performance.getEntriesByType('resource').find(entry => entry.name.endsWith('/search_index.json'));
  const load = performance.getEntriesByType('navigation')[0].loadEventStart;
  return index && load ? {asked: index.startTime, loaded: load} : null;
}"""
LOAD_FIRST_SCRIPT = re.compile(r'<script id="search-index-after-load">.*?</script>', re.S)


def index_asked_and_load(page, base: str, lang: str, edit=None) -> dict:
    if edit:
        page.route("**/glossary/", lambda route: route.fulfill(response=(r := route.fetch()), body=edit(r.text())))
    page.goto(rh.page_url(base, lang, "glossary"), wait_until="commit")
    return page.wait_for_function(INDEX_ASKED_AND_LOAD_JS).json_value()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_search_index_is_asked_for_after_the_page_has_loaded(phone, site_server, lang):
    times = index_asked_and_load(phone, site_server.base, lang)
    assert times["asked"] >= times["loaded"], times


def test_an_index_asked_for_with_the_page_is_caught(phone, site_server):
    times = index_asked_and_load(phone, site_server.base, "en", edit=lambda html: LOAD_FIRST_SCRIPT.sub("", html, 1))
    assert times["asked"] < times["loaded"], times


def test_a_reader_who_goes_to_search_before_the_page_has_loaded_gets_the_index_then(browser, site_server):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        held = []   # the page's last script, held back: the page cannot finish loading
        page.route("**/assets/site.js", lambda route: held.append(route))
        page.goto(rh.page_url(site_server.base, "en", "glossary"), wait_until="commit")
        page.wait_for_function("typeof window.component$ !== 'undefined'")   # Material's bundle has run
        with page.expect_request("**/search_index.json"):
            page.focus("[data-md-component=search-query]")
        assert page.evaluate("document.readyState") != "complete"
        held[0].continue_()
        # typed as a reader types: Material reads the box at each key up (fill alone sends none, and
        # when the worker is ready before the fill, nothing asks it to search)
        assert rh.search(page, "baseline")["results"]
    finally:
        context.close()


# Material's scripts change <html>'s classes and <body>'s attributes while every page loads. Two rules of
# Material's made any class change restyle the changed element's whole subtree, and one any change of
# `data-md-color-switching` restyle every element (hooks/page_weight.py rewrites and drops them). Counted
# in a Chromium trace: a count of elements, which does not depend on the machine's load.
ROOT_CHANGES = ["document.documentElement.classList.add('reader-test')",
                "document.body.setAttribute('data-md-color-switching', '')"]
CHANGE_STAMPS = ("reader-test: the change", "reader-test: restyled")
WHOLE_SUBTREE_RULE = ("<style>.md-typeset table:not([class]) td>:first-child{margin-top:0}</style>"
                      "<style>[data-md-color-switching] *{transition-duration:0s!important}</style></head>")


def elements_restyled_by_root_changes(browser, phone, base: str, edit=None) -> tuple[dict[str, int], int]:  # noqa: F811
    if edit:
        phone.route("**/short-corridor/", lambda route: route.fulfill(response=(r := route.fetch()), body=edit(r.text())))
    phone.goto(rh.page_url(base, "zh", "short-corridor"), wait_until="load")
    rh.wait_until_ready(phone, render_all=False)
    restyled = {}
    for change in ROOT_CHANGES:
        browser.start_tracing(page=phone, categories=["devtools.timeline"])
        # style left to update from before is updated first, and a font that comes in after is not
        # counted: only the restyle between the two time stamps, which the read after the change forces
        phone.evaluate(f"""() => {{ document.body.offsetHeight; console.timeStamp('{CHANGE_STAMPS[0]}'); {change};
                                   document.body.offsetHeight; console.timeStamp('{CHANGE_STAMPS[1]}'); }}""")
        events = json.loads(browser.stop_tracing())["traceEvents"]
        start, end = (next(e["ts"] for e in events if e.get("name") == "TimeStamp" and e["args"]["data"].get("message") == stamp)
                      for stamp in CHANGE_STAMPS)
        restyled[change] = sum(e["args"].get("elementCount", 0) for e in events
                               if e.get("name") == "UpdateLayoutTree" and start < e["ts"] < end)
    return restyled, phone.evaluate("document.getElementsByTagName('*').length")


def test_a_change_on_the_pages_root_restyles_few_elements(browser, phone, site_server):  # noqa: F811
    restyled, elements = elements_restyled_by_root_changes(browser, phone, site_server.base)
    assert {change: n for change, n in restyled.items() if n > 0.05 * elements} == {}, elements


def test_rules_that_restyle_every_element_are_caught(browser, phone, site_server):  # noqa: F811
    restyled, elements = elements_restyled_by_root_changes(
        browser, phone, site_server.base, edit=lambda html: html.replace("</head>", WHOLE_SUBTREE_RULE, 1))
    assert all(n > 0.2 * elements for n in restyled.values()), (restyled, elements)


# Material's palette script added a <meta name="color-scheme"> and wrote it on every load, and Chromium
# restyled every element each time, whatever the value (hooks/page_weight.py, overrides/main.html).
COLOR_SCHEME_WRITES_JS = """(() => {
  if (window.__colorSchemeWrites) return;   // added again for a second load in the same page
  window.__colorSchemeWrites = [];
  new MutationObserver(records => records.forEach(record => record.target.matches('meta[name=color-scheme]')
      && window.__colorSchemeWrites.push(`${record.oldValue} -> ${record.target.content}`)))
    .observe(document, {subtree: true, attributes: true, attributeFilter: ['content'], attributeOldValue: true});
})()"""
COLOR_SCHEME_META = '<meta name="color-scheme" content="light">'


def color_scheme_on_load(page, base: str, edit=None) -> dict:
    page.add_init_script(COLOR_SCHEME_WRITES_JS)
    if edit:
        page.route("**/policy-gradient/", lambda route: route.fulfill(response=(r := route.fetch()), body=edit(r.text())))
    page.goto(rh.page_url(base, "en", "policy-gradient"), wait_until="load")
    rh.wait_until_ready(page, render_all=False)
    page.wait_for_function("document.querySelector('meta[name=theme-color]')?.content.startsWith('#')")  # the palette script has run
    return page.evaluate("""() => ({metas: [...document.querySelectorAll('meta[name=color-scheme]')].map(m => m.content),
                                   writes: window.__colorSchemeWrites})""")


def test_the_color_scheme_is_not_written_while_a_page_loads_and_follows_the_palette(browser, site_server):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme="light")
    try:
        page = context.new_page()
        assert color_scheme_on_load(page, site_server.base) == {"metas": ["light"], "writes": []}
        page.locator("form[data-md-component=palette] label:visible").first.click()   # to dark mode
        page.wait_for_function("document.querySelector('meta[name=color-scheme]').content === 'dark'")
        assert color_scheme_on_load(page, site_server.base) == {"metas": ["dark"], "writes": ["light -> dark"]}   # kept
    finally:
        context.close()
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme="dark")   # a dark system
    try:
        assert color_scheme_on_load(context.new_page(), site_server.base) == {"metas": ["dark"], "writes": ["light -> dark"]}
    finally:
        context.close()


def test_a_color_scheme_written_on_every_load_is_caught(phone, site_server):
    loaded = color_scheme_on_load(phone, site_server.base, edit=lambda html: html.replace(COLOR_SCHEME_META, "", 1))
    assert loaded["writes"] == ["null -> light"], loaded


# A list or a table far below is skipped at the height hooks/page_weight.py estimated from its text; drawn,
# it must not come out much taller (its rows would overflow onto what follows in the geometry that
# accessibility checkers read). Pages with the longest tables, in both languages.
FAR_LISTS_AND_TABLES_JS = """() => [...document.querySelectorAll('[data-below-first-screens]')]
  .map(block => ({height: block.getBoundingClientRect().height, drawn: block.firstElementChild.checkVisibility({contentVisibilityAuto: true})}))"""
LISTS_AND_TABLES_PAGES = [("en", "policy-gradient"), ("en", "policy-objectives"), ("en", "where-the-notes-end"),
                          ("en", "monte-carlo"), ("zh", "policy-gradient")]
TOO_LOW_ESTIMATE = "<style>[data-below-first-screens] { --estimated-height: 40px !important; }</style></head>"


def far_block_heights_skipped_and_drawn(phone, base: str, lang: str, page: str, edit=None) -> list[tuple[float, float]]:
    if edit:
        phone.route(f"**/{page}/", lambda route: route.fulfill(response=(r := route.fetch()), body=edit(r.text())))
    phone.goto(rh.page_url(base, lang, page), wait_until="load")
    rh.wait_until_ready(phone, render_all=False)
    skipped = phone.evaluate(FAR_LISTS_AND_TABLES_JS)
    phone.evaluate("() => document.querySelectorAll('[data-below-first-screens]').forEach(block => block.style.contentVisibility = 'visible')")
    phone.wait_for_function(f"() => ({FAR_LISTS_AND_TABLES_JS})().every(block => block.drawn)")
    drawn = phone.evaluate(FAR_LISTS_AND_TABLES_JS)
    assert skipped and not any(block["drawn"] for block in skipped), skipped   # all far below, all skipped
    return [(a["height"], b["height"]) for a, b in zip(skipped, drawn)]


@pytest.mark.parametrize("lang, page", LISTS_AND_TABLES_PAGES)
def test_a_skipped_list_or_table_keeps_about_the_height_it_takes(phone, site_server, lang, page):
    heights = far_block_heights_skipped_and_drawn(phone, site_server.base, lang, page)
    # the estimate is on the large side: drawn, a block is at most a tenth taller than the space it kept
    assert [(kept, drawn) for kept, drawn in heights if drawn > 1.1 * kept] == []


def test_a_too_low_estimate_is_caught(phone, site_server):
    heights = far_block_heights_skipped_and_drawn(phone, site_server.base, "en", "policy-gradient",
                                                  edit=lambda html: html.replace("</head>", TOO_LOW_ESTIMATE, 1))
    assert all(drawn > 1.1 * kept for kept, drawn in heights)
