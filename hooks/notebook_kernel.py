"""Give the kernels that execute the notebook pages the project's Jupyter config.

mkdocs-jupyter executes each notebook with an NbConvertApp that reads the Jupyter config files on
JUPYTER_CONFIG_PATH. Putting hooks/jupyter_config/ first on that path applies the project's
settings (see the files there) whatever the reader's own ~/.jupyter holds, and only to this build.
"""
import logging
import os
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from traitlets.config.loader import PyFileConfigLoader

CONFIG_DIR = Path(__file__).resolve().parent / "jupyter_config"
CONFIG_FILE = CONFIG_DIR / "jupyter_nbconvert_config.py"
OUTPUTS = CONFIG_DIR.parent.parent / ".cache" / "notebook-outputs"   # hooks/cached_execution.py's
log = logging.getLogger("mkdocs.hooks.notebook_kernel")


def on_config(config):
    # NbConvertApp only logs a config file that raises, and runs on without it: check it here.
    try:
        PyFileConfigLoader(CONFIG_FILE.name, path=str(CONFIG_DIR)).load_config()
    except Exception as error:
        raise PluginError(f"{CONFIG_FILE.relative_to(CONFIG_DIR.parent.parent)} does not load: "
                          f"{type(error).__name__}: {error}") from error
    if str(CONFIG_DIR.parent) not in sys.path:
        sys.path.insert(0, str(CONFIG_DIR.parent))  # hooks/, for cached_execution
    paths = [p for p in os.environ.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep) if p]
    if str(CONFIG_DIR) not in paths:
        os.environ["JUPYTER_CONFIG_PATH"] = os.pathsep.join([str(CONFIG_DIR), *paths])
    if not any(OUTPUTS.glob("*.json")):
        log.info("First build here: the notebook pages run their cells, and train agents and learners while "
                 "the site builds (a minute or two on 2 cores; progress below). Later builds reuse .cache/.")
    return config


def on_pre_page(page, config, files):
    import cached_execution  # the module the config file gives nbconvert (hooks/ is on sys.path)

    cached_execution.current_page = page.file.src_uri  # mkdocs-jupyter converts this page next
    return page
