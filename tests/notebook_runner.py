"""Run one downloaded notebook as a reader would: a fresh kernel, an empty folder, top to bottom.

`python tests/notebook_runner.py NOTEBOOK.ipynb` prints a JSON list of what went wrong (empty when
every cell ran with nothing on stderr). tests/test_site_notebooks.py starts one such process per
notebook, in a temporary folder outside the repository and with none of the project on the path.
"""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

CELL_TIMEOUT = 600  # seconds; the longest cell (the corridor's learners) takes ~15 s on 2 cores


def problems_of(notebook) -> list[str]:
    """What a reader would see go wrong in an executed notebook: errors and stderr, by cell."""
    found = []
    for number, cell in enumerate(notebook.cells, 1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                found.append(f"cell {number} raised {output['ename']}: {output['evalue']}")
            elif output.get("output_type") == "stream" and output.get("name") == "stderr":
                found.append(f"cell {number} wrote to stderr: {output['text'].strip()[:500]}")
    return found


def run(path: Path, folder: Path) -> list[str]:
    import nbformat
    from jupyter_client import KernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    # Unix sockets in the empty folder: no TCP port, and no warning about one on the kernel's stderr
    manager = KernelManager(kernel_name=notebook.metadata["kernelspec"]["name"], transport="ipc",
                            ip=str(folder / "kernel"))
    client = NotebookClient(notebook, km=manager, timeout=CELL_TIMEOUT, allow_errors=True,
                            resources={"metadata": {"path": str(folder)}})
    try:
        client.execute(cwd=str(folder))
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as error:
        return [f"{type(error).__name__}: {str(error)[-1500:]}"] + problems_of(notebook)
    return problems_of(notebook)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="notebook-") as empty:
        print(json.dumps(run(Path(sys.argv[1]).resolve(), Path(empty))))
