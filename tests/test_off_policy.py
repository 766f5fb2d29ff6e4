"""Tests of snippets/off_policy.py (formulas J1-J4): every quantity against an exact value computed
another way on the 216 trajectories of the small MDP, sampled estimates within 4 standard errors of
the exact mean, and for each check a partner that makes it fail."""
import re

import numpy as np
import pytest

from conftest import ROOT
from off_policy import (STEPS, THETA, distance_sweep, importance_ratio, importance_weighted_estimate,
                        off_policy_moments, older_policies, second_moment_of_ratio)
from natural_gradient import kl_divergence
from policy_gradient import (all_trajectories, exact_gradient, policy, policy_gradient_estimate,
                             sample_trajectories, small_mdp, trajectory_log_prob, trajectory_score)

MDP = small_mdp()
STATES, ACTIONS = all_trajectories(MDP)


def old_policy(s):
    """θ_old a gradient step of length s before THETA, as on the page."""
    return older_policies(THETA, MDP, [s])[0]


def random_old_policies(count=3, seed=0):
    rng = np.random.default_rng(seed)
    return [THETA + rng.normal(scale=0.7, size=THETA.shape) for _ in range(count)]


@pytest.fixture(scope="module")
def old_samples():
    """10 000 trajectories played by the policy one unit step (s = 1) before THETA."""
    theta_old = old_policy(1.0)
    return theta_old, sample_trajectories(theta_old, MDP, 10_000, np.random.default_rng(0))


# --- J1: the ratio -------------------------------------------------------------------------------

@pytest.mark.parametrize("theta_old", random_old_policies())
def test_ratio_equals_the_ratio_of_full_trajectory_probabilities(theta_old):
    """ρ from the policies alone = πθ(τ)/πθ_old(τ) with p(s_0) and the transitions in both (D6)."""
    full = np.exp(trajectory_log_prob(THETA, MDP, STATES, ACTIONS) - trajectory_log_prob(theta_old, MDP, STATES, ACTIONS))
    assert np.allclose(importance_ratio(THETA, theta_old, STATES, ACTIONS), full, rtol=1e-12, atol=0)


def test_ratio_check_fails_for_the_last_step_alone():
    """The product over every step matters: the last step's ratio alone is not πθ(τ)/πθ_old(τ)."""
    theta_old = random_old_policies(1)[0]
    full = np.exp(trajectory_log_prob(THETA, MDP, STATES, ACTIONS) - trajectory_log_prob(theta_old, MDP, STATES, ACTIONS))
    s, a = STATES[:, -1], ACTIONS[:, -1]
    last_step = policy(THETA)[s, a] / policy(theta_old)[s, a]
    assert np.abs(last_step - full).max() > 0.1


# --- J2, J3: the means -----------------------------------------------------------------------------

def test_exact_moments_unweighted_mean_is_biased(old_samples):
    grad = exact_gradient(THETA, MDP)
    on_policy, _ = off_policy_moments(THETA, THETA, MDP)["unweighted"]
    assert np.abs(on_policy - grad).max() < 1e-12                      # θ_old = θ: (D8) is unbiased
    theta_old, samples = old_samples
    mean, _ = off_policy_moments(THETA, theta_old, MDP)["unweighted"]
    assert np.linalg.norm(mean - grad) > 2 * np.linalg.norm(grad)       # (J2): far from ∇J
    estimate, se = policy_gradient_estimate(THETA, *samples)
    assert np.all(np.abs(estimate - mean) <= 4 * se)                     # the samples converge to (J2)


@pytest.mark.parametrize("theta_old", random_old_policies() + [old_policy(s) for s in STEPS])
def test_exact_moments_weighted_mean_is_the_gradient(theta_old):
    """(J3) against ∇J by the product rule (no logarithm, no ratio), to rounding."""
    mean, _ = off_policy_moments(THETA, theta_old, MDP)["weighted"]
    assert np.abs(mean - exact_gradient(THETA, MDP)).max() < 1e-12


def terms():
    """ĝ(τ) = ∇θ log πθ(τ) R(τ) for every τ, (K, S, A)."""
    return trajectory_score(THETA, STATES, ACTIONS) * MDP.r[STATES, ACTIONS].sum(axis=1)[:, None, None]


def test_exact_moments_check_fails_with_upside_down_weights():
    """The same sum as (J3) with 1/ρ in place of ρ is not the gradient."""
    theta_old = old_policy(1.0)
    p_old = np.exp(trajectory_log_prob(theta_old, MDP, STATES, ACTIONS))
    upside_down = np.einsum("k,kij->ij", p_old / importance_ratio(THETA, theta_old, STATES, ACTIONS), terms())
    assert np.abs(upside_down - exact_gradient(THETA, MDP)).max() > 0.1


def test_exact_moments_weighted_variance_matches_j4():
    """tr Cov_old[ρ ĝ] summed directly = E_θ[ρ ‖ĝ‖²] − ‖∇J‖² (J4, first line); = on-policy at θ_old = θ."""
    p = np.exp(trajectory_log_prob(THETA, MDP, STATES, ACTIONS))
    g = terms()
    grad = exact_gradient(THETA, MDP)
    for theta_old in random_old_policies() + [old_policy(s) for s in STEPS]:
        rho = importance_ratio(THETA, theta_old, STATES, ACTIONS)
        j4 = p @ (rho * (g**2).sum(axis=(1, 2))) - (grad**2).sum()
        assert off_policy_moments(THETA, theta_old, MDP)["weighted"][1] == pytest.approx(j4, rel=1e-10)
    same = off_policy_moments(THETA, THETA, MDP)
    assert same["weighted"][1] == pytest.approx(same["unweighted"][1], rel=1e-12)
    assert same["weighted"][1] == pytest.approx(p @ ((g - grad) ** 2).sum(axis=(1, 2)), rel=1e-12)


# --- the sampled estimator -------------------------------------------------------------------------

def test_estimator_is_unbiased_on_old_samples(old_samples):
    theta_old, samples = old_samples
    estimate, se = importance_weighted_estimate(THETA, theta_old, *samples)
    assert np.all(np.abs(estimate - exact_gradient(THETA, MDP)) <= 4 * se)


def test_estimator_check_fails_without_the_weights(old_samples):
    _, samples = old_samples
    estimate, se = policy_gradient_estimate(THETA, *samples)
    assert np.max(np.abs(estimate - exact_gradient(THETA, MDP)) / se) > 20


# --- J4: distance and the bound ----------------------------------------------------------------------

def per_step_kl(theta, theta_old, mdp):
    """Σ_t Σ_s Pr_θ(s_t = s) KL(πθ(·|s) ‖ πθ_old(·|s)), the state distribution propagated forward
    through the transitions (no trajectory is listed)."""
    pi, pi_old = policy(theta), policy(theta_old)
    kl_per_state = (pi * np.log(pi / pi_old)).sum(axis=1)                 # (S,)
    d, total = mdp.p0.copy(), 0.0
    for _ in range(mdp.T + 1):
        total += d @ kl_per_state
        d = np.einsum("s,sa,sap->p", d, pi, mdp.P)                        # Pr(s_{t+1})
    return total


@pytest.mark.parametrize("theta_old", random_old_policies() + [old_policy(s) for s in STEPS])
def test_distance_kl_is_the_sum_of_per_step_divergences(theta_old):
    assert kl_divergence(THETA, theta_old, MDP) == pytest.approx(per_step_kl(THETA, theta_old, MDP), rel=1e-12, abs=1e-15)


def test_distance_kl_check_fails_with_the_divergence_reversed():
    theta_old = old_policy(2.0)
    assert abs(kl_divergence(THETA, theta_old, MDP) - per_step_kl(theta_old, THETA, MDP)) > 0.1


def test_distance_bound_holds_and_has_teeth():
    for s in STEPS[1:]:
        theta_old = old_policy(s)
        p_old = np.exp(trajectory_log_prob(theta_old, MDP, STATES, ACTIONS))
        rho = importance_ratio(THETA, theta_old, STATES, ACTIONS)
        second = second_moment_of_ratio(THETA, theta_old, MDP)
        assert second == pytest.approx(p_old @ rho**2, rel=1e-12)             # E_old[ρ²] = E_θ[ρ]
        bound = np.exp(kl_divergence(THETA, theta_old, MDP))
        assert second >= bound > 1
        assert p_old @ rho == pytest.approx(1.0, abs=1e-12) and p_old @ rho < bound   # E_old[ρ] = 1 fails it


# --- the table --------------------------------------------------------------------------------------

NUMBER = re.compile(r"\$(-?[\d.]+(?:\\,\d+)*)\$")


def table_rows(lang):
    """The numbers of the page's table, each with the precision it is shown with."""
    rows = []
    for line in (ROOT / "docs" / lang / "off-policy.md").read_text(encoding="utf-8").splitlines():
        matches = [NUMBER.fullmatch(cell.strip()) for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(matches) == 6 and all(matches):         # a row of numbers
            values = [m.group(1).replace("\\,", "") for m in matches]
            rows.append([(float(v), 0.5 * 10.0 ** -len(v.partition(".")[2])) for v in values])
    return rows


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sweep_matches_the_table(lang):
    rows = table_rows(lang)
    computed = distance_sweep(THETA, MDP, STEPS)
    assert len(rows) == len(computed) == len(STEPS)
    for shown, row in zip(rows, computed):
        values = [row["step"], row["kl"], row["relative_bias"], row["unweighted_variance"],
                  row["weighted_variance"], row["ratio_second_moment"]]
        assert [abs(v - s) <= tol + 1e-12 for (s, tol), v in zip(shown, values)] == [True] * 6, (shown, values)


def test_sweep_check_fails_on_a_changed_number():
    rows = table_rows("en")
    value, tol = rows[2][4]                                   # tr Cov weighted at s = 1
    assert abs(distance_sweep(THETA, MDP, [1.0])[0]["weighted_variance"] - (value + 0.1)) > tol
