"""Every snippet file runs on its own, as a reader would run it: `python snippets/<file>.py` exits 0
and prints its check; so does each file of page_results/ (the notebook pages' build-time code).

The two files that train CartPole agents run with `--smoke`, a few updates on a tiny budget in a
temporary folder: this test neither needs nor fills .cache/. The full solve is timed and checked by
benchmarks/bench_reinforce_cartpole.py (`make bench`), the page's runs by the site build.

On Linux each file runs in a process forked from one that has imported torch once (conftest's `run_file`,
tests/script_runner.py), not in a new interpreter: the same run, about 1.5 s sooner per file.
"""
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
def test_snippet_runs_on_its_own(path, arguments, tmp_path, run_file):
    name = f"{path.parent.name}/{path.name}"
    result = run_file(path, arguments, tmp_path)
    assert result["returncode"] == 0, f"python {name} failed:\n{result['stderr'][-3000:]}"
    assert result["stdout"].strip(), f"python {name} printed nothing"


def test_a_forked_run_is_a_run_of_its_own(run_file, tmp_path):
    """What the fork shares with the file is only what `import torch` loads: a name the file does not
    import, a module state another run changed, numpy's generator state or a working folder are not."""
    leaky = tmp_path / "leaky.py"
    leaky.write_text("import numpy, os, sys\nnumpy.leaked = 1\nopen('made-here', 'w').close()\n"
                     "print(numpy.random.random(), os.getcwd() == sys.argv[1])\n", encoding="utf-8")
    runs = [run_file(leaky, [str(folder)], folder) for folder in (tmp_path / "a", tmp_path / "b") if folder.mkdir() is None]
    assert [run["returncode"] for run in runs] == [0, 0], runs
    assert runs[0]["stdout"] != runs[1]["stdout"] and all(run["stdout"].strip().endswith("True") for run in runs), runs
    assert (tmp_path / "a" / "made-here").exists() and (tmp_path / "b" / "made-here").exists()
    clean = tmp_path / "clean.py"
    clean.write_text("import numpy\nassert not hasattr(numpy, 'leaked')\nprint('clean')\n", encoding="utf-8")
    assert run_file(clean, [], tmp_path)["stdout"] == "clean\n"
    unimported = tmp_path / "unimported.py"
    unimported.write_text("print(torch.ones(1))\n", encoding="utf-8")
    result = run_file(unimported, [], tmp_path)
    assert result["returncode"] == 1 and "NameError: name 'torch' is not defined" in result["stderr"], result
    exits = tmp_path / "exits.py"
    exits.write_text("import atexit, sys\natexit.register(print, 'at exit')\nsys.exit(3)\n", encoding="utf-8")
    assert run_file(exits, [], tmp_path) == {"returncode": 3, "stdout": "at exit\n", "stderr": ""}
