"""Last-updated dates (plugin git-revision-date-localized) only from the whole git history.

In a shallow clone (a CI checkout's default) every page would get the date of the one commit there,
and on GitHub Actions the plugin says so as a warning, which fails the strict build. So in a shallow
clone the plugin is switched off: no date rather than a wrong one. Outside git (a copy of the
project) the plugin itself falls back to the build date (fallback_to_build_date in mkdocs.yml).
"""
from __future__ import annotations

import logging
import subprocess

from mkdocs.plugins import event_priority

log = logging.getLogger("mkdocs.hooks.page_dates")
PLUGIN = "git-revision-date-localized"


def is_shallow(folder) -> bool:
    """Whether `folder` lies in a shallow git clone (False outside git or without git)."""
    try:
        answer = subprocess.run(["git", "rev-parse", "--is-shallow-repository"], cwd=folder,
                                capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return answer.returncode == 0 and answer.stdout.strip() == "true"


@event_priority(100)  # before the plugin's own on_config, which already reads the history
def on_config(config):
    plugin = config.plugins.get(PLUGIN)
    if plugin is not None and plugin.config.get("enabled") and is_shallow(config["docs_dir"]):
        plugin.config["enabled"] = False
        log.info("shallow git clone: the pages get no last-updated date (fetch the whole history for them)")
    return config
