"""The exercise sections of the pages, read from their Markdown as a reader meets them.

A page's exercises are its last `##` section, `## Exercises { #exercises }` / `## 练习 { #exercises }`,
one `### ★… Title { #id }` per exercise. A coding exercise embeds a stub from
snippets/exercises/<page>_stubs.py, a folded checker block (exercises/checking.py:checking, then its
checker, then the lines that run it in the page's language) and a folded solution; a derivation
exercise has a folded solution only. Code is expanded from snippets/ as the page shows it. Notebook
pages show the same blocks and boxes from code cells (page_results/_page_tools.py: show_section,
show_checker, show_solution) and are read as the Markdown those stand for.
"""
from __future__ import annotations

import contextlib
import io
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
sys.path.insert(0, str(ROOT / "hooks"))
from page_notebooks import expand_embeds, is_notebook_page, notebook_page_markdown  # noqa: E402  (as the page notebooks)

# The six derivation pages, the three practice pages, and the pages that go further.
TEACHING_PAGES = [
    "monte-carlo", "log-derivative-trick", "score-function", "policy-gradient", "policy-objectives",
    "where-the-notes-end",
    "agent", "variance-reduction", "short-corridor",
    "advantage-and-critic", "off-policy", "natural-gradient", "continuous-actions", "reparameterisation",
]
SECTION_TITLE = {"en": "Exercises", "zh": "练习"}
SOLUTION_TITLE = {"en": "Solution", "zh": "解答"}
CHECKER_CORE = "exercises/checking.py:checking"

H2 = re.compile(r"^## (?P<title>.+?)(?: \{ #(?P<id>[\w-]+) \})?\s*$", re.M)
EXERCISE = re.compile(r"^### (?P<stars>★{1,3}) (?P<title>.+?) \{ #(?P<id>\w+) \}\s*$", re.M)
FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>\w*)[^\n]*\n(?P<body>.*?)^(?P=indent)```[ \t]*$", re.M | re.S)
BOX = re.compile(r'^(?P<indent>[ \t]*)\?\?\?\+? (?P<kind>\w+)(?: "(?P<title>[^"]*)")?\s*$', re.M)
EMBED = re.compile(r"""--8<--[ \t]+["'](?P<spec>[^"']+)["']""")


@dataclass
class Block:
    code: str              # as the page shows it (embeds expanded)
    specs: list[str]       # the snippet sections it embeds
    box: str | None        # "success", "example"…: the folded box it sits in, or None

    @property
    def is_stub(self) -> bool:
        return any("_stubs.py:" in spec for spec in self.specs)

    @property
    def is_checker(self) -> bool:
        return CHECKER_CORE in self.specs


@dataclass
class Exercise:
    id: str
    stars: int
    title: str
    text: str
    blocks: list[Block] = field(default_factory=list)
    solution_titles: list[str] = field(default_factory=list)

    @property
    def is_coding(self) -> bool:
        return any(block.is_stub for block in self.blocks)

    @property
    def stub(self) -> Block:
        return next(block for block in self.blocks if block.is_stub)

    @property
    def checker(self) -> Block:
        return next(block for block in self.blocks if block.is_checker)

    @property
    def solutions(self) -> list[Block]:
        return [block for block in self.blocks if block.box == "success"]


def page_source(lang: str, page: str) -> str:
    """The page's Markdown; a notebook page's as a Markdown page would write it: each cell that shows
    code (show_section, show_checker, show_solution) as the fence or the `???` box it stands for."""
    path = DOCS / lang / f"{page}.md"
    text = path.read_text(encoding="utf-8")
    return notebook_page_markdown(path) if is_notebook_page(text) else text


def exercises_section(lang: str, page: str) -> tuple[str | None, str]:
    """(the `##` heading line's title, the section's text) of the page's last `##` section."""
    source = page_source(lang, page)
    headings = list(H2.finditer(source))
    if not headings:
        return None, ""
    last = headings[-1]
    return (last.group("title") if last.group("id") == "exercises" else None), source[last.end():]


def _box_of(text: str, position: int, indent: str) -> tuple[str | None, str | None]:
    """The kind and title of the folded box a fence at `position` with `indent` sits in."""
    boxes = [m for m in BOX.finditer(text, 0, position) if len(m.group("indent")) < len(indent)]
    if not boxes:
        return None, None
    return boxes[-1].group("kind"), boxes[-1].group("title")


def exercises(lang: str, page: str) -> list[Exercise]:
    _, section = exercises_section(lang, page)
    found = list(EXERCISE.finditer(section))
    result = []
    for index, match in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(section)
        text = section[match.end():end]
        exercise = Exercise(match.group("id"), len(match.group("stars")), match.group("title"), text)
        exercise.solution_titles = [m.group("title") for m in BOX.finditer(text) if m.group("kind") == "success"]
        for fence in FENCE.finditer(text):
            if fence.group("lang") not in ("python", "py", ""):
                continue
            lines = [line[len(fence.group("indent")):] for line in fence.group("body").rstrip("\n").split("\n")]
            code, specs = expand_embeds(lines, f"docs/{lang}/{page}.md #{exercise.id}")
            kind, _ = _box_of(text, fence.start(), fence.group("indent"))
            exercise.blocks.append(Block(code, specs, kind))
        result.append(exercise)
    return result


def run_as_copied(*codes: str) -> tuple[dict, str]:
    """Run the codes one after the other in one fresh namespace, as a reader who pastes them into one
    file and runs it: (the namespace, everything printed)."""
    namespace = {"__name__": "__main__"}
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile("\n\n".join(codes), "<pasted>", "exec"), namespace)
    return namespace, output.getvalue()


def verdict(check, answer, lang: str) -> tuple[bool, str]:
    """A checker's verdict on an answer in the page's language: (passed, what it printed)."""
    said = io.StringIO()
    with contextlib.redirect_stdout(said):
        passed = check(answer, lang=lang)
    return passed, said.getvalue()
