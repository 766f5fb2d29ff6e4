"""What the notebook pages' plots look like to a reader, read by test_site_reader.Reader on the pages it
loads at phone and desktop width and checked in test_site_plots.py.

The plots are inline SVG scaled to the width they get: what counts is the size of their text on the
screen (font size in SVG units times the SVG's screen scale), not the size matplotlib drew it at.
"""
from __future__ import annotations

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


def plots(page) -> list[dict]:
    """Every plot once the stylesheets have given it its width: its text and its size on screen."""
    page.wait_for_function(PLOTS_LAID_OUT_JS)
    return page.evaluate(PLOTS_JS)


def split_expressions(page) -> list[str]:
    return page.evaluate(SPLIT_EXPRESSIONS_JS)


def caption_contrast(page, minimum: float) -> list[str]:
    return page.evaluate(CAPTION_CONTRAST_JS, minimum)
