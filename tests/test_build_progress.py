"""A cold build says what it is doing: which experiment, runs done of runs to do, time so far.

The training code reports progress with report_progress (page_results/_page_tools.py); in a notebook
page's kernel that is a display_data of its own type, which hooks/cached_execution.py turns into an
INFO line of the build log and keeps out of the page. Outside a notebook the line goes to stderr.
"""
from __future__ import annotations

import logging
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from conftest import ROOT

sys.path.insert(0, str(ROOT / "hooks"))
import cached_execution  # noqa: E402

import _page_tools  # noqa: E402  (pytest puts the page tools' folder on the path)


def progress_message(text: str) -> dict:
    return {"msg_type": "display_data", "header": {"msg_type": "display_data"}, "parent_header": {"msg_id": "cell"},
            "content": {"data": {cached_execution.PROGRESS_TYPE: {"message": text}}, "metadata": {}}}


def stream_message(text: str) -> dict:
    return {"msg_type": "stream", "header": {"msg_type": "stream"}, "parent_header": {"msg_id": "cell"}, "content": {"name": "stdout", "text": text}}


def test_the_hook_and_the_page_tools_agree_on_the_progress_type():
    assert cached_execution.PROGRESS_TYPE == _page_tools.PROGRESS_TYPE


def test_progress_goes_to_the_build_log_at_info_level_and_not_into_the_page(caplog, monkeypatch):
    monkeypatch.setattr(cached_execution, "current_page", "zh/agent.md")
    preprocessor = cached_execution.CachedExecutePreprocessor()
    preprocessor.reset_execution_trackers()      # as nbclient does before a run and a cell
    preprocessor.clear_before_next_output = False
    outputs = []
    with caplog.at_level(logging.INFO, logger="mkdocs"):
        assert preprocessor.output(outputs, progress_message("agent page: training runs: 3 of 15 done, 12 s so far"), None, 0) is None
        preprocessor.output(outputs, stream_message("a result the page shows\n"), None, 0)
    assert [output.get("text") for output in outputs] == ["a result the page shows\n"]   # the page gets no progress
    progress = [record for record in caplog.records if "3 of 15 done" in record.getMessage()]
    assert [(record.levelno, record.getMessage()) for record in progress] == [
        (logging.INFO, "docs/zh/agent.md: agent page: training runs: 3 of 15 done, 12 s so far")]  # INFO: --strict passes


def test_a_display_of_another_type_still_reaches_the_page():
    preprocessor = cached_execution.CachedExecutePreprocessor()
    preprocessor.reset_execution_trackers()      # as nbclient does before a run and a cell
    preprocessor.clear_before_next_output = False
    outputs = []
    message = progress_message("x")
    message["content"]["data"] = {"text/plain": "a table"}
    preprocessor.output(outputs, message, None, 0)
    assert len(outputs) == 1


def test_waiting_reports_each_finished_run_with_the_time_so_far(monkeypatch):
    lines = []
    monkeypatch.setattr(_page_tools, "report_progress", lines.append)
    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(lambda n=n: n) for n in range(3)]
        _page_tools.wait_reporting(futures, "test page: runs", start=0.0)
    assert [line.split(",")[0] for line in lines] == [f"test page: runs: {k} of 3 done" for k in (1, 2, 3)]
    assert all(line.endswith(" s so far") for line in lines)


def test_outside_a_notebook_progress_goes_to_stderr():
    code = f"import sys; sys.path.insert(0, {str(ROOT / 'snippets')!r}); sys.path.insert(0, {str(ROOT / 'page_results')!r})\n" \
           "from _page_tools import report_progress; report_progress('agent page: 1 of 2 done')"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "agent page: 1 of 2 done\n")


def test_the_corridor_learners_report_their_progress(monkeypatch, tmp_path):
    import variance_reduction_report as report

    lines = []
    monkeypatch.setattr(report, "report_progress", lines.append)
    monkeypatch.setattr(_page_tools, "report_progress", lines.append)
    monkeypatch.setattr(report, "CACHE", tmp_path)
    report.learning_curves(report.LEARNING | {"episodes": 3, "runs": 2})
    assert lines[0].startswith("short-corridor page: 4 REINFORCE learners (2 runs × 3 episodes each)")
    assert [line.split(",")[0] for line in lines[1:]] == [f"short-corridor page: learners: {k} of 4 done" for k in (1, 2, 3, 4)]
