"""Tests for snippets/policy_objectives.py (formulas E1-E5 on the policy-objectives page).

Exact values come from linear solves, truncated series, power iteration and torch autograd (checked
against central finite differences). The theorem is checked to 1e-10 with the right state
distribution and constant, and shown to fail with the wrong ones. The Monte Carlo check of E4 uses a
tolerance of 4 standard errors computed from the sample.
"""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from policy_objectives import (
    action_value,
    average_reward,
    average_value,
    central_differences,
    differential_action_value,
    discounted_visitation,
    objective_gradient,
    one_step_gradient,
    one_step_monte_carlo,
    one_step_objective,
    policy_gradient_theorem,
    policy_matrices,
    policy_torch,
    random_mdp,
    score_table_torch,
    start_value,
    state_value,
    stationary_distribution,
)

SNIPPET = Path(__file__).resolve().parent.parent / "snippets" / "policy_objectives.py"
GAMMAS = [0.5, 0.9, 0.99]
THETA_SEEDS = [1, 2, 3]
EXACT = 1e-10          # agreement expected of two exact computations in float64


def theta_for(seed, shape=(4, 2)):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


@pytest.fixture
def mdp():
    return random_mdp(n_states=4, n_actions=2, seed=0)


def max_gap(a, b):
    return (a - b).abs().max().item()


# --- mdp, policy ---------------------------------------------------------------------------------

def test_mdp_is_ergodic_with_valid_transition_rows(mdp):
    P, R = mdp
    assert torch.allclose(P.sum(dim=-1), torch.ones(4, 2, dtype=P.dtype))
    assert (P > 0).all()                          # every state reachable in one step: ergodic
    assert ((R >= 0) & (R < 1)).all()


def test_policy_score_matches_autograd_of_log_softmax():
    theta = theta_for(1)
    jac = torch.autograd.functional.jacobian(lambda th: torch.log(policy_torch(th)), theta)
    assert max_gap(score_table_torch(theta), jac) < EXACT


def test_policy_score_has_mean_zero_under_the_policy():
    theta = theta_for(2)
    mean = torch.einsum("sa,sa...->s...", policy_torch(theta), score_table_torch(theta))
    assert mean.abs().max() < EXACT
    # and can fail: weighting by the uniform distribution instead of π leaves a non-zero mean
    wrong = torch.einsum("sa,sa...->s...", torch.full((4, 2), 0.5, dtype=torch.float64), score_table_torch(theta))
    assert wrong.abs().max() > 0.1


# --- values ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("gamma", GAMMAS)
def test_values_solve_the_bellman_equation_and_match_the_series(mdp, gamma):
    P, R = mdp
    pi = policy_torch(theta_for(1))
    P_pi, r_pi = policy_matrices(P, R, pi)
    V = state_value(P, R, pi, gamma)
    assert max_gap(V, r_pi + gamma * P_pi @ V) < EXACT
    series, term = torch.zeros(4, dtype=torch.float64), r_pi.clone()
    for _ in range(4000):                          # Σ_t γ^t P_π^t r_π; tail ≤ γ^4000/(1-γ) < 1e-15
        series, term = series + term, gamma * P_pi @ term
    assert max_gap(V, series) < 1e-9
    Q = action_value(P, R, pi, gamma)
    assert max_gap((pi * Q).sum(dim=-1), V) < EXACT   # V^π(s) = Σ_a π(s, a) Q^π(s, a)


# --- state distributions -----------------------------------------------------------------------------

@pytest.mark.parametrize("gamma", GAMMAS)
def test_state_distributions_discounted_visitation_is_the_discounted_sum(mdp, gamma):
    P, R = mdp
    P_pi, _ = policy_matrices(P, R, policy_torch(theta_for(1)))
    d = discounted_visitation(P_pi, gamma, s1=2)
    series, mu = torch.zeros(4, dtype=torch.float64), torch.eye(4, dtype=torch.float64)[2]
    for t in range(4000):                          # Σ_t γ^t Pr(s_t = · | s_0 = s1)
        series, mu = series + gamma**t * mu, mu @ P_pi
    assert max_gap(d, series) < 1e-9
    assert d.sum().item() == pytest.approx(1 / (1 - gamma), abs=EXACT)


def test_state_distributions_stationary_is_invariant_and_the_long_run_limit(mdp):
    P, R = mdp
    P_pi, _ = policy_matrices(P, R, policy_torch(theta_for(3)))
    d = stationary_distribution(P_pi)
    assert max_gap(d @ P_pi, d) < EXACT
    assert d.sum().item() == pytest.approx(1.0, abs=EXACT) and (d > 0).all()
    assert max_gap(torch.linalg.matrix_power(P_pi, 500), d.expand(4, 4)) < EXACT   # every row → d
    eigvals, eigvecs = torch.linalg.eig(P_pi.T)
    v = eigvecs[:, torch.argmin((eigvals - 1).abs())].real
    assert max_gap(v / v.sum(), d) < EXACT          # the left eigenvector for eigenvalue 1


# --- objectives (E1-E3) ---------------------------------------------------------------------------------

@pytest.mark.parametrize("gamma", GAMMAS)
def test_objectives_average_value_is_average_reward_over_one_minus_gamma(mdp, gamma):
    """d V = Σ_t γ^t d P_π^t r_π = Σ_t γ^t d r_π, because d P_π = d: so J_avV = J_avR / (1 − γ)."""
    P, R = mdp
    for seed in THETA_SEEDS:
        theta = theta_for(seed)
        assert average_value(theta, P, R, gamma).item() == pytest.approx(
            average_reward(theta, P, R).item() / (1 - gamma), abs=EXACT)


def test_objectives_average_reward_is_the_long_run_mean_reward(mdp):
    P, R = mdp
    theta = theta_for(1)
    P_pi, r_pi = policy_matrices(P, R, policy_torch(theta))
    T, mu, total = 20_000, torch.eye(4, dtype=torch.float64)[0], 0.0
    for _ in range(T):                             # (1/T) Σ_t E[r_t | s_0 = 0]
        total, mu = total + mu @ r_pi, mu @ P_pi
    # the partial sums Σ_t (μ_t r_π − ρ) converge, so the Cesàro mean is off by O(1/T); 1e-3 ≫ 1/T
    assert total.item() / T == pytest.approx(average_reward(theta, P, R).item(), abs=1e-3)


def test_objectives_start_value_is_the_value_of_s1(mdp):
    P, R = mdp
    theta = theta_for(2)
    V = state_value(P, R, policy_torch(theta), 0.9)
    assert [start_value(theta, P, R, 0.9, s1).item() for s1 in range(4)] == pytest.approx(V.tolist(), abs=EXACT)


# --- differential value -----------------------------------------------------------------------------------

def test_differential_value_solves_the_average_reward_bellman_equation(mdp):
    P, R = mdp
    pi = policy_torch(theta_for(1))
    P_pi, r_pi = policy_matrices(P, R, pi)
    d = stationary_distribution(P_pi)
    rho = d @ r_pi
    Q_diff = differential_action_value(P, R, pi)
    h = (pi * Q_diff).sum(dim=-1)                   # h(s) = Σ_a π(s, a) Q̃(s, a)
    assert max_gap(h, r_pi - rho + P_pi @ h) < EXACT
    assert abs((d @ h).item()) < EXACT


def test_differential_value_is_the_limit_of_discounted_q_minus_rho_over_one_minus_gamma(mdp):
    """Q^π_γ − ρ/(1 − γ) → Q̃ as γ → 1, with an error of order 1 − γ."""
    P, R = mdp
    pi = policy_torch(theta_for(1))
    rho = average_reward(theta_for(1), P, R)
    Q_diff = differential_action_value(P, R, pi)
    gaps = [max_gap(action_value(P, R, pi, g) - rho / (1 - g), Q_diff) for g in (1 - 1e-3, 1 - 1e-4)]
    assert gaps[1] < 1e-3
    assert gaps[0] / gaps[1] == pytest.approx(10, rel=0.05)   # first order in 1 − γ


# --- exact gradient ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("which", ["J1", "J_avV", "J_avR"])
def test_objective_gradient_agrees_with_central_differences(mdp, which):
    P, R = mdp
    objective = {
        "J1": lambda th: start_value(th, P, R, 0.9, 0),
        "J_avV": lambda th: average_value(th, P, R, 0.9),
        "J_avR": lambda th: average_reward(th, P, R),
    }[which]
    theta = theta_for(1)
    # central differences: O(h²) truncation + O(ε/h) rounding ≈ 1e-10 for h = 1e-5
    assert max_gap(objective_gradient(objective, theta), central_differences(objective, theta)) < 1e-8


# --- the policy gradient theorem (E5) ----------------------------------------------------------------------

def theorem_parts(P, R, theta, gamma, s1=0):
    pi = policy_torch(theta)
    P_pi, _ = policy_matrices(P, R, pi)
    return dict(
        pi=pi,
        score=score_table_torch(theta),
        d_start=discounted_visitation(P_pi, gamma, s1),
        d_stationary=stationary_distribution(P_pi),
        Q=action_value(P, R, pi, gamma),
        Q_diff=differential_action_value(P, R, pi),
    )


@pytest.mark.parametrize("gamma", GAMMAS)
@pytest.mark.parametrize("seed", THETA_SEEDS)
def test_theorem_start_value_with_discounted_visitation(mdp, gamma, seed):
    P, R = mdp
    theta = theta_for(seed)
    p = theorem_parts(P, R, theta, gamma)
    exact = objective_gradient(lambda th: start_value(th, P, R, gamma, 0), theta)
    assert max_gap(policy_gradient_theorem(p["d_start"], p["pi"], p["score"], p["Q"]), exact) < EXACT
    # as an expectation over the normalized visitation distribution, the constant 1/(1 − γ) appears
    d_normalized = (1 - gamma) * p["d_start"]
    as_expectation = policy_gradient_theorem(d_normalized, p["pi"], p["score"], p["Q"])
    assert max_gap(as_expectation / (1 - gamma), exact) < EXACT


def test_theorem_start_value_fails_with_the_wrong_distribution_or_constant(mdp):
    P, R = mdp
    gamma, theta = 0.9, theta_for(1)
    p = theorem_parts(P, R, theta, gamma)
    exact = objective_gradient(lambda th: start_value(th, P, R, gamma, 0), theta)
    scale = exact.abs().max().item()
    stationary = policy_gradient_theorem(p["d_stationary"], p["pi"], p["score"], p["Q"])
    normalized_no_constant = policy_gradient_theorem((1 - gamma) * p["d_start"], p["pi"], p["score"], p["Q"])
    assert max_gap(stationary, exact) > 0.5 * scale
    assert max_gap(normalized_no_constant, exact) > 0.5 * scale


@pytest.mark.parametrize("seed", THETA_SEEDS)
def test_theorem_average_reward_with_stationary_distribution_and_differential_q(mdp, seed):
    P, R = mdp
    theta = theta_for(seed)
    p = theorem_parts(P, R, theta, 0.9)
    exact = objective_gradient(lambda th: average_reward(th, P, R), theta)
    assert max_gap(policy_gradient_theorem(p["d_stationary"], p["pi"], p["score"], p["Q_diff"]), exact) < EXACT


def test_theorem_average_reward_fails_with_the_wrong_distribution(mdp):
    P, R = mdp
    theta = theta_for(1)
    p = theorem_parts(P, R, theta, 0.9)
    exact = objective_gradient(lambda th: average_reward(th, P, R), theta)
    # the normalized discounted visitation from s1 = 0, the distribution that belongs to J1
    wrong = policy_gradient_theorem((1 - 0.9) * p["d_start"], p["pi"], p["score"], p["Q_diff"])
    assert max_gap(wrong, exact) > 1e6 * EXACT


def test_theorem_average_reward_with_discounted_q_is_only_approximate(mdp):
    """Stationary d with the discounted Q^π_γ is off by O(1 − γ): the usual biased 'discounted' gradient."""
    P, R = mdp
    theta = theta_for(1)
    exact = objective_gradient(lambda th: average_reward(th, P, R), theta)
    gaps = []
    for gamma in (0.9, 0.99):
        p = theorem_parts(P, R, theta, gamma)
        gaps.append(max_gap(policy_gradient_theorem(p["d_stationary"], p["pi"], p["score"], p["Q"]), exact))
    assert gaps[0] > 1e-4                          # not exact: far above rounding
    assert gaps[0] / gaps[1] == pytest.approx(10, rel=0.1)   # shrinks like 1 − γ


@pytest.mark.parametrize("gamma", GAMMAS)
def test_theorem_average_value_holds_for_one_minus_gamma_times_j_avv(mdp, gamma):
    P, R = mdp
    theta = theta_for(2)
    p = theorem_parts(P, R, theta, gamma)
    theorem = policy_gradient_theorem(p["d_stationary"], p["pi"], p["score"], p["Q_diff"])
    exact = objective_gradient(lambda th: (1 - gamma) * average_value(th, P, R, gamma), theta)
    assert max_gap(theorem, exact) < EXACT


@pytest.mark.parametrize("gamma", GAMMAS)
def test_theorem_average_value_fails_for_one_over_one_minus_gamma_as_in_the_note(mdp, gamma):
    """Meyer's eq. 11 names (1/(1 − γ)) J_avV; its gradient is 1/(1 − γ)² times the theorem's."""
    P, R = mdp
    theta = theta_for(2)
    p = theorem_parts(P, R, theta, gamma)
    Qs = {"differential": p["Q_diff"], "discounted": p["Q"]}
    as_written = objective_gradient(lambda th: average_value(th, P, R, gamma) / (1 - gamma), theta)
    for Q in Qs.values():
        theorem = policy_gradient_theorem(p["d_stationary"], p["pi"], p["score"], Q)
        assert max_gap(theorem, as_written) > 0.5 * as_written.abs().max().item()
    ratio = as_written / policy_gradient_theorem(p["d_stationary"], p["pi"], p["score"], p["Q_diff"])
    assert ratio.flatten().tolist() == pytest.approx([1 / (1 - gamma) ** 2] * 8, rel=1e-8)


# --- the one-step case (E4) ------------------------------------------------------------------------------------

@pytest.fixture
def one_step():
    P, R = random_mdp(seed=0)
    d = torch.tensor([0.1, 0.2, 0.3, 0.4], dtype=torch.float64)
    return d, R


@pytest.mark.parametrize("seed", THETA_SEEDS)
def test_one_step_gradient_by_enumeration_matches_autograd(one_step, seed):
    d, R = one_step
    theta = theta_for(seed)
    exact = objective_gradient(lambda th: one_step_objective(th, d, R), theta)
    assert max_gap(one_step_gradient(theta, d, R), exact) < EXACT


def test_one_step_is_the_start_value_with_gamma_zero_and_nothing_more(mdp, one_step):
    """E4 is J = E_{s1~d}[V(s1)] only when the episode lasts one step (γ = 0); Meyer's eq. 8 writes it for J1."""
    P, R = mdp
    d, _ = one_step
    theta = theta_for(1)
    pi = policy_torch(theta)
    assert one_step_objective(theta, d, R).item() == pytest.approx((d @ state_value(P, R, pi, 0.0)).item(), abs=EXACT)
    # with γ = 0.9, E_{s1~d}[V(s1)] is not Σ_s d(s) Σ_a π R: the later rewards count too
    assert abs(one_step_objective(theta, d, R).item() - (d @ state_value(P, R, pi, 0.9)).item()) > 1.0


@pytest.mark.parametrize("seed", THETA_SEEDS)
def test_one_step_monte_carlo_is_within_4_standard_errors(one_step, seed):
    d, R = one_step
    theta = theta_for(seed)
    estimate, se = one_step_monte_carlo(theta, d, R, 100_000, np.random.default_rng(seed))
    exact = one_step_gradient(theta, d, R)
    assert ((estimate - exact).abs() <= 4 * se).all()


def test_one_step_monte_carlo_check_fails_with_a_flipped_sign(one_step):
    d, R = one_step
    theta = theta_for(1)
    estimate, se = one_step_monte_carlo(theta, d, R, 100_000, np.random.default_rng(1))
    exact = one_step_gradient(theta, d, R)
    assert ((-estimate - exact).abs() > 4 * se).any()


def test_one_step_monte_carlo_check_fails_when_states_come_from_the_wrong_distribution(one_step):
    d, R = one_step
    theta = theta_for(1)
    reversed_d = d.flip(0)                         # sample s from (0.4, 0.3, 0.2, 0.1) instead
    estimate, se = one_step_monte_carlo(theta, reversed_d, R, 100_000, np.random.default_rng(1))
    exact = one_step_gradient(theta, d, R)
    assert ((estimate - exact).abs() > 4 * se).any()


# --- the file runs on its own -----------------------------------------------------------------------------------

def test_snippet_runs_and_prints_its_checks():
    result = subprocess.run([sys.executable, str(SNIPPET)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "does not hold" in result.stdout and "standard errors" in result.stdout


def test_finite_differences_are_exact_to_second_order_on_a_cubic():
    """Central differences of J(θ) = Σ θ³ give 3θ² up to h² (the third derivative, 6, times h²/6)."""
    from policy_objectives import central_differences

    theta = torch.tensor([[0.3, -1.2], [2.0, 0.5]], dtype=torch.float64)
    h = 1e-3
    grad = central_differences(lambda t: (t ** 3).sum(), theta, h=h)
    assert torch.allclose(grad, 3 * theta ** 2, atol=1.1 * h ** 2, rtol=0)
    assert not torch.allclose(grad, 2 * theta ** 2, atol=1e-3)   # the check can fail
