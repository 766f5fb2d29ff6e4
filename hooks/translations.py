"""Fail the build when a page has no twin in the other language.

mkdocs-static-i18n (folder structure) would otherwise fall back or drop the page quietly.
"""
from pathlib import Path

from mkdocs.exceptions import PluginError

LANGUAGES = ("en", "zh")


def pages(docs: Path, lang: str) -> set[str]:
    """The pages of one language, as paths under docs/<lang>/ ("index.md", "agent.md")."""
    return {p.relative_to(docs / lang).as_posix() for p in (docs / lang).rglob("*.md")}


def missing_twins(docs: Path) -> list[str]:
    """One line for each page that has no twin in the other language; empty when every page has one."""
    found = {lang: pages(docs, lang) for lang in LANGUAGES}
    return [f"docs/{lang}/{page} has no translation: docs/{other}/{page} is missing"
            for lang in LANGUAGES for other in LANGUAGES for page in sorted(found[lang] - found[other])]


def on_config(config):
    problems = missing_twins(Path(config["docs_dir"]))
    if problems:
        raise PluginError("Every page needs an English and a Chinese version:\n  - " + "\n  - ".join(problems))
    return config
