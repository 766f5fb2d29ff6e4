"""Every snippet file runs on its own, as a reader would run it: `python snippets/<file>.py` exits 0
and prints its check. (Files starting with `_` are helpers for notebook pages, not shown.)"""
import subprocess
import sys

import pytest

from conftest import ROOT

FILES = sorted(p.name for p in (ROOT / "snippets").glob("[a-z]*.py"))


def test_there_are_snippet_files():
    assert len(FILES) >= 10


@pytest.mark.parametrize("name", FILES)
def test_snippet_runs_on_its_own(name, tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "snippets" / name)], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"python snippets/{name} failed:\n{result.stderr[-3000:]}"
    assert result.stdout.strip(), f"python snippets/{name} printed nothing"
