"""The off-policy page's exercises: the reference solution passes its checker, typical wrong answers
fail with the message that names their mistake, in both languages, and the derivations hold on the
small MDP against exact values (snippets/exercises/off_policy.py)."""
import math

import numpy as np
import pytest

from exercises import off_policy as ex
from off_policy import older_policies
from policy_gradient import (all_trajectories, exact_gradient, exact_objective, policy, score, small_mdp,
                             trajectory_log_prob)
from exercise_pages import verdict

THETA = np.array([[0.3, -0.2], [0.0, 0.5], [-0.4, 0.1]])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_per_decision_estimate_solution_passes(lang):
    passed, said = verdict(ex.check_per_decision_estimate, ex.per_decision_estimate, lang)
    assert passed, said


def _weighted(weights_of, scale=1.0, grad_p=False):
    """An estimate Σ_t ∇log π(a_t|s_t) w_t / n whose weights w come from one typical mistake."""
    def estimate(theta, theta_old, states, actions, rewards):
        step_ratio = policy(theta)[states, actions] / policy(theta_old)[states, actions]   # (n, T+1)
        w = weights_of(np.cumprod(step_ratio, axis=1), rewards)
        scores = score(theta, states, actions)
        if grad_p:
            scores = scores * policy(theta)[states, actions][:, :, None, None]
        return scale * np.einsum("nt,ntpb->pb", w, scores) / len(states)
    return estimate


def _to_go(x):
    return np.cumsum(x[:, ::-1], axis=1)[:, ::-1]


WRONG_ESTIMATES = {
    "no weights": (_weighted(lambda rho, r: _to_go(r)), {"en": "no importance weights", "zh": "没有乘重要性权重"}),
    "whole ratio": (_weighted(lambda rho, r: rho[:, -1:] * _to_go(r)), {"en": "the whole trajectory's ratio", "zh": "整条轨迹的比率"}),
    "ratio up to t": (_weighted(lambda rho, r: rho * _to_go(r)), {"en": "the ratios up to step t", "zh": "比率只乘到第 t 步"}),
    "upside down": (_weighted(lambda rho, r: _to_go(r / rho)), {"en": "upside down", "zh": "比率倒过来了"}),
    "past": (_weighted(lambda rho, r: np.cumsum(rho * r, axis=1)), {"en": "summed over the past", "zh": "加的是过去的"}),
    "grad of p": (_weighted(lambda rho, r: _to_go(rho * r), grad_p=True), {"en": "∇p used where ∇log p belongs", "zh": "把 ∇p 当成了 ∇log p"}),
    "sum": (lambda *a: len(a[2]) * ex.per_decision_estimate(*a), {"en": "a missing 1/n", "zh": "少了 1/n"}),
    "sign": (_weighted(lambda rho, r: _to_go(rho * r), scale=-1.0), {"en": "a sign flip", "zh": "符号反了"}),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("mistake", sorted(WRONG_ESTIMATES))
def test_per_decision_estimate_mistakes_are_named(mistake, lang):
    answer, message = WRONG_ESTIMATES[mistake]
    passed, said = verdict(ex.check_per_decision_estimate, answer, lang)
    assert not passed and message[lang] in said, said


def _mean_over_old_trajectories(estimate, theta, theta_old, mdp):
    """E_{τ ~ πθ_old}[estimate from the single trajectory τ], summed over all 216 trajectories."""
    states, actions = all_trajectories(mdp)
    p_old = np.exp(trajectory_log_prob(theta_old, mdp, states, actions))
    rewards = mdp.r[states, actions]
    return sum(p * estimate(theta, theta_old, s[None], a[None], r[None])
               for p, s, a, r in zip(p_old, states, actions, rewards))


@pytest.mark.parametrize("step", [0.5, 2.0])
def test_per_decision_estimate_is_unbiased_on_old_trajectories(step):
    mdp = small_mdp()
    (theta_old,) = older_policies(THETA, mdp, [step])
    mean = _mean_over_old_trajectories(ex.per_decision_estimate, THETA, theta_old, mdp)
    assert np.abs(mean - exact_gradient(THETA, mdp)).max() < 1e-12
    # the ratios only up to step t are not enough: the check has teeth
    wrong = _mean_over_old_trajectories(WRONG_ESTIMATES["ratio up to t"][0], THETA, theta_old, mdp)
    assert np.abs(wrong - exact_gradient(THETA, mdp)).max() > 0.01


def test_ratio_moments_numbers_on_the_page():
    p, q = 0.6, 0.5
    second = p**2 / q + (1 - p) ** 2 / (1 - q)
    kl = p * math.log(p / q) + (1 - p) * math.log((1 - p) / (1 - q))
    assert second == pytest.approx(1.04)
    assert round(kl, 4) == 0.0201 and round(math.exp(kl), 3) == 1.020 and math.exp(kl) <= second
    assert round(second**100, 1) == 50.5 and round(100 * kl, 2) == 2.01 and round(math.exp(100 * kl), 1) == 7.5


def test_surrogate_objective_agrees_with_j_to_first_order():
    mdp = small_mdp()
    assert abs(ex.surrogate(THETA, THETA, mdp)) < 1e-14
    bumps = np.eye(THETA.size).reshape(-1, *THETA.shape) * 1e-6
    grad_L = np.array([ex.surrogate(THETA + b, THETA, mdp) - ex.surrogate(THETA - b, THETA, mdp)
                       for b in bumps]).reshape(THETA.shape) / 2e-6
    assert np.abs(grad_L - exact_gradient(THETA, mdp)).max() < 1e-8
    direction = np.random.default_rng(0).normal(size=THETA.shape)
    direction /= np.linalg.norm(direction)
    ratios = []
    for eps in (0.2, 0.1, 0.05):
        theta = THETA + eps * direction
        gain = exact_objective(theta, mdp) - exact_objective(THETA, mdp)
        assert ex.improvement(theta, THETA, mdp) == pytest.approx(gain, abs=1e-14)   # performance difference
        ratios.append((gain - ex.surrogate(theta, THETA, mdp)) / eps**2)
    # second order: gap/ε² settles to a non-zero constant as ε halves
    assert abs(ratios[-1]) > 1e-3 and abs(ratios[-1] - ratios[-2]) < 0.1 * abs(ratios[-1])


def test_surrogate_objective_is_not_the_improvement_with_the_new_states():
    """The surrogate uses the old policy's states; with the new policy's it would be exact. The two
    differ away from θ_old: the check above is not trivially true."""
    mdp = small_mdp()
    theta = THETA + 0.8 * np.random.default_rng(0).normal(size=THETA.shape)
    assert abs(ex.surrogate(theta, THETA, mdp) - ex.improvement(theta, THETA, mdp)) > 1e-3
