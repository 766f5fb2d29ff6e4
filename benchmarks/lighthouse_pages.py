"""Benchmark: Lighthouse's default mobile run on every page of both languages, served with gzip.

Serves a built site on 127.0.0.1 with text files gzipped (as GitHub Pages serves them; the tests'
SiteServer), runs Lighthouse (pinned in package.json) against the tests' Chromium on each page, and
prints one row per page: performance, total blocking time, LCP, CLS, accessibility, the HTML's element
count and its raw and gzipped size. Ends with one JSON line:
  {"pages": N, "min_performance": ..., "max_tbt_ms": ..., "max_lcp_ms": ..., "min_accessibility": ..., "max_elements": ...}
With --runs 3 each page is measured three times and the median of each figure is reported.

Lighthouse simulates a slow phone by scaling what it measures here: a loaded machine scores lower
(the load average is printed). Compare variants back to back on one machine, never across machines.
The targets (issue 15): performance >= 0.95, TBT <= 200 ms, LCP <= 2.5 s, CLS <= 0.05, and 1.0 for
accessibility, best practices and SEO. Exits 1 when a page misses one of them.
Run: python benchmarks/lighthouse_pages.py SITE_DIR [--runs 3] [--pages policy-gradient/ zh/agent/]
     python benchmarks/lighthouse_pages.py --build   (builds the site into a temporary folder first)
     --diagnose also prints where the main thread spent its time on each page.

Chrome runs with its own default features. Lighthouse's launcher (chrome-launcher) turns Chrome's
RenderDocument off, a workaround for Lighthouse's own CI; with it off, this Chromium held a page's first
frame back to a one-second tick in a third to two thirds of the runs (first paint at 1.25-1.3 s or
2.27-2.3 s although DOMContentLoaded came at 0.3-0.5 s), even with scripts and web fonts blocked, never
with the page's stylesheets removed. Lighthouse simulates LCP from the order of what it observed, so such
a run's LCP moved from about 2.3 s to 3.4-3.7 s. A run whose first paint still comes more than
HELD_BACK_MS after DOMContentLoaded is named under its page. A median of three runs (--runs 3) is the
figure to compare.
"""
import argparse
import functools
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from reader_helpers import BROWSERS, NO_BROWSER, SiteServer, chromium, element_count, site_pages  # noqa: E402

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {"performance": 0.95, "tbt_ms": 200, "lcp_ms": 2500, "cls": 0.05,
           "accessibility": 1.0, "best-practices": 1.0, "seo": 1.0}
# A first paint this long after DOMContentLoaded (both as observed, unthrottled) is reported as held back.
HELD_BACK_MS = 500


@functools.cache
def launcher_disabled_features() -> str:
    """The `--disable-features=` flag chrome-launcher adds, without RenderDocument (see the docstring).
    Chromium reads only the last --disable-features, so this one, passed after the launcher's, replaces it."""
    script = ("import('chrome-launcher').then(m => console.log(JSON.stringify(m.Launcher.defaultFlags()"
              ".filter(flag => flag.startsWith('--disable-features=')))))")
    result = subprocess.run(["node", "-e", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise SystemExit(f"could not read chrome-launcher's default flags (node_modules, `make install`):\n{result.stderr[-1000:]}")
    flags = json.loads(result.stdout)
    if len(flags) != 1:
        raise SystemExit(f"chrome-launcher's default flags carry {len(flags)} --disable-features flags, not 1: {flags}")
    features = [name for name in flags[0].split("=", 1)[1].split(",") if name != "RenderDocument"]
    return "--disable-features=" + ",".join(features)


def lighthouse(url: str, browser: str) -> dict:
    """One default (mobile, simulated throttling) Lighthouse run; its JSON report."""
    command = [str(LIGHTHOUSE), url, "--quiet", "--output=json", "--output-path=stdout",
               f"--only-categories={','.join(CATEGORIES)}",
               f"--chrome-flags=--headless=new --no-sandbox --disable-gpu {launcher_disabled_features()}"]
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "CHROME_PATH": browser},
                            timeout=300)
    if result.returncode != 0:
        raise RuntimeError(f"lighthouse failed on {url}:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout)


def figures(report: dict) -> dict:
    audits = report["audits"]
    row = {name: report["categories"][name]["score"] for name in CATEGORIES}
    row["tbt_ms"] = audits["total-blocking-time"]["numericValue"]
    row["lcp_ms"] = audits["largest-contentful-paint"]["numericValue"]
    row["cls"] = audits["cumulative-layout-shift"]["numericValue"]
    row["fcp_ms"] = audits["first-contentful-paint"]["numericValue"]
    observed = audits["metrics"]["details"]["items"][0]
    row["observed_fcp_ms"] = observed["observedFirstContentfulPaint"]
    row["observed_dcl_ms"] = observed["observedDomContentLoaded"]
    return row


def held_back(runs: list[dict]) -> str:
    """The runs whose first frame came long after DOMContentLoaded, as a line under the page's row."""
    late = [run for run in runs if run["observed_fcp_ms"] > run["observed_dcl_ms"] + HELD_BACK_MS]
    if not late:
        return ""
    each = "; ".join(f"first paint {run['observed_fcp_ms']:.0f} ms, DOMContentLoaded {run['observed_dcl_ms']:.0f} ms, "
                     f"LCP {run['lcp_ms']:.0f} ms" for run in late)
    return f"    first frame held back in {len(late)} of {len(runs)} run(s) (observed): {each}"


def diagnosis(report: dict) -> str:
    """Where the main thread spent its time (Lighthouse's own breakdown), and the longest tasks."""
    audits = report["audits"]
    work = audits["mainthread-work-breakdown"]
    groups = ", ".join(f"{item['groupLabel']} {item['duration']:.0f}" for item in work["details"]["items"][:5])
    scripts = ", ".join(f"{item['url'].rsplit('/', 1)[-1] or item['url']} {item['total']:.0f}"
                        for item in audits["bootup-time"]["details"]["items"][:3])
    tasks = audits.get("long-tasks", {}).get("details", {}).get("items", [])[:4]
    longest = ", ".join(f"{item['url'].rsplit('/', 1)[-1]}@{item['startTime']:.0f}:{item['duration']:.0f}" for item in tasks)
    lcp = [item for item in audits.get("lcp-breakdown-insight", {}).get("details", {}).get("items", [])
           if item.get("type") == "node"]
    lcp_node = f"{lcp[0].get('selector', '')} \"{lcp[0].get('nodeLabel', '')[:30]}\"" if lcp else ""
    return (f"    main thread {work['numericValue']:.0f} ms: {groups}\n    scripts: {scripts}\n"
            f"    long tasks: {longest}\n    LCP element: {lcp_node}")


def misses(row: dict) -> list[str]:
    high = {"tbt_ms", "lcp_ms", "cls"}
    return [name for name, target in TARGETS.items()
            if (row[name] > target if name in high else row[name] < target)]


def build_site(target: Path) -> None:
    subprocess.run([str(ROOT / ".venv" / "bin" / "mkdocs"), "build", "--strict", "--quiet", "--site-dir", str(target)],
                   cwd=ROOT, check=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", type=Path, help="a built site (omit with --build)")
    parser.add_argument("--build", action="store_true", help="build the site into a temporary folder first")
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs per page; the median is reported")
    parser.add_argument("--pages", nargs="+", help='only these pages, e.g. "" "zh/agent/" (default: all)')
    parser.add_argument("--diagnose", action="store_true", help="print the main thread's work per page")
    args = parser.parse_args()
    browser = chromium()
    if browser is None:
        raise SystemExit(NO_BROWSER.format(paths=", ".join(BROWSERS)))
    if not LIGHTHOUSE.exists():
        raise SystemExit(f"{LIGHTHOUSE} is missing: run `make install` (npm ci installs the pinned Lighthouse)")
    if args.build == (args.site is not None):
        parser.error("give a built site directory, or --build")
    with tempfile.TemporaryDirectory(prefix="lighthouse-site-") as scratch:
        site = args.site
        if args.build:
            site = Path(scratch) / "site"
            build_site(site)
        pages = args.pages if args.pages is not None else site_pages(site)
        server = SiteServer(site, compress=True)
        print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, {len(pages)} pages, "
              f"{args.runs} run(s) each, Lighthouse {lighthouse_version()}")
        print(f"{'page':32} {'perf':>5} {'TBT ms':>7} {'LCP ms':>7} {'CLS':>6} {'a11y':>5} {'bp':>5} {'seo':>5} "
              f"{'elements':>8} {'raw KB':>7} {'gzip KB':>7}")
        rows = []
        try:
            for page in pages:
                html = (site / page / "index.html").read_bytes()
                reports = [lighthouse(server.base + page, browser) for _ in range(args.runs)]
                runs = [figures(report) for report in reports]
                row = {name: statistics.median(run[name] for run in runs) for name in runs[0]}
                row.update(page=page or "/", elements=element_count(html.decode("utf-8")),
                           raw_kb=len(html) / 1024, gzip_kb=len(gzip.compress(html, compresslevel=6)) / 1024)
                rows.append(row)
                missed = misses(row)
                print(f"{row['page']:32} {row['performance']:5.2f} {row['tbt_ms']:7.0f} {row['lcp_ms']:7.0f} "
                      f"{row['cls']:6.3f} {row['accessibility']:5.2f} {row['best-practices']:5.2f} {row['seo']:5.2f} "
                      f"{row['elements']:8d} {row['raw_kb']:7.0f} {row['gzip_kb']:7.0f}"
                      f"{'  misses: ' + ', '.join(missed) if missed else ''}", flush=True)
                late = held_back(runs)
                if late:
                    print(late, flush=True)
                if args.diagnose:
                    print(diagnosis(reports[0]), flush=True)
        finally:
            server.stop()
    summary = {"pages": len(rows),
               "min_performance": min(row["performance"] for row in rows),
               "max_tbt_ms": round(max(row["tbt_ms"] for row in rows)),
               "max_lcp_ms": round(max(row["lcp_ms"] for row in rows)),
               "min_accessibility": min(row["accessibility"] for row in rows),
               "max_elements": max(row["elements"] for row in rows)}
    print(json.dumps(summary))
    return 1 if any(misses(row) for row in rows) else 0


def lighthouse_version() -> str:
    return subprocess.run([str(LIGHTHOUSE), "--version"], capture_output=True, text=True).stdout.strip()


if __name__ == "__main__":
    sys.exit(main())
