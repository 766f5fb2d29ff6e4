"""Tests for snippets/vanilla_variance.py (formula F1 on the where-the-notes-end page).

The exact gradient (autograd through the state-distribution recursion) is checked against central
finite differences and against brute-force enumeration of every trajectory. The Monte Carlo claims
(both estimators unbiased, vanilla noisier, variance growing with the horizon) use tolerances of
4 standard errors computed from the samples, and each has a test showing the check can fail.
"""
import itertools
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from log_derivative import central_difference
from policy_gradient import policy, score
from vanilla_variance import (
    episodic_mdp,
    exact_objective_and_gradient,
    horizon_sweep,
    reward_to_go_terms,
    sample_noisy_trajectories,
    summarize,
    vanilla_terms,
)

SNIPPET = Path(__file__).resolve().parent.parent / "snippets" / "vanilla_variance.py"
N = 20_000


@pytest.fixture(scope="module")
def problem():
    p0, P, R = episodic_mdp(seed=0)
    theta = np.random.default_rng(1).normal(size=(3, 2))
    return theta, p0, P, R


def draw(problem, H, seed, sparse=False, n=N):
    theta, p0, P, R = problem
    return sample_noisy_trajectories(theta, p0, P, R, H, n, np.random.default_rng([seed, H]), sparse=sparse)


def exact(problem, H, sparse=False):
    theta, p0, P, R = problem
    return exact_objective_and_gradient(theta, p0, P, R, H, sparse=sparse)


def centered_square_norms(terms):
    """‖g_i − ḡ‖² per trajectory: its mean is the total variance, its spread gives that mean a standard error."""
    flat = terms.reshape(len(terms), -1)
    return ((flat - flat.mean(axis=0)) ** 2).sum(axis=1)


# --- the episodic MDP and the exact gradient ----------------------------------------------------------

def test_episodic_mdp_has_valid_distributions(problem):
    _, p0, P, R = problem
    assert p0.sum() == pytest.approx(1.0) and np.allclose(P.sum(axis=-1), 1.0)
    assert ((R >= 0) & (R < 1)).all()


@pytest.mark.parametrize("sparse", [False, True])
def test_exact_objective_and_gradient_matches_central_differences(problem, sparse):
    theta, p0, P, R = problem
    J, grad = exact(problem, 6, sparse)
    fd = central_difference(lambda t: exact_objective_and_gradient(t, p0, P, R, 6, sparse)[0], theta, h=1e-6)
    assert np.abs(grad - fd).max() < 1e-8


def test_exact_objective_and_gradient_matches_enumeration_of_every_trajectory(problem):
    theta, p0, P, R = problem
    pi, H, J = policy(theta), 3, 0.0
    for path in itertools.product(range(3), range(2), range(3), range(2), range(3), range(2)):
        s, a = path[0::2], path[1::2]
        prob = p0[s[0]] * np.prod([pi[s[t], a[t]] for t in range(H)]) * np.prod([P[s[t], a[t], s[t + 1]] for t in range(H - 1)])
        J += prob * sum(R[s[t], a[t]] for t in range(H))         # Σ_τ p(τ) R(τ)
    assert exact(problem, H)[0] == pytest.approx(J, abs=1e-12)


# --- sampling ----------------------------------------------------------------------------------------------

def test_sample_state_frequencies_and_mean_rewards_match_the_exact_recursion(problem):
    theta, p0, P, R = problem
    states, actions, rewards = draw(problem, 5, seed=7)
    pi = policy(theta)
    P_pi, r_pi = np.einsum("sa,sat->st", pi, P), (pi * R).sum(axis=1)
    mu = p0
    for t in range(5):
        freq = np.bincount(states[:, t], minlength=3) / N
        assert np.all(np.abs(freq - mu) <= 4 * np.sqrt(mu * (1 - mu) / N))
        se = rewards[:, t].std(ddof=1) / np.sqrt(N)
        assert rewards[:, t].mean() == pytest.approx(mu @ r_pi, abs=4 * se)
        mu = mu @ P_pi


# --- the two estimators ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("H", [1, 4, 16])
@pytest.mark.parametrize("estimator", [vanilla_terms, reward_to_go_terms])
def test_estimators_are_unbiased_within_4_standard_errors(problem, H, estimator):
    theta = problem[0]
    mean, se, _ = summarize(estimator(theta, *draw(problem, H, seed=3)))
    assert np.all(np.abs(mean - exact(problem, H)[1]) <= 4 * se)


def test_estimators_check_fails_with_a_flipped_sign(problem):
    theta = problem[0]
    mean, se, _ = summarize(vanilla_terms(theta, *draw(problem, 8, seed=3)))
    assert np.any(np.abs(-mean - exact(problem, 8)[1]) > 4 * se)


def past_reward_terms(theta, states, actions, rewards, include_now=False):
    """Σ_t ∇ log π(a_t|s_t) Σ_{t' < t} r_{t'}: the part of the vanilla estimator that reward-to-go drops."""
    past = np.cumsum(rewards, axis=1) - (0 if include_now else rewards)
    return np.einsum("nt,ntkl->nkl", past, score(theta, states, actions))


def test_estimators_dropped_past_rewards_have_mean_zero(problem):
    """E[∇ log π(a_t|s_t) r_{t'}] = 0 for t' < t: why dropping them keeps reward-to-go unbiased."""
    mean, se, _ = summarize(past_reward_terms(problem[0], *draw(problem, 8, seed=3)))
    assert np.all(np.abs(mean) <= 4 * se)


def test_estimators_zero_mean_check_fails_once_the_current_reward_is_included(problem):
    """r_t depends on a_t, so Σ_{t' ≤ t} is not zero-mean: the check above has teeth."""
    mean, se, _ = summarize(past_reward_terms(problem[0], *draw(problem, 8, seed=3), include_now=True))
    assert np.any(np.abs(mean) > 4 * se)


def test_estimators_agree_for_one_step_and_for_a_reward_paid_at_the_end(problem):
    theta = problem[0]
    one_step = draw(problem, 1, seed=5)
    assert np.array_equal(vanilla_terms(theta, *one_step), reward_to_go_terms(theta, *one_step))
    sparse = draw(problem, 16, seed=5, sparse=True)
    assert np.allclose(vanilla_terms(theta, *sparse), reward_to_go_terms(theta, *sparse), atol=1e-12)


# --- variance ------------------------------------------------------------------------------------------------------

def test_variance_summarize_total_is_the_trace_of_the_covariance(problem):
    terms = vanilla_terms(problem[0], *draw(problem, 4, seed=9, n=2_000))
    flat = terms.reshape(len(terms), -1)
    mean, se, total = summarize(terms)
    assert total == pytest.approx(np.trace(np.cov(flat, rowvar=False)), rel=1e-12)
    assert np.allclose(se.reshape(-1) ** 2 * len(terms), np.diag(np.cov(flat, rowvar=False)))


@pytest.mark.parametrize("H", [2, 8, 32])
def test_variance_of_vanilla_exceeds_reward_to_go_on_the_same_samples(problem, H):
    theta = problem[0]
    samples = draw(problem, H, seed=11)
    diff = centered_square_norms(vanilla_terms(theta, *samples)) - centered_square_norms(reward_to_go_terms(theta, *samples))
    assert diff.mean() > 4 * diff.std(ddof=1) / np.sqrt(len(diff))   # Var_vanilla − Var_rtg > 0 by 4 se


def test_variance_comparison_fails_when_rewards_are_paid_only_at_the_end(problem):
    """With one terminal reward, R̂_t = R(τ) at every t: nothing to drop, and the check above cannot pass."""
    theta = problem[0]
    samples = draw(problem, 8, seed=11, sparse=True)
    diff = centered_square_norms(vanilla_terms(theta, *samples)) - centered_square_norms(reward_to_go_terms(theta, *samples))
    assert not diff.mean() > 4 * diff.std(ddof=1) / np.sqrt(len(diff))


def test_variance_grows_with_the_horizon_faster_than_its_square(problem):
    theta = problem[0]
    totals = {}
    for H in (8, 16, 32):
        sq = centered_square_norms(vanilla_terms(theta, *draw(problem, H, seed=13)))
        totals[H] = (sq.mean(), sq.std(ddof=1) / np.sqrt(len(sq)))      # total variance and its se
    for small, big in [(8, 16), (16, 32)]:
        (v_small, se_small), (v_big, se_big) = totals[small], totals[big]
        growth = (big / small) ** 2                                   # what Var ∝ H² would give
        assert v_big - growth * v_small > 4 * np.hypot(se_big, growth * se_small)   # independent samples


def test_horizon_sweep_rows_are_unbiased_and_ordered(problem):
    theta, p0, P, R = problem
    rows = horizon_sweep(theta, p0, P, R, horizons=[1, 4, 16], n=N, seed=0)
    for row in rows:
        assert row["vanilla_max_z"] <= 4 and row["reward_to_go_max_z"] <= 4
        assert row["grad_norm"] == pytest.approx(np.linalg.norm(exact(problem, row["H"])[1]))
    assert rows[0]["vanilla"] == pytest.approx(rows[0]["reward_to_go"])       # H = 1: the same estimator
    assert [r["vanilla"] for r in rows] == sorted(r["vanilla"] for r in rows)


def test_snippet_runs_and_prints_its_table():
    result = subprocess.run([sys.executable, str(SNIPPET)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "sparse reward" in result.stdout and len(result.stdout.splitlines()) == 8
