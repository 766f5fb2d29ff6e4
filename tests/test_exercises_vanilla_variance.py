"""The where-the-notes-end page's exercises: the reference solution passes its checker, typical wrong
answers fail with the message that names their mistake, in both languages, and the derivations'
results hold against exact values (snippets/exercises/vanilla_variance.py)."""
import itertools

import numpy as np
import pytest

from exercises import vanilla_variance as ex
from policy_gradient import policy, score
from vanilla_variance import episodic_mdp
from exercise_pages import verdict


def _squared_deviations(terms):
    return ((terms - terms.mean(axis=0)) ** 2).sum(axis=1)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_variance_difference_solution_passes(lang):
    passed, said = verdict(ex.check_variance_difference, ex.variance_difference, lang)
    assert passed, said


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_variance_difference_accepts_either_normalisation(lang):
    """1/n instead of 1/(n − 1) is a convention, not a mistake: it moves the answer by far less than
    the checker's tolerances."""
    def divided_by_n(a, b):
        d = _squared_deviations(a) - _squared_deviations(b)
        return np.array([d.mean(), d.std() / np.sqrt(len(d))])

    passed, said = verdict(ex.check_variance_difference, divided_by_n, lang)
    assert passed, said


def _independent(a, b):
    n = len(a)
    sq_a, sq_b = _squared_deviations(a), _squared_deviations(b)
    return np.array([(sq_a - sq_b).sum() / (n - 1), np.sqrt(sq_a.var(ddof=1) / n + sq_b.var(ddof=1) / n)])


def _no_root_n(a, b):
    d = _squared_deviations(a) - _squared_deviations(b)
    return np.array([d.sum() / (len(d) - 1), d.std(ddof=1)])


def _summed(a, b):
    d = _squared_deviations(a) - _squared_deviations(b)
    return np.array([d.sum(), d.std(ddof=1) / np.sqrt(len(d))])


WRONG_DIFFERENCES = {
    "independent": (_independent, {"en": "as if they were independent", "zh": "当作相互独立"}),
    "no root n": (_no_root_n, {"en": "a missing 1/√n", "zh": "少了 1/√n"}),
    "wrong way round": (lambda a, b: ex.variance_difference(b, a), {"en": "the wrong way round", "zh": "差的方向反了"}),
    "sum": (_summed, {"en": "a missing 1/n", "zh": "少了 1/n"}),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("mistake", sorted(WRONG_DIFFERENCES))
def test_variance_difference_mistakes_are_named(mistake, lang):
    answer, message = WRONG_DIFFERENCES[mistake]
    passed, said = verdict(ex.check_variance_difference, answer, lang)
    assert not passed and message[lang] in said, said


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_variance_difference_meaning_check_catches_a_dishonest_standard_error(lang):
    """The second check has teeth of its own: a standard error half as large fails it."""
    passed, said = verdict(ex.check_variance_difference, lambda a, b: ex.variance_difference(a, b) * [1.0, 0.5], lang)
    assert not passed and "✗" in said


@pytest.mark.parametrize("p", [0.3, 0.5])
def test_constant_reward_variance_matches_the_closed_forms(p):
    c = 2 * p * (1 - p)
    for H in range(1, 9):
        vanilla, to_go = ex.constant_reward_variances(H, p)
        assert vanilla == pytest.approx(c * H**3, rel=1e-12)
        assert to_go == pytest.approx(c * H * (H + 1) * (2 * H + 1) / 6, rel=1e-12)


def test_constant_reward_variance_ratios_are_the_ones_the_page_quotes():
    quoted = {1: 1.0, 2: 1.6, 4: 2.13, 8: 2.51, 16: 2.74, 32: 2.86}
    for H, ratio in quoted.items():
        assert 6 * H**2 / ((H + 1) * (2 * H + 1)) == pytest.approx(ratio, abs=0.005)


def _first_step_reward_variances(H, seed=0):
    """Exact tr Var of both estimators and the derived extra term, the mean reward paid at step 0 only,
    over every trajectory of the page's episodic MDP."""
    p0, P, R = episodic_mdp(seed=seed)
    theta = np.random.default_rng(1).normal(size=R.shape)
    pi = policy(theta)
    S, A = R.shape
    prob, vanilla, to_go, extra = [], [], [], []
    for path in itertools.product(range(S), range(A), repeat=H):
        s, a = np.array(path[0::2]), np.array(path[1::2])
        prob.append(p0[s[0]] * np.prod(pi[s, a]) * np.prod(P[s[:-1], a[:-1], s[1:]]))
        sigma = score(theta, s, a)                                   # (H, S, A)
        r0 = R[s[0], a[0]]
        vanilla.append(r0 * sigma.sum(axis=0))
        to_go.append(r0 * sigma[0])
        extra.append(r0**2 * (sigma[1:] ** 2).sum())
    prob = np.array(prob)

    def total_variance(g):
        g = np.array(g)
        return prob @ ((g - np.einsum("k,kij->ij", prob, g)) ** 2).sum(axis=(1, 2))

    return total_variance(vanilla), total_variance(to_go), prob @ np.array(extra), prob.sum()


@pytest.mark.parametrize("H", [2, 3])
def test_first_step_reward_adds_the_derived_variance(H):
    vanilla, to_go, extra, total = _first_step_reward_variances(H)
    assert total == pytest.approx(1.0, abs=1e-12)
    assert extra > 0.01
    assert vanilla - to_go == pytest.approx(extra, abs=1e-12)
