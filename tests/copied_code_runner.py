"""Run code blocks as a reader who copies them would, many in one Python: `run_blocks` in reader_helpers.

Reads a JSON list of code strings on stdin and writes a JSON list of [exit code, output] on stdout.
Each block runs in a fresh namespace (`__name__ == "__main__"`, as `python -` gives) with an empty
working directory, so a block that leans on a name or a file from another block fails as it would
alone; only imported modules are shared, which is what makes one process per worker cheaper than one
per block (numpy and torch are imported once).
"""
import contextlib
import io
import json
import os
import sys
import tempfile
import traceback

OUTPUT_TAIL = 2000  # characters of a failing block's output kept for the report


def run(code: str) -> tuple[int, str]:
    output = io.StringIO()
    status = 0
    with tempfile.TemporaryDirectory(prefix="copied-code-") as folder:
        os.chdir(folder)
        namespace = {"__name__": "__main__", "__builtins__": __builtins__}
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            try:
                exec(compile(code, "<copied block>", "exec"), namespace)
            except SystemExit as stop:
                status = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
            except BaseException:  # noqa: BLE001 - any failure is the block's, reported with its traceback
                traceback.print_exc()
                status = 1
        os.chdir(os.path.dirname(folder))
    return status, output.getvalue()[-OUTPUT_TAIL:]


def main() -> None:
    sys.path[0] = ""  # as for `python -`: the working directory, not this file's folder (tests/)
    blocks = json.load(sys.stdin)
    results = [run(code) for code in blocks]
    sys.__stdout__.write(json.dumps(results))


if __name__ == "__main__":
    main()
