"""From a formula to its code is a whole path: "(D5)" in prose links to formula D5, and every code
block shown from snippets/ names its file and sections (linked to the repository when REPO_URL is
set) and, on Chinese pages, says in one Chinese line what it computes.

Static checks of the built HTML (hooks/formula_links.py, hooks/code_titles.py, hooks/katex.py's ids).
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup, Comment

import reader_helpers as rh
from conftest import ROOT, build

sys.path.insert(0, str(ROOT / "hooks"))
import code_titles  # noqa: E402
import formula_links  # noqa: E402
import page_notebooks  # noqa: E402
import page_dates  # noqa: E402

from mkdocs.exceptions import PluginError  # noqa: E402

DOCS = ROOT / "docs"
SNIPPETS = ROOT / "snippets"
LANGUAGES = ("en", "zh")
REFERENCE = re.compile(r"[(（](?P<tag>[A-Z]\d{1,2}[a-z]?)[)）]")
# Not prose: code, formulas, headings and the titles of collapsible boxes (labels, not sentences).
NOT_PROSE = ("pre", "code", "script", "style", "svg", "summary", "h1", "h2", "h3", "h4", "h5", "h6")
FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
EMBED = re.compile(r"""^[ \t]*--8<--[ \t]+"(?P<spec>[^"]+)"[ \t]*$""")
CJK = re.compile(r"[\u4e00-\u9fff]")


def page_names() -> list[str]:
    return sorted(p.stem for p in (DOCS / "en").glob("*.md"))


def page_file(site: Path, lang: str, name: str) -> Path:
    folder = site / "zh" if lang == "zh" else site
    return folder / "index.html" if name == "index" else folder / name / "index.html"


def page_url(lang: str, name: str) -> str:
    """The page's URL path from the site root, e.g. "/zh/policy-gradient/"."""
    return ("/zh/" if lang == "zh" else "/") + ("" if name == "index" else f"{name}/")


@cache
def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(rh.without_formula_insides(path.read_text(encoding="utf-8")), "html.parser")


@cache
def ids_of(path: Path) -> frozenset[str]:
    """Every id on the page (looked up once per page, not once per reference: pages have 25k elements)."""
    return frozenset(element["id"] for element in soup_of(path).find_all(id=True))


def content_of(path: Path):
    return soup_of(path).select_one("article.md-content__inner")


def expected_blocks(lang: str, name: str) -> list[list[str]]:
    """The snippet sections of each code block, in page order, read from the page's source (a notebook
    page's as the Markdown its show_section / show_checker / show_solution cells stand for)."""
    path = DOCS / lang / f"{name}.md"
    text = path.read_text(encoding="utf-8")
    if page_notebooks.is_notebook_page(text):
        text = page_notebooks.notebook_page_markdown(path)
    blocks, inside, current = [], None, []
    for line in text.splitlines():
        fence = FENCE.match(line)
        if fence and inside is None:
            inside, current = fence.group(1), []
            continue
        if inside is not None:
            if line.strip().startswith(inside[0] * len(inside)) and not line.strip().strip(inside[0]):
                if current:
                    blocks.append(current)
                inside = None
            elif embed := EMBED.match(line):
                current.append(embed.group("spec"))
    return blocks


def is_formula(element) -> bool:
    return any(c in ("katex", "katex-display", "arithmatex") for c in element.get("class", []))


def reference_problems(site: Path) -> list[str]:
    """Every "(X1)" in prose must sit in a link whose target page has an element with id X1 (the
    formula) and, for a link of its own making, the fragment X1 itself."""
    problems = []
    for lang in LANGUAGES:
        for name in page_names():
            content = content_of(page_file(site, lang, name))
            for text in content.find_all(string=REFERENCE):
                if isinstance(text, Comment):
                    continue
                ancestors = list(text.parents)
                if any(a.name in NOT_PROSE or is_formula(a) for a in ancestors):
                    continue
                for match in REFERENCE.finditer(text):
                    tag, where = match.group("tag"), f"{page_url(lang, name)}: {match.group(0)} in “{text.strip()[:60]}”"
                    link = next((a for a in ancestors if a.name == "a"), None)
                    if link is None or not link.get("href"):
                        problems.append(f"{where} is not a link")
                        continue
                    target = urlsplit(urljoin(f"http://site{page_url(lang, name)}", link["href"]))
                    target_file = site / unquote(target.path).lstrip("/") / "index.html"
                    if not target_file.exists():
                        problems.append(f"{where} links to {link['href']}, which is not a page")
                        continue
                    target_ids = ids_of(target_file)
                    if tag not in target_ids:
                        problems.append(f"{where} links to {link['href']}, a page with no element id=\"{tag}\"")
                    elif target.fragment != tag and target.fragment not in target_ids:
                        problems.append(f"{where} links to #{target.fragment}, which is not on {target.path}")
                    elif "formula-ref" in link.get("class", []) and target.fragment != tag:
                        problems.append(f"{where} links to #{target.fragment}, not to #{tag}")
    return problems


def snippet_sections(spec: str) -> bool:
    """Whether `file.py:section` names an existing file with that section."""
    file_name, _, section = spec.partition(":")
    path = SNIPPETS / file_name
    return path.is_file() and f"# --8<-- [start:{section}]" in path.read_text(encoding="utf-8")


def title_problems(site: Path) -> list[str]:
    """Each snippet block's title names its file and sections, as the page's source embeds them;
    on Chinese pages it also carries a line of Chinese, on English pages none."""
    problems = []
    for lang in LANGUAGES:
        for name in page_names():
            expected = expected_blocks(lang, name)
            titles = content_of(page_file(site, lang, name)).select(".highlight > span.filename")
            shown = []
            for title in titles:
                source = title.select_one(".snippet-source")
                text = (source or title).get_text()
                shown.append(code_titles.parse_title(text) or [text])
                if source is not None and not source.find_next_sibling() == title.select_one(".snippet-note"):
                    problems.append(f"{page_url(lang, name)}: the note of “{text}” is not next to its title")
                note = title.select_one(".snippet-note")
                if lang == "zh" and (note is None or not CJK.search(note.get_text())):
                    problems.append(f"{page_url(lang, name)}: the block “{text}” has no Chinese line saying what it computes")
                if lang == "en" and note is not None:
                    problems.append(f"{page_url(lang, name)}: the block “{text}” has a note on an English page")
            if shown != expected:
                problems.append(f"{page_url(lang, name)}: code titles {shown}, expected {expected}")
            problems += [f"{page_url(lang, name)}: {spec} is not a section of a file in snippets/"
                         for block in shown for spec in block if not snippet_sections(spec)]
    return problems


# ------------------------------------------------------------------------------------------------
# The built site
# ------------------------------------------------------------------------------------------------
def test_every_formula_reference_in_prose_links_to_the_formula(site_build):
    problems = reference_problems(site_build.site)
    assert not problems, f"{len(problems)} references:\n" + "\n".join(problems)


def test_references_were_found_on_every_derivation_page(site_build):
    """The check above has something to check: references in prose on these pages, both languages."""
    for lang in LANGUAGES:
        for name in ("log-derivative-trick", "score-function", "policy-gradient", "policy-objectives", "variance-reduction"):
            links = content_of(page_file(site_build.site, lang, name)).select("a.formula-ref")
            assert links, f"{page_url(lang, name)}: no formula reference links"


def test_every_snippet_code_block_has_a_title_naming_its_file_and_sections(site_build):
    problems = title_problems(site_build.site)
    assert not problems, f"{len(problems)} code blocks:\n" + "\n".join(problems)
    count = sum(len(expected_blocks("zh", name)) for name in page_names())
    assert count >= 70, f"only {count} snippet code blocks found in the Chinese pages' sources"


def test_no_repository_link_or_edit_button_without_repo_url(site_build):
    """A build without REPO_URL (as here) shows no header repository link, edit button or code link."""
    for lang in LANGUAGES:
        soup = soup_of(page_file(site_build.site, lang, "score-function"))
        assert soup.select_one("a.md-source") is None
        assert soup.select_one('a[rel="edit"]') is None
        assert soup.select(".snippet-source a") == []


def test_every_page_says_when_it_was_last_updated_in_its_language(site_build):
    if page_dates.is_shallow(ROOT):  # a shallow checkout gives no dates (see the shallow-clone test)
        assert soup_of(page_file(site_build.site, "en", "index")).select_one(".md-source-file") is None
        return
    for lang, label in (("en", "Last update"), ("zh", "最后更新")):
        for name in page_names():
            fact = soup_of(page_file(site_build.site, lang, name)).select_one(".md-source-file__fact")
            assert fact is not None, f"{page_url(lang, name)}: no last-updated date"
            date = fact.select_one(".git-revision-date-localized-plugin").get_text()
            assert fact.select_one(f'[title="{label}"]') is not None, f"{page_url(lang, name)}: date not labelled {label}"
            assert (re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", date) if lang == "zh"
                    else re.fullmatch(r"[A-Z][a-z]+ \d{1,2}, \d{4}", date)), f"{page_url(lang, name)}: date {date!r}"


# ------------------------------------------------------------------------------------------------
# A throw-away build with REPO_URL set
# ------------------------------------------------------------------------------------------------
SNIPPET_PAGE = """# Home ({lang})

See (C4) and (B1); `(C4)` in code stays as it is.

$$
\\nabla_\\theta \\log p \\tag{{B1}}
$$

```python
--8<-- "score_function.py:density"
--8<-- "score_function.py:leibniz_rule"
```
"""


def test_with_repo_url_titles_link_to_the_file_and_the_header_to_the_repository(project_copy, monkeypatch):
    repo = "https://github.com/someone/policy-gradients"
    for lang in LANGUAGES:
        (project_copy / "docs" / lang / "index.md").write_text(SNIPPET_PAGE.format(lang=lang), encoding="utf-8")
    # the tag C4 is displayed on another page of this copy
    (project_copy / "docs" / "en" / "other.md").write_text("# Other\n\n$$\nx \\tag{C4}\n$$\n", encoding="utf-8")
    (project_copy / "docs" / "zh" / "other.md").write_text("# 其他\n\n$$\nx \\tag{C4}\n$$\n", encoding="utf-8")
    shutil.copy(DOCS / "zh" / ".code-notes.yml", project_copy / "docs" / "zh" / ".code-notes.yml")
    monkeypatch.setenv("REPO_URL", repo)
    result = build(project_copy, project_copy / "site")
    assert result.returncode == 0, result.log

    for lang, folder in (("en", result.site), ("zh", result.site / "zh")):
        soup = BeautifulSoup((folder / "index.html").read_text(encoding="utf-8"), "html.parser")
        links = soup.select(".highlight > span.filename .snippet-source a")
        assert [(a.get_text(), a["href"]) for a in links] == [("score_function.py", f"{repo}/blob/main/snippets/score_function.py")]
        assert soup.select_one(".snippet-source").get_text() == "score_function.py › density, leibniz_rule"
        header = soup.select_one("a.md-source")
        assert header is not None and header["href"] == repo
        # Material fetches stars and forks from GitHub's API for a link marked as its source component
        assert header.get("data-md-component") is None
        assert soup.select_one('a[rel="edit"]')["href"] == f"{repo}/edit/main/docs/{lang}/index.md"
        hrefs = {a.get_text(): a["href"] for a in soup.select("a.formula-ref")}
        assert hrefs == {"(C4)": "other/#C4", "(B1)": "#B1"}
    assert "." not in [p.name[0] for p in result.site.rglob("*")], "a dotfile was copied into the site"


def test_a_shallow_clone_builds_without_dates_and_a_copy_outside_git_with_the_build_date(project_copy, monkeypatch):
    """On GitHub Actions the plugin warns about a shallow clone, which would fail the strict build."""
    outside_git = build(project_copy, project_copy.parent / "site-outside-git")
    assert outside_git.returncode == 0, outside_git.log
    assert BeautifulSoup((outside_git.site / "index.html").read_text(encoding="utf-8"), "html.parser").select_one(
        ".md-source-file .git-revision-date-localized-plugin") is not None

    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.org"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "one"], ["commit", "-q", "--allow-empty", "-m", "two"]):
        subprocess.run([*git, *command], cwd=project_copy, check=True)
    clone = project_copy.parent / "shallow"
    subprocess.run([*git, "clone", "-q", "--depth", "1", project_copy.as_uri(), str(clone)], check=True)
    assert page_dates.is_shallow(clone) and not page_dates.is_shallow(project_copy)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    shallow = build(clone, clone / "site")
    assert shallow.returncode == 0, shallow.log
    assert "shallow git clone" in shallow.log
    assert BeautifulSoup((shallow.site / "index.html").read_text(encoding="utf-8"), "html.parser").select_one(
        ".md-source-file") is None


# ------------------------------------------------------------------------------------------------
# The hooks, directly
# ------------------------------------------------------------------------------------------------
DISPLAYED = {"D4": ["pg"], "D5": ["pg"], "D6": ["pg"], "D7": ["pg"], "G1": ["vr"], "G3": ["vr"]}


def link(html: str, page: str = "pg") -> str:
    return formula_links.link_references(html, page, lambda name: f"../{name}/", DISPLAYED, "docs/en/pg.md")


def test_reference_forms_in_prose_become_links():
    html = "<p>(D5) and (D7), eqs. (D4)-(D6), (G1)–(G3), 见（D5）。</p>"
    out = link(html)
    assert out == ('<p><a class="formula-ref" href="#D5">(D5)</a> and <a class="formula-ref" href="#D7">(D7)</a>, '
                   'eqs. <a class="formula-ref" href="#D4">(D4)</a>-<a class="formula-ref" href="#D6">(D6)</a>, '
                   '<a class="formula-ref" href="../vr/#G1">(G1)</a>–<a class="formula-ref" href="../vr/#G3">(G3)</a>, '
                   '见<a class="formula-ref" href="#D5">（D5）</a>。</p>')


def test_references_in_code_formulas_headings_links_and_attributes_stay_as_they_are():
    html = ('<h2 id="x">Proof of (D5)</h2><details><summary>Proof of (D5)</summary></details>'
            '<pre><code># (D5)</code></pre><p><code>(D5)</code> <a href="y">(D5)</a> '
            '<!--katex--><span class="katex">\\text{(D5)}</span><!--/katex--> <span title="(D5)">x</span> '
            "Meyer's eq. (8)</p>")
    assert link(html) == html


def test_a_reference_to_a_formula_no_page_displays_fails_naming_the_file_and_the_tag():
    with pytest.raises(PluginError) as error:
        link("<p>By (D5) and (Z9).</p>")
    assert "docs/en/pg.md" in str(error.value) and "(Z9)" in str(error.value) and "(D5)" not in str(error.value)


def test_the_map_of_displayed_tags_is_read_from_the_english_pages(tmp_path):
    (tmp_path / "a.md").write_text("$$\nx \\tag{A1}\n$$\n\n$$\ny \\tag{A1}\n$$\n\n$x$ (A2) $$z\\tag{A3}$$\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("```python\n# \\tag{B9}\n```\n$$\n\\begin{aligned} u \\end{aligned} \\tag{B1}\n$$\n", encoding="utf-8")
    assert formula_links.displayed_tags(tmp_path) == {"A1": ["a"], "A3": ["a"], "B1": ["b"]}


def test_a_sub_numbered_display_is_its_own_link_target(tmp_path):
    """(B1a) is a second display of formula B1: it is found, and "(B1a)" links to it, not to (B1)."""
    (tmp_path / "b.md").write_text("$$\nu \\tag{B1}\n$$\n\n$$\nv \\tag{B1a}\n$$\n", encoding="utf-8")
    displayed = formula_links.displayed_tags(tmp_path)
    assert displayed == {"B1": ["b"], "B1a": ["b"]}
    out = formula_links.link_references("<p>(B1) and（B1a）</p>", "b", lambda name: f"../{name}/", displayed, "docs/en/b.md")
    assert out == ('<p><a class="formula-ref" href="#B1">(B1)</a> and'
                   '<a class="formula-ref" href="#B1a">（B1a）</a></p>')


def test_a_chinese_block_without_a_description_fails_naming_the_page_and_the_key():
    html = '<div class="highlight"><span class="filename">score_function.py › score, estimator</span><pre></pre></div>'
    notes = {"score_function.py:score": "两个得分函数"}
    with pytest.raises(PluginError) as error:
        code_titles.decorate_titles(html, None, notes, "docs/zh/score-function.md")
    assert "docs/zh/score-function.md" in str(error.value) and "score_function.py:estimator" in str(error.value)
    # a block is described by all of its sections when listed so, else by its last one
    notes["score_function.py:score, score_function.py:estimator"] = "得分函数与估计量"
    assert "得分函数与估计量" in code_titles.decorate_titles(html, None, notes, "docs/zh/score-function.md")


def test_fences_that_embed_snippets_get_a_title_and_others_do_not():
    markdown = ('=== "NumPy"\n\n    ```python\n    --8<-- "a.py:x"\n\n\n    --8<-- "a.py:y"\n    ```\n\n'
                "```python\nprint(1)\n```\n\n````markdown\n```python\n--8<-- \"b.py:z\"\n```\n````\n")
    out = code_titles.title_fences(markdown)
    assert '    ```python title="a.py › x, y"\n' in out
    assert "```python\nprint(1)\n```" in out
    assert '````markdown title="b.py › z"' in out  # a fence that shows an embed line is one too: harmless


def test_notebook_blocks_get_the_same_title():
    html = '<!-- snippet: short_corridor.py:reinforce -->\n\n<div class="highlight"><pre><code>x</code></pre></div>'
    assert code_titles.title_notebook_blocks(html) == (
        '<div class="highlight"><span class="filename">short_corridor.py › reinforce</span><pre><code>x</code></pre></div>')


def test_only_the_inside_of_formulas_is_left_out_of_the_parsed_pages():
    page = ('<p>See <a class="formula-ref" href="#D1">(D1)</a>: <span class="katex"><span class="katex-html">'
            '<span class="mord">x</span><span>(D2)</span></span></span> and (D3).</p>'
            '<span class="katex-display" id="D1"><span class="katex"><span>y</span></span></span>')
    assert rh.without_formula_insides(page) == (
        '<p>See <a class="formula-ref" href="#D1">(D1)</a>: <span class="katex"></span> and (D3).</p>'
        '<span class="katex-display" id="D1"><span class="katex"></span></span>')
    with pytest.raises(ValueError, match="holds an id or a link"):
        rh.without_formula_insides('<span class="katex"><span id="D4">z</span></span>')
    with pytest.raises(ValueError, match="holds an id or a link"):
        rh.without_formula_insides('<span class="katex"><a href="#D4">z</a></span>')
    with pytest.raises(ValueError, match="never closed"):
        rh.without_formula_insides('<span class="katex"><span>z</span>')
