"""Every snippet file runs on its own, as a reader would run it: `python snippets/<file>.py` exits 0
and prints its check. (Files starting with `_` are helpers for notebook pages, not shown.)

The two files that train CartPole agents run with `--smoke`, a few updates on a tiny budget in a
temporary folder: this test neither needs nor fills .cache/. The full solve is timed and checked by
benchmarks/bench_reinforce_cartpole.py (`make bench`), the page's runs by the site build.
"""
import subprocess
import sys

import pytest

from conftest import ROOT

SNIPPETS = ROOT / "snippets"
# Each snippet file, and the arguments it runs with here.
RUNS = {
    "agent_results.py": ["--smoke"],
    "log_derivative.py": [],
    "monte_carlo.py": [],
    "policy_gradient.py": [],
    "policy_objectives.py": [],
    "reinforce_cartpole.py": ["--smoke"],
    "score_function.py": [],
    "short_corridor.py": [],
    "vanilla_variance.py": [],
    "variance_reduction.py": [],
    "variance_reduction_report.py": [],
}


def test_every_snippet_file_is_run():
    assert set(RUNS) == {p.name for p in SNIPPETS.glob("*.py") if not p.name.startswith("_")}


@pytest.mark.parametrize("name", sorted(RUNS))
def test_snippet_runs_on_its_own(name, tmp_path):
    result = subprocess.run([sys.executable, str(SNIPPETS / name), *RUNS[name]], cwd=tmp_path,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"python snippets/{name} failed:\n{result.stderr[-3000:]}"
    assert result.stdout.strip(), f"python snippets/{name} printed nothing"
