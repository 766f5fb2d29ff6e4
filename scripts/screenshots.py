"""Screenshots of built pages for the README and for looking at the site as a reader does.

Usage: python scripts/screenshots.py SITE_DIR OUT_DIR PAGE... (PAGE like "" or "zh/" or "monte-carlo/").
Each page is taken light and dark, with JavaScript on and off, in the system Chromium.
"""
import functools
import http.server
import shutil
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"]


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    raise SystemExit("No Chromium: run `make test` once, or `apt-get install chromium fonts-noto-cjk`")


def main(site: str, out: str, *pages: str) -> None:
    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(QuietHandler, directory=site)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    Path(out).mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=BROWSER_ARGS)
        for scheme in ("light", "dark"):
            for js in (True, False):
                context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme, java_script_enabled=js)
                page = context.new_page()
                for path in pages:
                    page.goto(base + path)
                    page.wait_for_load_state("networkidle")
                    name = (path.strip("/").replace("/", "_") or "home") + f"-{scheme}-{'js' if js else 'nojs'}.png"
                    page.screenshot(path=str(Path(out) / name), full_page=False)
                context.close()
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main(*sys.argv[1:])
