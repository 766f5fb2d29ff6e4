"""Tests for snippets/short_corridor.py: Sutton & Barto (2018), Example 13.1 and Figures 13.1/13.2.

Exact values: the 3-state Bellman linear system and its closed form. Monte Carlo checks use 4
standard errors computed here (over episodes, or over independent runs).
"""
import numpy as np
import pytest

from log_derivative import central_difference
from short_corridor import (
    BOOK_J_STAR, BOOK_P_STAR, FIG_13_2, J_STAR, P_STAR, corridor_J, corridor_values, reinforce_corridor,
)


# --- exact value ---------------------------------------------------------------------------------

@pytest.mark.parametrize("p", [0.05, 0.2, 0.5, P_STAR, 0.8, 0.95])
def test_exact_value_linear_system_matches_closed_form(p):
    v = corridor_values(p)
    assert v[0] == pytest.approx(corridor_J(p), rel=1e-12)
    # the Bellman equations, written out state by state
    assert v[0] == pytest.approx(-1 + p * v[1] + (1 - p) * v[0], rel=1e-12)
    assert v[1] == pytest.approx(-1 + p * v[0] + (1 - p) * v[2], rel=1e-12)
    assert v[2] == pytest.approx(-1 + p * 0.0 + (1 - p) * v[1], rel=1e-12)


def test_exact_value_optimum_matches_the_book():
    """p* = 2 − √2 ≈ 0.5858 and J(p*) = −(6 + 4√2) ≈ −11.657; the book: "about 0.59" and "−11.6"."""
    grid = np.linspace(0.001, 0.999, 199_601)
    J = corridor_J(grid)
    assert grid[np.argmax(J)] == pytest.approx(P_STAR, abs=1e-5)
    assert J.max() == pytest.approx(J_STAR, abs=1e-9)
    assert corridor_J(P_STAR) == pytest.approx(J_STAR, rel=1e-14)
    assert round(P_STAR, 2) == BOOK_P_STAR
    assert abs(J_STAR - BOOK_J_STAR) < 0.1                  # the book's last digit
    # dJ/dp = 0 at p*, by central differences
    assert float(central_difference(corridor_J, P_STAR, h=1e-6)) == pytest.approx(0.0, abs=1e-6)


def test_exact_value_check_fails_without_the_switch():
    """With ordinary (unswitched) actions in s2, going right always is best: no interior optimum."""
    def unswitched_J(p):
        P = np.array([[1 - p, p, 0.0], [1 - p, 0.0, p], [0.0, 1 - p, 0.0]])
        return np.linalg.solve(np.eye(3) - P, np.full(3, -1.0))[0]
    values = [unswitched_J(p) for p in np.linspace(0.05, 0.99, 50)]
    assert all(a < b for a, b in zip(values, values[1:]))
    assert unswitched_J(P_STAR) != pytest.approx(corridor_J(P_STAR), abs=1.0)


@pytest.mark.parametrize("p", [0.2, P_STAR, 0.8])
def test_exact_value_matches_simulated_episodes(p):
    """With α = 0 nothing is learned: G_0 of the episodes are samples of J(p)."""
    G0 = reinforce_corridor(0.0, 40, 100, np.random.default_rng(5), p0=p, epsilon=0.0).ravel()
    se = G0.std(ddof=1) / np.sqrt(len(G0))
    assert G0.mean() == pytest.approx(corridor_J(p), abs=4 * se)
    assert abs(G0.mean() - corridor_J(p + 0.15)) > 4 * se   # the check has teeth: a nearby p fails


# --- REINFORCE, with and without baseline ----------------------------------------------------------

@pytest.fixture(scope="module")
def learning_runs():
    rng = np.random.default_rng(6)
    with_baseline = reinforce_corridor(FIG_13_2["alpha_theta"], 200, 30, rng, alpha_w=FIG_13_2["alpha_w"])
    without = reinforce_corridor(FIG_13_2["alpha_no_baseline"], 200, 30, rng)
    return with_baseline, without


def test_reinforce_starts_at_epsilon_greedy_left(learning_runs):
    with_baseline, _ = learning_runs
    first = with_baseline[:, 0]
    assert first.mean() == pytest.approx(corridor_J(0.05), abs=4 * first.std(ddof=1) / np.sqrt(len(first)))


def test_reinforce_with_baseline_approaches_the_optimum(learning_runs):
    with_baseline, _ = learning_runs
    late = with_baseline[:, 100:].mean(axis=1)             # one number per independent run
    se = late.std(ddof=1) / np.sqrt(len(late))
    assert late.mean() > corridor_J(0.3)                   # far above the start J(0.05) = −82.1
    assert late.mean() <= J_STAR + 4 * se                  # and no better than the optimum allows


def test_reinforce_baseline_learns_faster(learning_runs):
    """Figure 13.2: over the first 200 episodes, the baseline version collects more reward."""
    with_baseline, without = learning_runs
    a, b = with_baseline.mean(axis=1), without.mean(axis=1)
    se = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    assert a.mean() - b.mean() > 4 * se


def test_reinforce_check_fails_without_learning():
    """The learning check has teeth: with α = 0 the late episodes stay at J(0.05)."""
    G0 = reinforce_corridor(0.0, 60, 30, np.random.default_rng(7))
    late = G0[:, 30:].mean(axis=1)
    assert not late.mean() > corridor_J(0.3)
