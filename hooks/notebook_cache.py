"""Key mkdocs-jupyter's cache of executed notebooks on the code the notebooks import, per language.

mkdocs-jupyter keys its cache on the notebook's own text and options only, so a change in
snippets/ (the training code) would show stale results. Pointing its cache_dir at a folder named
after a hash of every file in snippets/ makes such a change re-execute the notebooks, while a prose
edit of a notebook page still changes that page's own key. Each language gets its own folder: the
i18n plugin builds the languages one after the other, and mkdocs-jupyter evicts every cache entry
its current build did not use.
"""
import hashlib
from pathlib import Path

from mkdocs.plugins import event_priority

ROOT = Path(__file__).resolve().parent.parent
CODE = [ROOT / "snippets", ROOT / "pyproject.toml"]


def code_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in CODE:
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            if "__pycache__" in file.parts:
                continue
            digest.update(str(file.relative_to(ROOT)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


_fingerprint = ""


def on_config(config):
    global _fingerprint
    _fingerprint = code_fingerprint()  # once per build: `mkdocs serve` rebuilds re-read the code
    return config


@event_priority(100)  # before mkdocs-jupyter reads cache_dir in its own on_pre_page
def on_pre_page(page, config, files):
    plugin = config.plugins.get("mkdocs-jupyter")
    if plugin is not None:
        language = page.file.src_uri.split("/", 1)[0]
        plugin.config["cache_dir"] = str(ROOT / ".cache" / "mkdocs-jupyter" / _fingerprint / language)
    return page
