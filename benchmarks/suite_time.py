"""Benchmark: the test suite's time at an earlier revision and now, run in turns on this machine.

A machine's speed drifts: the same commit's suite took 180 s and 220 s an hour apart on one of ours.
A suite time therefore means something only next to another taken right before or after it. This
script checks out the earlier revision in a git worktree (a temporary folder, with a copy of `.cache`
and the working tree's `.venv` and `node_modules`), runs each suite once to warm its cache (not
counted), then runs the two in turns, ROUNDS times, and prints every run, the medians and their
ratio. Ends with one JSON line:
  {"before": "0da3258", "before_s": [...], "after_s": [...], "before_tests": N, "after_tests": N, "ratio": ...}
"after" is the working tree as it is (uncommitted changes included). Both run in this Python
environment: a revision that needs other packages cannot be compared this way.
Run: python benchmarks/suite_time.py --before REV [--rounds 2] [--no-warmup] [-- PYTEST_ARGS]
The pytest arguments default to `-q -p no:randomly` (file order); each run gets the same ones.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PYTEST_ARGS = ["-q", "-p", "no:randomly"]
SUMMARY = re.compile(r"^=*\s*(?P<counts>\d+ \w+(?:, \d+ \w+)*) in (?P<seconds>[\d.]+)s\b", re.M)


def summary(output: str) -> tuple[dict[str, int], float]:
    """pytest's last summary line, e.g. "2017 passed, 1 skipped in 359.22s": the counts and the seconds."""
    found = list(SUMMARY.finditer(output))
    if not found:
        raise ValueError(f"no pytest summary line in the output; its end:\n{output[-1500:]}")
    last = found[-1]
    counts = {word: int(number) for number, word in (part.split() for part in last["counts"].split(", "))}
    return counts, float(last["seconds"])


def run_suite(folder: Path, pytest_args: list[str], label: str) -> tuple[int, float]:
    """One run of the suite in `folder`: (tests run, pytest's seconds). A failed run stops the benchmark."""
    result = subprocess.run([sys.executable, "-m", "pytest", *pytest_args], cwd=folder,
                            capture_output=True, text=True)
    output = result.stdout + result.stderr
    counts, seconds = summary(output)
    if result.returncode != 0 or counts.get("failed") or counts.get("error") or counts.get("errors"):
        raise SystemExit(f"{label}: the suite did not pass in {folder} ({', '.join(f'{n} {w}' for w, n in counts.items())});"
                         f" its end:\n{output[-3000:]}")
    return counts.get("passed", 0), seconds


def worktree(revision: str, parent: Path) -> Path:
    """`revision` checked out beside a copy of this tree's cache, sharing its .venv and node_modules."""
    folder = parent / "clone"
    subprocess.run(["git", "worktree", "add", "--detach", "--force", str(folder), revision], cwd=ROOT, check=True,
                   capture_output=True, text=True)
    for shared in (".venv", "node_modules"):
        if (ROOT / shared).exists():
            (folder / shared).symlink_to(ROOT / shared)
    if (ROOT / ".cache").exists():
        shutil.copytree(ROOT / ".cache", folder / ".cache", symlinks=True)
    if (ROOT.parent / "shared").exists():  # the formula list the content tests read beside a clone
        (parent / "shared").symlink_to(ROOT.parent / "shared")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="the earlier revision (a commit, tag or branch)")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each suite, in turns (default 2)")
    parser.add_argument("--no-warmup", action="store_true", help="skip the uncounted first run of each suite")
    parser.add_argument("pytest_args", nargs="*", help="after --: pytest's arguments for every run")
    args = parser.parse_args()
    pytest_args = args.pytest_args or DEFAULT_PYTEST_ARGS
    revision = subprocess.run(["git", "rev-parse", "--short", args.before], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout.strip()
    print(f"before: {revision}, after: the working tree; pytest {' '.join(pytest_args)}; {os.cpu_count()} cores", flush=True)
    with tempfile.TemporaryDirectory(prefix="suite-time-") as temporary:
        before = worktree(revision, Path(temporary))
        try:
            trees = {"before": before, "after": ROOT}
            if not args.no_warmup:
                for label, folder in trees.items():
                    tests, seconds = run_suite(folder, pytest_args, label)
                    print(f"  warm-up {label:6}: {tests} tests in {seconds:.1f} s (not counted)", flush=True)
            times = {"before": [], "after": []}
            tests = {}
            for round_ in range(1, args.rounds + 1):
                for label, folder in trees.items():
                    tests[label], seconds = run_suite(folder, pytest_args, label)
                    times[label].append(seconds)
                    load = os.getloadavg()[0]
                    print(f"  round {round_} {label:6}: {tests[label]} tests in {seconds:.1f} s (load {load:.1f} after)", flush=True)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(before)], cwd=ROOT, capture_output=True)
    medians = {label: statistics.median(values) for label, values in times.items()}
    ratio = medians["after"] / medians["before"]
    print(f"median: before {medians['before']:.1f} s ({tests['before']} tests), after {medians['after']:.1f} s "
          f"({tests['after']} tests): after/before = {ratio:.3f}")
    print(json.dumps({"before": revision, "before_s": times["before"], "after_s": times["after"],
                      "before_tests": tests["before"], "after_tests": tests["after"], "ratio": round(ratio, 3)}))


if __name__ == "__main__":
    main()
