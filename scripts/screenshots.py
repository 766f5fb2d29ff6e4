"""Screenshots of built pages, to look at the site as a reader does (and for the README).

Usage: python scripts/screenshots.py SITE_DIR OUT_DIR PAGE... (PAGE like "" or "zh/" or "monte-carlo/").
Each page is taken on a phone (390 px) and a desktop (1280 px), light and dark, and on the desktop once
more with JavaScript off, in the system Chromium. The reader tests no longer take screenshots: they
check what a screenshot would show (tests/reader_helpers.py), and this script is for the eye.
"""
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
# the same browser, local server and readiness as the reader-level tests
from reader_helpers import BROWSER_ARGS, BROWSERS, NO_BROWSER, SiteServer, chromium, wait_until_ready  # noqa: E402

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


def main(site: str, out: str, *pages: str) -> None:
    executable = chromium()
    if executable is None:
        raise SystemExit(NO_BROWSER.format(paths=", ".join(BROWSERS)))
    server = SiteServer(Path(site))
    Path(out).mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=BROWSER_ARGS)
        runs = [(device, scheme, True) for device in VIEWPORTS for scheme in ("light", "dark")] + [("desktop", "light", False)]
        for device, scheme, js in runs:
            context = browser.new_context(viewport=VIEWPORTS[device], color_scheme=scheme, java_script_enabled=js,
                                          is_mobile=device == "phone", has_touch=device == "phone")
            page = context.new_page()
            for path in pages:
                page.goto(server.base + path, wait_until="load")
                if js:
                    wait_until_ready(page)
                name = (path.strip("/").replace("/", "_") or "home") + f"-{device}-{scheme}{'' if js else '-nojs'}.png"
                page.screenshot(path=str(Path(out) / name), full_page=False)
            context.close()
        browser.close()
    server.stop()


if __name__ == "__main__":
    main(*sys.argv[1:])
