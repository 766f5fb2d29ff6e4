"""The agent page's checkers: the reference solutions pass, typical wrong answers fail with the message
that names their mistake, in both languages (snippets/exercises/agent.py)."""
import contextlib
import io

import numpy as np
import pytest

from exercises import agent as ex


def verdict(check, answer, lang):
    said = io.StringIO()
    with contextlib.redirect_stdout(said):
        passed = check(answer, lang=lang)
    return passed, said.getvalue()


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


@pytest.mark.parametrize("n", [2, 3, 4])
def test_baseline_with_itself_shrinks_the_gradient_by_one_minus_one_over_n(n):
    """The derivation's claim, by enumeration: the leave-one-out baseline keeps ∇J, the mean over all
    n rewards multiplies it by 1 − 1/n."""
    theta, reward = np.array([0.4, -0.3, 0.1]), np.array([1.0, 3.0, -2.0])
    pi = np.exp(theta) / np.exp(theta).sum()
    exact = pi * (reward - pi @ reward)                    # Σ_a π(a) r(a) (e_a − π), written out
    assert np.allclose(ex.expected_estimate(theta, reward, n, leave_one_out=True), exact, atol=1e-12)
    assert np.allclose(ex.expected_estimate(theta, reward, n, leave_one_out=False), (1 - 1 / n) * exact, atol=1e-12)
