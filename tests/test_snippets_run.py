"""Every snippet file runs on its own, as a reader would run it: `python snippets/<file>.py` exits 0
and prints its check; so does each file of page_results/ (the notebook pages' build-time code).

The two files that train CartPole agents run with `--smoke`, a few updates on a tiny budget in a
temporary folder: this test neither needs nor fills .cache/. The full solve is timed and checked by
benchmarks/bench_reinforce_cartpole.py (`make bench`), the page's runs by the site build.
"""
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

SNIPPETS = ROOT / "snippets"
PAGE_RESULTS = ROOT / "page_results"
# Each snippet file, and the arguments it runs with here.
RUNS = {
    "advantage.py": [],
    "continuous_actions.py": [],
    "log_derivative.py": [],
    "monte_carlo.py": [],
    "natural_gradient.py": [],
    "off_policy.py": [],
    "policy_gradient.py": [],
    "policy_objectives.py": [],
    "reinforce_cartpole.py": ["--smoke"],
    "reparameterisation.py": [],
    "score_function.py": [],
    "short_corridor.py": [],
    "vanilla_variance.py": [],
    "variance_reduction.py": [],
}
# The notebook pages' build-time code runs on its own too (the training files on a tiny budget).
PAGE_RESULTS_RUNS = {
    "agent_results.py": ["--smoke"],
    "continuous_actions_results.py": ["--smoke"],
    "variance_reduction_report.py": [],
}


def test_every_snippet_file_is_run():
    assert set(RUNS) == {p.name for p in SNIPPETS.glob("*.py")}
    assert set(PAGE_RESULTS_RUNS) == {p.name for p in PAGE_RESULTS.glob("*.py") if not p.name.startswith("_")}


@pytest.mark.parametrize("path, arguments", [(SNIPPETS / name, RUNS[name]) for name in sorted(RUNS)]
                         + [(PAGE_RESULTS / name, PAGE_RESULTS_RUNS[name]) for name in sorted(PAGE_RESULTS_RUNS)],
                         ids=lambda value: value.name if isinstance(value, Path) else "")
def test_snippet_runs_on_its_own(path, arguments, tmp_path):
    name = f"{path.parent.name}/{path.name}"
    result = subprocess.run([sys.executable, str(path), *arguments], cwd=tmp_path,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"python {name} failed:\n{result.stderr[-3000:]}"
    assert result.stdout.strip(), f"python {name} printed nothing"
