# Jupyter config for the notebook pages' kernels; hooks/notebook_kernel.py puts this folder on
# JUPYTER_CONFIG_PATH, and mkdocs-jupyter's NbConvertApp loads it for each notebook it executes.
c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

# Unix sockets next to the kernel's private connection file instead of TCP ports on localhost,
# which any local process can reach (ipykernel warns about it in the build log).
c.KernelManager.transport = "ipc"

import os  # noqa: E402
from pathlib import Path  # noqa: E402

from jupyter_core.paths import jupyter_runtime_dir  # noqa: E402

# Where those sockets live. jupyter_client names them "kernel-ipc-<n>" in the working directory when it
# picks the name before the connection file's: two builds of this folder at once (`mkdocs serve` while
# the tests build) then reached each other's kernels ("Invalid Signature" and a failed page). One name per
# build process, in the user's private Jupyter runtime folder.
_RUNTIME = Path(jupyter_runtime_dir())
_RUNTIME.mkdir(mode=0o700, parents=True, exist_ok=True)
c.KernelManager.ip = str(_RUNTIME / f"mkdocs-build-{os.getpid()}-kernel")

# Once the last cell has run and its outputs are in, stop the kernel at once instead of sending it
# a shutdown request. ipykernel 7.4's graceful shutdown races: the control thread publishes its
# "idle" status while the main thread closes the IOPub thread's pipes, and the kernel then logs
# "ERROR:tornado.general:Uncaught exception in ZMQStream callback" into the build log now and then.
c.ExecutePreprocessor.shutdown_kernel = "immediate"

# Run the notebook only when its code changed; a prose edit reuses the last outputs
# (see hooks/cached_execution.py).
import sys  # noqa: E402

HOOKS = str(Path(__file__).resolve().parent.parent)
if HOOKS not in sys.path:  # this file is read once per notebook
    sys.path.insert(0, HOOKS)
from cached_execution import CachedExecutePreprocessor  # noqa: E402
from nbconvert.exporters.exporter import Exporter  # noqa: E402

c.HTMLExporter.default_preprocessors = [
    CachedExecutePreprocessor if name == "nbconvert.preprocessors.ExecutePreprocessor" else name
    for name in Exporter.class_traits()["default_preprocessors"].default()
]
assert CachedExecutePreprocessor in c.HTMLExporter.default_preprocessors, "nbconvert renamed ExecutePreprocessor"
