"""Shared fixtures: the real site built once per test session, and throw-away copies of the project."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

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


def pytest_collection_modifyitems(items):
    """A test that uses the whole site's build or the browser (directly or through another fixture)
    is marked `site`: `make test-fast` (pytest -m "not site") leaves it out."""
    for item in items:
        if SITE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.site)


@pytest.fixture(scope="session")
def site_build(tmp_path_factory) -> Build:
    """The whole site, built strictly from this checkout (notebook pages included).

    The notebook pages need trained agents and learning curves: the build takes them from .cache/
    when their code and settings have not changed, and otherwise trains them there (a few minutes on
    two cores), as `make site` does. Tests that need trained results get them through this fixture.
    """
    result = build(ROOT, tmp_path_factory.mktemp("site") / "site")
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
