"""Regions of a page's HTML whose text is not prose: code, program output, scripts, styles, plots, forms.

Hooks that rewrite prose (joining Chinese lines, rendering `$...$` as math) leave these alone:
a `$` or a line break inside them means what it says. Not a hook of its own: imported by hooks.
"""
import re
from typing import Callable

# Each element is matched up to its first closing tag: none of these nests in itself in our pages.
PROTECTED = re.compile(
    r"(<pre\b.*?</pre>|<code\b.*?</code>|<script\b.*?</script>|<style\b.*?</style>"
    r"|<textarea\b.*?</textarea>|<svg\b.*?</svg>)", re.S)


def outside_protected(html: str, rewrite: Callable[[str], str]) -> str:
    """`html` with `rewrite` applied to each stretch of text between protected regions."""
    parts = PROTECTED.split(html)
    parts[::2] = [rewrite(part) for part in parts[::2]]  # even parts lie outside the protected regions
    return "".join(parts)
