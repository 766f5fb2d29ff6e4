"""The reparameterisation page's checkers: the reference solutions pass, typical wrong answers fail with
the message that names their mistake, in both languages (snippets/exercises/reparameterisation.py)."""
import math

import numpy as np
import pytest

from exercises import reparameterisation as ex
from exercise_pages import verdict


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_gaussian_pathwise_estimate_solution_passes(lang):
    assert verdict(ex.check_gaussian_pathwise_estimate, ex.gaussian_pathwise_estimate, lang)[0]


def _pathwise(f_prime, mu, log_sigma, n, rng, scale):
    """The pathwise terms with ∂x/∂log σ replaced by scale(σ, ε)."""
    sigma = np.exp(log_sigma)
    eps = rng.standard_normal(n)
    slope = f_prime(mu + sigma * eps)
    return np.array([slope.mean(), (slope * scale(sigma, eps, rng)).mean()])


WRONG_ESTIMATES = {
    "sum": (lambda f, mu, ls, n, rng: n * ex.gaussian_pathwise_estimate(f, mu, ls, n, rng),
            {"en": "a missing 1/n", "zh": "少了 1/n"}),
    "sign": (lambda *a: -ex.gaussian_pathwise_estimate(*a), {"en": "a sign flip", "zh": "符号反了"}),
    "sigma not log sigma": (lambda *a: _pathwise(*a, scale=lambda sigma, eps, rng: eps),
                            {"en": "with respect to σ, not log σ", "zh": "对 σ 求了导"}),
    "epsilon missing": (lambda *a: _pathwise(*a, scale=lambda sigma, eps, rng: sigma),
                        {"en": "the ε is missing", "zh": "漏掉了 ε"}),
    "fresh noise": (lambda *a: _pathwise(*a, scale=lambda sigma, eps, rng: sigma * rng.standard_normal(len(eps))),
                    {"en": "fresh noise", "zh": "新抽的噪声"}),
    "ignores rng": (lambda f, mu, ls, n, rng: ex.gaussian_pathwise_estimate(f, mu, ls, n, np.random.default_rng()),
                    {"en": "draw the noise with rng", "zh": "请用参数 rng 抽取噪声"}),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("mistake", sorted(WRONG_ESTIMATES))
def test_gaussian_pathwise_estimate_mistakes_are_named(mistake, lang):
    answer, message = WRONG_ESTIMATES[mistake]
    passed, said = verdict(ex.check_gaussian_pathwise_estimate, answer, lang)
    assert not passed and message[lang] in said, said


@pytest.mark.parametrize("theta, jump_at, height", [(1.5, 0.5, 2.0), (-0.3, 0.0, 1.0), (0.0, 1.2, -0.7)])
def test_jump_term_restores_the_exact_gradient(theta, jump_at, height):
    """∇θ (θ² + 1 + h Φ(θ − b)) = 2θ + h φ(θ − b), from the closed form, not from the solution's formula;
    without the jump's term the pathwise average is many standard errors away."""
    exact = 2 * theta + height * math.exp(-0.5 * (theta - jump_at) ** 2) / math.sqrt(2 * math.pi)
    estimate, standard_error = ex.pathwise_with_jump_term(theta, jump_at, height, 100_000, np.random.default_rng(3))
    assert estimate == pytest.approx(exact, abs=5 * standard_error)
    jump = height * ex.standard_normal_pdf(jump_at - theta)
    assert abs(estimate - jump - exact) > 10 * standard_error
