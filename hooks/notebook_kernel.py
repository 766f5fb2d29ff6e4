"""Give the kernels that execute the notebook pages the project's Jupyter config.

mkdocs-jupyter executes each notebook with an NbConvertApp that reads the Jupyter config files on
JUPYTER_CONFIG_PATH. Putting hooks/jupyter_config/ first on that path applies the project's
settings (see the file there) whatever the reader's own ~/.jupyter holds, and only to this build.
"""
import os
from pathlib import Path

CONFIG_DIR = Path(__file__).resolve().parent / "jupyter_config"


def on_config(config):
    paths = [p for p in os.environ.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep) if p]
    if str(CONFIG_DIR) not in paths:
        os.environ["JUPYTER_CONFIG_PATH"] = os.pathsep.join([str(CONFIG_DIR), *paths])
    return config
