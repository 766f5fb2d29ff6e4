"""The score-function page's checkers: the reference solutions pass, typical wrong answers fail with
the message that names their mistake, in both languages (snippets/exercises/score_function.py)."""
import contextlib
import io

import numpy as np
import pytest
import torch

from exercises import score_function as ex


def verdict(check, answer, lang):
    said = io.StringIO()
    with contextlib.redirect_stdout(said):
        passed = check(answer, lang=lang)
    return passed, said.getvalue()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_gaussian_score_solution_passes(lang):
    assert verdict(ex.check_gaussian_policy_score, ex.gaussian_policy_score, lang)[0]


WRONG_GAUSSIAN_SCORES = {
    "grad of p": (lambda x, mu, ls: ex.gaussian_policy_score(x, mu, ls)
                  * (np.exp(-0.5 * ((x - mu) / np.exp(ls)) ** 2) / (np.exp(ls) * np.sqrt(2 * np.pi)))[:, None],
                  {"en": "∇p used where ∇log p belongs", "zh": "把 ∇p 当成了 ∇log p"}),
    "sign": (lambda x, mu, ls: -ex.gaussian_policy_score(x, mu, ls), {"en": "a sign flip", "zh": "符号反了"}),
    "sigma not log sigma": (lambda x, mu, ls: ex.gaussian_policy_score(x, mu, ls) / [1.0, np.exp(ls)],
                            {"en": "with respect to σ, not log σ", "zh": "对 σ 求了导"}),
    "no normaliser": (lambda x, mu, ls: ex.gaussian_policy_score(x, mu, ls) + [0.0, 1.0],
                      {"en": "normaliser 1/σ is missing", "zh": "归一化系数"}),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("mistake", sorted(WRONG_GAUSSIAN_SCORES))
def test_gaussian_score_mistakes_are_named(mistake, lang):
    answer, message = WRONG_GAUSSIAN_SCORES[mistake]
    passed, said = verdict(ex.check_gaussian_policy_score, answer, lang)
    assert not passed and message[lang] in said, said


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_score_function_estimate_solution_passes(lang):
    assert verdict(ex.check_gaussian_policy_estimate, ex.gaussian_policy_estimate, lang)[0]


def _summed(f, mu, log_sigma, n, rng):
    x = rng.normal(mu, np.exp(log_sigma), size=n)
    return (f(x)[:, None] * ex.gaussian_policy_score(x, mu, log_sigma)).sum(axis=0)


def _grad_of_density(f, mu, log_sigma, n, rng):
    x = rng.normal(mu, np.exp(log_sigma), size=n)
    density = np.exp(-0.5 * ((x - mu) / np.exp(log_sigma)) ** 2) / (np.exp(log_sigma) * np.sqrt(2 * np.pi))
    return (f(x)[:, None] * density[:, None] * ex.gaussian_policy_score(x, mu, log_sigma)).mean(axis=0)


def _global_rng(f, mu, log_sigma, n, rng):
    return ex.gaussian_policy_estimate(f, mu, log_sigma, n, np.random.default_rng())


WRONG_ESTIMATES = {
    "sum": (_summed, {"en": "a missing 1/n", "zh": "少了 1/n"}),
    "sign": (lambda *a: -ex.gaussian_policy_estimate(*a), {"en": "a sign flip", "zh": "符号反了"}),
    "grad of p": (_grad_of_density, {"en": "∇p used where ∇log p belongs", "zh": "把 ∇p 当成了 ∇log p"}),
    "ignores rng": (_global_rng, {"en": "draw the samples with rng", "zh": "请用参数 rng 抽样"}),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("mistake", sorted(WRONG_ESTIMATES))
def test_score_function_estimate_mistakes_are_named(mistake, lang):
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
