"""Reading the built site as a reader does: a local server, the system Chromium, and the checks.

Each check is a function of a loaded Playwright page that returns what a reader would see as a list
of problems (empty when all is well), so that test_site_reader.py can run every check on every page
in one pass and the negative tests can run the same functions on pages broken on purpose.
"""
from __future__ import annotations

import functools
import gzip
import http.server
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BROWSERS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"]
NO_BROWSER = ("No Chromium found (looked for {paths}). The reader-level tests need it: run `make test` "
              "(it runs scripts/install-browser.sh), or `apt-get install chromium fonts-noto-cjk`.")
PYTHON_LANGUAGES = {"python", "py", "python3"}
MIN_CONTRAST = 4.5  # WCAG AA for normal-size text: formulas and plot labels are normal-size text


def chromium() -> str | None:
    return next((path for path in BROWSERS if Path(path).exists()), None)


# ------------------------------------------------------------------------------------------------
# Serving a built site
# ------------------------------------------------------------------------------------------------
class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    timeout = 30  # seconds a connection may sit idle: a stuck client cannot hold a thread forever

    def log_message(self, *args):
        pass

    def end_headers(self):
        if self.path.endswith(".woff2"):   # fonts never change: cached as GitHub Pages lets them be (see warm_font_cache)
            self.send_header("Cache-Control", "max-age=600")
        super().end_headers()


class _GzipHandler(_QuietHandler):
    """Text files gzipped when the client accepts it, as GitHub Pages serves them (for benchmarks)."""
    COMPRESSED = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".map"}
    _cache: dict[tuple[str, float], bytes] = {}

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        if (path.suffix not in self.COMPRESSED or not path.is_file()
                or "gzip" not in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        key = (str(path), path.stat().st_mtime)
        if key not in self._cache:
            self._cache[key] = gzip.compress(path.read_bytes(), compresslevel=6)
        body = self._cache[key]
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")  # what GitHub Pages sends
        self.end_headers()
        return io.BytesIO(body)


class SiteServer:
    """`site` served on 127.0.0.1 on a free port, in a daemon thread, until `stop()`.

    With `compress=True`, text files are sent gzipped to clients that accept it (as GitHub Pages does).
    """

    def __init__(self, site: Path, compress: bool = False):
        handler = functools.partial(_GzipHandler if compress else _QuietHandler, directory=str(site))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_port}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)


def site_pages(site: Path) -> list[str]:
    """Every page of both languages in a built site, as paths under its root ("" is the English home)."""
    pages = []
    for index in sorted(site.rglob("index.html")):
        relative = index.parent.relative_to(site).as_posix()
        if not relative.startswith(("assets", "search")):
            pages.append("" if relative == "." else relative + "/")
    return pages


class _ElementCounter(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements = 0

    def handle_starttag(self, tag, attrs):
        self.elements += 1


def element_count(html: str) -> int:
    """Elements in a page as served, before any script adds its own."""
    counter = _ElementCounter()
    counter.feed(html)
    return counter.elements


# What KaTeX draws inside a formula (spans for every glyph: most of a page's 25k elements), left out
# where the built HTML is parsed for its prose, links and ids (test_site_links.py, test_site_notebooks.py):
# a formula is not prose, and KaTeX gives those spans neither ids nor links.
FORMULA_START = re.compile(r'<span class="katex">')
SPAN_TAG = re.compile(r"<(/?)span\b")


def without_formula_insides(html: str) -> str:
    """`html` with the inside of every `.katex` element left out (the element itself stays, empty):
    a fifth of the parsing. Fails if what it leaves out holds an id or a link, which a check could need."""
    kept, at = [], 0
    for start in FORMULA_START.finditer(html):
        if start.start() < at:  # inside a formula already left out
            continue
        depth = 1
        for tag in SPAN_TAG.finditer(html, start.end()):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                break
        else:
            raise ValueError(f"a formula at character {start.start()} is never closed")
        inside = html[start.end():tag.start()]
        if ' id="' in inside or "<a " in inside:
            raise ValueError(f"a formula at character {start.start()} holds an id or a link: {inside[:200]}")
        kept.append(html[at:start.end()])
        at = tag.start()
    kept.append(html[at:])
    return "".join(kept)


def page_url(base: str, lang: str, page: str) -> str:
    """URL of docs/<lang>/<page>.md in the built site (`index` is the language's home)."""
    path = "" if page == "index" else f"{page}/"
    return base + ("" if lang == "en" else f"{lang}/") + path


# ------------------------------------------------------------------------------------------------
# What a page records while it loads
# ------------------------------------------------------------------------------------------------
@dataclass
class Record:
    """Everything the browser reported while one page was loaded and read."""
    url: str
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    layout_shift: float | None = None  # what moved on screen while the page loaded (CLS), before the checks
    scripts: bool = True  # loaded with JavaScript on


class Recorder:
    """Listens on a context's page; `start(url)` opens a new Record that collects its events."""

    def __init__(self, page):
        self.page = page
        page.add_init_script(LAYOUT_SHIFT_OBSERVER_JS)
        self.current: Record | None = None
        page.on("console", self._console)
        page.on("pageerror", lambda error: self._add("console_errors", f"uncaught: {error}"))
        page.on("request", lambda request: self._add("requests", request.url))
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)

    def start(self, url: str) -> Record:
        self.current = Record(url)
        return self.current

    def _add(self, kind: str, item: str) -> None:
        if self.current is not None:
            getattr(self.current, kind).append(item)

    def _request_failed(self, request) -> None:
        # net::ERR_ABORTED is the browser cancelling a request itself, when the test moves on to the
        # next page while this one still fetches its favicon: no fault of the site. A file that is
        # missing answers 404 (see _response); one that cannot be reached fails with another error.
        if request.failure != "net::ERR_ABORTED":
            self._add("failed_requests", f"{request.url} ({request.failure})")

    def _console(self, message) -> None:
        if message.type == "error":
            location = message.location.get("url", "") if message.location else ""
            self._add("console_errors", f"{message.text} [{location}]")

    def _response(self, response) -> None:
        if response.status >= 400:
            self._add("failed_requests", f"{response.url} (HTTP {response.status})")


# A page is ready to be read when it has loaded, its fonts are in and Material has given every code
# block on the screen its copy button. Material adds a block's button when the block first scrolls into
# view (feature content.lazy in mkdocs.yml); notebook outputs of printed text get none.
COPY_BUTTON = '[data-md-type="copy"], .md-clipboard, [data-clipboard-target], [data-clipboard-text]'
WITHOUT_BUTTON_JS = r"""(copyButton, onScreen) => {
  const printed = pre => { const o = pre.closest('.jp-OutputArea-output');
    return !!o && (o.matches('.jp-RenderedText') || /text\/plain|stdout|stderr/.test(o.getAttribute('data-mime-type') || '')); };
  const seen = pre => { const box = pre.getBoundingClientRect(); return box.bottom > 0 && box.top < innerHeight; };
  return [...document.querySelectorAll('article pre')].filter(pre => !printed(pre) && pre.querySelector('code')
    && !pre.querySelector(copyButton) && pre.checkVisibility() && (!onScreen || seen(pre)));
}"""
READY_JS = r"""(copyButton) => {
  if (document.readyState !== 'complete' || document.fonts.status !== 'loaded') return false;
  if (!document.documentElement.hasAttribute('data-formulas-measured')) return false;  // docs/assets/site.js ran
  return (%s)(copyButton, true).length === 0;
}""" % WITHOUT_BUTTON_JS
READY_TIMEOUT_MS = 30_000


class NotReady(Exception):
    """The page never reached the state the checks read (named in the message)."""


# Blocks off screen are not rendered until the reader scrolls near them (content-visibility in
# docs/assets/site.css), and measure as empty boxes until then. The checks read every block as the
# reader sees it once there: everything is rendered, and site.js measures the formulas again.
# (tests/test_site_weight.py checks what happens when the reader scrolls.)
RENDER_ALL_JS = r"""() => {
  const style = document.createElement('style');
  style.textContent = '* { content-visibility: visible !important; }';
  document.head.append(style);
  window.dispatchEvent(new Event('resize'));
}"""


# The sum of the page's layout shifts (text or formulas moving on the reader's screen while the page
# loads, as Lighthouse's CLS counts them), from an observer set up before the page's first byte: what it
# has not been handed yet, takeRecords() returns, so the sum is complete when it is read.
LAYOUT_SHIFT_OBSERVER_JS = r"""(() => {
  const shifts = window.__readerLayoutShift = {sum: 0, observer: null};
  // Every shift counts: nothing is typed or tapped while a page loads here, yet Chromium marks the
  // shifts of an emulated phone `hadRecentInput`.
  const add = entries => { for (const e of entries) shifts.sum += e.value; };
  shifts.observer = new PerformanceObserver(list => add(list.getEntries()));
  shifts.observer.observe({type: 'layout-shift', buffered: true});
  shifts.read = () => { add(shifts.observer.takeRecords()); return shifts.sum; };
})();"""


# Material builds the search index of the page's language in a web worker on every page it loads: half a
# CPU second a page (a third of a load) that none of a page's checks reads, since a worker's console and
# errors are not the page's. A page read with this script still asks for the index, and the request and its
# answer are recorded and checked; only handing it to the worker (Material's SETUP message) is left out.
# Searching, with the index built, is tested on the homes (test_site_search.py, test_site_reader.py).
NO_SEARCH_INDEX_BUILD_JS = r"""(() => {
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (message) {
    if (message && message.type === 0 && message.data && 'docs' in message.data) return;
    return post.apply(this, arguments);
  };
})();"""
SEARCH_INDEX = "/search/search_index.json"


def warm_font_cache(page, base: str, site: Path) -> None:
    """Load every KaTeX font once in `page`'s context, so that later loads find them in the cache.

    Where the fonts come from is checked elsewhere (each page asks for the fonts of its first screen
    with its own HTML: unasked_fonts). On a loaded machine this server can answer a font after the
    first paint, and the formulas drawn until then in a fallback font change width when it comes: the
    layout shift then measures the machine's load (up to 0.08 on a test machine at load 13, 0.05-0.12
    at 1280 px with fonts held back 400 ms), not the page. Lighthouse's own run has them in time."""
    base = base.rstrip("/")
    urls = [f"{base}/assets/katex/fonts/{font.name}" for font in sorted((site / "assets" / "katex" / "fonts").glob("*.woff2"))]
    assert urls, f"no KaTeX fonts in {site}/assets/katex/fonts"
    page.goto(f"{base}/", wait_until="load")
    page.evaluate("urls => Promise.all(urls.map(url => fetch(url).then(response => response.arrayBuffer())))", urls)


def layout_shift(page) -> float:
    """Read once the page has painted and drawn two more frames: a block drawn at a guessed size in one
    frame is drawn at its own size in the next, and that move is what this catches."""
    page.wait_for_function("performance.getEntriesByType('paint').some(e => e.name === 'first-contentful-paint')",
                           timeout=READY_TIMEOUT_MS, polling="raf")
    return page.evaluate("""() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))
                            .then(() => window.__readerLayoutShift.read())""")


def wait_until_ready(page, render_all: bool = True) -> None:
    try:
        page.wait_for_function(READY_JS, arg=COPY_BUTTON, timeout=READY_TIMEOUT_MS, polling=100)
    except Exception as error:
        missing = page.evaluate(f"(copyButton) => ({WITHOUT_BUTTON_JS})(copyButton, true).length", COPY_BUTTON)
        measured = page.evaluate("document.documentElement.hasAttribute('data-formulas-measured')")
        raise NotReady(f"{page.url}: not ready after {READY_TIMEOUT_MS / 1000:.0f} s (fonts "
                       f"{page.evaluate('document.fonts.status')}, {missing} code blocks on screen without a copy button, "
                       f"wide formulas {'' if measured else 'not '}measured by docs/assets/site.js)") from error
    if render_all:
        page.evaluate(RENDER_ALL_JS)


# Every code block the reader can reach (open boxes, every content tab) is scrolled into view, as the
# reader scrolls through the page and clicks each tab: the first block still without its button on each
# animation frame, so that the blocks that share a screen with it get theirs on the same frame.
SHOW_EVERY_TAB = "reader-shows-every-tab"
SHOW_EVERY_TAB_JS = r"""(id) => { const style = document.createElement('style'); style.id = id;
  style.textContent = '.md-typeset .tabbed-block { display: block !important; }'; document.head.append(style); }"""
EVERY_BUTTON_JS = r"""(copyButton) => { const missing = (%s)(copyButton, false);
  if (missing.length) missing[0].scrollIntoView({block: 'start'}); return missing.length === 0; }""" % WITHOUT_BUTTON_JS


def reveal_code_blocks(page) -> None:
    """Scroll every code block shown into view, so that Material gives each its copy button."""
    if page.evaluate(f"(copyButton) => ({WITHOUT_BUTTON_JS})(copyButton, false).length", COPY_BUTTON) == 0:
        return
    page.evaluate(SHOW_EVERY_TAB_JS, SHOW_EVERY_TAB)
    try:
        page.wait_for_function(EVERY_BUTTON_JS, arg=COPY_BUTTON, timeout=READY_TIMEOUT_MS, polling="raf")
    except Exception as error:
        missing = page.evaluate(f"(copyButton) => ({WITHOUT_BUTTON_JS})(copyButton, false).length", COPY_BUTTON)
        raise NotReady(f"{page.url}: {missing} code blocks still without a copy button "
                       f"{READY_TIMEOUT_MS / 1000:.0f} s after they came into view") from error
    finally:
        page.evaluate("(id) => document.getElementById(id)?.remove()", SHOW_EVERY_TAB)
        page.evaluate("window.scrollTo(0, 0)")


def load(page, recorder: Recorder, url: str, *, action=None, scripts: bool = True, render_all: bool = True) -> Record:
    """Load `url` (or run `action`, e.g. a click that navigates) and wait until the page is ready.

    Without JavaScript the page is final at the load event. `render_all` then draws every block that
    content-visibility skips off screen, for the checks that measure them; a reader's page (where a deep
    link lands, which section the address names) is read without it: drawing every block above at once
    moves the page under Material's section tracking, which a reader's scrolling never does.
    """
    record = recorder.start(url)
    record.scripts = scripts
    if action is None:
        page.goto(url, wait_until="load")
    else:
        with page.expect_navigation(wait_until="load"):
            action()
    if scripts:
        wait_until_ready(page, render_all=False)
        record.layout_shift = layout_shift(page)
        if render_all:
            page.evaluate(RENDER_ALL_JS)
    return record


def other_origin_requests(record: Record, base: str) -> list[str]:
    origin = urlsplit(base)[:2]
    return [url for url in record.requests
            if not url.startswith(("data:", "blob:", "about:")) and urlsplit(url)[:2] != origin]


# ------------------------------------------------------------------------------------------------
# Formulas
# ------------------------------------------------------------------------------------------------
MATH_JS = r"""() => {
  const skip = 'pre, code, script, style, textarea, template, noscript, .katex-mathml, annotation, .md-search';
  const raw = /\$\$|\\[()\[\]]|\\[A-Za-z]{2,}|\$[^$\n]{0,80}?[_^{}][^$\n]{0,80}?\$/;
  const rawText = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.parentElement || node.parentElement.closest(skip)) continue;
    const match = node.data.match(raw);
    if (match) {
      const at = match.index;
      rawText.push(node.data.slice(Math.max(0, at - 40), at + 60).replace(/\s+/g, ' ').trim());
    }
  }
  const mathml = [...document.querySelectorAll('.katex .katex-mathml')];
  return {
    katex: document.querySelectorAll('.katex').length,
    display: document.querySelectorAll('.katex-display').length,
    errors: [...document.querySelectorAll('.katex-error')].map(e => (e.getAttribute('title') || '') + ' :: ' + e.textContent.slice(0, 80)),
    raw: rawText,
    // KaTeX's stylesheet hides the MathML copy; without the stylesheet every formula shows twice
    mathmlShown: mathml.filter(e => getComputedStyle(e).position !== 'absolute').length,
    htmlMissing: [...document.querySelectorAll('.katex')].filter(e => !e.querySelector('.katex-html')).length,
  };
}"""

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>```+|~~~+).*?^(?P=indent)(?P=fence)[ \t]*$", re.S | re.M)
COMMENT = re.compile(r"<!--.*?-->", re.S)
INLINE_CODE = re.compile(r"(`+).+?\1", re.S)
DISPLAY = re.compile(r"\$\$.+?\$\$", re.S)
INLINE = re.compile(r"(?<![\\$])\$(?!\s)[^$\n]+?(?<![\s\\])\$(?!\d)")


def source_math(markdown: str) -> tuple[int, int]:
    """(display formulas, inline formulas) in a page's Markdown, outside code and comments."""
    text = COMMENT.sub("", FENCE.sub("", markdown))
    text = INLINE_CODE.sub("", text)
    display = len(DISPLAY.findall(text))
    inline = len(INLINE.findall(DISPLAY.sub("", text)))
    return display, inline


def math_problems(page, markdown: str | None) -> tuple[list[str], dict]:
    """Formulas: KaTeX present where the source has math, none failed, no raw TeX in the text."""
    found = page.evaluate(MATH_JS)
    problems = [f"KaTeX error: {error}" for error in found["errors"]]
    problems += [f"raw TeX in the text: …{text}…" for text in found["raw"]]
    if found["mathmlShown"]:
        problems.append(f"{found['mathmlShown']} formulas show their MathML copy (KaTeX stylesheet not applied)")
    if found["htmlMissing"]:
        problems.append(f"{found['htmlMissing']} .katex elements have no .katex-html")
    if markdown is not None:
        display, inline = source_math(markdown)
        if display + inline and not found["katex"]:
            problems.append(f"the source has {display} display and {inline} inline formulas, the page shows no .katex")
        if found["display"] < display:
            problems.append(f"the source has {display} display formulas, the page shows {found['display']} .katex-display")
    return problems, found


# ------------------------------------------------------------------------------------------------
# Layout: what fits the screen, what can be scrolled to, what is drawn over what
# ------------------------------------------------------------------------------------------------
LAYOUT_JS = r"""() => {
  const problems = [];
  const viewport = document.documentElement.clientWidth;
  const describe = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.classList.length ? '.' + [...e.classList].slice(0, 2).join('.') : '');
  // 1. The page itself is no wider than the screen (nothing slides sideways).
  const pageWidth = document.documentElement.scrollWidth;
  if (pageWidth > viewport + 1) {
    const sticking = [...document.body.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > viewport + 1
      && ![...e.children].some(c => c.getBoundingClientRect().right > viewport + 1)).slice(0, 3).map(describe);
    problems.push(`the page is ${pageWidth} px wide in a ${viewport} px viewport (sticking out: ${sticking.join(', ')})`);
  }
  const union = boxes => boxes.reduce((u, b) => ({left: Math.min(u.left, b.left), right: Math.max(u.right, b.right)}), {left: Infinity, right: -Infinity});
  const clipper = e => {  // the nearest ancestor that cuts off what overflows it
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return a;
    }
    return null;
  };
  // Whether the boxes of `parts` can all be brought into view: they fit their clipping box, or that box
  // scrolls far enough to show both ends; and that box itself lies within the screen.
  const reachable = (parts, name) => {
    const box = clipper(parts[0]);
    const visible = () => {
      const r = box ? box.getBoundingClientRect() : {left: 0, right: viewport};
      return {left: Math.max(r.left, 0), right: Math.min(r.right, viewport)};
    };
    const scrolls = box && /auto|scroll/.test(getComputedStyle(box).overflowX);
    const ends = [];
    for (const where of ['start', 'end']) {
      if (scrolls) box.scrollLeft = where === 'start' ? 0 : box.scrollWidth;
      const content = union(parts.map(p => p.getBoundingClientRect()));
      const shown = visible();
      ends.push(where === 'start' ? content.left >= shown.left - 1 : content.right <= shown.right + 1);
    }
    if (scrolls) box.scrollLeft = 0;
    if (!ends.every(Boolean)) {
      const content = union(parts.map(p => p.getBoundingClientRect()));
      problems.push(`${name}: ${Math.round(content.right - content.left)} px wide, cut off by ${box ? describe(box) : 'the screen'}`
        + (scrolls ? ' (scrolling does not reach its end)' : ' (which does not scroll)'));
    }
  };
  // 2. Display formulas: fit or scroll to both ends; the equation number is not drawn over the formula.
  document.querySelectorAll('article .katex-display').forEach((display, index) => {
    const html = display.querySelector('.katex-html');
    if (!html) return;
    const tag = html.querySelector(':scope > .katex-tag');
    const name = 'formula ' + (tag ? tag.innerText.trim() : `#${index + 1}`);
    const formula = [...html.children].filter(c => c !== tag && c.getBoundingClientRect().width > 0);
    if (!formula.length) return;
    reachable(tag ? [...formula, tag] : formula, name);
    if (tag) {
      const t = tag.querySelector('.mord, .text') || tag;
      const number = t.getBoundingClientRect();
      for (const part of formula) {
        const r = part.getBoundingClientRect();
        const overlap = Math.min(r.right, number.right) - Math.max(r.left, number.left);
        const vertical = Math.min(r.bottom, number.bottom) - Math.max(r.top, number.top);
        if (overlap > 1 && vertical > 1) {
          problems.push(`${name}: the equation number is drawn over the formula (${Math.round(overlap)} px)`);
          break;
        }
      }
    }
  });
  // 3. Code keeps its lines: it scrolls sideways, never wraps (a wrapped Python line loses its indentation).
  document.querySelectorAll('article pre > code').forEach((code, index) => {
    const pre = code.parentElement;
    const output = pre.closest('.jp-OutputArea-output');  // a notebook cell's printed text is output, not code
    if (output && (output.matches('.jp-RenderedText') || /text\/plain|stdout|stderr/.test(output.getAttribute('data-mime-type') || ''))) return;
    const wrap = [code, pre].map(e => getComputedStyle(e).whiteSpace).find(w => !/^(pre|nowrap)$/.test(w));
    if (wrap) problems.push(`code block ${index + 1}: lines wrap (white-space: ${wrap})`);
    else reachable([code], `code block ${index + 1}`);
  });
  return problems;
}"""


# KaTeX fonts that formulas on the screen are drawn in but the page did not ask for with itself
# (hooks/page_weight.py writes the preloads): asked for only after the first layout, such a font arrives
# when its formula has been drawn in a fallback and moves the text below it.
UNASKED_FONTS_JS = r"""() => {
  const asked = new Set([...document.querySelectorAll('link[rel=preload][as=font]')]
    .map(link => (link.href.match(/KaTeX_([\w-]+)\.woff2$/) || [])[1]).filter(Boolean));
  const used = new Set();
  const onScreen = e => { const box = e.getBoundingClientRect(); return box.bottom > 0 && box.top < innerHeight; };
  const glyphs = [...document.querySelectorAll('.katex-html')].filter(onScreen).flatMap(formula => [...formula.querySelectorAll('*')]);
  for (const e of glyphs) {
    if (![...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    const box = e.getBoundingClientRect();
    if (box.bottom <= 0 || box.top >= innerHeight || !e.checkVisibility()) continue;
    const style = getComputedStyle(e);
    const family = style.fontFamily.split(',')[0].replace(/"/g, '').trim();
    if (!family.startsWith('KaTeX_')) continue;
    const bold = parseInt(style.fontWeight, 10) >= 600, italic = style.fontStyle === 'italic';
    used.add(family.slice(6) + '-' + (bold ? (italic ? 'BoldItalic' : 'Bold') : (italic ? 'Italic' : 'Regular')));
  }
  return [...used].filter(font => !asked.has(font)).sort();
}"""


def unasked_fonts(page) -> list[str]:
    return page.evaluate(UNASKED_FONTS_JS)


def layout_problems(page) -> list[str]:
    """What a reader cannot see whole at this viewport: formulas and code cut off, numbers over formulas."""
    return page.evaluate(LAYOUT_JS)


# ------------------------------------------------------------------------------------------------
# Interface text: what the theme writes around the content, in the page's language
# ------------------------------------------------------------------------------------------------
# Names that stay as they are in every language: the product in the footer, the other language's name
# in the selector, the licences, the notebook format (下载 Notebook is how Chinese readers say it).
INTERFACE_NAMES = ["Material for MkDocs", "English", "CC BY 4.0", "MIT", "GitHub", "Jupyter", "Notebook"]
INTERFACE_JS = r"""(names) => {
  const english = /[A-Za-z]{3,}/;
  const found = new Set();
  const check = (text, where) => {
    let rest = text || '';
    for (const name of names) rest = rest.split(name).join('');
    if (english.test(rest)) found.add(`${where}: "${text.replace(/\s+/g, ' ').trim().slice(0, 80)}"`);
  };
  // Tooltips and accessible names the theme gives its controls (inside the article only its own widgets:
  // heading links, copy buttons; the writer's content may quote English terms).
  const widgets = '.headerlink, .md-clipboard, .md-code__button, .md-content__button, button';
  for (const e of document.querySelectorAll('[title], [aria-label], [placeholder]')) {
    if (e.closest('article') && !e.matches(widgets) || e.matches('.md-nav .md-nav')) continue;  // a nested nav is named by its section's title
    for (const attribute of ['title', 'aria-label', 'placeholder']) {
      if (e.hasAttribute(attribute)) check(e.getAttribute(attribute), `${attribute} of ${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`);
    }
  }
  // Visible text of the theme's own parts: header, footer (but the links to the neighbouring pages, whose
  // titles are content), the navigation's headings and the search box.
  const parts = '.md-header__topic .md-ellipsis:empty, .md-copyright, .md-footer__direction, .md-nav__title, .md-search-result__meta, .md-source__repository, .md-source-file';
  for (const e of document.querySelectorAll(parts)) check(e.innerText, e.className.split(' ')[0]);
  return [...found];
}"""


def english_interface_text(page) -> list[str]:
    """Interface strings in English on a page that is not (tooltips, labels, footer, navigation)."""
    return page.evaluate(INTERFACE_JS, INTERFACE_NAMES)


# The download buttons next to the title (hooks/page_notebooks.py, overrides/partials/actions.html)
DOWNLOADS_JS = r"""() => [...document.querySelectorAll('article a.md-content__button[download]')].map(a => {
  const box = a.getBoundingClientRect();
  return {kind: a.classList.contains('notebook-archive') ? 'archive' : 'notebook', href: a.href,
          name: a.getAttribute('aria-label') || a.textContent.trim(), tabIndex: a.tabIndex,
          visible: box.width > 0 && box.height > 0 && getComputedStyle(a).visibility !== 'hidden'};
})"""


def download_buttons(page) -> list[dict]:
    """The page's download buttons: kind (notebook or archive), resolved link, accessible name,
    whether the keyboard reaches it (tabIndex >= 0) and whether it is drawn."""
    return page.evaluate(DOWNLOADS_JS)


# ------------------------------------------------------------------------------------------------
# Images and plots
# ------------------------------------------------------------------------------------------------
IMAGES_JS = r"""() => {
  const out = [];
  const label = e => {
    if (!e) return null;
    if ((e.getAttribute('aria-label') || '').trim()) return 'aria-label';
    const by = e.getAttribute('aria-labelledby');
    if (by && by.split(/\s+/).some(id => ((document.getElementById(id) || {}).textContent || '').trim())) return 'aria-labelledby';
    return null;
  };
  const named = el => {
    if (label(el)) return label(el);
    const title = el.tagName.toLowerCase() === 'svg' && el.querySelector(':scope > title');
    if (title && title.textContent.trim()) return 'title';
    const figure = el.closest('figure');
    if (figure) {
      if (label(figure)) return 'figure ' + label(figure);
      const cap = figure.querySelector(':scope > figcaption');
      if (cap && cap.textContent.trim()) return 'figcaption';
    }
    const img = el.parentElement && el.parentElement.closest('[role="img"]');
    return img ? label(img) : null;
  };
  const describe = el => (el.getAttribute('src') || el.outerHTML.slice(0, 100));
  for (const img of document.querySelectorAll('img')) {
    const alt = img.getAttribute('alt');
    const text = (alt && alt.trim()) ? 'alt' : named(img);
    const decorative = alt === '' && (img.getAttribute('role') === 'presentation' || img.getAttribute('aria-hidden') === 'true');
    out.push({what: describe(img), loaded: img.complete && img.naturalWidth > 0, text: text || (decorative ? 'decorative' : null)});
  }
  const icons = '.katex, .md-icon, .twemoji, .md-header, .md-footer, .md-nav, .md-search, button, .headerlink, .md-content__button, .md-code__nav, .md-annotation, .md-source-file, .md-tabs, .md-sidebar';
  for (const svg of document.querySelectorAll('svg')) {
    if (svg.closest(icons) || svg.parentElement.closest('svg')) continue;
    if (svg.getAttribute('aria-hidden') === 'true') continue;
    const box = svg.getBoundingClientRect();
    const shown = svg.checkVisibility();
    out.push({what: 'inline svg ' + svg.outerHTML.slice(0, 80), loaded: !shown || (box.width > 0 && box.height > 0), text: named(svg)});
  }
  for (const obj of document.querySelectorAll('object, embed, iframe')) {
    out.push({what: obj.outerHTML.slice(0, 100), loaded: true, text: named(obj) || (obj.getAttribute('title') ? 'title' : null)});
  }
  return out;
}"""


def image_problems(page) -> tuple[list[str], list[dict]]:
    images = page.evaluate(IMAGES_JS)
    problems = []
    for image in images:
        if not image["loaded"]:
            problems.append(f"does not load: {image['what']}")
        if not image["text"]:
            problems.append(f"no text alternative (alt, aria-label, <title> or figcaption): {image['what']}")
    return problems, images


# ------------------------------------------------------------------------------------------------
# Code blocks and what the copy button copies
# ------------------------------------------------------------------------------------------------
# A reader opens a folded box (an exercise's checker or solution) before copying its code; closed, its
# code has no rendered text to copy.
OPEN_BOXES_JS = "() => document.querySelectorAll('article details:not([open])').forEach(box => { box.open = true; })"
CODE_JS = r"""() => {
return [...document.querySelectorAll('article pre')].map(pre => {
  const output = pre.closest('.jp-OutputArea-output');
  const mime = output ? (output.getAttribute('data-mime-type') || '') : '';
  const isOutput = !!output && (output.matches('.jp-RenderedText') || mime.startsWith('text/plain') || mime.includes('stdout') || mime.includes('stderr'));
  if (isOutput) return {isOutput};  // only counted
  const classes = [pre.closest('.highlight'), pre, pre.querySelector('code')]
    .filter(Boolean).flatMap(e => [...e.classList]);
  const language = (classes.find(c => c.startsWith('language-')) || '').slice('language-'.length) || null;
  const button = pre.querySelector('[data-md-type="copy"], .md-clipboard, [data-clipboard-target], [data-clipboard-text]');
  let copied = null;
  if (button) {
    // exactly what Material's clipboard integration copies (bundle: function hs / di)
    copied = button.getAttribute('data-clipboard-text');
    if (!copied) {
      const target = document.querySelector(button.getAttribute('data-clipboard-target'));
      if (target) {
        target.setAttribute('data-md-copying', '');
        const holder = target.closest('[data-copy]');
        copied = holder ? holder.getAttribute('data-copy') : target.innerText;
        target.removeAttribute('data-md-copying');
        copied = copied.trimEnd();
      }
    }
  }
  const heading = (() => {
    let e = pre;
    while (e && e !== document.body) {
      for (let s = e.previousElementSibling; s; s = s.previousElementSibling) {
        if (/^H[1-6]$/.test(s.tagName)) return s.id || s.textContent.trim().slice(0, 40);
      }
      e = e.parentElement;
    }
    return '';
  })();
  // the block's own text only where there is nothing copied (innerText lays the block out: slow)
  return {isOutput, language, hasButton: !!button, copied, text: copied === null ? pre.innerText.trimEnd() : null, heading};
});
}"""


@dataclass
class CodeBlock:
    page: str
    index: int
    heading: str
    language: str | None
    has_button: bool
    code: str  # what the copy button copies, or the block's text when it has no button

    @property
    def where(self) -> str:
        return f"{self.page} block {self.index} (after #{self.heading})"

    @property
    def runs_as_python(self) -> bool:
        """The explicit rule: a block is run unless its language is declared and is not Python."""
        return self.language is None or self.language in PYTHON_LANGUAGES


def code_blocks(page, name: str) -> tuple[list[CodeBlock], int]:
    """The page's code blocks (notebook cell outputs excluded, counted) and what a reader copies."""
    blocks, outputs = [], 0
    page.evaluate(OPEN_BOXES_JS)
    reveal_code_blocks(page)
    for found in page.evaluate(CODE_JS):
        if found["isOutput"]:
            outputs += 1
            continue
        code = found["copied"] if found["copied"] is not None else found["text"]
        blocks.append(CodeBlock(name, len(blocks), found["heading"], found["language"], found["hasButton"], code))
    return blocks, outputs


RUNNER = Path(__file__).with_name("copied_code_runner.py")


def runner_env() -> dict[str, str]:
    """The environment copied code runs in: the project's Python, nothing of the tests on its path."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONSTARTUP", "PYTHONHOME"}}
    env.update(MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1", PYTHONHASHSEED="0")
    return env


def run_blocks(codes: list[str], workers: int = 2, timeout: float = 900) -> dict[str, tuple[int, str]]:
    """Run each block as a reader who copies it would: the project's Python, an empty folder, a fresh
    namespace (tests/copied_code_runner.py). Blocks share `workers` processes: numpy and torch are
    imported once per process instead of once per block. Returns code -> (exit code, output)."""
    env = runner_env()
    ordered = sorted(set(codes))
    chunks = [chunk for chunk in (ordered[i::workers] for i in range(workers)) if chunk]

    def run_chunk(chunk: list[str]) -> list[tuple[int, str]]:
        try:
            result = subprocess.run([sys.executable, str(RUNNER)], input=json.dumps(chunk), env=env,
                                    capture_output=True, text=True, timeout=timeout, cwd=tempfile.gettempdir())
        except subprocess.TimeoutExpired:
            return [(-1, f"the blocks' process timed out after {timeout} s")] * len(chunk)
        if result.returncode != 0:  # the runner itself died (a block that crashed the interpreter)
            return [(-1, f"the blocks' process exited {result.returncode}: {result.stderr[-2000:]}")] * len(chunk)
        return [tuple(item) for item in json.loads(result.stdout)]

    with ThreadPoolExecutor(max_workers=len(chunks) or 1) as pool:
        results = [item for chunk_results in pool.map(run_chunk, chunks) for item in chunk_results]
    return dict(zip([code for chunk in chunks for code in chunk], results))


# ------------------------------------------------------------------------------------------------
# The language selector
# ------------------------------------------------------------------------------------------------
def switch_language(page, recorder: Recorder, lang: str, *, render_all: bool = True) -> Record:
    """Open the header's language selector and click the link to `lang`, as a reader does."""
    page.hover(".md-header .md-select")
    link = page.locator(f".md-header .md-select__link[hreflang='{lang}']")
    return load(page, recorder, f"(language selector -> {lang})", action=lambda: link.click(), render_all=render_all)


# ------------------------------------------------------------------------------------------------
# Search
# ------------------------------------------------------------------------------------------------
SEARCH_STATE_JS = r"""() => {
  const meta = document.querySelector('.md-search-result__meta');
  const config = JSON.parse(document.getElementById('__config').textContent);
  return {meta: meta ? meta.innerText.trim() : null, placeholder: config.translations['search.result.placeholder'],
          shown: document.querySelectorAll('.md-search-result__item').length};
}"""


# Material renders the next results when the list is scrolled to its end (a change from "not at the
# end" to "at the end", read once per animation frame): leave the end, let a frame see it, go to the end.
SCROLL_TO_END_JS = r"""async () => {
  const list = document.querySelector('.md-search__scrollwrap');
  const scrolled = () => new Promise(resolve => list.addEventListener('scroll', resolve, {once: true}));
  const frame = () => new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  if (list.scrollTop > 0) { const done = scrolled(); list.scrollTop = 0; await done; await frame(); }
  const done = scrolled(); list.scrollTop = list.scrollHeight - list.clientHeight; await done;
}"""


def search(page, query: str, *, every: bool = False) -> dict:
    """Type `query` into the header's search box and return the results Material lists.

    Material sends the box's value to its search worker at each key up and writes the answer's count
    into the meta line (with the first ten results) in one go. The box is emptied first and the
    placeholder awaited (the worker is then ready and idle); the query then arrives whole, as from an
    input method or a paste, and one key up sends it: the next meta text is that query's answer.
    `every` scrolls the list until Material has rendered all results (it adds them four at a time).
    """
    box = page.locator(".md-search__input")
    if not page.evaluate("() => document.getElementById('__search').checked"):  # open the search dialog
        button = page.locator(".md-header label.md-header__button[for='__search']")  # on a phone
        (button if button.is_visible() else box).click()
    box.fill("")
    box.press("End")  # a key up: Material searches for "" and shows its placeholder
    page.wait_for_function(f"() => {{ const s = ({SEARCH_STATE_JS})(); return s.meta === s.placeholder; }}", timeout=15_000)
    box.fill(query)
    box.press("End")
    page.wait_for_function(f"() => {{ const s = ({SEARCH_STATE_JS})(); return !!s.meta && s.meta !== s.placeholder; }}",
                           timeout=15_000)
    if every:
        state = page.evaluate(SEARCH_STATE_JS)
        total = int((re.search(r"\d+", state["meta"]) or [0])[0])
        while state["shown"] < total:
            page.evaluate(SCROLL_TO_END_JS)
            page.wait_for_function(f"n => ({SEARCH_STATE_JS})().shown > n", arg=state["shown"], timeout=5_000)
            state = page.evaluate(SEARCH_STATE_JS)
    return page.evaluate(r"""() => ({
      meta: document.querySelector('.md-search-result__meta').innerText,
      results: [...document.querySelectorAll('.md-search-result__item > .md-search-result__link')].map(a => ({
        href: a.href, title: (a.querySelector('h1, h2') || a).innerText.trim(), text: a.innerText.trim()}))
    })""")


# ------------------------------------------------------------------------------------------------
# Contrast of formulas and plot text against what is actually behind them
# ------------------------------------------------------------------------------------------------
CONTRAST_JS = r"""(minimum) => {
  const parse = c => {
    const m = (c || '').match(/^rgba?\(([^)]+)\)$/);
    if (!m) return null;
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, bottom) => {  // top composited over an opaque bottom
    const a = top[3];
    return [0, 1, 2].map(i => top[i] * a + bottom[i] * (1 - a)).concat(1);
  };
  const luminance = c => {
    const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const canvas = () => {
    const body = parse(getComputedStyle(document.body).backgroundColor);
    const html = parse(getComputedStyle(document.documentElement).backgroundColor);
    const base = html && html[3] > 0 ? over(html, [255, 255, 255, 1]) : [255, 255, 255, 1];
    return body && body[3] > 0 ? over(body, base) : base;
  };
  const htmlBackground = el => {   // composite the background colours of the ancestors
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let bg = layers.length && layers[layers.length - 1][3] >= 1 ? layers.pop() : canvas();
    while (layers.length) bg = over(layers.pop(), bg);
    return bg;
  };
  const svgBackground = text => {  // what is painted under the middle of an SVG text
    text.scrollIntoView({block: 'center', inline: 'center'});
    const box = text.getBoundingClientRect();
    const stack = document.elementsFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    const layers = [];
    for (const e of stack) {
      if (e === text || text.contains(e) || e.contains(text) && e.tagName.toLowerCase() !== 'svg' && e instanceof SVGElement) continue;
      let c;
      if (e instanceof SVGElement && e.tagName.toLowerCase() !== 'svg') {
        const style = getComputedStyle(e);
        c = parse(style.fill);
        if (c) c[3] *= Number(style.fillOpacity) * Number(style.opacity);
      } else {
        c = parse(getComputedStyle(e).backgroundColor);
      }
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let bg = layers.length && layers[layers.length - 1][3] >= 1 ? layers.pop() : canvas();
    while (layers.length) bg = over(layers.pop(), bg);
    return bg;
  };
  const problems = new Map();
  let checked = 0;
  const note = (kind, el, fg, bg) => {
    checked++;
    const r = ratio(fg, bg);
    if (r >= minimum) return;
    const key = `${kind}: text rgb(${fg.slice(0, 3).map(Math.round)}) on rgb(${bg.slice(0, 3).map(Math.round)}), contrast ${r.toFixed(2)}`;
    const entry = problems.get(key) || {count: 0, sample: el.textContent.trim().slice(0, 30)};
    entry.count++;
    problems.set(key, entry);
  };
  for (const el of document.querySelectorAll('.katex-html *')) {
    if (![...el.childNodes].some(n => n.nodeType === 3 && n.data.trim())) continue;
    const style = getComputedStyle(el);
    const fg = parse(style.color);
    if (!fg) continue;
    const bg = htmlBackground(el);
    note('formula', el, over(fg, bg), bg);
  }
  const plots = [...document.querySelectorAll('article svg')].filter(s => !s.closest('.katex, .md-icon, .twemoji, button') && s.checkVisibility());
  for (const svg of plots) {
    for (const text of svg.querySelectorAll('text')) {
      if (!text.textContent.trim() || !text.checkVisibility()) continue;
      const style = getComputedStyle(text);
      const fg = parse(style.fill);
      if (!fg) continue;
      fg[3] *= Number(style.fillOpacity) * Number(style.opacity);
      const bg = svgBackground(text);
      note('plot', text, over(fg, bg), bg);
    }
  }
  window.scrollTo(0, 0);
  return {checked, problems: [...problems].map(([key, e]) => `${key} (${e.count}×, e.g. "${e.sample}")`)};
}"""


def contrast_problems(page) -> tuple[list[str], int]:
    found = page.evaluate(CONTRAST_JS, MIN_CONTRAST)
    return found["problems"], found["checked"]


def set_scheme(page, scheme: str) -> None:
    """What Material's palette toggle does to the page: the scheme attribute on <body>."""
    page.evaluate("s => document.body.setAttribute('data-md-color-scheme', s)", scheme)
    # Material animates colour changes (links, tabs: 125-250 ms): measure the colours they end on. Each
    # animation is sent to its end, frame after frame until a frame starts none (some start a frame
    # late); an animation that never ends has no end to jump to and is left as it is.
    page.evaluate("""async () => {
      const frame = () => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
      for (let frames = 0; frames < 20; frames++) {
        const running = document.getAnimations().filter(a => a.playState === 'running' && a.effect.getComputedTiming().endTime !== Infinity);
        if (!running.length && frames > 0) return;
        running.forEach(a => a.finish());
        await frame();
      }
    }""")


# ------------------------------------------------------------------------------------------------
# Accessibility
# ------------------------------------------------------------------------------------------------
def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']})).violations
      .map(v => ({id: v.id, impact: v.impact, help: v.help,
                  nodes: v.nodes.slice(0, 6).map(n => n.target.join(' ') + ' :: ' + n.html.slice(0, 120))}))""")


def serious(violations: list[dict]) -> list[str]:
    return [f"{v['impact']} {v['id']} ({v['help']}): " + "; ".join(v["nodes"])
            for v in violations if v["impact"] in {"serious", "critical"}]


def copy_site(site: Path, to: Path) -> Path:
    shutil.copytree(site, to)
    return to
