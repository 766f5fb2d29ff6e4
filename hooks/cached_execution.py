"""Execute a notebook page only when its code changes; otherwise reuse the outputs of the last run.

Not a hook of its own: hooks/jupyter_config/jupyter_nbconvert_config.py hands the class to nbconvert.

mkdocs-jupyter caches the finished page keyed on the whole notebook text, so a prose edit of a
notebook page ran every cell again under `mkdocs serve` (a kernel, imports, plots: about 4 s).
CachedExecutePreprocessor takes the place of nbconvert's ExecutePreprocessor (and its config). It
keeps one file per notebook page with the outputs of its last run and the key they belong to: the
code cells (the page's language among them), the kernel, and the code they use (the snippet files
they import or show, transitively, and the libraries they run on, as in hooks/notebook_cache.py). A notebook
whose cells raise leaves no file: the build fails as before.

While the cells run, long computations (the agents' training) report their progress as display_data
of the type PROGRESS_TYPE (report_progress in page_results/_page_tools.py): each one becomes an INFO line of
the build log, and none reaches the page.
"""
from __future__ import annotations

import hashlib
import json
import logging
import time
from pathlib import Path

import nbformat
from nbconvert.preprocessors import ExecutePreprocessor

from notebook_cache import cache_tools, code_fingerprint  # the key mkdocs-jupyter's cache folder is named after

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / "notebook-outputs"
PROGRESS_TYPE = "application/vnd.policy-gradient-notes.progress+json"   # as in page_results/_page_tools.py
current_page: str | None = None  # "zh/agent.md", set by hooks/notebook_kernel.py before the page is converted
log = logging.getLogger("mkdocs.hooks.cached_execution")


class CachedExecutePreprocessor(ExecutePreprocessor):
    def outputs_key(self, nb) -> str:
        code = [cell.source for cell in nb.cells if cell.cell_type == "code"]
        digest = hashlib.sha256(code_fingerprint("\n".join(code)).encode())
        digest.update((self.kernel_name or nb.metadata.get("kernelspec", {}).get("name", "")).encode())
        for source in code:
            digest.update(b"\0" + source.encode())
        return digest.hexdigest()

    def preprocess(self, nb, resources=None, km=None):
        key = self.outputs_key(nb)
        # one file per page (zh-agent.json), overwritten when its code changes: nothing piles up
        path = CACHE / (f"{current_page.removesuffix('.md').replace('/', '-')}.json" if current_page else f"{key[:20]}.json")
        code_cells = [cell for cell in nb.cells if cell.cell_type == "code"]
        saved = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        if saved.get("key") == key:
            for cell, outputs in zip(code_cells, saved["cells"], strict=True):
                cell.outputs = [nbformat.from_dict(output) for output in outputs["outputs"]]
                cell.execution_count = outputs["execution_count"]
            nb.metadata["language_info"] = saved["language_info"]
            return nb, resources
        log.info(f"docs/{current_page or '?'}: running its cells (its code is new here or changed; "
                 "later builds reuse the outputs in .cache/notebook-outputs/)")
        start = time.perf_counter()
        nb, resources = super().preprocess(nb, resources, km)
        log.info(f"docs/{current_page or '?'}: cells ran in {time.perf_counter() - start:.0f} s")
        cache_tools.write_atomically(path, json.dumps({  # a concurrent build never reads half a file
            "key": key, "language_info": nb.metadata.get("language_info", {}),
            "cells": [{"outputs": cell.outputs, "execution_count": cell.execution_count} for cell in code_cells],
        }).encode())
        return nb, resources

    def output(self, outs, msg, display_id, cell_index):
        """A progress line goes to the build log, not into the cell's outputs."""
        data = msg.get("content", {}).get("data", {})
        if msg.get("msg_type") == "display_data" and PROGRESS_TYPE in data:
            log.info(f"docs/{current_page or '?'}: {data[PROGRESS_TYPE].get('message', '')}")
            return None
        return super().output(outs, msg, display_id, cell_index)
