"""The variance-reduction page's exercises: the reference solutions pass their checkers, typical wrong
answers fail with the message that names their mistake, in both languages, and the derivations' code
agrees with exact values (snippets/exercises/variance_reduction.py)."""

import numpy as np
import pytest

from exercises import variance_reduction as ex
from exercise_pages import verdict


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_variance_and_standard_error_solution_passes(lang):
    assert verdict(ex.check_variance_and_standard_error, ex.variance_and_standard_error, lang)[0]


def _replace(index, value):
    """The solution with entry index (0: V̂, 1: its standard error) replaced by value(V̂, se, n)."""
    def answer(scores, returns, b):
        result = ex.variance_and_standard_error(scores, returns, b)
        result[index] = value(*result, len(returns))
        return result
    return answer


WRONG_VARIANCES = {
    "ddof 0": (_replace(0, lambda v, se, n: v * (n - 1) / n), {"en": "Bessel's correction missing", "zh": "漏掉了贝塞尔校正"}),
    "batch mean": (_replace(0, lambda v, se, n: v / n), {"en": "the variance of the batch mean", "zh": "整批平均值的方差"}),
    "no baseline": (lambda g, R, b: ex.variance_and_standard_error(g, R, 0.0), {"en": "no baseline subtracted", "zh": "没有减去基线"}),
    "baseline sign": (lambda g, R, b: ex.variance_and_standard_error(g, R, -b), {"en": "a sign flip", "zh": "符号反了"}),
    "no sqrt n": (_replace(1, lambda v, se, n: se * np.sqrt(n)), {"en": "a missing 1/√n", "zh": "少了 1/√n"}),
    "over n": (_replace(1, lambda v, se, n: se / np.sqrt(n)), {"en": "divided by n instead of √n", "zh": "除以了 n，而不是 √n"}),
    "se of the mean": (_replace(1, lambda v, se, n: np.sqrt(v / n)),
                       {"en": "the standard error of the mean estimate", "zh": "平均估计 ĝ 的标准误差"}),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("mistake", sorted(WRONG_VARIANCES))
def test_variance_and_standard_error_mistakes_are_named(mistake, lang):
    answer, message = WRONG_VARIANCES[mistake]
    passed, said = verdict(ex.check_variance_and_standard_error, answer, lang)
    assert not passed and message[lang] in said, said


def test_variance_and_standard_error_covers_the_exact_variance():
    """What the standard error is for: on the page's problem, 2000 trajectories give V̂ within
    4 standard errors of the exact variance (enumeration), for b = 0 and b = 5, to within 10%."""
    import variance_reduction as vr

    rng = np.random.default_rng(3)
    batch = vr.sample_batch(2000, rng)
    scores = np.array([g.sum(axis=0) for _, g, _ in batch])
    returns = np.array([r.sum() for *_, r in batch])
    for b in (0.0, 5.0):
        measured, standard_error = ex.variance_and_standard_error(scores, returns, b)
        _, exact = vr.exact_moments(lambda s, g, r: vr.baseline_estimate(g, r, b))
        assert abs(measured - exact.sum()) < 4 * standard_error
        assert standard_error < 0.1 * measured


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_leave_one_out_estimate_solution_passes(lang):
    assert verdict(ex.check_leave_one_out_estimate, ex.leave_one_out_estimate, lang)[0]


def _with_baseline(baselines):
    def estimate(scores, returns):
        return (scores * (returns - baselines(returns))[:, None]).mean(axis=0)
    return estimate


WRONG_LEAVE_ONE_OUT = {
    "own return included": (_with_baseline(lambda R: np.full(len(R), R.mean())),
                            {"en": "a baseline that depends on the action", "zh": "基线依赖于动作"}),
    "sum": (lambda g, R: len(R) * ex.leave_one_out_estimate(g, R), {"en": "a missing 1/n", "zh": "少了 1/n"}),
    "sign": (lambda g, R: -ex.leave_one_out_estimate(g, R), {"en": "a sign flip", "zh": "符号反了"}),
    "no baseline": (_with_baseline(np.zeros_like), {"en": "no baseline subtracted", "zh": "没有减去基线"}),
    "others over n": (_with_baseline(lambda R: (R.sum() - R) / len(R)),
                      {"en": "divided by n instead of n − 1", "zh": "除以了 n，而不是 n − 1"}),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("mistake", sorted(WRONG_LEAVE_ONE_OUT))
def test_leave_one_out_estimate_mistakes_are_named(mistake, lang):
    answer, message = WRONG_LEAVE_ONE_OUT[mistake]
    passed, said = verdict(ex.check_leave_one_out_estimate, answer, lang)
    assert not passed and message[lang] in said, said


def test_leave_one_out_estimate_is_unbiased_and_the_mean_of_all_returns_is_not():
    """The point of the exercise, by exact enumeration: a two-armed bandit, n = 3 pulls, every one of
    the 2³ batches weighed by its probability."""
    import itertools

    p, rewards = 0.3, np.array([1.0, 2.0])                   # π(a = 1) = p = σ(θ), r_a deterministic
    exact = p * (1 - p) * (rewards[1] - rewards[0])
    mean_loo = mean_all = 0.0
    for arms in itertools.product([0, 1], repeat=3):
        arms = np.array(arms)
        prob = np.prod(np.where(arms == 1, p, 1 - p))
        scores, returns = (arms - p)[:, None], rewards[arms]   # ∂θ log π(a) = a − p
        mean_loo += prob * ex.leave_one_out_estimate(scores, returns)[0]
        mean_all += prob * (scores[:, 0] * (returns - returns.mean())).mean()
    assert mean_loo == pytest.approx(exact, abs=1e-12)
    assert mean_all == pytest.approx(2 / 3 * exact, abs=1e-12)


@pytest.mark.parametrize("p, r1, r0", [(0.3, 2.0, 1.0), (0.8, -1.0, 4.0), (0.5, 3.0, 3.5)])
def test_bandit_variance_closed_forms(p, r1, r0):
    variance = ex.bandit_estimator_variance
    b_star = (1 - p) * r1 + p * r0
    assert variance(p, r1, r0, b_star) == pytest.approx(0.0, abs=1e-12)
    assert variance(p, r1, r0, 0.0) == pytest.approx(p * (1 - p) * b_star**2)
    assert variance(p, r1, r0, p * r1 + (1 - p) * r0) == pytest.approx(p * (1 - p) * (2 * p - 1) ** 2 * (r1 - r0) ** 2)
    for b in np.linspace(-3, 5, 9):                           # Var(b) = Var(b*) + E[g²](b − b*)², E[g²] = p(1 − p)
        assert variance(p, r1, r0, b) == pytest.approx(p * (1 - p) * (b - b_star) ** 2, abs=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_shared_baseline_minimises_the_total_variance(seed):
    rng = np.random.default_rng(seed)
    theta, rewards = rng.normal(size=4), 5 + rng.normal(size=4)
    b_bar = ex.shared_baseline(theta, rewards)
    # the total variance is a quadratic in b: its vertex from three exact values
    b = np.array([b_bar - 1.0, b_bar, b_bar + 1.5])
    a2, a1, _ = np.polyfit(b, [ex.exact_total_variance(theta, rewards, value) for value in b], 2)
    assert -a1 / (2 * a2) == pytest.approx(b_bar, abs=1e-9)
    # a weighted mean of the per-component b*_k with weights E[g_k²], and no better than them
    pi = np.exp(theta) / np.exp(theta).sum()
    weights = pi @ (np.eye(4) - pi) ** 2
    assert weights @ ex.per_component_baselines(theta, rewards) / weights.sum() == pytest.approx(b_bar)
    assert ex.exact_total_variance(theta, rewards, ex.per_component_baselines(theta, rewards)) \
        <= ex.exact_total_variance(theta, rewards, b_bar) + 1e-12


def test_the_shared_baseline_on_the_page_problem_as_the_solution_says():
    """4.69 (state 0), 4.82 (state 1), b̄ = 4.74, and the shared constant costs under 2% of the total variance."""
    import variance_reduction as vr

    weighted, weights = np.zeros(4), np.zeros(4)
    for prob, _, scores, rewards in vr.enumerate_trajectories(vr.THETA_SMALL, vr.P_SMALL, vr.R_SMALL, vr.HORIZON):
        g2 = scores.sum(axis=0) ** 2
        weighted += prob * g2 * rewards.sum()
        weights += prob * g2
    b_star, b_bar = weighted / weights, weighted.sum() / weights.sum()
    assert np.round(b_star, 2).tolist() == [4.69, 4.69, 4.82, 4.82] and round(b_bar, 2) == 4.74
    _, per_component = vr.exact_moments(lambda s, g, r: vr.baseline_estimate(g, r, b_star))
    _, shared = vr.exact_moments(lambda s, g, r: vr.baseline_estimate(g, r, b_bar))
    assert 0 < shared.sum() / per_component.sum() - 1 < 0.02
    assert shared.sum() - per_component.sum() == pytest.approx((weights * (b_bar - b_star) ** 2).sum())
