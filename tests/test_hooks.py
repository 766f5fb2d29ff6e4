"""Unit tests of the build-time hooks (the end-to-end behaviour is in test_site_build.py)."""
import math
import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "hooks"))
import cjk_lines  # noqa: E402
import katex  # noqa: E402
import notebook_cache  # noqa: E402
import notebook_kernel  # noqa: E402


def test_html_regions_rewrite_prose_only():
    import html_regions

    kept = ['<pre>x</pre>', '<code class="c">x</code>', '<script>x</script>', '<style>x</style>',
            '<textarea>x</textarea>', '<svg><text>x</text></svg>']
    assert html_regions.outside_protected("x".join(["", *kept, ""]), str.upper) == "X".join(["", *kept, ""])


def test_cjk_lines_joins_breaks_between_chinese_characters_only():
    html = "<p>出发，\n每页 a\nb 中\n文 trick）\n——和</p><pre><code>中\n文</code></pre>"
    assert cjk_lines.join_cjk_lines(html) == "<p>出发，每页 a\nb 中文 trick）——和</p><pre><code>中\n文</code></pre>"


def test_cjk_lines_drops_spaces_around_chinese_links_only():
    html = '<p>把 <a href="x">得分函数</a> 用到 <a href="y">policy</a> 上</p>'
    assert cjk_lines.join_cjk_lines(html) == '<p>把<a href="x">得分函数</a>用到 <a href="y">policy</a> 上</p>'


def test_notebook_math_is_rendered_and_the_mathjax_loader_removed():
    html = ('<!-- Load mathjax --><script src="https://cdn.example/mathjax.js"></script><!-- End of mathjax configuration -->'
            '<div class="jp-MarkdownCell"><p>Inline $\\theta_t$ and</p><p>$$\\sum_t r_t$$</p></div>'
            '<pre>costs $5 and $6</pre>')
    errors = katex._Errors()
    out = katex.render_notebook_page(html, errors)
    assert errors == []
    assert "mathjax" not in out.lower()
    assert out.count('class="katex"') == 2 and 'class="katex-display"' in out
    assert "<pre>costs $5 and $6</pre>" in out


def test_a_bad_formula_is_reported_with_its_tex():
    errors = katex._Errors()
    katex.render_markdown_page('<span class="arithmatex">\\(\\frac{1}{\\nope}\\)</span>', errors)
    assert len(errors) == 1 and "\\nope" in errors[0] and "Undefined control sequence" in errors[0]


def test_notebook_cache_key_follows_the_snippets_the_code_uses_only(tmp_path):
    """A snippet the page's code imports (directly or through another) or shows changes the key; another does not."""
    code = tmp_path / "snippets"
    code.mkdir()
    files = {"train.py": "import maths\nLEARNING_RATE = 0.01\n", "maths.py": "ONE = 1\n", "shown.py": "X = 1\n",
             "other.py": "Y = 1\n"}
    for name, text in files.items():
        (code / name).write_text(text)
    cells = 'import train\n%matplotlib inline\nshow_section("shown.py", "x")\n'

    def key():
        return notebook_cache.code_fingerprint(cells, snippets=code)

    before = key()
    assert key() == before
    (code / "other.py").write_text("Y = 2\n")
    assert key() == before                                            # the page does not use it
    for name in ("train.py", "maths.py", "shown.py"):
        previous = key()
        (code / name).write_text(files[name] + "# edited\n")
        assert key() != previous, name


def test_notebook_cache_key_follows_the_libraries_not_the_test_settings(tmp_path, monkeypatch):
    """Of pyproject.toml only the [project] dependencies (and what they need, as installed) are in the
    key of a notebook page's run: an edit of pytest's settings or of the test tools runs nothing again."""
    pyproject = tmp_path / "pyproject.toml"
    original = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    monkeypatch.setattr(notebook_cache, "PYPROJECT", pyproject)

    def key(text: str) -> tuple[str, list[str]]:
        pyproject.write_text(text, encoding="utf-8")
        return notebook_cache.code_fingerprint("import numpy\n", snippets=tmp_path), notebook_cache.libraries()

    before = key(original)
    assert "numpy==2.4.6" in before[1] and any(name.startswith("pillow==") for name in before[1])  # matplotlib needs it
    assert not [name for name in before[1] if name.startswith(("pytest", "playwright"))]
    addopts = '\naddopts = "'
    assert original.count(addopts) == 1 and original.count('"pytest==') == 1
    assert key(original.replace(addopts, '\naddopts = "-x ')) == before                       # [tool.pytest.ini_options]
    assert key(original.replace('"pytest==', '"pytest>=')) == before                          # a test tool
    assert key(original + "\n[tool.ruff]\nline-length = 120\n") == before                    # another tool's settings
    changed = key(original.replace('"numpy==2.4.6"', '"numpy==2.4.5"'))                      # a library the pages run on
    assert changed[0] != before[0] and changed[1] != before[1]


def test_notebook_cache_key_follows_the_exercise_files_a_page_shows(tmp_path):
    """An exercise module a page shows by its path, and the checkers' shared core when it shows a
    checker, change the key; an exercise module of another page does not."""
    code = tmp_path / "snippets"
    (code / "exercises").mkdir(parents=True)
    files = {"exercises/mine.py": "X = 1\n", "exercises/mine_stubs.py": "Y = 1\n", "exercises/checking.py": "Z = 1\n",
             "exercises/other.py": "W = 1\n"}
    for name, text in files.items():
        (code / name).write_text(text)
    cells = ('show_section("exercises/mine_stubs.py", "f")\n'
             'show_checker("exercises/mine.py", "f", lang="en")\n'
             'show_solution("exercises/mine.py:f", lang="en", text="...")\n')

    def key():
        return notebook_cache.code_fingerprint(cells, snippets=code)

    before = key()
    (code / "exercises/other.py").write_text("W = 2\n")
    assert key() == before
    for name in ("exercises/mine.py", "exercises/mine_stubs.py", "exercises/checking.py"):
        previous = key()
        (code / name).write_text(files[name] + "# edited\n")
        assert key() != previous, name


def test_notebook_pages_depend_on_the_snippets_they_use_only():
    """A caption in agent_results.py re-executes the agent page only; monte_carlo.py no notebook page."""
    def used(page):
        code = notebook_cache.notebook_code(ROOT / "docs" / "en" / page)
        return {path.name for path in notebook_cache.cache_tools.snippet_dependencies(code)}

    agent, variance, corridor = used("agent.md"), used("variance-reduction.md"), used("short-corridor.md")
    assert {"agent_results.py", "reinforce_cartpole.py", "policy_gradient.py", "_page_tools.py"} <= agent
    assert {"variance_reduction_report.py", "variance_reduction.py", "short_corridor.py"} <= variance & corridor
    assert "agent_results.py" not in variance | corridor and "variance_reduction_report.py" not in agent
    assert "monte_carlo.py" not in agent | variance | corridor


def test_notebook_kernels_get_the_project_jupyter_config(monkeypatch, tmp_path):
    """mkdocs-jupyter's NbConvertApp, set up as it does, sees IPC transport and immediate shutdown."""
    from nbconvert.nbconvertapp import NbConvertApp
    from nbconvert.preprocessors import ExecutePreprocessor
    from jupyter_client import KernelManager

    user_config = tmp_path / "user"
    user_config.mkdir()
    (user_config / "jupyter_nbconvert_config.json").write_text(
        '{"KernelManager": {"transport": "tcp"}, "ExecutePreprocessor": {"shutdown_kernel": "graceful"}}')
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(user_config))  # a reader's own ~/.jupyter
    monkeypatch.delenv("JUPYTER_CONFIG_PATH", raising=False)
    notebook_kernel.on_config({})
    notebook_kernel.on_config({})  # a `mkdocs serve` rebuild does not stack the path
    assert notebook_kernel.os.environ["JUPYTER_CONFIG_PATH"] == str(notebook_kernel.CONFIG_DIR)

    app = NbConvertApp()
    app.load_config_file()
    preprocessor = ExecutePreprocessor(config=app.config)
    assert preprocessor.shutdown_kernel == "immediate"
    assert KernelManager(config=app.config).transport == "ipc"
    assert "CachedExecutePreprocessor" in [getattr(p, "__name__", p) for p in app.config.HTMLExporter.default_preprocessors]


def test_a_jupyter_config_that_does_not_load_fails_the_build_naming_it(tmp_path, monkeypatch):
    from mkdocs.exceptions import PluginError

    folder = tmp_path / "hooks" / "jupyter_config"
    folder.mkdir(parents=True)
    (folder / "jupyter_nbconvert_config.py").write_text("c.KernelManager.transport = undefined_name\n")
    monkeypatch.setattr(notebook_kernel, "CONFIG_DIR", folder)
    monkeypatch.setattr(notebook_kernel, "CONFIG_FILE", folder / "jupyter_nbconvert_config.py")
    with pytest.raises(PluginError, match=r"jupyter_config/jupyter_nbconvert_config.py does not load: NameError"):
        notebook_kernel.on_config({})


@pytest.fixture(autouse=True, scope="module")
def stop_renderer():
    yield
    katex.on_shutdown()


def test_notebook_headings_take_their_explicit_id():
    import notebook_pages

    html = '<h2 id="baselines-baseline">Baselines { #baseline }<a class="anchor-link" href="#baselines-baseline">¶</a></h2>'
    fixed, renamed = notebook_pages.fix_headings(html)
    assert fixed == '<h2 id="baseline">Baselines<a class="headerlink" href="#baseline" title="Permanent link">¶</a></h2>'
    assert renamed == {"baselines-baseline": "baseline"}


def test_notebook_stylesheets_move_to_one_shared_file():
    import types

    import notebook_pages

    css = "x" * 5000
    html = f"<style>{css}</style><style>.small{{}}</style><div class='jp-Notebook'></div>"
    out = notebook_pages.link_stylesheets(html, types.SimpleNamespace(url="zh/agent/"))
    assert css not in out and "<style>.small{}</style>" in out
    assert out.startswith('<link rel="stylesheet" href="../../assets/notebook-')


def test_notebook_stylesheet_keeps_only_rules_that_can_match_a_notebook_page():
    import notebook_pages

    css = (".jp-Cell .jp-InputArea{a:1}.jp-Toolbar{b:2}.jp-Cell,.jp-Dialog{c:3}"
           ".jupyter-wrapper .md-typeset__scrollwrap{d:4}"       # Material adds this class at run time
           ".jupyter-wrapper :root{--jp-icon:url(x)}.jupyter-wrapper body{e:5}:root{--jp-ui:1}"
           "@media (max-width:760px){.jp-Cell{f:6}.jp-Toolbar{g:7}}@media print{.jp-Toolbar{h:8}}"
           "@keyframes spin{from{i:9}}.jp-Cell:not(.jp-mod-active){j:10}")
    kept = notebook_pages.prune_stylesheet(css, {"jp-Cell", "jp-InputArea", "jupyter-wrapper"})
    assert kept.split("\n") == [
        ".jp-Cell .jp-InputArea{a:1}", ".jp-Cell,.jp-Dialog{c:3}", ".jupyter-wrapper .md-typeset__scrollwrap{d:4}",
        ":root{--jp-ui:1}", "@media (max-width:760px){.jp-Cell{f:6}}", "@keyframes spin{from{i:9}}",
        ".jp-Cell:not(.jp-mod-active){j:10}"]


def test_notebook_cells_are_numbered_with_selector_safe_ids():
    import types

    import notebook_pages

    html = '<div class="jp-Notebook"><div id="cell-id=9f2c"></div><div id="cell-id=01ab"></div></div>'
    page = types.SimpleNamespace(url="agent/", toc=[], file=types.SimpleNamespace(src_uri="en/agent.md", src_path="en/agent.md"))
    out = notebook_pages.on_page_content(html, page, {}, files=None)
    assert 'id="cell-1"' in out and 'id="cell-2"' in out and "cell-id=" not in out


def test_notebook_stderr_is_a_build_warning_naming_the_page(caplog):
    import types

    import notebook_pages

    page = types.SimpleNamespace(file=types.SimpleNamespace(src_path="zh/agent.md"))
    stderr = ('<div class="jp-RenderedText jp-OutputArea-output" data-mime-type="application/vnd.jupyter.stderr" '
              "tabindex=\"0\">\n<pre>findfont: Font family 'Noto Sans CJK SC' not found.\n</pre>\n</div>")
    stdout = stderr.replace("stderr", "stdout").replace("findfont", "trained")
    with caplog.at_level("WARNING", logger="mkdocs.hooks.notebook_pages"):
        notebook_pages.report_stderr(stdout, page)
        assert caplog.messages == []
        notebook_pages.report_stderr(stderr * 3, page)   # the same text three times: one warning
    assert caplog.messages == ["docs/zh/agent.md: a notebook cell wrote to stderr, which the page would show: "
                               "findfont: Font family 'Noto Sans CJK SC' not found."]


def test_chinese_plots_ask_for_a_cjk_font_and_say_when_it_is_missing(monkeypatch, capsys):
    import _page_tools   # page_results/ is on pytest's path

    assert "Noto Sans CJK SC" not in _page_tools.plot_fonts("en")
    monkeypatch.setattr(_page_tools, "has_font", lambda family: True)
    assert _page_tools.plot_fonts("zh") == ["DejaVu Sans", "Noto Sans CJK SC", "sans-serif"]
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(_page_tools, "has_font", lambda family: False)
    _page_tools._warn_once.cache_clear()                                   # said once per process
    assert _page_tools.plot_fonts("zh") == ["DejaVu Sans", "sans-serif"]   # no findfont message per label
    assert "fonts-noto-cjk" in capsys.readouterr().err


def test_search_indexes_the_same_text_from_the_light_page_and_the_page_gets_its_formulas_back():
    """Material's search plugin gets each formula as plain text (fast to parse), the reader the KaTeX."""
    import types

    from material.plugins.search.plugin import SearchIndex

    errors = katex._Errors()
    content = katex.render_markdown_page(
        '<h2 id="g">Gradient</h2><p>With <span class="arithmatex">\\(\\nabla_\\theta \\log \\pi_\\theta(a|s)\\)</span>'
        ' and</p>\n<div class="arithmatex">\\[\\mathbb{E}[f(x)] = \\sum_x p(x)\\, f(x) \\quad\\text{(definition of expectation)}\\]</div>',
        errors)
    assert errors == []

    def index(html):
        page = types.SimpleNamespace(content=html, meta={}, toc=[], url="p/", title="P")
        search = SearchIndex()
        search.add_entry_from_context(page)
        return search.entries

    page = types.SimpleNamespace(content=content, url="p/")
    katex.on_page_context({}, page=page, config={}, nav=None)
    assert 'class="katex' not in page.content                         # the plugin parses text only
    # and indexes each inline formula as a line of text (scripts as <sub>/<sup>), a display one by its number
    assert index(page.content)[1]["text"] == "<p>With ∇<sub>θ</sub> log π<sub>θ</sub>(a∣s) and</p>"
    rendered = katex.on_post_page(f"<html>{page.content}</html>", page=page, config={})
    # what the search plugin leaves of the page: its own marks removed (katex's sentinels are never seen)
    expected = content.replace(' data-search-exclude="mathml"', "").replace("<!--katex-->", "").replace("<!--/katex-->", "")
    assert rendered == f"<html>{expected}</html>"


def test_a_notebook_runs_again_only_when_its_code_or_the_snippets_change(tmp_path, monkeypatch):
    """Prose edits reuse the last outputs (no kernel); code and snippet edits execute; errors are not kept."""
    import nbformat
    from nbclient.exceptions import CellExecutionError

    import cached_execution

    monkeypatch.setattr(cached_execution, "CACHE", tmp_path)
    monkeypatch.setattr(cached_execution, "current_page", "zh/agent.md")
    fingerprint = ["snippets v1"]
    monkeypatch.setattr(cached_execution, "code_fingerprint", lambda code: fingerprint[0])

    def run(prose, code="import os\nprint(os.getpid())"):          # a new kernel prints a new pid
        nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
        nb.cells = [nbformat.v4.new_markdown_cell(prose), nbformat.v4.new_code_cell(code)]
        cached_execution.CachedExecutePreprocessor(timeout=120, shutdown_kernel="immediate").preprocess(nb, {})
        return nb.cells[1].outputs[0]["text"]

    first = run("Some prose.")
    assert (tmp_path / "zh-agent.json").exists()
    assert run("Other prose.") == first                               # from the cache: no kernel ran
    assert run("Other prose.", code="import os\nprint(os.getpid())  # edited") != first
    fingerprint[0] = "snippets v2"
    assert run("Other prose.") != first                               # the code the pages import changed
    with pytest.raises(CellExecutionError):
        run("Prose.", code="raise RuntimeError('diverged')")
    with pytest.raises(CellExecutionError):                           # a failed run left nothing to reuse
        run("Other prose.", code="raise RuntimeError('diverged')")


def test_code_blocks_say_how_many_lines_they_have():
    import page_weight

    html = ('<div class="highlight"><pre><span></span><code>a = 1\nb = 2\n</code></pre></div>'
            '<pre><code class="language-python">x\n\ny</code></pre><pre>no code element</pre>')
    counted = page_weight.count_code_lines(html)
    assert counted.count('style="--code-lines: 2"') == 1 and counted.count('style="--code-lines: 3"') == 1
    assert '<pre>no code element</pre>' in counted
    assert page_weight.count_code_lines(counted) == counted   # a second pass (a rebuild) changes nothing


def test_the_palette_rule_that_restyles_every_element_is_dropped_and_a_changed_one_named(tmp_path):
    import page_weight
    from mkdocs.exceptions import PluginError

    stylesheet = tmp_path / "palette.x.min.css"
    rule = ("[data-md-color-switching] *,[data-md-color-switching] :after,"
            "[data-md-color-switching] :before{transition-duration:0s!important}")
    stylesheet.write_text(f"a{{color:red}}{rule}b{{color:blue}}", encoding="utf-8")
    page_weight.drop_palette_switching_rule(stylesheet)
    assert stylesheet.read_text(encoding="utf-8") == "a{color:red}b{color:blue}"
    stylesheet.write_text("[data-md-color-switching] *{transition:none}", encoding="utf-8")
    with pytest.raises(PluginError, match="palette.x.min.css.*SWITCHING_RULE"):
        page_weight.drop_palette_switching_rule(stylesheet)


MATERIAL_PATCHES = [   # function, file, Material's text, the text patched, a Material change the patch must name
    pytest.param("rewrite_cell_edge_rules", "main.x.min.css", "CELL_EDGE_RULES",
                 "a{color:red}.md-typeset table:not([class]) td>:first-child,.md-typeset table:not([class]) th>:first-child"
                 "{margin-top:0}.md-typeset table:not([class]) td>:last-child,.md-typeset table:not([class]) th>:last-child"
                 "{margin-bottom:0}b{color:blue}",
                 "a{color:red}.md-typeset td>:first-child,.md-typeset th>:first-child{margin-top:0}"
                 ".md-typeset td>:last-child,.md-typeset th>:last-child{margin-bottom:0}b{color:blue}",
                 ("td>:first-child", "td > :first-child"), id="cell edge rules"),
    pytest.param("reuse_color_scheme_meta", "bundle.x.min.js", "COLOR_SCHEME_EDITS",
                 'function li(e){let t=M("input",e),r=x("meta",{name:"theme-color"});document.head.appendChild(r);'
                 'let o=x("meta",{name:"color-scheme"});document.head.appendChild(o);'
                 'i.pipe(m(()=>{let s=Ce("header"),a=window.getComputedStyle(s);return o.content=a.colorScheme,a.backgroundColor})}',
                 'function li(e){let t=M("input",e),r=x("meta",{name:"theme-color"});document.head.appendChild(r);'
                 'let o=document.querySelector(\'meta[name="color-scheme"]\')||x("meta",{name:"color-scheme"});'
                 'o.parentNode||document.head.appendChild(o);'
                 'i.pipe(m(()=>{let s=Ce("header"),a=window.getComputedStyle(s);'
                 'return o.content!==a.colorScheme&&(o.content=a.colorScheme),a.backgroundColor})}',
                 ("let o=", "let n="), id="color-scheme meta"),
]


@pytest.mark.parametrize("function, name, table, material, patched, change", MATERIAL_PATCHES)
def test_materials_files_are_patched_once_and_a_changed_one_is_named(tmp_path, function, name, table, material, patched, change):
    import page_weight
    from mkdocs.exceptions import PluginError

    path = tmp_path / name
    path.write_text(material, encoding="utf-8")
    getattr(page_weight, function)(path)
    assert path.read_text(encoding="utf-8") == patched
    getattr(page_weight, function)(path)   # a rebuild that finds it patched changes nothing
    assert path.read_text(encoding="utf-8") == patched
    path.write_text(material.replace(*change), encoding="utf-8")
    with pytest.raises(PluginError, match=f"{name}.*{table}"):
        getattr(page_weight, function)(path)


def test_only_text_estimated_three_phone_screens_down_is_marked_to_be_skipped():
    import page_weight

    paragraph = "<p>" + "word " * 180 + '<span class="katex"><span class="katex-mathml">' + "hidden " * 500 + "</span></span></p>\n"
    html = "<h1>Title</h1>\n" + paragraph * 12 + "<h2>Next</h2>\n<ul><li>item</li></ul>\n"
    marked = page_weight.mark_first_screens(html)
    lines = marked.splitlines()
    # 180 words of 5 characters: 20 lines of a phone's column, 528 px; MathML text is not drawn.
    first_marked = next(i for i, line in enumerate(lines) if "below-first-screens" in line)
    assert first_marked == 1 + 5 and lines[-2] == "<h2>Next</h2>"
    assert lines[-1] == '<ul data-below-first-screens style="--estimated-height: 34px"><li>item</li></ul>'  # one line
    assert all("below-first-screens" in line for line in lines[first_marked:-2])
    chinese = "<p>" + "字" * 900 + "</p>\n"    # a CJK character is twice as wide: the same height as 1800 letters
    chinese_lines = page_weight.mark_first_screens(chinese * 6).replace(page_weight.FIRST_SCREENS_END, '').splitlines()
    assert chinese_lines[2] == chinese.strip() and chinese_lines[3].startswith('<p class="below-first-screens">')


def test_fonts_of_formulas_on_the_first_screens_are_asked_for_with_the_page_and_no_others():
    import page_weight

    rules = dict((tuple(sorted(classes)), font) for classes, font in
                 page_weight.katex_font_rules(page_weight.KATEX_STYLESHEET.read_text(encoding="utf-8")))
    assert rules[("mathbb",)] == "AMS-Regular" and rules[("delimsizing", "size1")] == "Size1-Regular"
    assert rules[("boldsymbol",)] == "Math-BoldItalic"
    blackboard = '<p><span class="katex"><span class="mord mathbb">E</span></span></p>\n'
    filler = "<p>" + "word " * 180 + "</p>\n"   # 554 px of a phone's column each
    def fonts(html):
        return page_weight.first_screen_fonts(page_weight.mark_first_screens(html))
    assert fonts(blackboard + filler * 8) == ["Main-Regular", "Math-Italic", "AMS-Regular"]
    assert fonts('<p><span class="katex">x</span></p>' + filler * 4 + blackboard) == ["Main-Regular", "Math-Italic"]
    assert fonts(filler) == []
    article = page_weight.mark_first_screens(blackboard + filler * 8)
    page = '<html><head><title>t</title></head><body><article class="md-content__inner md-typeset">' + article + "</article></body></html>"
    preloaded = page_weight.preload_fonts(page, "a/b/")
    assert preloaded.count('<link rel="preload" href="../../assets/katex/fonts/KaTeX_') == 3 and "<!--" not in preloaded


def test_lists_and_tables_far_down_are_marked_with_their_estimated_height():
    import page_weight

    paragraph = "<p>" + "word " * 180 + "</p>\n"     # 528 px on a phone: five of them make three screens
    items = "<ul><li>" + "word " * 30 + "</li><li>short</li></ul>\n"
    rows = "<table><thead><tr><th>a</th></tr></thead><tbody>" + ("<tr><td>" + "x" * 40 + "</td></tr>") * 2 + "</tbody></table>\n"
    marked = page_weight.mark_first_screens(items + paragraph * 5 + items + rows).splitlines()
    assert marked[0] == items.strip()                   # on the first screen: left alone
    far_list, far_table = marked[-2], marked[-1]
    # 149 letters are 74.5 em, counted 1.25 times over a 20.5 em column: 5 lines; 'short' 1; 8 px between items
    assert far_list.startswith('<ul data-below-first-screens style="--estimated-height: 170px">'), far_list
    # a table keeps no class (Material styles table:not([class])). Its text, 0.64rem, is counted four times
    # over a column of 35 of its em: 'a' is one line, 40 letters three; a line is 16.4 px, a row's padding 19.2
    line, padding = 0.64 * 16 * 1.6, 2 * 0.9375 * 0.64 * 16
    height = math.ceil((1 * line + padding + 8) + 2 * (3 * line + padding + 8))
    assert far_table.startswith(f'<table data-below-first-screens style="--estimated-height: {height}px">'), far_table


SEARCHED_CODE = '''Text before.

```python
def score(theta, action):
    """Two lines

    with a blank one."""
    if action < 0:  # <not a tag>
        return -theta & 1
    return theta
```

    an indented block
'''


def indexed(page_html: str) -> list[tuple[str, str]]:
    """What Material's search plugin keeps of a page: each section's title and text."""
    from material.plugins.search.plugin import Parser

    parser = Parser()
    parser.feed(page_html)
    parser.close()
    return [("".join(section.title), "".join(section.text)) for section in parser.data]


def test_the_search_plugin_reads_plain_code_as_it_read_the_highlighted_code():
    import markdown
    import search_code

    highlighted = markdown.markdown(SEARCHED_CODE, extensions=["pymdownx.highlight", "pymdownx.superfences"],
                                    extension_configs={"pymdownx.highlight": {"anchor_linenums": True,
                                                                              "pygments_lang_class": True}})
    assert highlighted.count('class="kn"') + highlighted.count('class="k"') >= 3   # highlighted, with line anchors
    store: list[str] = []
    swapped = search_code.swap_code(highlighted, store)
    assert len(store) == 2 and "<span" not in swapped and "__codelineno" not in swapped
    assert indexed(swapped) == indexed(highlighted)
    assert search_code.restore_code(swapped, store) == highlighted
    assert search_code.swap_code("<pre>plain text</pre>", store) == "<pre>plain text</pre>"   # nothing to gain
    marked = '<pre data-search-exclude="x"><code><span>a</span></code></pre>'
    assert search_code.swap_code(marked, store) == marked   # left to the plugin, which reads and drops its marks


def test_a_formula_draws_the_text_of_its_html_half_and_not_its_mathml():
    import katex_fonts

    formula = ('<span class="katex"><span class="katex-mathml"><math><mi>ω</mi><annotation>\\omega</annotation></math></span>'
               '<span class="katex-html" aria-hidden="true"><span class="base"><span class="mord mathnormal">θ</span>'
               '<span class="mrel">&lt;</span><svg><path d="M0 0"/></svg><span class="mord">∑</span></span></span></span>')
    assert katex_fonts.drawn_characters(formula) == {"θ", "<", "∑"}
    assert katex_fonts.drawn_characters("<span>no formula</span>") == set()


def test_cut_down_fonts_keep_katex_own_glyphs_for_what_is_drawn_and_drop_the_rest(tmp_path, monkeypatch):
    from fontTools.ttLib import TTFont

    import katex_fonts

    monkeypatch.setattr(katex_fonts, "CACHE", tmp_path / "cache")
    sizes = katex_fonts.write_fonts({"∑", "⋮"}, tmp_path / "fonts")
    assert sizes["KaTeX_Size1-Regular.woff2"][1] < sizes["KaTeX_Size1-Regular.woff2"][0]
    original = TTFont(katex_fonts.KATEX / "dist" / "fonts" / "KaTeX_Size1-Regular.woff2")
    cut = TTFont(tmp_path / "fonts" / "KaTeX_Size1-Regular.woff2")
    kept = katex_fonts.kept_codepoints({"∑", "⋮"})
    assert set(cut.getBestCmap()) == set(original.getBestCmap()) & kept   # ∑, ( and [ kept; ∏, ⨀ not
    assert ord("∏") in original.getBestCmap() and ord("∏") not in cut.getBestCmap()
    for codepoint in (ord("∑"), ord("(")):   # KaTeX's own outline, hinting and advance
        before, after = (font["glyf"][font.getBestCmap()[codepoint]] for font in (original, cut))
        before.expand(original["glyf"])
        after.expand(cut["glyf"])
        assert list(before.coordinates) == list(after.coordinates) and before.program.getBytecode() == after.program.getBytecode()
        assert original["hmtx"][original.getBestCmap()[codepoint]] == cut["hmtx"][cut.getBestCmap()[codepoint]]
    # Greek is kept whole in every font (why: hooks/katex_fonts.py)
    assert ord("ω") in TTFont(tmp_path / "fonts" / "KaTeX_Math-Italic.woff2").getBestCmap()

    # A second build with the same characters takes the fonts from the cache, byte for byte.
    monkeypatch.setattr(katex_fonts.cache_tools, "write_atomically", lambda *args: pytest.fail("subset again"))
    again = katex_fonts.write_fonts({"⋮", "∑"}, tmp_path / "again")
    assert again == sizes
    assert (tmp_path / "again" / "KaTeX_Size1-Regular.woff2").read_bytes() == (tmp_path / "fonts" / "KaTeX_Size1-Regular.woff2").read_bytes()


def test_punctuation_after_a_formula_of_one_piece_stays_on_its_line():
    one = '<!--katex--><span class="katex"><span class="katex-html"><span class="katex-base">J</span></span></span><!--/katex-->'
    two = one.replace('<span class="katex-base">J</span>', '<span class="katex-base">J=</span><span class="katex-base">1</span>')
    display = one.replace('<span class="katex">', '<span class="katex-display" id="D1"><span class="katex">')
    marked = katex.keep_punctuation_with_formula
    assert marked(f'<p>精确的 <span class="arithmatex">{one}</span>，下面</p>') == \
        f'<p>精确的 <span class="katex-nowrap"><span class="arithmatex">{one}</span>，</span>下面</p>'
    assert marked(f"<p>of {one}, and</p>") == f'<p>of <span class="katex-nowrap">{one},</span> and</p>'   # a notebook's
    assert marked(f"<p><em>{one}</em>, and</p>") == f"<p><em>{one}</em>, and</p>"   # an element's end is not the formula's
    long = one.replace(">J<", ">(0.333945, 0.145221)<")   # one piece, but wider than a third of a phone's line
    for unchanged in (f"<p>{two}，下面</p>", f"{display}.", f"<p>{one} 下面</p>", f"<p>{long}，下面</p>"):
        assert marked(unchanged) == unchanged
