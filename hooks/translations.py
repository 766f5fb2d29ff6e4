"""Fail the build when a page has no twin in the other language.

mkdocs-static-i18n (folder structure) would otherwise fall back or drop the page quietly.
"""
from pathlib import Path

from mkdocs.exceptions import PluginError

LANGUAGES = ("en", "zh")


def on_config(config):
    docs = Path(config["docs_dir"])
    pages = {lang: {p.relative_to(docs / lang).as_posix() for p in (docs / lang).rglob("*.md")} for lang in LANGUAGES}
    problems = []
    for lang in LANGUAGES:
        for other in LANGUAGES:
            for page in sorted(pages[lang] - pages[other]):
                problems.append(f"docs/{lang}/{page} has no translation: docs/{other}/{page} is missing")
    if problems:
        raise PluginError("Every page needs an English and a Chinese version:\n  - " + "\n  - ".join(problems))
    return config
