"""The Monte Carlo page's checkers: the reference solutions pass, typical wrong answers fail with the
message that names their mistake, in both languages (snippets/exercises/monte_carlo.py)."""
import math

import numpy as np
import pytest

from exercises import monte_carlo as ex
from exercise_pages import verdict


def density(x):
    return 0.5 * np.exp(-0.5 * x)              # the exponential of the page, rate 1/2


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_integral_estimate_solution_passes(lang):
    assert verdict(ex.check_integral_estimate, ex.integral_estimate, lang)[0]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_integral_estimate_accepts_another_valid_density(lang):
    """Any density positive where h is gives an unbiased estimate: Exp(1) must pass too."""
    def with_rate_one(h, n, rng):
        x = rng.exponential(1.0, size=n)
        return np.mean(h(x) / np.exp(-x))
    assert verdict(ex.check_integral_estimate, with_rate_one, lang)[0]


def _without_density(h, n, rng):
    return np.mean(h(rng.exponential(2.0, size=n)))


def _times_density(h, n, rng):
    x = rng.exponential(2.0, size=n)
    return np.mean(h(x) * density(x))


def _summed(h, n, rng):
    x = rng.exponential(2.0, size=n)
    return np.sum(h(x) / density(x))


def _rate_as_scale(h, n, rng):
    x = rng.exponential(0.5, size=n)           # numpy's argument is the scale 1/λ, not λ
    return np.mean(h(x) / density(x))


def _global_rng(h, n, rng):
    return ex.integral_estimate(h, n, np.random.default_rng())


WRONG_INTEGRALS = {
    "no density": (_without_density, {"en": "the density is missing", "zh": "漏掉了密度"}),
    "times density": (_times_density, {"en": "multiplied by p(x_i)", "zh": "乘以了 p(x_i)"}),
    "sum": (_summed, {"en": "a missing 1/n", "zh": "少了 1/n"}),
    "rate as scale": (_rate_as_scale, {"en": "numpy's exponential takes the scale", "zh": "接受的是尺度"}),
    "ignores rng": (_global_rng, {"en": "draw the samples with rng", "zh": "请用参数 rng 抽样"}),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("mistake", sorted(WRONG_INTEGRALS))
def test_integral_estimate_mistakes_are_named(mistake, lang):
    answer, message = WRONG_INTEGRALS[mistake]
    passed, said = verdict(ex.check_integral_estimate, answer, lang)
    assert not passed and message[lang] in said, said


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_episode_sample_mean_solution_passes(lang):
    assert verdict(ex.check_episode_sample_mean, ex.episode_sample_mean, lang)[0]


def _steps_independent(values):
    return np.array([values.mean(), values.std(ddof=1) / np.sqrt(values.size)])


def _divided_by_all_values(values):
    means = values.mean(axis=1)
    return np.array([values.mean(), means.std(ddof=1) / np.sqrt(values.size)])


def _spread_of_episodes(values):
    return np.array([values.mean(), values.mean(axis=1).std(ddof=1)])


def _ddof_zero(values):
    means = values.mean(axis=1)
    return np.array([values.mean(), means.std() / np.sqrt(len(means))])


def _variance(values):
    means = values.mean(axis=1)
    return np.array([values.mean(), means.var(ddof=1) / len(means)])


def _sum(values):
    return np.array([values.sum(), ex.episode_sample_mean(values)[1]])


WRONG_EPISODE_MEANS = {
    "steps independent": (_steps_independent, {"en": "steps treated as independent", "zh": "把各步当成了独立样本"}),
    "divided by all values": (_divided_by_all_values, {"en": "where √episodes belongs", "zh": "应除以 √回合数"}),
    "spread of episodes": (_spread_of_episodes, {"en": "not of their average", "zh": "而不是它们平均值的标准差"}),
    "ddof 0": (_ddof_zero, {"en": "ddof=0", "zh": "ddof=0"}),
    "variance": (_variance, {"en": "a variance where its square root belongs", "zh": "返回了方差"}),
    "sum": (_sum, {"en": "a missing 1/n", "zh": "少了 1/n"}),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("mistake", sorted(WRONG_EPISODE_MEANS))
def test_episode_sample_mean_mistakes_are_named(mistake, lang):
    answer, message = WRONG_EPISODE_MEANS[mistake]
    passed, said = verdict(ex.check_episode_sample_mean, answer, lang)
    assert not passed and message[lang] in said, said


def test_expected_over_samples_gives_bessel_correction_exactly():
    """E[s²] = σ² with the divisor n − 1 and (n − 1)σ²/n with n, for n draws of B(10, 0.3), σ² = 2.1;
    E[s] < σ. The enumeration is checked against the pmf summing to one and the exact mean mq."""
    variance = 10 * 0.3 * 0.7
    for n in (2, 3):
        assert ex.expected_over_samples(lambda x: np.ones(len(x)), n) == pytest.approx(1.0, abs=1e-12)
        assert ex.expected_over_samples(lambda x: x.mean(axis=1), n) == pytest.approx(3.0, abs=1e-12)
        assert ex.expected_over_samples(lambda x: x.var(axis=1, ddof=1), n) == pytest.approx(variance, abs=1e-12)
        assert ex.expected_over_samples(lambda x: x.var(axis=1, ddof=0), n) == pytest.approx((n - 1) / n * variance, abs=1e-12)
        assert ex.expected_over_samples(lambda x: x.std(axis=1, ddof=1), n) < math.sqrt(variance) - 0.1
