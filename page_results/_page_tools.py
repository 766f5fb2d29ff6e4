"""Helpers for the notebook pages (agent, variance reduction); not shown on any page.

A notebook page shows a snippet section with `show_section("file.py", "name")`: the same text that
`--8<-- "file.py:name"` embeds on a Markdown page, read from the file itself, so there is one copy.
An exercise's folded boxes are shown with `show_checker(...)` and `show_solution(...)`: each is written
as the `??? example` / `??? success` box a Markdown page would hold, and shown from that text.
"""
import functools
import html
import os
import re
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"   # show_section shows the code of this folder


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
    """Display a snippet section as a highlighted Python block in a notebook page.

    The comment before it names the section; hooks/code_titles.py turns it into the block's title.
    """
    from IPython.display import Markdown

    return Markdown(f"<!-- snippet: {file_name}:{section} -->\n\n```python\n{section_source(file_name, section)}```")


# ------------------------------------------------------------------------------------------------
# Exercises: the folded boxes of a Markdown page's exercise, on a notebook page
# ------------------------------------------------------------------------------------------------
BOX_TITLES = {"example": {"en": "Checker: paste it under your function and run",
                          "zh": "检查器：粘贴到你的函数下面运行"},
              "success": {"en": "Solution", "zh": "解答"}}
CHECKING = "exercises/checking.py:checking"    # what every checker block starts with
_EMBED_LINE = re.compile(r'^--8<-- "(?P<file>[^":]+):(?P<section>[\w-]+)"$')
_BOX_LINE = re.compile(r'^\?\?\? (?P<kind>\w+) "(?P<title>[^"]*)"$')


def checker_markdown(file_name, exercise, lang):
    """The checker box of the exercise whose function is `exercise`, as a Markdown page writes it:
    the shared core, `check_<exercise>` from `file_name`, and the lines that run it in `lang`."""
    return _box_markdown("example", lang, "", [
        f'--8<-- "{CHECKING}"', "", "", f'--8<-- "{file_name}:check_{exercise}"', "", "",
        'if __name__ == "__main__":', f'    check_{exercise}(globals().get("{exercise}"), lang="{lang}")'])


def solution_markdown(*specs, lang, text=""):
    """A solution box as a Markdown page writes it: `text` (Markdown, math as $…$), then one code
    block of the sections `specs` ("file.py:section", helpers first), if any."""
    lines = []
    for spec in specs:
        lines += ["", "", f'--8<-- "{spec}"'] if lines else [f'--8<-- "{spec}"']
    return _box_markdown("success", lang, text, lines)


def _box_markdown(kind, lang, text, code_lines):
    body = textwrap.dedent(text).strip("\n").split("\n") + [""] if text.strip() else []
    body += ["```python", *code_lines, "```"] if code_lines else []
    return f'??? {kind} "{BOX_TITLES[kind][lang]}"\n' + "\n".join(f"    {line}".rstrip() for line in body).rstrip()


def box_html_markdown(box):
    """A box written as on a Markdown page, as a notebook cell's Markdown output: `<details>` with
    Material's admonition classes (hooks/notebook_pages.py leaves it folded), its code expanded and
    marked for its title (hooks/code_titles.py)."""
    head, _, rest = box.partition("\n")
    found = _BOX_LINE.match(head)
    body = textwrap.dedent(rest)
    text, _, fence = body.partition("```python\n")
    parts = [f'<details class="{found.group("kind")}">', f'<summary>{html.escape(found.group("title"))}</summary>', ""]
    if text.strip():
        parts += [text.strip("\n"), ""]
    if fence:
        lines = fence.rsplit("```", 1)[0].rstrip("\n").split("\n")
        specs = [m.group("file") + ":" + m.group("section") for line in lines if (m := _EMBED_LINE.match(line))]
        code = "\n".join(textwrap.dedent(section_source(*_EMBED_LINE.match(line).group("file", "section"))).rstrip("\n")
                         if _EMBED_LINE.match(line) else line for line in lines).rstrip()
        parts += [f"<!-- snippet: {', '.join(specs)} -->", "", f"```python\n{code}\n```", ""]
    return "\n".join(parts + ["</details>"])


def show_checker(file_name, exercise, lang):
    """Show the folded checker of an exercise (see checker_markdown)."""
    from IPython.display import Markdown

    return Markdown(box_html_markdown(checker_markdown(file_name, exercise, lang)))


def show_solution(*specs, lang, text=""):
    """Show a folded solution (see solution_markdown)."""
    from IPython.display import Markdown

    return Markdown(box_html_markdown(solution_markdown(*specs, lang=lang, text=text)))


CJK_FONT = "Noto Sans CJK SC"
INSTALL_CJK_FONT = "Debian/Ubuntu: sudo apt-get install fonts-noto-cjk; other systems: any Noto Sans CJK SC"


@functools.lru_cache(maxsize=None)
def has_font(family):
    """Whether matplotlib finds an installed font of this family (no fallback to its default)."""
    from matplotlib import font_manager

    def found():
        try:
            font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
        except ValueError:
            return False
        return True

    if found():
        return True
    # matplotlib keeps the font list it made on first use; fonts installed since are not in it
    known = {entry.fname for entry in font_manager.fontManager.ttflist}
    for path in font_manager.findSystemFonts():
        if path not in known:
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):    # a font file matplotlib cannot read
                pass
    return found()


def plot_fonts(lang):
    """matplotlib's font.family for a plot on a page in `lang`.

    The plots are SVG with text kept as text: the reader's browser draws the letters, and matplotlib
    uses these fonts only to measure them (label, title and legend sizes). Chinese labels need a CJK
    font to be measured right. Without one, the plot is still drawn, and one line on stderr says
    what to install; the build reports it as a warning naming the page (a strict build fails).
    """
    if lang != "zh":
        return ["DejaVu Sans", "sans-serif"]
    if not has_font(CJK_FONT):
        _warn_once(f"no '{CJK_FONT}' font for matplotlib: the Chinese labels of this page's plots are "
                   f"measured with the wrong widths. Install it ({INSTALL_CJK_FONT}) and rebuild.")
        return ["DejaVu Sans", "sans-serif"]
    return ["DejaVu Sans", CJK_FONT, "sans-serif"]


# Plots are drawn for a phone first. An SVG is shown at its natural size or smaller: about 4.8 in
# (~460 CSS px) with 11 pt text (~15 px) on a desktop, and squeezed to the ~310 px of a 390 px phone
# its smallest text still measures >= 9 px. A wider figure or smaller text would fall below that.
PLOT_SIZE = (4.8, 3.8)


def plot_style(lang):
    """matplotlib rcParams shared by the notebook pages' plots: text sizes, SVG text kept as text."""
    return {"svg.fonttype": "none", "font.family": plot_fonts(lang),
            "font.size": 11, "axes.titlesize": 12, "axes.labelsize": 11, "legend.fontsize": 11,
            "xtick.labelsize": 11, "ytick.labelsize": 11, "figure.constrained_layout.use": True,
            "axes.spines.top": False, "axes.spines.right": False}


def new_figure(salt, lang, size=PLOT_SIZE):
    """A matplotlib figure and axes in the shared style; `salt` makes the SVG's ids stable and unique."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(plot_style(lang) | {"svg.hashsalt": salt})
    return plt.subplots(figsize=size)


def svg_figure(fig, alt, caption):
    """Inline SVG, text kept as text (the browser draws Chinese), on white, with its text alternative."""
    import html
    import io
    import warnings

    import matplotlib.pyplot as plt
    from IPython.display import HTML

    buffer = io.StringIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")                    # glyphs missing from a font: drawn by the browser
        fig.savefig(buffer, format="svg", facecolor="white", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]                          # drop the XML prolog and doctype
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{html.escape(alt)}" style="max-width:100%;height:auto" ', 1)
    return HTML(f'<figure class="plot">{svg}'
                f'<figcaption>{caption_html(caption)}</figcaption></figure>')


def legend_below(fig, **options):
    """The figure's legend under the plot: at phone size no corner of the axes is free of data."""
    return fig.legend(loc="outside lower center", frameon=False, **options)


def plain_tick_labels(axis, bins=None):
    """Tick labels written out with thousands separators (200,000), never 10³ or 1e5: matplotlib
    draws exponents at 70 % of the text size, too small on a phone. `bins` caps the number of ticks."""
    from matplotlib import ticker

    if bins:
        axis.set_major_locator(ticker.MaxNLocator(bins))
    axis.set_major_formatter(ticker.FuncFormatter(lambda value, _: f"{value:,.0f}"))
    axis.set_minor_formatter(ticker.NullFormatter())


# "x = 0", "p ≈ 0.59", "2 − √2": a caption line may not break inside such a short expression
_SPACED_OPERATOR = re.compile(r"(?<=\S) ([=≈<>≤≥±×+−]) (?=\S)")


def caption_html(caption):
    """A plot's caption as HTML text, the spaces around operators made non-breaking."""
    import html

    return _SPACED_OPERATOR.sub("\u00a0\\1\u00a0", html.escape(caption))


@functools.lru_cache(maxsize=None)
def _warn_once(message):
    print(message, file=sys.stderr)


def usable_cores():
    """CPUs this process may run on (its affinity mask), not all the machine has."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


# A display_data of this type is a line for the build log: hooks/cached_execution.py logs it and
# keeps it off the page. Run outside a notebook (python page_results/agent_results.py), it goes to stderr.
PROGRESS_TYPE = "application/vnd.policy-gradient-notes.progress+json"


def report_progress(message):
    """One line of progress in the build log (which experiment, how far, how long), never on the page."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if getattr(shell, "kernel", None) is not None:
        from IPython.display import display

        display({PROGRESS_TYPE: {"message": message}}, raw=True)
    else:
        print(message, file=sys.stderr, flush=True)


def wait_reporting(futures, what, start):
    """Wait for every future, reporting each one that finishes: `what`, k of n done, seconds since `start`."""
    import time
    from concurrent.futures import as_completed

    for done, _ in enumerate(as_completed(futures), 1):
        report_progress(f"{what}: {done} of {len(futures)} done, {time.perf_counter() - start:.0f} s so far")
