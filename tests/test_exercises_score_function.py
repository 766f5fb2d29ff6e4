"""The score-function page's checkers: the reference solutions pass, typical wrong answers fail with
the message that names their mistake, in both languages (snippets/exercises/score_function.py)."""

import numpy as np
import pytest
import torch

from exercises import score_function as ex
from log_derivative import gaussian_density, gaussian_score
from exercise_pages import verdict


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_laplace_score_solution_passes(lang):
    assert verdict(ex.check_laplace_score, ex.laplace_score, lang)[0]


def _laplace_density(x, mu, log_b):
    return np.exp(-np.abs(x - mu) / np.exp(log_b)) / (2 * np.exp(log_b))


WRONG_LAPLACE_SCORES = {
    "grad of p": (lambda x, mu, lb: ex.laplace_score(x, mu, lb) * _laplace_density(x, mu, lb)[:, None],
                  {"en": "∇p used where ∇log p belongs", "zh": "把 ∇p 当成了 ∇log p"}),
    "sign": (lambda x, mu, lb: -ex.laplace_score(x, mu, lb), {"en": "a sign flip", "zh": "符号反了"}),
    "b not log b": (lambda x, mu, lb: ex.laplace_score(x, mu, lb) / [1.0, np.exp(lb)],
                    {"en": "with respect to b, not log b", "zh": "对 b 求了导"}),
    "no normaliser": (lambda x, mu, lb: ex.laplace_score(x, mu, lb) + [0.0, 1.0],
                      {"en": "normaliser 1/(2b) is missing", "zh": "归一化系数"}),
    "no absolute value": (lambda x, mu, lb: np.stack([np.sign(x - mu) / np.exp(lb), (x - mu) / np.exp(lb) - 1], axis=1),
                          {"en": "x − μ where |x − μ| belongs", "zh": "把 |x − μ| 写成了 x − μ"}),
    "gaussian score": (lambda x, mu, lb: np.stack([(x - mu) / np.exp(2 * lb), np.abs(x - mu) / np.exp(lb) - 1], axis=1),
                       {"en": "the Gaussian's score", "zh": "用了高斯分布的得分函数"}),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("mistake", sorted(WRONG_LAPLACE_SCORES))
def test_laplace_score_mistakes_are_named(mistake, lang):
    answer, message = WRONG_LAPLACE_SCORES[mistake]
    passed, said = verdict(ex.check_laplace_score, answer, lang)
    assert not passed and message[lang] in said, said


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_gaussian_policy_estimate_solution_passes(lang):
    assert verdict(ex.check_gaussian_policy_estimate, ex.gaussian_policy_estimate, lang)[0]


def _summed(f, theta, n, rng):
    x = rng.normal(theta[0], np.exp(theta[1]), size=n)
    return (f(x)[:, None] * gaussian_score(x, theta)).sum(axis=0)


def _grad_of_density(f, theta, n, rng):
    x = rng.normal(theta[0], np.exp(theta[1]), size=n)
    return (f(x)[:, None] * gaussian_density(x, theta)[:, None] * gaussian_score(x, theta)).mean(axis=0)


def _global_rng(f, theta, n, rng):
    return ex.gaussian_policy_estimate(f, theta, n, np.random.default_rng())


def _sigma_not_log_sigma(f, theta, n, rng):
    return ex.gaussian_policy_estimate(f, theta, n, rng) / [1.0, np.exp(theta[1])]


WRONG_ESTIMATES = {
    "sum": (_summed, {"en": "a missing 1/n", "zh": "少了 1/n"}),
    "sign": (lambda *a: -ex.gaussian_policy_estimate(*a), {"en": "a sign flip", "zh": "符号反了"}),
    "grad of p": (_grad_of_density, {"en": "∇p used where ∇log p belongs", "zh": "把 ∇p 当成了 ∇log p"}),
    "ignores rng": (_global_rng, {"en": "draw the samples with rng", "zh": "请用参数 rng 抽样"}),
    "sigma not log sigma": (_sigma_not_log_sigma, {"en": "with respect to σ, not log σ", "zh": "对 σ 求了导"}),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("mistake", sorted(WRONG_ESTIMATES))
def test_gaussian_policy_estimate_mistakes_are_named(mistake, lang):
    answer, message = WRONG_ESTIMATES[mistake]
    passed, said = verdict(ex.check_gaussian_policy_estimate, answer, lang)
    assert not passed and message[lang] in said, said


def test_temperature_score_matches_autograd():
    theta = torch.tensor([0.3, -1.2, 0.8, 2.0], dtype=torch.float64, requires_grad=True)
    for temperature in (0.25, 1.0, 3.0):
        for a in range(4):
            theta.grad = None
            torch.log_softmax(theta / temperature, dim=0)[a].backward()
            assert np.allclose(ex.temperature_score(theta.detach().numpy(), a, temperature), theta.grad.numpy(), atol=1e-12)
