"""Tests for snippets/advantage.py: formulas H1-H4 of the advantage-and-critic page.

Exact values come from the backward induction of policy_gradient.py (`values`), from the product-rule
gradient (`exact_gradient`), from central finite differences of the exact J, and from listing all 216
trajectories of the small MDP. Monte Carlo checks use 4 standard errors. Each claim also has a test
that shows the check failing for a plausible mistake.
"""
import re

import numpy as np
import pytest

from advantage import (advantage, conditional_mean, expected_reward_to_go, gae, gae_moments,
                       state_visits, td_errors, theorem_gradient)
from conftest import ROOT
from log_derivative import central_difference
from policy_gradient import (all_trajectories, exact_gradient, exact_objective, policy,
                             sample_trajectories, score, small_mdp, trajectory_log_prob, values)

MDP = small_mdp()
THETAS = {
    "uniform": np.zeros((3, 2)),
    "skewed": np.array([[0.3, -0.2], [0.0, 0.5], [-0.4, 0.1]]),
    "random": np.random.default_rng(7).normal(scale=1.0, size=(3, 2)),
}
SKEWED = THETAS["skewed"]   # the θ the page and `python snippets/advantage.py` use
EXACT = 1e-12


def per_step(mdp, f):
    """f(rewards, states) applied to every trajectory: (K, T+1)."""
    states, actions = all_trajectories(mdp)
    return np.array([f(r, s) for r, s in zip(mdp.r[states, actions], states)])


# --- H1: REINFORCE's weight has mean Q ------------------------------------------------------

@pytest.mark.parametrize("name", list(THETAS))
def test_expected_reward_to_go_is_the_action_value(name):
    theta = THETAS[name]
    Q = values(theta, MDP)[1]
    assert np.abs(expected_reward_to_go(theta, MDP) - Q).max() < EXACT


def test_expected_reward_to_go_check_fails_for_the_whole_return():
    """The whole return R(τ) also counts the rewards before t: its conditional mean is not Q_t."""
    Q = values(SKEWED, MDP)[1]
    whole = per_step(MDP, lambda r, s: np.full(len(r), r.sum()))
    assert np.abs(conditional_mean(SKEWED, MDP, whole)[0] - Q[0]).max() < EXACT   # same at t = 0
    assert np.abs(conditional_mean(SKEWED, MDP, whole)[1:] - Q[1:]).max() > 0.1


def test_expected_reward_to_go_is_what_sampled_episodes_average():
    """What REINFORCE sees: the average R̂_t over sampled episodes in each cell (t, s, a), within 4 se."""
    states, actions, rewards = sample_trajectories(SKEWED, MDP, 20_000, np.random.default_rng(3))
    to_go = np.cumsum(rewards[:, ::-1], axis=1)[:, ::-1]
    Q = values(SKEWED, MDP)[1]
    for t in range(MDP.T + 1):
        for s in range(3):
            for a in range(2):
                cell = to_go[(states[:, t] == s) & (actions[:, t] == a), t]
                se = cell.std(ddof=1) / np.sqrt(len(cell))
                assert abs(cell.mean() - Q[t, s, a]) < 4 * se + EXACT, (t, s, a)


# --- the finite-horizon theorem ---------------------------------------------------------------

@pytest.mark.parametrize("name", list(THETAS))
def test_state_visits_match_the_enumeration(name):
    theta = THETAS[name]
    states, actions = all_trajectories(MDP)
    prob = np.exp(trajectory_log_prob(theta, MDP, states, actions))
    listed = np.array([[prob[states[:, t] == s].sum() for s in range(3)] for t in range(MDP.T + 1)])
    assert np.abs(state_visits(theta, MDP) - listed).max() < EXACT


def test_state_visits_check_fails_with_the_uniform_policy():
    uniform = state_visits(np.zeros((3, 2)), MDP)
    assert np.abs(state_visits(SKEWED, MDP) - uniform).max() > 0.01


@pytest.mark.parametrize("name", list(THETAS))
def test_theorem_gradient_with_q_is_the_exact_gradient(name):
    theta = THETAS[name]
    by_theorem = theorem_gradient(theta, MDP, values(theta, MDP)[1])
    assert np.abs(by_theorem - exact_gradient(theta, MDP)).max() < EXACT
    by_differences = central_difference(lambda th: exact_objective(th, MDP), theta)
    assert np.abs(by_theorem - by_differences).max() < 1e-8


def test_theorem_gradient_fails_with_the_immediate_reward():
    """Weighting each score by r(s, a) alone, the one-step formula (E4), misses what a_t does later."""
    immediate = np.broadcast_to(MDP.r, (MDP.T + 1, 3, 2))
    assert np.abs(theorem_gradient(SKEWED, MDP, immediate) - exact_gradient(SKEWED, MDP)).max() > 0.05


# --- H2: the advantage ------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(THETAS))
def test_advantage_has_mean_zero_under_the_policy(name):
    theta = THETAS[name]
    assert np.abs((policy(theta) * advantage(theta, MDP)).sum(axis=2)).max() < EXACT


@pytest.mark.parametrize("name", list(THETAS))
def test_advantage_gives_the_same_gradient_as_q(name):
    theta = THETAS[name]
    assert np.abs(theorem_gradient(theta, MDP, advantage(theta, MDP)) - exact_gradient(theta, MDP)).max() < EXACT


def test_advantage_check_fails_for_a_uniform_average_and_an_action_dependent_shift():
    A = advantage(SKEWED, MDP)
    assert np.abs(A.mean(axis=2)).max() > 0.05          # mean zero under π, not under the uniform policy
    shifted = A + np.array([0.0, 1.0])                   # a "baseline" that depends on the action
    assert np.abs(theorem_gradient(SKEWED, MDP, shifted) - exact_gradient(SKEWED, MDP)).max() > 0.05


# --- H3: the TD error -------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(THETAS))
def test_td_error_has_mean_the_advantage(name):
    theta = THETAS[name]
    V = values(theta, MDP)[0]
    deltas = per_step(MDP, lambda r, s: td_errors(r, s, V))
    assert np.abs(conditional_mean(theta, MDP, deltas) - advantage(theta, MDP)).max() < EXACT


def test_td_error_check_fails_with_a_stale_critic():
    stale = values(np.zeros((3, 2)), MDP)[0]
    deltas = per_step(MDP, lambda r, s: td_errors(r, s, stale))
    assert np.abs(conditional_mean(SKEWED, MDP, deltas) - advantage(SKEWED, MDP)).max() > 0.05


def test_td_error_by_hand():
    critic = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])
    # δ_0 = r_0 + γ v_1(s_1) − v_0(s_0), …, δ_2 = r_2 − v_2(s_2)
    got = td_errors(np.array([1.0, 0.0, 2.0]), np.array([0, 2, 1]), critic, gamma=0.5)
    assert np.allclose(got, [1 + 0.5 * 6 - 1, 0 + 0.5 * 8 - 6, 2 - 8])


# --- H4: GAE ----------------------------------------------------------------------------------

CRITICS = {"exact": values(SKEWED, MDP)[0], "stale": values(np.zeros((3, 2)), MDP)[0],
           "random": np.random.default_rng(11).normal(size=(3, 3))}


@pytest.mark.parametrize("critic", list(CRITICS))
@pytest.mark.parametrize("gamma", [1.0, 0.9])
def test_gae_at_the_two_ends(critic, gamma):
    """λ = 0 is the TD error; λ = 1 is the discounted reward-to-go minus the critic, for any critic."""
    v = CRITICS[critic]
    all_states, all_actions = all_trajectories(MDP)
    for rewards, states in zip(MDP.r[all_states, all_actions], all_states):
        assert np.allclose(gae(rewards, states, v, gamma, 0.0), td_errors(rewards, states, v, gamma), atol=EXACT)
        discounted_to_go = [sum(gamma ** (k - t) * rewards[k] for k in range(t, len(rewards)))
                            for t in range(len(rewards))]
        monte_carlo = np.array(discounted_to_go) - v[np.arange(len(states)), states]
        assert np.allclose(gae(rewards, states, v, gamma, 1.0), monte_carlo, atol=EXACT)


def test_gae_is_the_weighted_sum_of_td_errors():
    """The backward recursion equals the sum Σ_l (γλ)^l δ_{t+l} written out."""
    rewards, states, v = np.array([1.0, -0.5, 2.0]), np.array([2, 0, 1]), CRITICS["random"]
    gamma, lam = 0.9, 0.7
    delta = td_errors(rewards, states, v, gamma)
    by_sum = [sum((gamma * lam) ** (k - t) * delta[k] for k in range(t, 3)) for t in range(3)]
    assert np.allclose(gae(rewards, states, v, gamma, lam), by_sum, atol=EXACT)
    undecayed = [delta[t:].sum() for t in range(3)]                      # λ forgotten: fails
    assert not np.allclose(gae(rewards, states, v, gamma, lam), undecayed, atol=1e-3)


@pytest.mark.parametrize("lam", [0.0, 0.5, 0.9, 1.0])
def test_gae_moments_unbiased_with_the_exact_critic(lam):
    mean, _ = gae_moments(SKEWED, MDP, CRITICS["exact"], lam)
    assert np.abs(mean - exact_gradient(SKEWED, MDP)).max() < EXACT


@pytest.mark.parametrize("critic", list(CRITICS))
def test_gae_moments_unbiased_at_lambda_one_with_any_critic(critic):
    mean, _ = gae_moments(SKEWED, MDP, CRITICS[critic], 1.0)
    assert np.abs(mean - exact_gradient(SKEWED, MDP)).max() < EXACT


@pytest.mark.parametrize("lam", [0.0, 0.5, 0.9])
def test_gae_moments_biased_below_lambda_one_with_a_wrong_critic(lam):
    for name in ("stale", "random"):
        mean, _ = gae_moments(SKEWED, MDP, CRITICS[name], lam)
        assert np.abs(mean - exact_gradient(SKEWED, MDP)).max() > 1e-3, name


def test_gae_moments_variance_matches_sampled_episodes():
    """The exact variance is what the spread of sampled estimates shows (within 10%, n = 20 000)."""
    states, actions, rewards = sample_trajectories(SKEWED, MDP, 20_000, np.random.default_rng(5))
    adv = np.array([gae(r, s, CRITICS["exact"], 1.0, 0.5) for r, s in zip(rewards, states)])
    g = np.einsum("kt,ktpb->kpb", adv, score(SKEWED, states, actions))
    _, exact_var = gae_moments(SKEWED, MDP, CRITICS["exact"], 0.5)
    assert abs(g.var(axis=0, ddof=1).sum() / exact_var - 1) < 0.1


# The table on the page: one row per critic, the variance and the relative bias for λ = 0, 0.5, 1.
TABLE_CRITICS = {"none": np.zeros((3, 3)), "stale": CRITICS["stale"], "exact": CRITICS["exact"]}
CELL = r"\s*([\d.]+)<br>\((\d+)%\)\s*\|"   # "0.583<br>(8%)": the variance, and the bias below it
ROW = re.compile(r"^\|[^|\n]*\|" + 3 * CELL + "$", re.M)


def table_rows():
    grad = exact_gradient(SKEWED, MDP)
    rows = []
    for critic in TABLE_CRITICS.values():
        row = []
        for lam in (0.0, 0.5, 1.0):
            mean, var = gae_moments(SKEWED, MDP, critic, lam)
            row += [f"{var:.3f}", f"{100 * np.linalg.norm(mean - grad) / np.linalg.norm(grad):.0f}"]
        rows.append(tuple(row))
    return rows


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_gae_moments_table_on_the_page_is_what_the_code_computes(lang):
    text = (ROOT / "docs" / lang / "advantage-and-critic.md").read_text(encoding="utf-8")
    assert ROW.findall(text) == table_rows()


def test_gae_moments_table_check_fails_for_a_changed_number():
    text = (ROOT / "docs" / "en" / "advantage-and-critic.md").read_text(encoding="utf-8")
    first = ROW.search(text)
    changed = text[:first.start(1)] + "9.999" + text[first.end(1):]
    assert ROW.findall(changed) != table_rows()
