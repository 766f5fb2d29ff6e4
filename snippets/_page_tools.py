"""Helpers for the notebook pages (agent, variance reduction); not shown on any page.

A notebook page shows a snippet section with `show_section("file.py", "name")`: the same text that
`--8<-- "file.py:name"` embeds on a Markdown page, read from the file itself, so there is one copy.
"""
from pathlib import Path
import re

SNIPPETS = Path(__file__).resolve().parent
ROOT = SNIPPETS.parent


def section_source(file_name, section):
    """The lines between `# --8<-- [start:section]` and `# --8<-- [end:section]`, markers excluded."""
    path = SNIPPETS / file_name
    text = path.read_text(encoding="utf-8")
    pattern = rf"^[ \t]*# --8<-- \[start:{re.escape(section)}\][^\n]*\n(.*?)^[ \t]*# --8<-- \[end:{re.escape(section)}\]"
    match = re.search(pattern, text, flags=re.S | re.M)
    if match is None:
        raise LookupError(f"{path}: no section '{section}' (markers '# --8<-- [start:{section}]' … '[end:{section}]')")
    return match.group(1).rstrip() + "\n"


def show_section(file_name, section):
    """Display a snippet section as a highlighted Python block in a notebook page."""
    from IPython.display import Markdown

    return Markdown(f"```python\n{section_source(file_name, section)}```")
