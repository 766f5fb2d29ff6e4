"""The continuous-actions page's checkers: the reference solutions pass, typical wrong answers fail
with the message that names their mistake, in both languages (snippets/exercises/continuous_actions.py)."""

import numpy as np
import pytest

from continuous_actions import expected_reward, expected_reward_gradient
from exercises import continuous_actions as ex
from exercise_pages import verdict


def _normal_density(a, mean, sigma):
    return np.exp(-0.5 * ((a - mean) / sigma) ** 2) / (sigma * np.sqrt(2 * np.pi))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_linear_gaussian_score_solution_passes(lang):
    assert verdict(ex.check_linear_gaussian_score, ex.linear_gaussian_score, lang)[0]


def _without_chain_rule(a, s, theta):
    """∂/∂μ at μ = w s, taken for ∂/∂w: the factor s is missing."""
    return np.stack([(a - theta[0] * s) / np.exp(2 * theta[1]), ex.linear_gaussian_score(a, s, theta)[:, 1]], axis=1)


def _grad_of_density(a, s, theta):
    return ex.linear_gaussian_score(a, s, theta) * _normal_density(a, theta[0] * s, np.exp(theta[1]))[:, None]


WRONG_SCORES = {
    "no chain rule": (_without_chain_rule, {"en": "the chain rule through μ = w s is missing", "zh": "漏掉了 μ = w s 这一层的链式法则"}),
    "grad of p": (_grad_of_density, {"en": "∇π used where ∇log π belongs", "zh": "把 ∇π 当成了 ∇log π"}),
    "sign": (lambda a, s, theta: -ex.linear_gaussian_score(a, s, theta), {"en": "a sign flip", "zh": "符号反了"}),
    "sigma not log sigma": (lambda a, s, theta: ex.linear_gaussian_score(a, s, theta) / [1.0, np.exp(theta[1])],
                            {"en": "with respect to σ, not log σ", "zh": "对 σ 求了导"}),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("mistake", sorted(WRONG_SCORES))
def test_linear_gaussian_score_mistakes_are_named(mistake, lang):
    answer, message = WRONG_SCORES[mistake]
    passed, said = verdict(ex.check_linear_gaussian_score, answer, lang)
    assert not passed and message[lang] in said, said


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_contextual_gradient_estimate_solution_passes(lang):
    assert verdict(ex.check_contextual_gradient_estimate, ex.contextual_gradient_estimate, lang)[0]


def _own_reward_in_baseline(theta, s, a, r):
    return ((r - r.mean())[:, None] * ex.linear_gaussian_score(a, s, theta)).mean(axis=0)


def _no_baseline(theta, s, a, r):
    return (r[:, None] * ex.linear_gaussian_score(a, s, theta)).mean(axis=0)


def _bandit_score(theta, s, a, r):
    """The page's score with μ = w, as if there were no state."""
    n = len(r)
    sigma = np.exp(theta[1])
    z = (a - theta[0]) / sigma
    return ((r - (r.sum() - r) / (n - 1))[:, None] * np.stack([z / sigma, z**2 - 1], axis=1)).mean(axis=0)


WRONG_ESTIMATES = {
    "own reward": (_own_reward_in_baseline, {"en": "a baseline that includes r_i itself, so it depends on the action",
                                             "zh": "基线把 r_i 自己也算了进去，于是依赖于动作"}),
    "no baseline": (_no_baseline, {"en": "no baseline", "zh": "没有减基线"}),
    "sum": (lambda theta, s, a, r: len(r) * ex.contextual_gradient_estimate(theta, s, a, r), {"en": "a missing 1/n", "zh": "少了 1/n"}),
    "sign": (lambda *args: -ex.contextual_gradient_estimate(*args), {"en": "a sign flip", "zh": "符号反了"}),
    "page's score": (_bandit_score, {"en": "the mean taken as w instead of w s", "zh": "均值取成了 w 而不是 w s"}),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("mistake", sorted(WRONG_ESTIMATES))
def test_contextual_gradient_estimate_mistakes_are_named(mistake, lang):
    answer, message = WRONG_ESTIMATES[mistake]
    passed, said = verdict(ex.check_contextual_gradient_estimate, answer, lang)
    assert not passed and message[lang] in said, said


@pytest.mark.parametrize("w, log_sigma", [(0.5, 0.0), (2.5, -0.7), (-1.0, 0.4)])
def test_contextual_objective_is_the_pages_bandit_with_w_for_mu(w, log_sigma):
    """The derivation's closed form: for s ~ N(0, 1), J(w, log σ) = −(w − 2)² − σ², which is (L1) at
    μ = w; the mean of 4000 estimates (L2) lies within 4 standard errors of its gradient."""
    rng = np.random.default_rng(11)
    n, repeats, sigma = 16, 4000, np.exp(log_sigma)
    s = rng.standard_normal((repeats, n))
    a = w * s + sigma * rng.standard_normal((repeats, n))
    r = -(a - 2 * s) ** 2 + 0.5 * rng.standard_normal((repeats, n))
    assert r.mean() == pytest.approx(expected_reward((w, log_sigma)), abs=4 * r.std() / np.sqrt(r.size))
    estimates = np.array([ex.contextual_gradient_estimate((w, log_sigma), s[k], a[k], r[k]) for k in range(repeats)])
    standard_error = estimates.std(axis=0, ddof=1) / np.sqrt(repeats)
    assert np.all(np.abs(estimates.mean(axis=0) - expected_reward_gradient((w, log_sigma))) < 4 * standard_error)
