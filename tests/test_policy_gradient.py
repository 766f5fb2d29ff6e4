"""Tests for snippets/policy_gradient.py: formulas D1-D10 of the policy-gradient page.

Exact values come from enumerating all 216 trajectories of the small MDP, from autograd and from
finite differences. Monte Carlo checks use a tolerance of 4 standard errors (5 for the
largest deviation among 216 trajectory frequencies), the standard error
computed from the per-trajectory terms of the same sample; each claim also has a test showing that
the check fails for a plausible mistake (a flipped sign, a dropped score, a wrong range).
"""
import numpy as np
import pytest
import torch

from log_derivative import central_difference  # ∂f/∂θ[s, a] for every entry, by central differences
from policy_gradient import (
    all_trajectories,
    exact_gradient,
    exact_gradient_autograd,
    exact_objective,
    gradient_ascent,
    policy,
    policy_gradient_estimate,
    reward_to_go,
    sample_trajectories,
    score,
    small_mdp,
    surrogate_gradient,
    surrogate_loss,
    trajectory_log_prob,
    trajectory_log_prob_torch,
    trajectory_return,
    trajectory_score,
    trajectory_estimate,
    trajectory_score_autograd,
    values,
)

MDP = small_mdp()
THETAS = {
    "uniform": np.zeros((3, 2)),
    "skewed": np.array([[0.3, -0.2], [0.0, 0.5], [-0.4, 0.1]]),
    "random": np.random.default_rng(7).normal(scale=1.0, size=(3, 2)),
}
N_SAMPLES = 20_000
K_SE = 4  # Monte Carlo tolerance: 4 standard errors


@pytest.fixture(scope="module", params=list(THETAS))
def sample(request):
    """θ, its exact gradient, and N_SAMPLES trajectories drawn under πθ (seeded)."""
    theta = THETAS[request.param]
    rng = np.random.default_rng(2025)
    states, actions, rewards = sample_trajectories(theta, MDP, N_SAMPLES, rng)
    return theta, exact_gradient(theta, MDP), states, actions, rewards


# --- D1: the policy --------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(THETAS))
def test_policy_is_a_distribution_over_actions(name):
    pi = policy(THETAS[name])
    assert pi.shape == (3, 2)
    assert np.all(pi > 0)
    np.testing.assert_allclose(pi.sum(axis=1), 1.0, atol=1e-15)
    # softmax: adding a constant to a row of θ does not change πθ(·|s)
    np.testing.assert_allclose(policy(THETAS[name] + np.array([[5.0], [-3.0], [0.7]])), pi, atol=1e-15)


@pytest.mark.parametrize("name", list(THETAS))
def test_policy_score_is_gradient_of_log_policy(name):
    theta = THETAS[name]
    for s in range(3):
        for a in range(2):
            fd = central_difference(lambda th: np.log(policy(th)[s, a]), theta)
            np.testing.assert_allclose(score(theta, s, a), fd, atol=1e-8)
            # the check has teeth: a flipped sign is far off
            assert np.abs(-score(theta, s, a) - fd).max() > 0.1


# --- the MDP ---------------------------------------------------------------------------------

def test_mdp_is_a_valid_finite_horizon_mdp():
    np.testing.assert_allclose(MDP.p0.sum(), 1.0)
    np.testing.assert_allclose(MDP.P.sum(axis=2), 1.0)
    assert np.all(MDP.p0 > 0) and np.all(MDP.P > 0)
    states, actions = all_trajectories(MDP)
    assert states.shape == actions.shape == ((3 * 2) ** (MDP.T + 1), MDP.T + 1) == (216, 3)
    assert len({tuple(x) for x in np.hstack([states, actions])}) == 216  # all distinct


# --- D1: the value functions the policy induces -----------------------------------------------

@pytest.mark.parametrize("name", list(THETAS))
def test_values_start_value_equals_objective(name):
    theta = THETAS[name]
    V, Q = values(theta, MDP)
    assert MDP.p0 @ V[0] == pytest.approx(exact_objective(theta, MDP), abs=1e-12)
    np.testing.assert_allclose(V, (policy(theta)[None] * Q).sum(axis=2), atol=1e-15)
    # the check has teeth: a wrong start distribution gives a different number
    assert abs(np.full(3, 1 / 3) @ V[0] - exact_objective(theta, MDP)) > 0.1


# --- D3: trajectories and returns --------------------------------------------------------------

def test_trajectory_return_hand_computed():
    assert trajectory_return([1.0, -0.5, 2.0]) == 2.5
    assert isinstance(trajectory_return(np.array([1, 2, 3])), float)
    assert trajectory_return([]) == 0.0


def test_sample_trajectories_frequencies_match_trajectory_probabilities():
    theta = THETAS["skewed"]
    states, actions, rewards = sample_trajectories(theta, MDP, N_SAMPLES, np.random.default_rng(1))
    assert states.shape == actions.shape == rewards.shape == (N_SAMPLES, MDP.T + 1)
    np.testing.assert_array_equal(rewards, MDP.r[states, actions])
    all_s, all_a = all_trajectories(MDP)
    index = {tuple(x): k for k, x in enumerate(np.hstack([all_s, all_a]))}
    counts = np.bincount([index[tuple(x)] for x in np.hstack([states, actions])], minlength=216)
    freq = counts / N_SAMPLES

    def worst(theta_ref):
        p = np.exp(trajectory_log_prob(theta_ref, MDP, all_s, all_a))
        se = np.sqrt(p * (1 - p) / N_SAMPLES)  # binomial standard error of each frequency
        return (np.abs(freq - p) / se).max()

    assert worst(theta) < 5  # max over 216 cells: 5 se (4.5 se is a 1-in-1000 event per cell)
    # the check has teeth: frequencies do not match the probabilities of another policy
    assert worst(np.zeros((3, 2))) > 5


# --- D6: the probability of a trajectory ---------------------------------------------------------

@pytest.mark.parametrize("name", list(THETAS))
def test_trajectory_log_prob_sums_to_one(name):
    states, actions = all_trajectories(MDP)
    log_p = trajectory_log_prob(THETAS[name], MDP, states, actions)
    assert np.exp(log_p).sum() == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("name", list(THETAS))
def test_trajectory_log_prob_torch_equals_numpy(name):
    states, actions = all_trajectories(MDP)
    log_p = trajectory_log_prob(THETAS[name], MDP, states, actions)
    torch_log_p = trajectory_log_prob_torch(torch.tensor(THETAS[name]), MDP, states, actions)
    np.testing.assert_allclose(torch_log_p.numpy(), log_p, atol=1e-12)


def test_trajectory_log_prob_check_fails_without_transitions():
    states, actions = all_trajectories(MDP)
    no_transitions = np.log(MDP.p0[states[:, 0]]) + np.log(policy(THETAS["skewed"])[states, actions]).sum(axis=1)
    # each free s_{t+1} is summed over S = 3 states: the total is S^T = 9, not 1
    assert np.exp(no_transitions).sum() == pytest.approx(3 ** MDP.T)


# --- D4: the objective -------------------------------------------------------------------------

def test_exact_objective_hand_computed_for_one_step():
    """With T = 0, J = Σ_s p(s) Σ_a πθ(a|s) r(s, a): checked by hand for θ = 0 (π = 1/2)."""
    one_step = type(MDP)(MDP.p0, MDP.P, MDP.r, T=0)
    # 0.6 · (0 − 0.5)/2 + 0.3 · (1 + 0)/2 + 0.1 · (2 + 1)/2 = −0.15 + 0.15 + 0.15
    assert exact_objective(np.zeros((3, 2)), one_step) == pytest.approx(0.15, abs=1e-15)


@pytest.mark.parametrize("name", list(THETAS))
def test_exact_objective_matches_monte_carlo_mean_return(name):
    theta = THETAS[name]
    _, _, rewards = sample_trajectories(theta, MDP, N_SAMPLES, np.random.default_rng(3))
    R = rewards.sum(axis=1)
    se = R.std(ddof=1) / np.sqrt(N_SAMPLES)
    assert R.mean() == pytest.approx(exact_objective(theta, MDP), abs=K_SE * se)


# --- D2: gradient ascent and the vector of partial derivatives ------------------------------------

def test_gradient_ascent_increases_objective_monotonically():
    thetas = gradient_ascent(np.zeros((3, 2)), lambda th: exact_gradient(th, MDP), alpha=0.5, steps=30)
    J = np.array([exact_objective(th, MDP) for th in thetas])
    assert len(thetas) == 31
    assert np.all(np.diff(J) > 0)
    assert J[-1] - J[0] > 0.5
    # the check has teeth: a step along −∇J (gradient descent) lowers J
    down = gradient_ascent(np.zeros((3, 2)), lambda th: exact_gradient(th, MDP), alpha=-0.5, steps=5)
    assert np.all(np.diff([exact_objective(th, MDP) for th in down]) < 0)


@pytest.mark.parametrize("name", list(THETAS))
def test_gradient_ascent_direction_is_vector_of_partials(name):
    theta = THETAS[name]
    partials = central_difference(lambda th: exact_objective(th, MDP), theta)
    np.testing.assert_allclose(exact_gradient(theta, MDP), partials, atol=1e-8)


# --- D5: the exact gradient ---------------------------------------------------------------------

@pytest.mark.parametrize("name", list(THETAS))
def test_exact_gradient_autograd_equals_product_rule(name):
    theta = THETAS[name]
    np.testing.assert_allclose(exact_gradient(theta, MDP), exact_gradient_autograd(theta, MDP), atol=1e-14)


@pytest.mark.parametrize("name", list(THETAS))
def test_exact_gradient_equals_expected_score_times_return(name):
    """D5: Σ_τ ∇πθ(τ) R(τ) = E_τ[∇ log πθ(τ) R(τ)], the log-derivative trick, exactly."""
    theta = THETAS[name]
    states, actions = all_trajectories(MDP)
    prob = np.exp(trajectory_log_prob(theta, MDP, states, actions))
    R = MDP.r[states, actions].sum(axis=1)
    expectation = np.einsum("k,kij->ij", prob * R, trajectory_score(theta, states, actions))
    np.testing.assert_allclose(expectation, exact_gradient(theta, MDP), atol=1e-14)
    # the check has teeth: E[∇πθ(τ) R(τ)] (score without the division by πθ(τ)) is not ∇J
    naive = np.einsum("k,kij->ij", prob * prob * R, trajectory_score(theta, states, actions))
    assert np.abs(naive - exact_gradient(theta, MDP)).max() > 0.01


# --- D7: the dynamics drop out of the score -------------------------------------------------------

@pytest.mark.parametrize("name", list(THETAS))
def test_trajectory_score_autograd_equals_sum_of_step_scores(name):
    theta = THETAS[name]
    states, actions = all_trajectories(MDP)
    full = trajectory_score_autograd(theta, MDP, states, actions)  # start + policy + transitions
    np.testing.assert_allclose(trajectory_score(theta, states, actions), full, atol=1e-14)
    # the same by finite differences of the numpy log πθ(τ), dynamics included
    for k in [0, 57, 215]:
        fd_k = central_difference(lambda th: trajectory_log_prob(th, MDP, states[k:k + 1], actions[k:k + 1])[0], theta)
        np.testing.assert_allclose(full[k], fd_k, atol=1e-8)


def test_trajectory_score_dynamics_terms_contribute_nothing():
    theta = torch.tensor(THETAS["random"], requires_grad=True)
    states, actions = (torch.as_tensor(x) for x in all_trajectories(MDP))
    p0, P = torch.as_tensor(MDP.p0), torch.as_tensor(MDP.P)
    dynamics = torch.log(p0[states[:, 0]]) + torch.log(P[states[:, :-1], actions[:, :-1], states[:, 1:]]).sum(1)
    assert not dynamics.requires_grad  # log p(s_0) and log p(s_{t+1}|s_t, a_t) do not depend on θ
    policy_part = torch.log_softmax(theta, dim=1)[states, actions].sum(1)
    g_full, = torch.autograd.grad((policy_part + dynamics).sum(), theta, retain_graph=True)
    g_policy, = torch.autograd.grad(policy_part.sum(), theta)
    assert torch.equal(g_full, g_policy)  # not just close: the dynamics add exactly zero


def test_trajectory_score_check_fails_if_last_step_is_dropped():
    """The sum runs over t = 0, …, T: stopping at T − 1 gives a different score."""
    theta = THETAS["skewed"]
    states, actions = all_trajectories(MDP)
    full = trajectory_score_autograd(theta, MDP, states, actions)
    short = score(theta, states[:, :-1], actions[:, :-1]).sum(axis=1)
    assert np.abs(short - full).max() > 0.5


# --- D8: the Monte Carlo estimator ----------------------------------------------------------------

def test_estimator_agrees_with_exact_gradient(sample):
    theta, exact, states, actions, rewards = sample
    g, se = policy_gradient_estimate(theta, states, actions, rewards)
    assert np.all(se > 0)
    assert np.all(np.abs(g - exact) <= K_SE * se), (g, exact, se)


def test_estimator_check_fails_with_flipped_sign(sample):
    theta, exact, states, actions, rewards = sample
    g, se = policy_gradient_estimate(theta, states, actions, rewards)
    assert np.any(np.abs(-g - exact) > K_SE * se)


def test_estimator_check_fails_without_log(sample):
    """Weighting ∇πθ(a_t|s_t) instead of ∇ log πθ(a_t|s_t) (the score without its 1/π) is biased."""
    theta, exact, states, actions, rewards = sample
    R = rewards.sum(axis=1)
    grad_pi = score(theta, states, actions) * policy(theta)[states, actions][..., None, None]
    terms = grad_pi.sum(axis=1) * R[:, None, None]
    g, se = terms.mean(axis=0), terms.std(axis=0, ddof=1) / np.sqrt(len(R))
    assert np.any(np.abs(g - exact) > K_SE * se)


def test_estimator_standard_error_is_per_trajectory():
    """The se is the std of the n per-trajectory terms over √n: checked against a direct loop."""
    theta = THETAS["skewed"]
    states, actions, rewards = sample_trajectories(theta, MDP, 50, np.random.default_rng(4))
    terms = np.array([trajectory_score(theta, states[i:i + 1], actions[i:i + 1])[0] * rewards[i].sum()
                      for i in range(50)])
    g, se = policy_gradient_estimate(theta, states, actions, rewards)
    np.testing.assert_allclose(g, terms.mean(axis=0), atol=1e-15)
    np.testing.assert_allclose(se, terms.std(axis=0, ddof=1) / np.sqrt(50), atol=1e-15)


# --- D10: the estimate with the score of the whole trajectory ---------------------------------------

@pytest.fixture(scope="module")
def whole_trajectory_sample():
    """5 000 trajectories under the skewed θ and (D10) on them: autograd of each full log πθ(τ)."""
    theta = THETAS["skewed"]
    states, actions, rewards = sample_trajectories(theta, MDP, 5_000, np.random.default_rng(2026))
    g, se = trajectory_estimate(theta, MDP, states, actions, rewards)
    return theta, exact_gradient(theta, MDP), (states, actions, rewards), g, se


def test_trajectory_estimator_is_unbiased(whole_trajectory_sample):
    """(1/n) Σ_i ∇θ log πθ(τ_i) R(τ_i) lies within 4 of its standard errors of the exact gradient."""
    _, exact, _, g, se = whole_trajectory_sample
    assert np.all(se > 0)
    assert np.all(np.abs(g - exact) <= K_SE * se), (g, exact, se)


def test_trajectory_estimator_equals_the_per_step_estimator_on_the_same_samples(whole_trajectory_sample):
    """(D8) is (D10) with (D7) put in: the dynamics terms add nothing, trajectory by trajectory."""
    theta, _, samples, g, se = whole_trajectory_sample
    g_steps, se_steps = policy_gradient_estimate(theta, *samples)
    np.testing.assert_allclose(g, g_steps, rtol=0, atol=1e-12)
    np.testing.assert_allclose(se, se_steps, rtol=0, atol=1e-12)


def test_trajectory_estimator_fails_without_the_log(whole_trajectory_sample):
    """∇θ πθ(τ) = πθ(τ) ∇θ log πθ(τ) in place of the score (no log-derivative trick) is caught."""
    theta, exact, (states, actions, rewards), _, _ = whole_trajectory_sample
    prob = np.exp(trajectory_log_prob(theta, MDP, states, actions))            # πθ(τ_i)
    terms = trajectory_score_autograd(theta, MDP, states, actions) * (prob * rewards.sum(axis=1))[:, None, None]
    g, se = terms.mean(axis=0), terms.std(axis=0, ddof=1) / np.sqrt(len(terms))
    assert np.any(np.abs(g - exact) > K_SE * se)                                # by hundreds of se


# --- D9: the surrogate loss -----------------------------------------------------------------------

def test_surrogate_gradient_equals_estimator(sample):
    theta, _, states, actions, rewards = sample
    g, _ = policy_gradient_estimate(theta, states, actions, rewards)
    _, minus_grad_loss = surrogate_gradient(theta, states, actions, rewards)
    np.testing.assert_allclose(minus_grad_loss, g, rtol=0, atol=1e-13)


def test_surrogate_loss_hand_computed():
    log_probs = torch.tensor([-0.5, -1.0, -0.25], dtype=torch.float64)
    # two trajectories: steps 0, 1 belong to τ_1 with R = 2, step 2 to τ_2 with R = −4
    loss = surrogate_loss(log_probs, [2.0, 2.0, -4.0], n_trajectories=2)
    assert loss.item() == pytest.approx(-((-0.5 - 1.0) * 2 + (-0.25) * -4) / 2)  # = 1.0
    assert loss.dtype == torch.float64


def test_surrogate_loss_check_fails_with_probabilities_instead_of_logs(sample):
    """Differentiating −(1/n) Σ πθ(a_t|s_t) R(τ_i) (no log) does not give the estimator."""
    theta, _, states, actions, rewards = sample
    g, _ = policy_gradient_estimate(theta, states, actions, rewards)
    th = torch.tensor(theta, requires_grad=True)
    probs = torch.softmax(th, dim=1)[torch.as_tensor(states), torch.as_tensor(actions)]
    R = torch.as_tensor(rewards.sum(axis=1))[:, None].expand_as(probs)
    surrogate_loss(probs.reshape(-1), R.reshape(-1), len(states)).backward()
    assert np.abs(-th.grad.numpy() - g).max() > 0.01


def test_surrogate_loss_value_is_not_minus_objective(sample):
    """The note writes Loss = −J; the sample loss estimates −E[log πθ(τ)-policy part · R(τ)] instead."""
    theta, _, states, actions, rewards = sample
    loss, _ = surrogate_gradient(theta, states, actions, rewards)
    all_s, all_a = all_trajectories(MDP)
    prob = np.exp(trajectory_log_prob(theta, MDP, all_s, all_a))
    R_all = MDP.r[all_s, all_a].sum(axis=1)
    expected_loss = -prob @ (np.log(policy(theta)[all_s, all_a]).sum(axis=1) * R_all)
    terms = -np.log(policy(theta)[states, actions]).sum(axis=1) * rewards.sum(axis=1)
    se = terms.std(ddof=1) / np.sqrt(len(terms))
    assert loss == pytest.approx(expected_loss, abs=K_SE * se)           # what the value estimates
    assert abs(loss - (-exact_objective(theta, MDP))) > 100 * se          # and it is not −J


# --- reward-to-go (a pointer on this page; the variance page uses it) ----------------------------

def test_reward_to_go_hand_computed():
    np.testing.assert_array_equal(reward_to_go([1.0, -0.5, 2.0]), [2.5, 1.5, 2.0])
    np.testing.assert_array_equal(reward_to_go([3]), [3.0])
    rewards = [0.0, 1.0, 2.0]
    assert reward_to_go(rewards)[0] == trajectory_return(rewards)  # from t = 0 it is R(τ)


def test_reward_to_go_sums_from_t_on_not_up_to_t():
    """R̂_t = Σ_{t' ≥ t} r_t' for every t; the forward sum Σ_{t' ≤ t} (np.cumsum) is a plausible slip."""
    rewards = np.random.default_rng(11).normal(size=8)
    rtg = reward_to_go(rewards)
    np.testing.assert_allclose(rtg, [rewards[t:].sum() for t in range(8)], rtol=1e-12)
    assert not np.allclose(rtg, np.cumsum(rewards))                  # these rewards tell the two sums apart


# --- the printed check shown on the page ----------------------------------------------------------

def test_run_output_is_what_both_pages_show(run_file, tmp_path):
    """`python snippets/policy_gradient.py` exits 0 and prints exactly the block under #run (run as
    conftest's `run_file` runs it, in the worker that runs tests/test_snippets_run.py)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    result = run_file(root / "snippets" / "policy_gradient.py", [], tmp_path)
    assert result["returncode"] == 0, result["stderr"]
    for lang in ("en", "zh"):
        page = (root / "docs" / lang / "policy-gradient.md").read_text(encoding="utf-8")
        run = page[page.index("{ #run }"):]
        shown = re.search(r"```text\n(.*?)```", run, flags=re.S).group(1)
        assert shown == result["stdout"], f"docs/{lang}/policy-gradient.md shows an outdated run"
