"""Tests for snippets/variance_reduction.py: every estimator against the exact gradient of a small MDP.

Exact values come from enumerating all 512 trajectories of the 2-state, 2-action, 5-step problem.
Monte Carlo checks use 4 standard errors of the estimate, computed here from the samples.
"""
import numpy as np
import pytest

from log_derivative import central_difference, policy_in_state, policy_score
from variance_reduction import (
    HORIZON, N_ACTIONS, N_STATES, P_SMALL, R_SMALL, THETA_SMALL,
    baseline_estimate, discounted_estimate, enumerate_trajectories, enumerated_objective_and_gradient,
    exact_moments, exact_state_value, fit_state_value, optimal_constant_baseline, reward_to_go_estimate,
    sample_batch, sample_trajectory, value_baseline_estimate, vanilla_estimate,
)

J_EXACT, GRAD_EXACT = enumerated_objective_and_gradient(THETA_SMALL, P_SMALL, R_SMALL, HORIZON)
N = 3000


@pytest.fixture(scope="module")
def batch():
    return sample_batch(N, np.random.default_rng(1))


@pytest.fixture(scope="module")
def pilot():
    """An independent batch for anything fitted (baselines), so the estimator stays unbiased."""
    return sample_batch(1000, np.random.default_rng(2))


def mc(estimator, trajectories):
    """Per-component mean and standard error of estimator(states, scores, rewards) over the batch."""
    G = np.array([estimator(*traj) for traj in trajectories])
    return G.mean(axis=0), G.std(axis=0, ddof=1) / np.sqrt(len(G))


def exact_law():
    """(probabilities, trajectory scores g (n, d), returns R (n,)) of every trajectory."""
    rows = list(enumerate_trajectories(THETA_SMALL, P_SMALL, R_SMALL, HORIZON))
    prob = np.array([p for p, *_ in rows])
    g = np.array([scores.sum(axis=0) for _, _, scores, _ in rows])
    R = np.array([rewards.sum() for *_, rewards in rows])
    return prob, g, R


def exact_b_star():
    prob, g, R = exact_law()
    return (prob[:, None] * g**2 * R[:, None]).sum(0) / (prob[:, None] * g**2).sum(0)


# --- the small problem itself -------------------------------------------------------------------

def test_enumeration_is_a_distribution():
    prob, _, _ = exact_law()
    assert len(prob) == N_ACTIONS**HORIZON * N_STATES ** (HORIZON - 1)
    assert prob.sum() == pytest.approx(1.0, abs=1e-12)


def test_enumeration_gradient_matches_finite_differences():
    fd = central_difference(lambda t: enumerated_objective_and_gradient(t, P_SMALL, R_SMALL, HORIZON)[0], THETA_SMALL, h=1e-6)
    np.testing.assert_allclose(GRAD_EXACT, fd.ravel(), atol=1e-7)


def test_sample_scores_are_the_gradient_of_log_pi_at_each_step():
    states, scores, _ = sample_trajectory(THETA_SMALL, P_SMALL, R_SMALL, HORIZON, np.random.default_rng(4))
    for s, g in zip(states, scores):
        a = np.argmax(g.reshape(N_STATES, N_ACTIONS)[s])   # the taken action: its entry e_a − π is the positive one
        grad_log_pi = [central_difference(lambda t: np.log(policy_in_state(t, s)[b]), THETA_SMALL, h=1e-6).ravel()
                       for b in range(N_ACTIONS)]
        np.testing.assert_allclose(g, grad_log_pi[a], atol=1e-8)
        assert np.abs(g - grad_log_pi[1 - a]).max() > 0.1   # the other action's score: the check can fail


def test_sample_return_matches_exact_value(batch):
    R = np.array([rewards.sum() for *_, rewards in batch])
    assert R.mean() == pytest.approx(J_EXACT, abs=4 * R.std(ddof=1) / np.sqrt(len(R)))


# --- vanilla and reward-to-go -------------------------------------------------------------------

def test_vanilla_is_unbiased(batch):
    mean, _ = exact_moments(lambda s, g, r: vanilla_estimate(g, r))
    np.testing.assert_allclose(mean, GRAD_EXACT, atol=1e-12)
    est, se = mc(lambda s, g, r: vanilla_estimate(g, r), batch)
    assert np.all(np.abs(est - GRAD_EXACT) <= 4 * se)


def test_reward_to_go_is_unbiased(batch):
    mean, var = exact_moments(lambda s, g, r: reward_to_go_estimate(g, r))
    np.testing.assert_allclose(mean, GRAD_EXACT, atol=1e-12)
    est, se = mc(lambda s, g, r: reward_to_go_estimate(g, r), batch)
    assert np.all(np.abs(est - GRAD_EXACT) <= 4 * se)
    _, var_vanilla = exact_moments(lambda s, g, r: vanilla_estimate(g, r))
    assert np.all(var < var_vanilla)                      # and it has lower variance here


def test_reward_to_go_fails_when_the_current_reward_is_dropped(batch):
    """Causality stops at t: a_t does affect r_t, so weighting by Σ_{t' > t} r_{t'} is biased."""
    def strictly_future(s, g, r):
        return reward_to_go_estimate(g, r) - (g * r[:, None]).sum(axis=0)
    mean, _ = exact_moments(strictly_future)
    assert np.max(np.abs(mean - GRAD_EXACT)) > 0.05
    est, se = mc(strictly_future, batch)
    assert np.any(np.abs(est - GRAD_EXACT) > 4 * se)


# --- baselines ----------------------------------------------------------------------------------

def test_baseline_score_has_zero_mean():
    """E_{a~πθ(·|s)}[∇θ log πθ(a|s) b(s)] = Σ_a ∇θ πθ(a|s) b(s) = b(s) ∇θ 1 = 0, by enumeration."""
    theta = np.random.default_rng(3).normal(size=(N_STATES, N_ACTIONS))
    for s in range(N_STATES):
        for b in (-7.0, 0.3, 12.5):
            pi = policy_in_state(theta, s)
            total = sum(pi[a] * policy_score(theta, s, a).ravel() * b for a in range(N_ACTIONS))
            np.testing.assert_allclose(total, 0.0, atol=1e-12)


def test_baseline_score_nonzero_mean_for_action_dependent_b():
    """With b(s, a) the sum is Σ_a ∇θ πθ(a|s) b(s, a) = π₀π₁ (b₁ − b₀) (−1, 1) in row s: not 0."""
    b = np.array([0.0, 3.0])                               # b(s, a) = b[a]
    pi = policy_in_state(THETA_SMALL, 0)
    total = sum(pi[a] * policy_score(THETA_SMALL, 0, a).ravel() * b[a] for a in range(N_ACTIONS))
    expected = pi[0] * pi[1] * (b[1] - b[0]) * np.array([-1.0, 1.0, 0.0, 0.0])
    np.testing.assert_allclose(total, expected, atol=1e-12)
    assert np.max(np.abs(total)) > 0.5


@pytest.mark.parametrize("b", [0.0, J_EXACT, 10.0, np.array([3.0, -1.0, 5.0, 2.0])])
def test_baseline_is_unbiased(batch, b):
    mean, _ = exact_moments(lambda s, g, r: baseline_estimate(g, r, b))
    np.testing.assert_allclose(mean, GRAD_EXACT, atol=1e-12)
    est, se = mc(lambda s, g, r: baseline_estimate(g, r, b), batch)
    assert np.all(np.abs(est - GRAD_EXACT) <= 4 * se)


def test_baseline_fails_when_it_depends_on_the_action(batch):
    """A "baseline" b(s_t, a_t) is not removed by the expectation: the estimator is biased."""
    b_of_action = np.array([0.0, 3.0])

    def action_dependent(s, g, r):
        # the action a_t is the column of row s_t with a positive score entry (e_a − π)
        actions = np.array([np.argmax(g[t].reshape(N_STATES, N_ACTIONS)[s[t]]) for t in range(len(s))])
        rtg = np.cumsum(r[::-1])[::-1]
        return (g * (rtg - b_of_action[actions])[:, None]).sum(axis=0)

    mean, _ = exact_moments(action_dependent)
    assert np.max(np.abs(mean - GRAD_EXACT)) > 0.5
    est, se = mc(action_dependent, batch)
    assert np.any(np.abs(est - GRAD_EXACT) > 4 * se)


def test_optimal_baseline_matches_exact_value(batch):
    """b̂*_k from samples agrees with E[g_k² R] / E[g_k²] by enumeration (delta-method standard error)."""
    g = np.array([scores.sum(axis=0) for _, scores, _ in batch])
    R = np.array([rewards.sum() for *_, rewards in batch])
    b_hat = optimal_constant_baseline(g, R)
    u, v = g**2 * R[:, None], g**2
    se = (u - b_hat * v).std(axis=0, ddof=1) / (np.sqrt(len(R)) * v.mean(axis=0))
    assert np.all(np.abs(b_hat - exact_b_star()) <= 4 * se)


def test_optimal_baseline_is_per_component():
    b_star = exact_b_star()
    assert abs(b_star[0] - b_star[2]) > 0.05                # state 0 and state 1 rows differ
    assert np.all(np.abs(b_star - J_EXACT) > 0.01)          # and neither is the mean return


def exact_variance_of_constant(b):
    return exact_moments(lambda s, g, r: baseline_estimate(g, r, b))[1]


def test_optimal_baseline_minimises_exact_variance():
    """Var_k(b) = Var_k(b*) + E[g_k²] (b − b*)²: every other constant is worse, component by component."""
    b_star = exact_b_star()
    v_star = exact_variance_of_constant(b_star)
    for delta in (-1.0, -0.1, -0.01, 0.01, 0.1, 1.0):
        assert np.all(v_star < exact_variance_of_constant(b_star + delta))
    for other in (0.0, J_EXACT):
        assert np.all(v_star < exact_variance_of_constant(other))


def test_optimal_baseline_minimises_measured_variance(batch, pilot):
    """On the same samples, b̂* (fitted on a pilot batch) beats a grid of other constants."""
    g_pilot = np.array([scores.sum(axis=0) for _, scores, _ in pilot])
    R_pilot = np.array([rewards.sum() for *_, rewards in pilot])
    b_hat = optimal_constant_baseline(g_pilot, R_pilot)

    def measured(b):
        G = np.array([baseline_estimate(scores, rewards, b) for _, scores, rewards in batch])
        return G.var(axis=0, ddof=1)

    v_hat = measured(b_hat)
    for other in (0.0, 2.0, 4.0, 5.5, 7.0, b_hat - 0.5, b_hat + 0.5):
        assert np.all(v_hat < measured(np.broadcast_to(other, b_hat.shape)))


def test_optimal_baseline_check_fails_for_the_unweighted_mean():
    """The minimisation check has teeth: b = E[R] (no g² weights) loses to a constant 0.01 nearer b*."""
    b_star = exact_b_star()
    b_mean = np.full_like(b_star, J_EXACT)
    step = 0.01 * np.sign(b_star - b_mean)
    assert np.all(exact_variance_of_constant(b_mean + step) < exact_variance_of_constant(b_mean))


# --- a learned state-value baseline -------------------------------------------------------------

def test_fit_state_value_matches_exact_value():
    trajectories = sample_batch(2000, np.random.default_rng(4))
    V_hat = fit_state_value(trajectories, N_STATES, HORIZON)
    V = exact_state_value()
    total = np.zeros((HORIZON, N_STATES)); sq = np.zeros_like(total); count = np.zeros_like(total)
    for states, _, rewards in trajectories:
        rtg = np.cumsum(rewards[::-1])[::-1]
        for t, s in enumerate(states):
            total[t, s] += rtg[t]; sq[t, s] += rtg[t] ** 2; count[t, s] += 1
    seen = count > 1                                       # (t = 0, s = 1) is never visited
    var = sq[seen] / count[seen] - (total[seen] / count[seen]) ** 2
    se = np.sqrt(var / (count[seen] - 1))
    assert np.all(np.abs(V_hat[seen] - V[seen]) <= 4 * se)


def test_value_baseline_is_unbiased(batch, pilot):
    V_hat = fit_state_value(pilot, N_STATES, HORIZON)
    for V in (V_hat, exact_state_value()):
        mean, _ = exact_moments(lambda s, g, r: value_baseline_estimate(g, r, s, V))
        np.testing.assert_allclose(mean, GRAD_EXACT, atol=1e-12)
    est, se = mc(lambda s, g, r: value_baseline_estimate(g, r, s, V_hat), batch)
    assert np.all(np.abs(est - GRAD_EXACT) <= 4 * se)


def test_value_baseline_reduces_variance():
    V = exact_state_value()
    _, var_value = exact_moments(lambda s, g, r: value_baseline_estimate(g, r, s, V))
    _, var_rtg = exact_moments(lambda s, g, r: reward_to_go_estimate(g, r))
    _, var_const = exact_moments(lambda s, g, r: baseline_estimate(g, r, exact_b_star()))
    assert np.all(var_value < var_rtg)
    assert var_value.sum() < var_const.sum()


def test_value_baseline_fails_when_it_looks_at_the_next_state():
    """A baseline of s_{t+1} depends on a_t through the transition: no longer unbiased."""
    V = exact_state_value()

    def next_state_baseline(s, g, r):
        rtg = np.cumsum(r[::-1])[::-1]
        nxt = np.append(s[1:], 0)
        b = np.where(nxt == 1, 2.0, 0.0)                      # b(s_{t+1})
        return (g * (rtg - b)[:, None]).sum(axis=0)

    mean, _ = exact_moments(next_state_baseline)
    assert np.max(np.abs(mean - GRAD_EXACT)) > 0.05


# --- discounting --------------------------------------------------------------------------------

def test_discount_one_is_reward_to_go(batch):
    for states, scores, rewards in batch[:50]:
        np.testing.assert_allclose(discounted_estimate(scores, rewards, 1.0),
                                   reward_to_go_estimate(scores, rewards), atol=1e-12)


def test_discount_trades_bias_for_variance():
    """Exact: as γ falls from 1, the variance falls and the bias (w.r.t. the undiscounted ∇θ J) grows."""
    gammas = [1.0, 0.9, 0.7, 0.5, 0.3, 0.0]
    moments = [exact_moments(lambda s, g, r, gm=gm: discounted_estimate(g, r, gm)) for gm in gammas]
    bias = [np.linalg.norm(m - GRAD_EXACT) for m, _ in moments]
    var = [v.sum() for _, v in moments]
    assert bias[0] == pytest.approx(0.0, abs=1e-12)
    assert all(b1 < b2 for b1, b2 in zip(bias, bias[1:]))
    assert all(v1 > v2 for v1, v2 in zip(var, var[1:]))


def test_discount_bias_is_measurable(batch):
    """The check fails for γ < 1: with γ = 0 the estimate is off by more than 4 standard errors."""
    est, se = mc(lambda s, g, r: discounted_estimate(g, r, 0.0), batch)
    assert np.any(np.abs(est - GRAD_EXACT) > 4 * se)


def test_discount_is_not_the_gradient_of_the_discounted_objective_either():
    """Exact: ∇θ J_γ, J_γ = E[Σ_t γ^t r_t], weights the score of step t by an extra γ^t. With that factor
    the discounted reward-to-go has mean ∇θ J_γ (central differences of the enumerated J_γ); (G6), which
    drops it, has not: it estimates the gradient of neither J nor J_γ."""
    gamma = 0.7

    def discounted_objective(theta):
        return sum(prob * (gamma ** np.arange(len(rewards)) * rewards).sum()
                   for prob, _, _, rewards in enumerate_trajectories(theta.reshape(THETA_SMALL.shape),
                                                                     P_SMALL, R_SMALL, HORIZON))

    grad_discounted = central_difference(discounted_objective, THETA_SMALL.ravel())
    with_factor, _ = exact_moments(
        lambda s, g, r: discounted_estimate(g * gamma ** np.arange(len(r))[:, None], r, gamma))
    without_factor, _ = exact_moments(lambda s, g, r: discounted_estimate(g, r, gamma))
    np.testing.assert_allclose(with_factor, grad_discounted, atol=1e-8)
    assert np.abs(without_factor - grad_discounted).max() > 0.5 * np.abs(grad_discounted).max()   # 0.12 vs 0.14
    assert np.abs(without_factor - GRAD_EXACT).max() > 1e-2                                     # 0.03
