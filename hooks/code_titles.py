"""Give every code block shown from snippets/ a title naming its file and sections.

- Markdown pages: a fence whose lines are `--8<-- "file.py:section"` gets the fence option
  `title="file.py › section"` (several sections: comma-separated), which pymdownx.highlight renders
  as `<span class="filename">` above the code. Notebook pages: `show_section("file.py", "section")`
  (page_results/_page_tools.py) writes `<!-- snippet: file.py:section -->` before its block (an
  exercise's box: `<!-- snippet: a.py:x, b.py:y -->`), which is turned into the same title here.
- When `repo_url` is set (REPO_URL in the environment), the file name links to the file in the
  repository. Without it the edit button would link nowhere, so `edit_uri` is dropped too.
- On Chinese pages the title carries one line saying what the block computes, from
  docs/zh/.code-notes.yml; a block with no line there fails the build, naming the page and the key.
- Material asks GitHub's API for the repository's stars and forks when its header link is marked
  `data-md-component="source"`; the mark is removed, so the page loads nothing from another origin.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

import yaml
from mkdocs.exceptions import PluginError

NOTES_FILE = Path("zh") / ".code-notes.yml"   # under docs_dir
SEPARATOR = " › "

FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^\n`]*)$")
EMBED = re.compile(r"""^[ \t]*--8<--[ \t]+(?P<quote>["'])(?P<spec>[^"']+)(?P=quote)[ \t]*$""")
NOTEBOOK_MARK = re.compile(r'<!-- snippet: (?P<specs>[\w./-]+:\w+(?:, [\w./-]+:\w+)*) -->\s*(?P<block><div class="[^"]*\bhighlight\b[^"]*">)')
TITLE = re.compile(r'<span class="filename">(?P<title>[^<]*)</span>')
SOURCE_LINK = ' class="md-source" data-md-component="source"'

_notes: dict[str, str] = {}


def snippet_title(specs: list[str]) -> str:
    """["a.py:x", "a.py:y", "b.py:z"] -> "a.py › x, y; b.py › z" (a whole file: just its name)."""
    groups: list[tuple[str, list[str]]] = []  # runs of one file, in the block's order
    for spec in specs:
        file_name, _, section = spec.partition(":")
        if not groups or groups[-1][0] != file_name:
            groups.append((file_name, []))
        if section:
            groups[-1][1].append(section)
    return "; ".join(f"{name}{SEPARATOR}{', '.join(sections)}" if sections else name for name, sections in groups)


def parse_title(title: str) -> list[str] | None:
    """The specs back from a title made by snippet_title, or None for a title that is not one."""
    specs = []
    for group in title.split("; "):
        name, _, sections = group.partition(SEPARATOR)
        if not re.fullmatch(r"[\w.-]+(?:/[\w.-]+)*\.py", name):
            return None
        specs += [f"{name}:{section}" for section in sections.split(", ")] if sections else [name]
    return specs


def title_fences(markdown: str) -> str:
    """Add `title="…"` to each fence whose content embeds snippet sections."""
    lines = markdown.split("\n")
    index = 0
    while index < len(lines):
        opening = FENCE_OPEN.match(lines[index])
        if not opening:
            index += 1
            continue
        fence = opening.group("fence")
        closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        end = index + 1
        while end < len(lines) and not closing.match(lines[end]):
            end += 1
        specs = [m.group("spec") for line in lines[index + 1:end] if (m := EMBED.match(line))]
        if specs and "title=" not in opening.group("info"):
            lines[index] += f' title="{snippet_title(specs)}"'
        index = end + 1
    return "\n".join(lines)


def note_key(specs: list[str], notes: dict[str, str]) -> str:
    """A block's key in the notes: all its sections when listed so, else its last section (its
    subject; the sections before it are helpers it embeds first)."""
    together = ", ".join(specs)
    return together if together in notes else specs[-1]


def decorate_titles(content: str, repo_url: str | None, notes: dict[str, str] | None, where: str) -> str:
    """Link file names to the repository (when repo_url is set) and, with notes (Chinese pages),
    add the block's one-line description; a block without one fails the build."""
    missing: list[str] = []

    def decorate(match: re.Match) -> str:
        title = html.unescape(match.group("title"))
        specs = parse_title(title)
        if specs is None:
            return match.group(0)
        groups = []
        for group in title.split("; "):
            name, separator, sections = group.partition(SEPARATOR)
            shown = html.escape(name)
            if repo_url:
                shown = f'<a href="{html.escape(repo_url.rstrip("/"))}/blob/main/snippets/{html.escape(name)}">{shown}</a>'
            groups.append(shown + html.escape(separator + sections))
        inner = f'<span class="snippet-source">{"; ".join(groups)}</span>'
        if notes is not None:
            key = note_key(specs, notes)
            if key not in notes:
                missing.append(key)
            else:
                inner += f'<span class="snippet-note">{html.escape(notes[key])}</span>'
        return f'<span class="filename snippet-title">{inner}</span>'

    content = TITLE.sub(decorate, content)
    if missing:
        keys = "\n  - ".join(dict.fromkeys(missing))
        raise PluginError(f"{where} shows code with no Chinese description in docs/{NOTES_FILE.as_posix()}; "
                          f"add a line for:\n  - {keys}")
    return content


def title_notebook_blocks(content: str) -> str:
    """`<!-- snippet: a.py:x, b.py:y -->` + highlighted block -> the block with the same title as on Markdown pages."""
    return NOTEBOOK_MARK.sub(
        lambda m: f'{m.group("block")}<span class="filename">{html.escape(snippet_title(m.group("specs").split(", ")))}</span>', content)


def load_notes(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    notes = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    bad = [key for key, value in notes.items() if not isinstance(value, str) or "\n" in value.strip()]
    if bad:
        raise PluginError(f"{path}: each description is one line of text; not so for {', '.join(bad)}")
    return {key: value.strip() for key, value in notes.items()}


def on_config(config):
    _notes.clear()
    _notes.update(load_notes(Path(config["docs_dir"]) / NOTES_FILE))
    if not config["repo_url"]:
        config["edit_uri"] = None   # an edit link without a repository would be a relative dead link
    return config


def on_page_markdown(markdown: str, page, config, files) -> str:
    return title_fences(markdown)


def on_page_content(content: str, page, config, files) -> str:
    content = title_notebook_blocks(content)
    is_chinese = page.file.src_uri.startswith("zh/")
    return decorate_titles(content, config["repo_url"], _notes if is_chinese else None, f"docs/{page.file.src_path}")


def on_post_page(output: str, page, config) -> str:
    return output.replace(SOURCE_LINK, ' class="md-source"')
