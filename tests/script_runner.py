"""Run Python files as `python <file> <args>` runs them, each in a process forked from this one, which has
imported torch (and numpy with it) once: about 1.5 s a file on these machines. Used by test_snippets_run.py.

Reads one JSON request per line on stdin ({"path", "args", "cwd"}) and answers each with one line that
starts with ANSWER ({"returncode", "stdout", "stderr"}), until stdin closes. In the child, the file runs
as __main__ with its own folder first on sys.path, in `cwd`, with nothing of the tests imported but
copied_code_runner.py's answer marker (standard library only): its names, the project modules it
imports and its output are its own; only the libraries `import torch` loads are in memory already, as that import would load them. numpy's global generator, if loaded, is
reseeded from the system's entropy, as in a new interpreter (a fork would copy this process's). At its end the
child waits for its threads and runs its exit functions, as the interpreter does, then exits.
"""
import atexit
import json
import os
import runpy
import sys
import tempfile
import threading
import traceback

from copied_code_runner import ANSWER  # the same answer lines (standard library only)


def run_in_child(path: str, args: list[str], cwd: str, out: int, err: int) -> int:
    os.chdir(cwd)
    null = os.open(os.devnull, os.O_RDONLY)
    for source, target in ((null, 0), (out, 1), (err, 2)):
        os.dup2(source, target)
    sys.argv = [path, *args]
    sys.path[0] = os.path.dirname(os.path.abspath(path))
    if "numpy.random" in sys.modules:  # not today (numpy loads it when first used); a fork would copy its state
        sys.modules["numpy.random"].seed()
    code = 0
    try:
        runpy.run_path(path, run_name="__main__")
    except SystemExit as stop:
        if stop.code is None or isinstance(stop.code, int):
            code = stop.code or 0
        else:
            print(stop.code, file=sys.stderr)
            code = 1
    except BaseException:  # noqa: BLE001 - the file's failure, reported with its traceback as Python does
        traceback.print_exc()
        code = 1
    threading._shutdown()  # what the interpreter does at exit: wait for the threads, then run atexit
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    return code


def run(path: str, args: list[str], cwd: str) -> dict:
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                code = run_in_child(path, args, cwd, out.fileno(), err.fileno())
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        output = []
        for file in (out, err):
            file.seek(0)
            output.append(file.read().decode("utf-8", errors="replace"))
    return {"returncode": os.waitstatus_to_exitcode(status), "stdout": output[0], "stderr": output[1]}


def main() -> None:
    import torch  # noqa: F401  (what every forked run finds imported)

    answers = os.fdopen(os.dup(1), "w")
    for line in sys.stdin:
        request = json.loads(line)
        answers.write(ANSWER + json.dumps(run(request["path"], request["args"], request["cwd"])) + "\n")
        answers.flush()


if __name__ == "__main__":
    main()
