"""The exercise sections of the teaching pages, as a reader uses them: what each page holds, and what
a reader who pastes the stub (or the solution) and the checker into a fresh interpreter is told.

The checkers' verdicts on typical wrong answers are tested page by page (test_exercises_<page>.py).
"""
import numpy as np
import pytest

import exercise_pages as ep

LANGS = ["en", "zh"]
EACH_PAGE = [(lang, page) for page in ep.TEACHING_PAGES for lang in LANGS]
NOT_YET = {"en": "Not yet:", "zh": "还没有通过："}
PASSED = {"en": "All checks passed:", "zh": "全部通过："}
NOTHING_RETURNED = {"en": "returned nothing", "zh": "没有返回值"}
NOT_FOUND = {"en": "no function named", "zh": "没有找到名为"}


def _coding_exercises():
    found = []
    for lang, page in EACH_PAGE:
        if (ep.DOCS / lang / f"{page}.md").is_file():
            found += [pytest.param(lang, page, ex, id=f"{lang}-{page}-{ex.id}") for ex in ep.exercises(lang, page) if ex.is_coding]
    return found


CODING = _coding_exercises()


@pytest.mark.parametrize("lang, page", EACH_PAGE)
def test_page_ends_with_its_exercises(lang, page):
    title, _ = ep.exercises_section(lang, page)
    assert title == ep.SECTION_TITLE[lang], f"docs/{lang}/{page}.md: the last ## section must be " \
        f"'## {ep.SECTION_TITLE[lang]} {{ #exercises }}', found {title!r}"


@pytest.mark.parametrize("lang, page", EACH_PAGE)
def test_three_to_five_exercises_from_easy_to_hard(lang, page):
    found = ep.exercises(lang, page)
    stars = [ex.stars for ex in found]
    assert 3 <= len(found) <= 5, f"docs/{lang}/{page}.md has {len(found)} exercises"
    assert stars == sorted(stars), f"docs/{lang}/{page}.md: stars {stars} are not easy to hard"
    assert len({ex.id for ex in found}) == len(found), "two exercises share an id"


@pytest.mark.parametrize("lang, page", EACH_PAGE)
def test_a_derivation_and_a_coding_exercise_each_with_a_folded_solution(lang, page):
    found = ep.exercises(lang, page)
    assert any(ex.is_coding for ex in found), f"docs/{lang}/{page}.md has no coding exercise"
    assert any(not ex.is_coding for ex in found), f"docs/{lang}/{page}.md has no derivation exercise"
    for ex in found:
        assert ex.solution_titles and set(ex.solution_titles) == {ep.SOLUTION_TITLE[lang]}, \
            f"docs/{lang}/{page}.md #{ex.id}: folded solutions titled {ex.solution_titles}"


@pytest.mark.parametrize("page", ep.TEACHING_PAGES)
def test_english_and_chinese_exercises_mirror_each_other(page):
    en, zh = ep.exercises("en", page), ep.exercises("zh", page)

    def shape(found):
        return [(ex.id, ex.stars, ex.is_coding, [(b.box, [s for s in b.specs]) for b in ex.blocks]) for ex in found]

    assert shape(zh) == shape(en)


@pytest.mark.parametrize("lang, page, exercise", CODING)
def test_coding_exercise_shows_stub_checker_and_solution(lang, page, exercise):
    assert exercise.stub.box is None, "the stub is shown, not folded"
    assert exercise.checker.box == "example", "the checker is folded in an example box"
    assert exercise.checker.code.rstrip().endswith(f'lang="{lang}")'), "the checker runs in the page's language"
    assert exercise.solutions, "no folded solution code"


@pytest.mark.parametrize("lang, page, exercise", CODING)
def test_pasted_stub_and_checker_say_the_body_is_missing(lang, page, exercise):
    _, said = ep.run_as_copied(exercise.stub.code, exercise.checker.code)
    assert NOTHING_RETURNED[lang] in said and said.rstrip().split("\n")[-1].startswith(NOT_YET[lang]), said


@pytest.mark.parametrize("lang, page, exercise", CODING)
def test_pasted_solution_and_checker_pass(lang, page, exercise):
    _, said = ep.run_as_copied(*[block.code for block in exercise.solutions], exercise.checker.code)
    assert said.rstrip().split("\n")[-1].startswith(PASSED[lang]), said
    assert "✗" not in said


@pytest.mark.parametrize("lang, page, exercise", CODING)
def test_checker_pasted_alone_says_what_is_missing(lang, page, exercise):
    _, said = ep.run_as_copied(exercise.checker.code)
    assert NOT_FOUND[lang] in said, said


@pytest.mark.parametrize("lang, page, exercise", CODING)
def test_checker_names_bad_answers_plainly(lang, page, exercise):
    """Not a function, a function that raises, a wrong shape, a NaN: a verdict, not a traceback."""
    solved, _ = ep.run_as_copied(*[block.code for block in exercise.solutions], exercise.checker.code.rsplit("if __name__", 1)[0])
    check = solved[f"check_{exercise.id}"]
    solution = solved[exercise.id]

    def raises(*args):
        raise KeyError("oops")

    bad = {
        "not a function": (42, {"en": "expected the function", "zh": "需要传入函数"}),
        "raises": (raises, {"en": "raised KeyError", "zh": "抛出了异常 KeyError"}),
        "wrong shape": (lambda *a: np.append(np.ravel(solution(*a)), 0.0), {"en": "returned shape", "zh": "返回的形状是"}),
        "NaN": (lambda *a: np.full(np.shape(solution(*a)), np.nan), {"en": "NaN", "zh": "NaN"}),
        "not numbers": (lambda *a: "text", {"en": "not numbers", "zh": "不是数值"}),
    }
    for what, (answer, expected) in bad.items():
        passed, said = ep.verdict(check, answer, lang)
        assert passed is False and expected[lang] in said, f"{what}: {said}"


@pytest.mark.parametrize("lang, page", EACH_PAGE)
def test_every_solution_block_runs_alone(lang, page):
    for ex in ep.exercises(lang, page):
        for block in ex.solutions:
            ep.run_as_copied(block.code)
