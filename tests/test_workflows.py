"""The GitHub Actions workflows pass actionlint and zizmor (both installed from PyPI by `make test`)."""
import itertools
import re
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import ROOT

BIN = Path(sys.executable).parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def run(*command):
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_there_are_test_and_pages_workflows():
    assert {w.name for w in WORKFLOWS} == {"test.yml", "pages.yml"}


def test_actionlint_finds_nothing():
    result = run(str(BIN / "actionlint"), *map(str, WORKFLOWS))
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing():
    result = run(str(BIN / "zizmor"), "--offline", "--no-progress", ".github/workflows")
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_can_fail(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    needs: [nope]\n    steps:\n      - run: echo hi\n")
    result = run(str(BIN / "actionlint"), str(broken))
    assert result.returncode != 0 and "nope" in result.stdout


def readme_test_command(readme: str) -> str:
    """The test command of the README's set-up block (`make test   # installs ...`)."""
    block = re.search(r"```bash\n(.*?)```", readme, re.S).group(1)
    return next(line.split("#")[0].strip() for line in block.splitlines() if line.startswith("make test"))


def make_recipe(makefile: str, target: str) -> list[str]:
    """The command lines of a Makefile target."""
    lines = makefile.splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(rf"{re.escape(target)}\s*:", line))
    return [line.strip() for line in itertools.takewhile(lambda line: line.startswith("\t"), lines[start + 1:])]


def ci_problems(readme: str, workflow: str, ci_script: str, makefile: str) -> list[str]:
    """Where CI (the workflow and .ci/run) would not run the whole suite the way the README says."""
    command = readme_test_command(readme)
    problems = [] if command == "make test" else [f"the README tests with `{command}`, not `make test`"]
    steps = [step for job in yaml.safe_load(workflow)["jobs"].values() for step in job.get("steps", [])]
    if command not in [step.get("run", "").strip() for step in steps]:
        problems.append(f"test.yml has no step that runs `{command}`")
    script = [line.strip() for line in ci_script.splitlines() if line.strip() and not line.startswith("#")]
    if script[-1] != command:
        problems.append(f".ci/run ends with `{script[-1]}`, not `{command}`")
    pytest_runs = [line for line in make_recipe(makefile, "test") if "pytest" in line]
    options = [line.split("pytest", 1)[1] for line in pytest_runs]
    if not pytest_runs or any(re.search(r"(?:^|\s)(?:-m|-k|--deselect|--ignore)\b", option) for option in options):
        problems.append(f"`make test` does not run every test: {pytest_runs}")
    return problems


def project_file(path: str) -> str:
    return (ROOT / path).read_text(encoding="utf-8")


def test_ci_runs_the_whole_suite_with_the_readme_test_command():
    assert ci_problems(project_file("README.md"), project_file(".github/workflows/test.yml"),
                       project_file(".ci/run"), project_file("Makefile")) == []


def test_ci_check_fails_when_ci_runs_only_the_fast_tests():
    workflow = project_file(".github/workflows/test.yml").replace("- run: make test\n", "- run: make test-fast\n")
    makefile = project_file("Makefile").replace("$(BIN)/python -m pytest\n", '$(BIN)/python -m pytest -m "not site"\n', 1)
    problems = ci_problems(project_file("README.md"), workflow, project_file(".ci/run"), makefile)
    assert len(problems) == 2, problems
