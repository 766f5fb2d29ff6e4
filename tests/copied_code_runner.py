"""Run code blocks as a reader who copies them would, many in one Python: `run_blocks` in reader_helpers.

Reads a JSON list of code strings on stdin and writes a JSON list of [exit code, output] on stdout.
With --serve it stays up and answers one such list per line, each answer a line that starts with
ANSWER (a block may print to the process's own stdout), until stdin closes: `BlockRunner` below.
Each block runs in a fresh namespace (`__name__ == "__main__"`, as `python -` gives) with an empty
working directory, so a block that leans on a name or a file from another block fails as it would
alone; only imported modules are shared, which is what makes one process per worker cheaper than one
per block (numpy and torch are imported once).
"""
import contextlib
import io
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
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


ANSWER = "\x1eanswer "


def read_answers(stdout, answers: queue.Queue) -> None:
    """Put each ANSWER line a runner writes (this one, or tests/script_runner.py) on `answers`, decoded;
    then None once the runner's output ends."""
    for line in stdout:
        if line.startswith(ANSWER):
            answers.put(json.loads(line[len(ANSWER):]))
    answers.put(None)  # the process ended


def main() -> None:
    sys.path[0] = ""  # as for `python -`: the working directory, not this file's folder (tests/)
    if sys.argv[1:] == ["--serve"]:
        for line in sys.stdin:
            results = [run(code) for code in json.loads(line)]
            sys.__stdout__.write("\n" + ANSWER + json.dumps(results) + "\n")
            sys.__stdout__.flush()
        return
    blocks = json.load(sys.stdin)
    results = [run(code) for code in blocks]
    sys.__stdout__.write(json.dumps(results))


class BlockRunner:
    """One runner process (--serve) kept for many calls, so that numpy and torch are imported once per
    test process rather than once per call; each block still runs alone, as `run` says. `run(codes)`
    returns code -> (exit code, output) and remembers it: a block shown on both languages' pages runs
    once. A runner that dies or times out is reported for the blocks it was given and started anew."""

    def __init__(self, env: dict[str, str], timeout: float = 900):
        self.env, self.timeout = env, timeout
        self.process: subprocess.Popen | None = None
        self.results: dict[str, tuple[int, str]] = {}

    def _start(self) -> None:
        self.stderr = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen([sys.executable, __file__, "--serve"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=self.stderr, text=True, env=self.env,
                                        cwd=tempfile.gettempdir())
        self.answers: queue.Queue = queue.Queue()
        threading.Thread(target=read_answers, args=(self.process.stdout, self.answers), daemon=True).start()


    def run(self, codes: list[str]) -> dict[str, tuple[int, str]]:
        todo = sorted(set(codes) - set(self.results))
        if todo:
            if self.process is None or self.process.poll() is not None:
                self._start()
            failure = None
            try:
                self.process.stdin.write(json.dumps(todo) + "\n")
                self.process.stdin.flush()
                answer = self.answers.get(timeout=self.timeout)
            except queue.Empty:
                answer, failure = None, f"the blocks' process timed out after {self.timeout} s"
            except BrokenPipeError:
                answer = None
            if answer is None:
                if self.process.poll() is None:
                    self.process.kill()
                self.process.wait()
                if failure is None:  # the runner itself died (a block that crashed the interpreter)
                    self.stderr.seek(0)
                    failure = f"the blocks' process exited {self.process.returncode}: {self.stderr.read()[-2000:]}"
                self.process = None
                answer = [(-1, failure)] * len(todo)
            self.results.update(zip(todo, (tuple(item) for item in answer)))
        return {code: self.results[code] for code in codes}

    def close(self) -> None:
        if self.process is not None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None


if __name__ == "__main__":
    main()
