"""The runner of copied code blocks keeps each block alone, as a reader's fresh Python would."""
import reader_helpers as rh

DEFINES = "import numpy as np\nshared = np.arange(3)\nopen('left-behind.txt', 'w').write('x')\nprint(shared.sum())"
USES_NAME = "print(shared)"
USES_FILE = "print(open('left-behind.txt').read())"
FORGETS_IMPORT = "print(np.zeros(2))"
EXITS = "import sys\nsys.exit(3)"
MAIN_GUARD = "if __name__ == '__main__':\n    print('ran as a script')"


def test_blocks_run_each_in_a_fresh_namespace_and_folder():
    # one worker: every block after DEFINES runs in the same process, after it (sorted order aside)
    runs = rh.run_blocks([DEFINES, USES_NAME, USES_FILE, FORGETS_IMPORT, EXITS, MAIN_GUARD], workers=1)
    assert runs[DEFINES] == (0, "3\n")
    assert runs[USES_NAME][0] == 1 and "NameError" in runs[USES_NAME][1]
    assert runs[USES_FILE][0] == 1 and "FileNotFoundError" in runs[USES_FILE][1]
    assert runs[FORGETS_IMPORT][0] == 1 and "NameError" in runs[FORGETS_IMPORT][1]
    assert runs[EXITS][0] == 3
    assert runs[MAIN_GUARD] == (0, "ran as a script\n")


def test_blocks_cannot_import_the_test_helpers():
    code = "import reader_helpers"
    assert rh.run_blocks([code])[code][0] == 1


def test_the_kept_runner_keeps_blocks_apart_and_survives_a_crash():
    from copied_code_runner import BlockRunner

    runner = BlockRunner(rh.runner_env(), timeout=60)
    try:
        runs = runner.run([DEFINES, USES_NAME, EXITS])
        assert runs[DEFINES] == (0, "3\n") and runs[EXITS][0] == 3
        assert runs[USES_NAME][0] == 1 and "NameError" in runs[USES_NAME][1]
        # a later call, in the same process: still a fresh namespace and folder for each block
        later = runner.run([USES_FILE, FORGETS_IMPORT, "import os\nos.system('echo printed by a child process')\nprint('ok')"])
        assert later[USES_FILE][0] == 1 and later[FORGETS_IMPORT][0] == 1
        assert later["import os\nos.system('echo printed by a child process')\nprint('ok')"] == (0, "ok\n")
        crash = "import os\nos._exit(7)"
        assert runner.run([crash])[crash] == (-1, "the blocks' process exited 7: ")
        assert runner.run([MAIN_GUARD])[MAIN_GUARD] == (0, "ran as a script\n")   # a new process
    finally:
        runner.close()
