"""The notebook pages' plots as a reader sees them on a 390 px phone and a 1280 px desktop.

The plots are inline SVG scaled to the width they get: what counts is the size of their text on the
screen (font size in SVG units times the SVG's screen scale), not the size matplotlib drew it at.
They are read (tests/plot_checks.py) in the reader tests' pass, on the pages it loads at each width.
"""
from __future__ import annotations

import pytest

import reader_helpers as rh
from test_site_reader import (DESKTOP_WIDTH, LANGS, NOTEBOOK_PAGES, PHONE_WIDTH, browser, no_step_errors,  # noqa: F401
                              reader)  # (browser, reader: the session's Chromium and reading pass)

MIN_PHONE_TEXT_PX = 9     # smallest plot text a phone reader should have to read
MAX_DESKTOP_TEXT_PX = 16  # larger than the page's own text would look out of balance on a desktop
EACH_NOTEBOOK_PAGE = [pytest.param(lang, page, id=f"{lang}-{page}") for page in NOTEBOOK_PAGES for lang in LANGS]


def phone_reading(reader, lang: str, page: str):
    """The page read at 390 px by the reader tests' pass (test_site_reader.Reader)."""
    reading = reader.read(lang, page)
    assert no_step_errors(reading, "load on a phone", "plots on a phone") == []
    return reading.plots[PHONE_WIDTH], reading.caption_splits


def desktop_reading(reader, lang: str, page: str):
    """The page read at 1280 px: its plots, and its caption text under 4.5:1 in each scheme."""
    reading = reader.read(lang, page)
    assert no_step_errors(reading, "load", "plots", "contrast (slate)", "contrast (default)") == []
    return reading.plots[DESKTOP_WIDTH], reading.caption_contrast


def small_texts(plots, limit):
    return [f"plot {plot['index'] + 1}: {text['text']!r} at {text['px']:.1f} px"
            for plot in plots for text in plot["texts"] if text["px"] < limit]


@pytest.mark.parametrize("lang,page", EACH_NOTEBOOK_PAGE)
def test_plot_text_is_readable_on_a_phone(reader, lang, page):
    plots, _ = phone_reading(reader, lang, page)
    assert plots, "no plot found on a notebook page"
    assert all(plot["texts"] for plot in plots), "a plot without text: its labels are not SVG text"
    too_small = small_texts(plots, MIN_PHONE_TEXT_PX)
    smallest = min(text["px"] for plot in plots for text in plot["texts"])
    assert not too_small, (f"plot text under {MIN_PHONE_TEXT_PX} px on a 390 px screen (smallest "
                           f"{smallest:.1f} px): " + "; ".join(too_small[:8]))


@pytest.mark.parametrize("lang,page", EACH_NOTEBOOK_PAGE)
def test_plot_captions_keep_short_expressions_on_one_line(reader, lang, page):
    _, split = phone_reading(reader, lang, page)
    assert not split, f"caption expressions broken across two lines at 390 px: {split}"


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_plot_captions_are_upright_on_chinese_pages(reader, page):
    plots, _ = phone_reading(reader, "zh", page)
    slanted = [plot["caption"] for plot in plots if plot["captionStyle"] != "normal"]
    assert not slanted, f"italic (fake-slanted) Chinese captions: {slanted}"


@pytest.mark.parametrize("lang,page", EACH_NOTEBOOK_PAGE)
def test_plots_stay_in_proportion_on_a_desktop(reader, lang, page):
    plots, _ = desktop_reading(reader, lang, page)
    assert plots, "no plot found on a notebook page"
    too_large = [f"plot {plot['index'] + 1}: {text['text']!r} at {text['px']:.1f} px"
                 for plot in plots for text in plot["texts"] if text["px"] > MAX_DESKTOP_TEXT_PX + 0.5]
    assert not too_large, f"plot text over {MAX_DESKTOP_TEXT_PX} px at 1280 px: " + "; ".join(too_large[:8])
    too_wide = [f"plot {plot['index'] + 1}: {plot['width']:.0f} px" for plot in plots if plot["width"] > plot["column"]]
    assert not too_wide, f"plots wider than the text column: {too_wide}"


@pytest.mark.parametrize("lang,page", EACH_NOTEBOOK_PAGE)
def test_plot_captions_are_readable_on_their_card_in_both_schemes(reader, lang, page):
    _, contrast = desktop_reading(reader, lang, page)
    low = {scheme: found for scheme, found in contrast.items() if found}
    assert not low, f"caption text under {rh.MIN_CONTRAST}:1 on the white plot card: {low}"
