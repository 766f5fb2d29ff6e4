"""The short-corridor page's exercises: the reference solution passes its checker, typical wrong answers
fail with the message that names their mistake, in both languages, and the derivations' code agrees
with exact values (snippets/exercises/short_corridor.py)."""

import numpy as np
import pytest
import torch

from exercises import short_corridor as ex
from exercise_pages import verdict


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_corridor_reinforce_gradient_solution_passes(lang):
    assert verdict(ex.check_corridor_reinforce_gradient, ex.corridor_reinforce_gradient, lang)[0]


def _weighted(weight):
    """Σ_t weight(t, T, γ) ∇θ log π(A_t): the solution's loop with another weight per step."""
    def estimate(went_right, p, gamma):
        T = len(went_right)
        scores = np.where(np.asarray(went_right)[:, None], [1 - p, p - 1], [-p, p])
        return sum(weight(t, T, gamma) * scores[t] for t in range(T))
    return estimate


def _G(n, gamma):
    """−(1 + γ + … + γ^(n−1)): the return of n steps of reward −1."""
    return -sum(gamma**k for k in range(n))


def _grad_pi(went_right, p, gamma):
    """Each term multiplied by π(A_t)."""
    terms = [(p if right else 1 - p) * _weighted(lambda t_, T, g, t=t: g**t * _G(T - t, g) * (t_ == t))(went_right, p, gamma)
             for t, right in enumerate(went_right)]
    return np.sum(terms, axis=0)


WRONG_GRADIENTS = {
    "past": (_weighted(lambda t, T, g: g**t * _G(t + 1, g)),
             {"en": "reward-to-go summed over the past instead of the future", "zh": "对过去求和，而不是对未来"}),
    "whole return": (_weighted(lambda t, T, g: g**t * _G(T, g)), {"en": "G_0, at every step", "zh": "整个回合的回报 G_0"}),
    "no gamma^t": (_weighted(lambda t, T, g: _G(T - t, g)), {"en": "the factor γ^t is missing", "zh": "漏掉了因子 γ^t"}),
    "sign": (lambda *a: -ex.corridor_reinforce_gradient(*a), {"en": "a sign flip", "zh": "符号反了"}),
    "grad of pi": (_grad_pi, {"en": "∇π used where ∇log π belongs", "zh": "把 ∇π 当成了 ∇log π"}),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("mistake", sorted(WRONG_GRADIENTS))
def test_corridor_reinforce_gradient_mistakes_are_named(mistake, lang):
    answer, message = WRONG_GRADIENTS[mistake]
    passed, said = verdict(ex.check_corridor_reinforce_gradient, answer, lang)
    assert not passed and message[lang] in said, said


def _exact_on_the_first_episodes(then):
    """Exact on the four single episodes the checker shows, then `then` on every later call."""
    calls = []

    def answer(went_right, p, gamma):
        calls.append(1)
        return (ex.corridor_reinforce_gradient if len(calls) <= 4 else then)(went_right, p, gamma)
    return answer


SAMPLED_MISTAKES = {
    "biased": (lambda *a: ex.corridor_reinforce_gradient(*a) + np.array([0.5, -0.5]), {"en": "expected", "zh": "应为"}),
    "no gamma^t": (_weighted(lambda t, T, g: _G(T - t, g)), {"en": "the factor γ^t is missing", "zh": "漏掉了因子 γ^t"}),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("mistake", sorted(SAMPLED_MISTAKES))
def test_the_mean_over_episodes_is_checked_on_its_own(mistake, lang):
    """An answer right on the single episodes but wrong on average fails the last check."""
    then, message = SAMPLED_MISTAKES[mistake]
    passed, said = verdict(ex.check_corridor_reinforce_gradient, _exact_on_the_first_episodes(then), lang)
    failed = said.splitlines()[-2]
    assert not passed and {"en": "4000 episodes", "zh": "4000 个回合"}[lang] in failed and message[lang] in failed, said


@pytest.mark.parametrize("p", [0.1, 0.3, 2 - np.sqrt(2), 0.9])
def test_bellman_values_match_the_closed_forms(p):
    assert ex.corridor_values_switchable(p) == pytest.approx(np.array([2 * p - 4, p - 3, 3 * p - 3]) / (p * (1 - p)))
    assert ex.corridor_values_switchable(p, switched=False)[0] == pytest.approx(-(1 + 2 * p**2) / p**3)


@pytest.mark.parametrize("p", [0.05, 0.3, 2 - np.sqrt(2), 0.9])
def test_gradient_in_preferences_matches_autograd(p):
    theta = torch.tensor([0.7, 0.7 - np.log(p / (1 - p))], dtype=torch.float64, requires_grad=True)
    q = torch.softmax(theta, dim=0)[0]
    ((2 * q - 4) / (q * (1 - q))).backward()
    assert ex.gradient_in_preferences(p) == pytest.approx(theta.grad.numpy(), abs=1e-9)


@pytest.mark.parametrize("p, gamma", [(0.4, 0.9), (0.6, 0.5), (0.3, 1.0)])
def test_expected_update_with_gamma_t_is_the_gradient_of_the_discounted_value(p, gamma):
    h = 1e-6
    slope = (ex.expected_updates(p + h, gamma)[0] - ex.expected_updates(p - h, gamma)[0]) / (2 * h)
    _, with_factor, without_factor = ex.expected_updates(p, gamma)
    assert with_factor == pytest.approx(slope * p * (1 - p) * np.array([1, -1]), rel=1e-6)
    if gamma < 1:
        assert not np.allclose(without_factor, with_factor, rtol=0.05)
    else:
        assert without_factor == pytest.approx(with_factor)


def test_without_gamma_t_the_update_stops_away_from_the_optimum():
    gamma = 0.5
    best = ex.zero_between(lambda p: ex.expected_updates(p, gamma)[1][0], 0.1, 0.9)
    stops = ex.zero_between(lambda p: ex.expected_updates(p, gamma)[2][0], 0.1, 0.9)
    grid = np.linspace(0.1, 0.9, 8001)
    assert best == pytest.approx(grid[np.argmax([ex.expected_updates(p, gamma)[0] for p in grid])], abs=2e-4)
    assert round(best, 3) == 0.631 and round(stops, 3) == 0.697
