"""Formula → code → proof: every formula of the notes is on a page in both languages, tied to a shown,
tested snippet section; twins carry the same math and the same code.

A formula is labelled in the page source by `<!-- formula: C4 | code: score_function.py:estimator -->`
just before its display math. Markdown pages embed a section with `--8<-- "file.py:section"`;
notebook pages with `show_section("file.py", "section")`.
"""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from conftest import ROOT

DOCS = ROOT / "docs"
SNIPPETS = ROOT / "snippets"
FORMULA_LIST = ROOT.parent / "shared" / "FORMULAS.md"
LANGUAGES = ("en", "zh")

LABEL = re.compile(r"<!--\s*formula:\s*(?P<id>[A-Z]\d+)\s*(?:\|\s*code:\s*(?P<code>[^>]*?))?\s*-->")
EMBED = re.compile(r"""--8<--\s+"(?P<file>[\w./-]+\.py)(?::(?P<section>[\w-]+))?"|show_section\(\s*["'](?P<nb_file>[\w./-]+\.py)["']\s*,\s*["'](?P<nb_section>[\w-]+)["']\s*\)""")
SECTION = re.compile(r"^\s*# --8<-- \[start:(?P<name>[\w-]+)\]", re.M)
DISPLAY_MATH = re.compile(r"^\s*\$\$\s*\n(?P<tex>.*?)\n\s*\$\$\s*$", re.S | re.M)
TEXT = re.compile(r"\\text\{[^{}]*\}")

# Formula ids as FORMULAS.md lists them ("- A1 `E[x] = ...`"). The list sits beside this repository in
# shared/; a copy of the ids is kept here so a clone without shared/ still knows what to check.
NOTES_IDS = [f"A{i}" for i in range(1, 4)] + [f"B{i}" for i in range(1, 4)] + [f"C{i}" for i in range(1, 6)] \
    + [f"D{i}" for i in range(1, 10)] + [f"E{i}" for i in range(1, 6)] + ["F1"]
# Formulas of the notes that FORMULAS.md does not list, displayed by the site all the same: D10, the
# Monte Carlo estimate of (D5) that note 000 states only in prose.
SITE_IDS = ["D10"]
EXPECTED_IDS = sorted(NOTES_IDS + SITE_IDS, key=lambda f: (f[0], int(f[1:])))


@cache
def source(lang: str, page: str) -> str:
    return (DOCS / lang / page).read_text(encoding="utf-8")


def pages() -> list[str]:
    return sorted(p.relative_to(DOCS / "en").as_posix() for p in (DOCS / "en").rglob("*.md"))


def labels(text: str) -> list[tuple[str, list[tuple[str, str]]]]:
    found = []
    for match in LABEL.finditer(text):
        code = [tuple(item.strip().split(":", 1)) for item in (match.group("code") or "").split(",") if item.strip()]
        found.append((match.group("id"), code))
    return found


def embeds(text: str) -> list[tuple[str, str | None]]:
    return [(m.group("file") or m.group("nb_file"), m.group("section") or m.group("nb_section")) for m in EMBED.finditer(text)]


def snippet_sections() -> dict[tuple[str, str], Path]:
    sections = {}
    for file in sorted(SNIPPETS.glob("*.py")):
        if file.name.startswith("_"):
            continue  # helpers for notebook pages, not shown
        for match in SECTION.finditer(file.read_text(encoding="utf-8")):
            sections[(file.name, match.group("name"))] = file
    return sections


def pages_with_formula(lang: str, formula: str) -> list[str]:
    return [page for page in pages() if any(fid == formula for fid, _ in labels(source(lang, page)))]


def test_the_formula_list_has_the_26_ids_this_test_expects():
    if not FORMULA_LIST.exists():
        pytest.skip(f"{FORMULA_LIST} is not beside this clone; the ids kept in this test are used")
    listed = re.findall(r"^- ([A-F]\d+) ", FORMULA_LIST.read_text(encoding="utf-8"), re.M)
    assert listed == NOTES_IDS
    assert not set(SITE_IDS) & set(listed), "a formula the site adds is now in the list: move it to NOTES_IDS"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_formula_is_on_exactly_one_page(lang):
    problems = {f: pages_with_formula(lang, f) for f in EXPECTED_IDS if len(pages_with_formula(lang, f)) != 1}
    assert problems == {}, f"formula ids on no page or on several pages in docs/{lang}"


def test_every_formula_is_on_the_same_page_in_both_languages():
    assert {f: pages_with_formula("en", f) for f in EXPECTED_IDS} == {f: pages_with_formula("zh", f) for f in EXPECTED_IDS}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_formula_names_code_that_exists_and_is_embedded_on_its_page(lang):
    sections = snippet_sections()
    problems = []
    for page in pages():
        text = source(lang, page)
        shown = set(embeds(text))
        for formula, code in labels(text):
            if not code:
                problems.append(f"docs/{lang}/{page}: formula {formula} names no code")
            for file, section in code:
                if (file, section) not in sections:
                    problems.append(f"docs/{lang}/{page}: formula {formula} names {file}:{section}, which does not exist")
                elif (file, section) not in shown:
                    problems.append(f"docs/{lang}/{page}: formula {formula} names {file}:{section}, which the page does not embed")
    assert problems == []


def test_coverage_27_of_27_formulas_tied_to_shown_tested_code(capsys):
    """The headline figure: formulas whose code is shown on their page in both languages and tested."""
    sections = snippet_sections()
    tied = []
    for formula in EXPECTED_IDS:
        ok = True
        for lang in LANGUAGES:
            for page in pages_with_formula(lang, formula):
                text = source(lang, page)
                code = [c for fid, cs in labels(text) if fid == formula for c in cs]
                ok &= bool(code) and all(c in sections and c in set(embeds(text)) and section_tests(*c) for c in code)
            ok &= bool(pages_with_formula(lang, formula))
        if ok:
            tied.append(formula)
    with capsys.disabled():
        print(f"\nformula coverage: {len(tied)}/{len(EXPECTED_IDS)} formulas tied to shown, tested code in both languages")
    assert tied == EXPECTED_IDS


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_snippet_section_is_embedded_somewhere(lang):
    shown = {e for page in pages() for e in embeds(source(lang, page))}
    whole_files = {file for file, section in shown if section is None}
    missing = [f"{file}:{section}" for file, section in snippet_sections() if (file, section) not in shown and file not in whole_files]
    assert missing == [], f"snippet sections shown on no page of docs/{lang}"


def section_tests(file: str, section: str) -> list[str]:
    test_file = ROOT / "tests" / f"test_{file.removesuffix('.py')}.py"
    if not test_file.exists():
        return []
    return re.findall(rf"^def (test_{re.escape(section)}\w*)\(", test_file.read_text(encoding="utf-8"), re.M)


def test_every_snippet_section_has_a_test_named_after_it():
    missing = [f"{file}:{section} (expected a test_{section}… in tests/test_{file})"
               for file, section in snippet_sections() if not section_tests(file, section)]
    assert missing == []


# A test named in a page's prose (`test_estimator_gaussian_is_unbiased`), not a file (tests/test_x.py)
CITED_TEST = re.compile(r"(?<![\w/])test_\w+(?!\w|\.py\b)")


@cache
def defined_tests() -> frozenset[str]:
    """The test functions in tests/: the names `pytest -k` (and a reader's search) would find."""
    return frozenset(name for file in (ROOT / "tests").glob("test_*.py")
                     for name in re.findall(r"^\s*def (test_\w+)\(", file.read_text(encoding="utf-8"), re.M))


def missing_cited_tests(text: str) -> list[str]:
    """Test names the text cites that no test in tests/ has."""
    return sorted(set(CITED_TEST.findall(text)) - defined_tests())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_test_the_pages_cite_exists(lang):
    missing = {page: missing_cited_tests(source(lang, page)) for page in pages()}
    assert {page: names for page, names in missing.items() if names} == {}, f"docs/{lang} cites tests that do not exist"


def test_a_page_citing_a_renamed_test_is_caught():
    """The check has teeth: a citation of a test that was renamed (or never written) is reported."""
    text = source("en", "score-function.md")
    assert "`test_naive_estimator_is_biased`" in text and missing_cited_tests(text) == []
    renamed = text.replace("test_naive_estimator_is_biased", "test_naive_estimator_is_wrong")
    assert missing_cited_tests(renamed) == ["test_naive_estimator_is_wrong"]


def normalised_math(text: str) -> list[str]:
    """Display math with the prose inside \\text{…} blanked: the only part a translation may change."""
    return [re.sub(r"\s+", " ", TEXT.sub(r"\\text{}", m.group("tex"))).strip() for m in DISPLAY_MATH.finditer(text)]


@pytest.mark.parametrize("page", pages())
def test_twins_carry_the_same_formulas_math_and_code(page):
    en, zh = source("en", page), source("zh", page)
    assert labels(en) == labels(zh), f"{page}: formula labels differ between docs/en and docs/zh"
    assert embeds(en) == embeds(zh), f"{page}: code embeds differ between docs/en and docs/zh"
    assert normalised_math(en) == normalised_math(zh), f"{page}: display math differs between docs/en and docs/zh"


@pytest.mark.parametrize("page", pages())
def test_twins_have_the_same_heading_ids(page):
    ids = [re.findall(r"^#{2,6} .*\{\s*#([\w-]+)\s*\}\s*$", source(lang, page), re.M) for lang in LANGUAGES]
    assert ids[0] == ids[1], f"{page}: explicit heading ids differ"


# `\tag{B1a}`: a formula's own number, or its id with a letter when one formula id has several displays
EQUATION_TAG = re.compile(r"\\tag\*?\{\s*([^{}\s]+)\s*\}")


def repeated_tags(text: str) -> list[str]:
    """Equation numbers that more than one display of the page carries: "(B1)" would name two formulas."""
    tags = [tag for m in DISPLAY_MATH.finditer(text) for tag in EQUATION_TAG.findall(m.group("tex"))]
    return sorted({tag for tag in tags if tags.count(tag) > 1})


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_equation_number_is_displayed_twice_on_a_page(lang):
    repeated = {page: repeated_tags(source(lang, page)) for page in pages()}
    assert {page: tags for page, tags in repeated.items() if tags} == {}, f"docs/{lang}: one number, several formulas"


def test_a_page_that_repeats_an_equation_number_is_caught():
    """The check has teeth: a second display tagged (D5) on the page that shows (D5) is reported."""
    text = source("en", "policy-gradient.md")
    assert "\\tag{D5}" in text and repeated_tags(text) == []
    assert repeated_tags(text + "\n$$\n\\nabla_\\theta J \\tag{D5}\n$$\n") == ["D5"]


def mislabelled_displays(text: str) -> list[str]:
    """Labelled displays whose number is neither the label's formula id nor that id with a letter (B1a)."""
    problems = []
    for label in LABEL.finditer(text):
        display = DISPLAY_MATH.match(text, label.end() + 1)
        tags = EQUATION_TAG.findall(display.group("tex")) if display else []
        if len(tags) != 1 or not re.fullmatch(rf"{label.group('id')}[a-z]?", tags[0]):
            problems.append(f"formula {label.group('id')} is displayed as {tags or 'no number'}")
    return problems


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_labelled_display_is_numbered_with_its_formula_id(lang):
    problems = {page: mislabelled_displays(source(lang, page)) for page in pages()}
    assert {page: p for page, p in problems.items() if p} == {}


def test_a_display_numbered_with_another_formulas_id_is_caught():
    text = source("en", "score-function.md")
    assert mislabelled_displays(text) == []
    assert mislabelled_displays(text.replace("\\tag{C4}", "\\tag{C5}")) == ["formula C4 is displayed as ['C5']"]


def test_a_translation_that_drops_an_embed_is_caught():
    """The twin check has teeth: removing one embed from a copy of a page makes the lists differ."""
    page = next(p for p in pages() if embeds(source("en", p)))
    zh = source("zh", page)
    first = EMBED.search(zh)
    assert embeds(source("en", page)) != embeds(zh[: first.start()] + zh[first.end():])


@pytest.mark.parametrize("lang, claim", [
    ("en", r"in our runs, with the probability floor,\s+\$2\^\{-12\}\$ does better"),
    ("zh", r"\$2\^\{-12\}\$ 在 1000 个回合上表现更好"),
])
def test_the_corridor_step_size_the_prose_names_is_the_one_this_build_measured(site_build, lang, claim):
    """The short-corridor page says in words which step size did best; the build's table decides."""
    assert re.search(claim, source(lang, "short-corridor.md")), "the prose no longer names 2^-12"
    built = site_build.site / ("" if lang == "en" else "zh") / "short-corridor" / "index.html"
    measured = re.search(r"<strong>2([⁻¹²³⁴]+)</strong>", built.read_text(encoding="utf-8"))
    assert measured is not None, f"{built}: no best step size in the learning summary"
    assert measured.group(1) == "⁻¹²", f"this build measured 2{measured.group(1)} as the best step size"


def control_characters(text: str) -> list[tuple[int, str]]:
    """(line, character) of every control character but the newline: a tab in a page is almost always
    a `\\t` a script wrote for the `\\t` of `\\theta` (which KaTeX then shows as `F_ heta`)."""
    return [(number, repr(char)) for number, line in enumerate(text.split("\n"), 1)
            for char in line if ord(char) < 32 or ord(char) == 127]


def test_control_characters_are_found():
    assert control_characters("$F_\theta$\nok") == [(1, "'\\t'")]


@pytest.mark.parametrize("path", sorted(DOCS.rglob("*.md")), ids=lambda p: p.relative_to(DOCS).as_posix())
def test_pages_have_no_control_characters(path):
    assert control_characters(path.read_text(encoding="utf-8")) == [], f"{path.relative_to(ROOT)}"
