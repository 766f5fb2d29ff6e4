"""The notebook pages' plots as a reader sees them on a 390 px phone and a 1280 px desktop.

The plots are inline SVG scaled to the width they get: what counts is the size of their text on the
screen (font size in SVG units times the SVG's screen scale), not the size matplotlib drew it at.
"""
from __future__ import annotations

import pytest

import reader_helpers as rh
from test_site_reader import LANGS, NOTEBOOK_PAGES, browser  # noqa: F401 (browser: the session's Chromium)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
MIN_PHONE_TEXT_PX = 9     # smallest plot text a phone reader should have to read
MAX_DESKTOP_TEXT_PX = 16  # larger than the page's own text would look out of balance on a desktop
EACH_NOTEBOOK_PAGE = [pytest.param(lang, page, id=f"{lang}-{page}") for page in NOTEBOOK_PAGES for lang in LANGS]

# Every plot once its layout is done: the SVG's screen scale and each piece of its text on screen.
PLOTS_JS = r"""() => [...document.querySelectorAll('article figure.plot')].map((figure, index) => {
  const svg = figure.querySelector('svg');
  const scale = svg.getScreenCTM().a;
  const texts = [...svg.querySelectorAll('text, tspan')]
    .filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.data.trim()) && e.checkVisibility())
    .map(e => ({text: e.textContent.trim().slice(0, 40), px: parseFloat(getComputedStyle(e).fontSize) * scale}));
  const caption = figure.querySelector('figcaption');
  return {index, texts, width: svg.getBoundingClientRect().width,
          column: document.querySelector('article').getBoundingClientRect().width,
          captionStyle: caption ? getComputedStyle(caption).fontStyle : null,
          caption: caption ? caption.textContent.slice(0, 40) : null};
})"""

# Short expressions in captions ("x = 0", "p ≈ 0.59") that the browser laid out over two lines.
SPLIT_EXPRESSIONS_JS = r"""() => {
  const split = [];
  for (const caption of document.querySelectorAll('article figure.plot figcaption')) {
    const walker = document.createTreeWalker(caption, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/\S\s[=≈]\s\S/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.bottom)));
        if (lines.size > 1) split.push(match[0].replace(/\s/g, ' '));
      }
    }
  }
  return split;
}"""
# Caption text (links included) on its card whose contrast is under `minimum`: the card is opaque.
CAPTION_CONTRAST_JS = r"""(minimum) => {
  const rgb = c => c.match(/[\d.]+/g).slice(0, 3).map(Number);
  const luminance = c => rgb(c).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const ratio = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const low = [];
  for (const caption of document.querySelectorAll('article figure.plot figcaption')) {
    const card = getComputedStyle(caption.closest('figure')).backgroundColor;
    for (const e of [caption, ...caption.querySelectorAll('*')]) {
      if (![...e.childNodes].some(n => n.nodeType === 3 && n.data.trim())) continue;
      const r = ratio(getComputedStyle(e).color, card);
      if (r < minimum) low.push(`${e.textContent.trim().slice(0, 20)}: ${getComputedStyle(e).color} on ${card}, ${r.toFixed(2)}:1`);
    }
  }
  return low;
}"""
PLOTS_LAID_OUT_JS = """() => { const plots = document.querySelectorAll('article figure.plot svg');
  return plots.length > 0 && [...plots].every(svg => svg.getBoundingClientRect().width > 0 && svg.getScreenCTM()); }"""


@pytest.fixture(scope="module")
def site_server(site_build):
    server = rh.SiteServer(site_build.site)
    yield server
    server.stop()


def open_page(browser, viewport, url):  # noqa: F811 (browser is the fixture's value)
    context = browser.new_context(viewport=viewport, color_scheme="light")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(url)
    page.wait_for_function(PLOTS_LAID_OUT_JS)  # the stylesheets decide each plot's width
    return context, page


@pytest.fixture(scope="module")
def phone_readings(browser, site_server):  # noqa: F811
    """Each notebook page at 390 px: its plots, and the caption expressions split across lines."""
    readings = {}
    for page_name in NOTEBOOK_PAGES:
        for lang in LANGS:
            context, page = open_page(browser, PHONE, rh.page_url(site_server.base, lang, page_name))
            readings[lang, page_name] = page.evaluate(PLOTS_JS), page.evaluate(SPLIT_EXPRESSIONS_JS)
            context.close()
    return readings


@pytest.fixture(scope="module")
def desktop_readings(browser, site_server):  # noqa: F811
    """Each notebook page at 1280 px: its plots, and its caption text under 4.5:1 in each scheme."""
    readings = {}
    for page_name in NOTEBOOK_PAGES:
        for lang in LANGS:
            context, page = open_page(browser, DESKTOP, rh.page_url(site_server.base, lang, page_name))
            plots = page.evaluate(PLOTS_JS)
            contrast = {}
            for scheme in ("default", "slate"):
                rh.set_scheme(page, scheme)
                contrast[scheme] = page.evaluate(CAPTION_CONTRAST_JS, rh.MIN_CONTRAST)
            readings[lang, page_name] = plots, contrast
            context.close()
    return readings


def small_texts(plots, limit):
    return [f"plot {plot['index'] + 1}: {text['text']!r} at {text['px']:.1f} px"
            for plot in plots for text in plot["texts"] if text["px"] < limit]


@pytest.mark.parametrize("lang,page", EACH_NOTEBOOK_PAGE)
def test_plot_text_is_readable_on_a_phone(phone_readings, lang, page):
    plots, _ = phone_readings[lang, page]
    assert plots, "no plot found on a notebook page"
    assert all(plot["texts"] for plot in plots), "a plot without text: its labels are not SVG text"
    too_small = small_texts(plots, MIN_PHONE_TEXT_PX)
    smallest = min(text["px"] for plot in plots for text in plot["texts"])
    assert not too_small, (f"plot text under {MIN_PHONE_TEXT_PX} px on a 390 px screen (smallest "
                           f"{smallest:.1f} px): " + "; ".join(too_small[:8]))


@pytest.mark.parametrize("lang,page", EACH_NOTEBOOK_PAGE)
def test_plot_captions_keep_short_expressions_on_one_line(phone_readings, lang, page):
    _, split = phone_readings[lang, page]
    assert not split, f"caption expressions broken across two lines at 390 px: {split}"


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_plot_captions_are_upright_on_chinese_pages(phone_readings, page):
    plots, _ = phone_readings["zh", page]
    slanted = [plot["caption"] for plot in plots if plot["captionStyle"] != "normal"]
    assert not slanted, f"italic (fake-slanted) Chinese captions: {slanted}"


@pytest.mark.parametrize("lang,page", EACH_NOTEBOOK_PAGE)
def test_plots_stay_in_proportion_on_a_desktop(desktop_readings, lang, page):
    plots, _ = desktop_readings[lang, page]
    assert plots, "no plot found on a notebook page"
    too_large = [f"plot {plot['index'] + 1}: {text['text']!r} at {text['px']:.1f} px"
                 for plot in plots for text in plot["texts"] if text["px"] > MAX_DESKTOP_TEXT_PX + 0.5]
    assert not too_large, f"plot text over {MAX_DESKTOP_TEXT_PX} px at 1280 px: " + "; ".join(too_large[:8])
    too_wide = [f"plot {plot['index'] + 1}: {plot['width']:.0f} px" for plot in plots if plot["width"] > plot["column"]]
    assert not too_wide, f"plots wider than the text column: {too_wide}"


@pytest.mark.parametrize("lang,page", EACH_NOTEBOOK_PAGE)
def test_plot_captions_are_readable_on_their_card_in_both_schemes(desktop_readings, lang, page):
    _, contrast = desktop_readings[lang, page]
    low = {scheme: found for scheme, found in contrast.items() if found}
    assert not low, f"caption text under {rh.MIN_CONTRAST}:1 on the white plot card: {low}"
