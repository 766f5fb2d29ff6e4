"""Screenshots of built pages for the README and for looking at the site as a reader does.

Usage: python scripts/screenshots.py SITE_DIR OUT_DIR PAGE... (PAGE like "" or "zh/" or "monte-carlo/").
Each page is taken light and dark, with JavaScript on and off, in the system Chromium.
"""
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
# the same browser and local server as the reader-level tests
from reader_helpers import BROWSER_ARGS, BROWSERS, NO_BROWSER, SiteServer, chromium  # noqa: E402


def main(site: str, out: str, *pages: str) -> None:
    executable = chromium()
    if executable is None:
        raise SystemExit(NO_BROWSER.format(paths=", ".join(BROWSERS)))
    server = SiteServer(Path(site))
    base = server.base
    Path(out).mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=BROWSER_ARGS)
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
    server.stop()


if __name__ == "__main__":
    main(*sys.argv[1:])
