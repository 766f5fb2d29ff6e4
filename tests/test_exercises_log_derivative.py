"""The log-derivative-trick page's checkers: the reference solutions pass, typical wrong answers fail
with the message that names their mistake, in both languages (snippets/exercises/log_derivative.py)."""

import numpy as np
import pytest
import torch

from exercises import log_derivative as ex
from exercise_pages import verdict


def policy(features, theta):
    logits = features @ theta
    pi = np.exp(logits - logits.max())
    return pi / pi.sum()


def scores(features, theta):
    return np.stack([ex.linear_softmax_score(features, theta, a) for a in range(len(features))])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_linear_softmax_score_solution_passes(lang):
    assert verdict(ex.check_linear_softmax_score, ex.linear_softmax_score, lang)[0]


def _overflowing(features, theta, a):
    weights = np.exp(features @ theta)             # overflows when the logits are near 1000
    return features[a] - (weights / weights.sum()) @ features


WRONG_SCORES = {
    "grad of pi": (lambda f, t, a: policy(f, t)[a] * ex.linear_softmax_score(f, t, a),
                   {"en": "∇π used where ∇log π belongs", "zh": "把 ∇π 当成了 ∇log π"}),
    "sign": (lambda f, t, a: -ex.linear_softmax_score(f, t, a), {"en": "a sign flip", "zh": "符号反了"}),
    "no normaliser": (lambda f, t, a: f[a], {"en": "the derivative of the normaliser", "zh": "漏掉了归一化项"}),
    "plain mean": (lambda f, t, a: f[a] - f.mean(axis=0), {"en": "the plain mean of the features", "zh": "特征的简单平均"}),
    "overflow": (_overflowing, {"en": "returned NaN or infinity", "zh": "返回了 NaN 或无穷大"}),
    "score in the logits": (lambda f, t, a: np.eye(len(f))[a] - policy(f, t), {"en": "returned shape", "zh": "返回的形状是"}),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("mistake", sorted(WRONG_SCORES))
def test_linear_softmax_score_mistakes_are_named(mistake, lang):
    answer, message = WRONG_SCORES[mistake]
    with np.errstate(over="ignore", invalid="ignore"):
        passed, said = verdict(ex.check_linear_softmax_score, answer, lang)
    assert not passed and message[lang] in said, said


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_linear_softmax_fisher_solution_passes(lang):
    assert verdict(ex.check_linear_softmax_fisher, ex.linear_softmax_fisher, lang)[0]


WRONG_FISHERS = {
    "unweighted": (lambda f, t: scores(f, t).T @ scores(f, t) / len(f),
                   {"en": "the weights π(a) are missing", "zh": "漏掉了权重 π(a)"}),
    "not centred": (lambda f, t: f.T @ (policy(f, t)[:, None] * f), {"en": "not centred", "zh": "没有中心化"}),
    "sign": (lambda f, t: -ex.linear_softmax_fisher(f, t), {"en": "a sign flip", "zh": "符号反了"}),
    "grad of pi": (lambda f, t: scores(f, t).T @ (policy(f, t)[:, None] ** 3 * scores(f, t)),
                   {"en": "∇π used where ∇log π belongs", "zh": "把 ∇π 当成了 ∇log π"}),
    "mean score": (lambda f, t: np.outer(policy(f, t) @ scores(f, t), policy(f, t) @ scores(f, t)),
                   {"en": "the outer product of the expected score", "zh": "先对得分函数求期望再做外积"}),
    "one action": (lambda f, t: np.outer(scores(f, t)[-1], scores(f, t)[-1]),
                   {"en": "one action's score", "zh": "只取了一个动作"}),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("mistake", sorted(WRONG_FISHERS))
def test_linear_softmax_fisher_mistakes_are_named(mistake, lang):
    answer, message = WRONG_FISHERS[mistake]
    passed, said = verdict(ex.check_linear_softmax_fisher, answer, lang)
    assert not passed and message[lang] in said, said


def test_linear_softmax_fisher_is_minus_the_hessian_for_every_action():
    """The claim of the solution: −∇²θ log π(a) is the same matrix F for every action a."""
    rng = np.random.default_rng(5)
    features, theta = rng.normal(size=(5, 3)), rng.normal(size=3)
    fisher = ex.linear_softmax_fisher(features, theta)
    for a in range(5):
        hessian = torch.autograd.functional.hessian(
            lambda params: torch.log_softmax(torch.as_tensor(features) @ params, dim=0)[a], torch.tensor(theta))
        assert np.allclose(-hessian.numpy(), fisher, atol=1e-12)


@pytest.mark.parametrize("mu, log_sigma", [(1.0, np.log(2.0)), (-0.5, -1.0), (3.0, 0.7)])
def test_gaussian_fisher_information_is_diag_one_over_sigma_squared_and_two(mu, log_sigma):
    outer, minus_hessian = ex.gaussian_fisher_information(mu, log_sigma)
    exact = np.diag([np.exp(-2 * log_sigma), 2.0])
    assert np.allclose(outer, exact, atol=1e-9) and np.allclose(minus_hessian, exact, atol=1e-9)
