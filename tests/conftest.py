"""Shared fixtures: the real site built once per test session, and throw-away copies of the project."""
from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from filelock import FileLock

from copied_code_runner import read_answers

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = [sys.executable, "-m", "mkdocs"]


@dataclass
class Build:
    returncode: int
    log: str
    site: Path


def build(project: Path, site: Path) -> Build:
    """`mkdocs build --strict` of the project at `project` into `site`."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [*MKDOCS, "build", "--strict", "--site-dir", str(site)],
        cwd=project, env=env, capture_output=True, text=True, timeout=900,
    )
    return Build(result.returncode, result.stdout + result.stderr, site)


SITE_FIXTURES = {"site_build", "browser"}  # the whole site built; Chromium (tests/test_site_reader.py)
BUILD_TIMEOUT = 900  # seconds: a cold build trains the agents (a few minutes on two cores)


def pytest_collection_modifyitems(items):
    """A test that uses the whole site's build or the browser (directly or through another fixture)
    is marked `site`: `make test-fast` (pytest -m "not site") leaves it out.

    The `site` tests run after the others (each part still in pytest-randomly's order): the site is
    built in the background from the first test on (`start_site_build`) and is ready by the time
    they need it. A stable sort, so every xdist worker computes the same order from the same seed."""
    for item in items:
        if SITE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.site)
    items.sort(key=lambda item: item.get_closest_marker("site") is not None)


def shared_folder(tmp_path_factory, worker_id: str) -> Path:
    """A folder every process of this run sees: with xdist, the parent of the workers' own temporary
    folders (the pattern of xdist's documentation); without it, this run's temporary folder."""
    base = tmp_path_factory.getbasetemp()
    return base if worker_id == "master" else base.parent


@pytest.fixture(scope="session")
def worker_id(request) -> str:
    """xdist's worker name ("gw0"), or "master" when the tests run in one process (`-n 0`).
    (xdist defines this fixture too; this one also serves `-p no:xdist`.)"""
    return getattr(request.config, "workerinput", {}).get("workerid", "master")


def start_build(folder: Path) -> subprocess.Popen | None:
    """Start the build into `folder` unless a process of this run has started it (a file lock keeps
    two from doing so at once). The exit code is written last, renamed into place: once it is there,
    the build is over."""
    with FileLock(str(folder) + ".lock"):
        if folder.exists():
            return None
        folder.mkdir()
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        script = '"$@" > "$0/log" 2>&1; echo $? > "$0/returncode.partial"; mv "$0/returncode.partial" "$0/returncode"'
        return subprocess.Popen(["sh", "-c", script, str(folder), *MKDOCS, "build", "--strict",
                                 "--site-dir", str(folder / "site")], cwd=ROOT, env=env)


@pytest.fixture(scope="session", autouse=True)
def start_site_build(request, tmp_path_factory, worker_id):
    """Start the one build of this run in the background as soon as a test runs, if a `site` test is
    selected: the first process to get here starts it, the others find it started, and `site_build`
    waits for it. A test run that is stopping (-x) stops the build; otherwise a process done with its
    tests waits for the build, which another worker may still need."""
    session = request.session
    process = None
    if any(item.get_closest_marker("site") for item in session.items):
        process = start_build(shared_folder(tmp_path_factory, worker_id) / "site-build")
    yield
    if process is not None and process.poll() is None:
        if session.shouldstop or session.shouldfail:
            process.terminate()
        process.wait()


@pytest.fixture(scope="session")
def site_build(start_site_build, tmp_path_factory, worker_id) -> Build:
    """The whole site, built strictly from this checkout (notebook pages included), once per test run
    however many xdist workers share it.

    The notebook pages need trained agents and learning curves: the build takes them from .cache/
    when their code and settings have not changed, and otherwise trains them there (a few minutes on
    two cores), as `make site` does. Tests that need trained results get them through this fixture.
    """
    folder = shared_folder(tmp_path_factory, worker_id) / "site-build"
    process = start_build(folder)  # when no test selected was known to need it (a fixture asked by name)
    deadline = time.monotonic() + BUILD_TIMEOUT
    while not (folder / "returncode").exists():
        assert time.monotonic() < deadline, f"the site build did not finish in {BUILD_TIMEOUT} s"
        time.sleep(0.2)
    if process is not None:
        process.wait()
    result = Build(int((folder / "returncode").read_text()), (folder / "log").read_text(encoding="utf-8"), folder / "site")
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.log}"
    return result


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A throw-away copy of the project with the two home pages only, to break on purpose.

    The notebook pages (which train agents) and the navigation are left out so each build takes ~2 s.
    """
    copy = tmp_path / "project"
    copy.mkdir()
    for name in ("hooks", "snippets", "page_results", "overrides"):  # overrides: the theme's custom_dir
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    for lang in ("en", "zh"):  # a home page of its own: the real one links to pages left out here
        (copy / "docs" / lang).mkdir(parents=True)
        (copy / "docs" / lang / "index.md").write_text(f"# Home ({lang})\n\nInline $x^2$ and\n\n$$\n\\nabla_\\theta \\log p \\tag{{B1}}\n$$\n", encoding="utf-8")
    shutil.copytree(ROOT / "docs" / "assets", copy / "docs" / "assets")
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    (copy / "node_modules").symlink_to(ROOT / "node_modules")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.split("\nnav:\n")[0]  # nav is the last section
    (copy / "mkdocs.yml").write_text(config, encoding="utf-8")
    return copy


# ------------------------------------------------------------------------------------------------
# Running a Python file as `python <file>` runs it (test_snippets_run.py, test_policy_gradient.py)
# ------------------------------------------------------------------------------------------------
SCRIPT_RUNNER = Path(__file__).with_name("script_runner.py")
SCRIPT_TIMEOUT = 600  # seconds a file may take


@pytest.fixture(scope="session")
def run_file():
    """`run_file(path, arguments, folder)` -> {"returncode", "stdout", "stderr"} of `python path arguments`
    in `folder`: forked from one process that has imported torch (tests/script_runner.py) where the
    system can fork it safely (Linux), otherwise in a new interpreter."""
    if sys.platform != "linux":
        def run_new(path, arguments, folder):
            result = subprocess.run([sys.executable, str(path), *arguments], cwd=folder, capture_output=True, text=True, timeout=SCRIPT_TIMEOUT)
            return {"returncode": result.returncode, "stdout": result.stdout, "stderr": result.stderr}
        yield run_new
        return
    server = subprocess.Popen([sys.executable, str(SCRIPT_RUNNER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                              start_new_session=True)  # its own process group: a run that hangs is stopped with it
    answers = queue.Queue()
    threading.Thread(target=read_answers, args=(server.stdout, answers), daemon=True).start()

    def run_forked(path, arguments, folder):
        server.stdin.write(json.dumps({"path": str(path), "args": arguments, "cwd": str(folder)}) + "\n")
        server.stdin.flush()
        try:
            answer = answers.get(timeout=SCRIPT_TIMEOUT)
        except queue.Empty:
            os.killpg(server.pid, signal.SIGKILL)
            pytest.fail(f"python {path.name} did not finish in {SCRIPT_TIMEOUT} s")
        assert answer is not None, f"the runner stopped (exit code {server.wait()})"
        return answer
    yield run_forked
    server.stdin.close()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


# ------------------------------------------------------------------------------------------------
# What the reading pass took (tests/test_site_reader.py), printed at the end of the run: with xdist
# each worker reads its share of the pages and sends its figures to the main process.
# ------------------------------------------------------------------------------------------------
READING = pytest.StashKey[dict]()


def add_reading(config, pages: int, seconds: float, steps: dict[str, float]) -> None:
    total = config.stash.setdefault(READING, {"pages": 0, "seconds": 0.0, "steps": {}})
    total["pages"] += pages
    total["seconds"] += seconds
    for name, spent in steps.items():
        total["steps"][name] = total["steps"].get(name, 0.0) + spent


@pytest.hookimpl(trylast=True)  # after the session's fixtures (the reader) are torn down
def pytest_sessionfinish(session):
    if hasattr(session.config, "workeroutput") and READING in session.config.stash:
        session.config.workeroutput["reading"] = session.config.stash[READING]


@pytest.hookimpl(optionalhook=True)  # xdist's: a worker has finished
def pytest_testnodedown(node, error):
    reading = getattr(node, "workeroutput", {}).get("reading")
    if reading:
        add_reading(node.config, **reading)


def pytest_terminal_summary(terminalreporter, config):
    reading = config.stash.get(READING, None)
    if reading and reading["pages"]:
        steps = ", ".join(f"{name} {spent:.1f}" for name, spent in sorted(reading["steps"].items(), key=lambda kv: -kv[1]))
        terminalreporter.write_line(f"reader pass: {reading['pages']} pages x 2 languages in {reading['seconds']:.1f} s "
                                    f"(summed over the workers; {steps})")


# ------------------------------------------------------------------------------------------------
# Sharing the tests between xdist workers (-n 2 --dist loadgroup in pyproject.toml)
# ------------------------------------------------------------------------------------------------
PAGES = sorted((p.stem for p in (ROOT / "docs" / "en").glob("*.md")), key=len, reverse=True)
# Modules whose tests share what one process has set up once: test_site_links.py every built page's
# BeautifulSoup, test_site_search.py its searches (28, in Chromium, ~15 s). Their tests run in one worker.
ONE_WORKER_MODULES = {"test_site_links.py", "test_site_search.py"}
# Tests that run with another module's tests: they use the same runner of Python files (`run_file`).
WITH_MODULE = {"tests/test_policy_gradient.py::test_run_output_is_what_both_pages_show": "tests/test_snippets_run.py"}


def worker_group(nodeid: str) -> str | None:
    """The tests that must share a worker: those of a module in ONE_WORKER_MODULES, and those of a page,
    when a site test's id names one ("test_site_reader.py::test_x[zh-agent]", "...[en-policy-gradient-390]"):
    the worker's Reader (Chromium) then reads that page once. The controller schedules by test id
    alone, before anything is imported."""
    if nodeid in WITH_MODULE:
        return WITH_MODULE[nodeid]
    path, _, name = nodeid.partition("::")
    if path.rpartition("/")[2] in ONE_WORKER_MODULES:
        return path
    if not path.rpartition("/")[2].startswith("test_site_") or not name.endswith("]"):
        return None
    words = "-" + name[name.index("[") + 1:-1] + "-"
    return next((f"page-{page}" for page in PAGES if f"-{page}-" in words), None)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """xdist's `loadgroup`, grouping as `worker_group` says. (xdist 3.8's own grouping by
    xdist_group marks renames the tests' ids, which pytest 9.2 no longer lets a plugin do.)"""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class PageScheduling(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return worker_group(nodeid) or super()._split_scope(nodeid)

    return PageScheduling(config, log)
