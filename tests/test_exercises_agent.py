"""The agent page's checkers: the reference solutions pass, typical wrong answers fail with the message
that names their mistake, in both languages (snippets/exercises/agent.py)."""

import numpy as np
import pytest

from exercises import agent as ex
from exercise_pages import verdict


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_masked_reward_to_go_solution_passes(lang):
    assert verdict(ex.check_masked_reward_to_go, ex.masked_reward_to_go, lang)[0]


def _over_the_past(rewards, running):
    return np.cumsum(np.where(running, rewards, 0.0), axis=0) * running


def _mask_ignored(rewards, running):
    return np.cumsum(rewards[::-1], axis=0)[::-1] * running


def _from_the_next_step(rewards, running):
    return (ex.masked_reward_to_go(rewards, running) - rewards) * running


def _whole_return(rewards, running):
    return np.where(running, np.where(running, rewards, 0.0).sum(axis=0), 0.0)


WRONG_REWARDS_TO_GO = {
    "past": (_over_the_past, {"en": "summed over the past instead of the future", "zh": "对过去求和了"}),
    "mask ignored": (_mask_ignored, {"en": "the mask is ignored", "zh": "忽略了掩码"}),
    "r_t left out": (_from_the_next_step, {"en": "r_t itself left out", "zh": "漏掉了 r_t 本身"}),
    "whole return": (_whole_return, {"en": "the whole return R(τ) at every step", "zh": "整条轨迹的回报 R(τ)"}),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("mistake", sorted(WRONG_REWARDS_TO_GO))
def test_masked_reward_to_go_mistakes_are_named(mistake, lang):
    answer, message = WRONG_REWARDS_TO_GO[mistake]
    passed, said = verdict(ex.check_masked_reward_to_go, answer, lang)
    assert not passed and message[lang] in said, said


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_linear_softmax_gradient_solution_passes(lang):
    assert verdict(ex.check_linear_softmax_gradient, ex.linear_softmax_gradient, lang)[0]


def _softmax(logits):
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    return p / p.sum(axis=1, keepdims=True)


def _grad_of_probability(theta, states, actions, weights, n):
    """Σ w ∇π(a|s) / n: the score multiplied by π(a|s)."""
    chosen = _softmax(states @ theta)[np.arange(len(actions)), actions]
    return ex.linear_softmax_gradient(theta, states, actions, weights * chosen, n)


def _without_minus_pi(theta, states, actions, weights, n):
    return states.T @ (np.eye(2)[actions] * weights[:, None]) / n


WRONG_GRADIENTS = {
    "sign": (lambda *a: -ex.linear_softmax_gradient(*a), {"en": "a sign flip", "zh": "符号反了"}),
    "sum": (lambda t, s, a, w, n: n * ex.linear_softmax_gradient(t, s, a, w, n), {"en": "a missing 1/n", "zh": "少了 1/n"}),
    "per step": (lambda t, s, a, w, n: ex.linear_softmax_gradient(t, s, a, w, n) * n / len(a),
                 {"en": "number of steps N instead of the number of episodes n", "zh": "除以了步数 N"}),
    "grad of p": (_grad_of_probability, {"en": "∇π used where ∇log π belongs", "zh": "把 ∇π 当成了 ∇log π"}),
    "no minus pi": (_without_minus_pi, {"en": "the −π(·|s) of the softmax score is missing", "zh": "漏掉了 −π(·|s)"}),
    "transposed": (lambda *a: ex.linear_softmax_gradient(*a).T, {"en": "returned shape (2, 4)", "zh": "返回的形状是 (2, 4)"}),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("mistake", sorted(WRONG_GRADIENTS))
def test_linear_softmax_gradient_mistakes_are_named(mistake, lang):
    answer, message = WRONG_GRADIENTS[mistake]
    passed, said = verdict(ex.check_linear_softmax_gradient, answer, lang)
    assert not passed and message[lang] in said, said


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_softmax_entropy_gradient_solution_passes(lang):
    assert verdict(ex.check_softmax_entropy_gradient, ex.softmax_entropy_gradient, lang)[0]


def _naive_log(logits):
    """The right formula with log(softmax(z)) taken directly: inf − inf and 0 · log 0 for large or distant logits."""
    with np.errstate(all="ignore"):
        pi = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        entropy = -(pi * np.log(pi)).sum(axis=1, keepdims=True)
        return -pi * (np.log(pi) + entropy)


def _without_jacobian(logits):
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_pi = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return -(log_pi + 1)                                     # ∂H/∂π_k, the chain rule through the softmax skipped


def _without_minus_pi(logits):
    gradient = ex.softmax_entropy_gradient(logits)           # −π (log π + H)
    pi = np.exp(logits - logits.max(axis=1, keepdims=True))
    pi /= pi.sum(axis=1, keepdims=True)
    entropy = -(pi * np.log(np.where(pi > 0, pi, 1.0))).sum(axis=1, keepdims=True)
    return gradient + pi * (entropy - 1)                     # −π (log π + 1)


WRONG_ENTROPY_GRADIENTS = {
    "sign": (lambda z: -ex.softmax_entropy_gradient(z), {"en": "a sign flip", "zh": "符号反了"}),
    "no jacobian": (_without_jacobian, {"en": "∂H/∂π, not ∂H/∂z", "zh": "算成了 ∂H/∂π 而不是 ∂H/∂z"}),
    "no minus pi": (_without_minus_pi, {"en": "the −π_k part of the softmax's Jacobian is missing",
                                        "zh": "漏掉了 softmax 雅可比矩阵里的 −π_k 那一项"}),
    "overflow": (_naive_log, {"en": "returned NaN or infinity", "zh": "返回了 NaN 或无穷大"}),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("mistake", sorted(WRONG_ENTROPY_GRADIENTS))
def test_softmax_entropy_gradient_mistakes_are_named(mistake, lang):
    answer, message = WRONG_ENTROPY_GRADIENTS[mistake]
    passed, said = verdict(ex.check_softmax_entropy_gradient, answer, lang)
    assert not passed and message[lang] in said, said


def test_softmax_entropy_gradient_is_the_score_weighted_by_minus_log_pi():
    """The solution's identity ∇_z H = E_{a~π}[∇_z log π(a) (−log π(a))]: the +1 of ∂H/∂π drops out like a
    baseline; and the gradient vanishes at the uniform policy only."""
    rng = np.random.default_rng(5)
    logits = rng.normal(size=(6, 3))
    pi = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    for row in range(6):
        scores = np.eye(3) - pi[row]                           # row a: ∇_z log π(a) = e_a − π
        expected = pi[row] @ (scores * -np.log(pi[row])[:, None])
        assert np.allclose(ex.softmax_entropy_gradient(logits[row:row + 1])[0], expected, atol=1e-12)
    assert np.allclose(ex.softmax_entropy_gradient(np.full((1, 4), 2.7)), 0.0, atol=1e-15)
