"""Tests for snippets/natural_gradient.py: formulas H5-H8 of the natural-gradient page.

Exact values come from listing all 216 trajectories of the small MDP, from autograd (the Hessian of
the KL divergence), from central finite differences and from the closed form of the tabular case.
Each claim also has a test that shows the check failing for a plausible mistake.
"""
import itertools
import re

import numpy as np
import pytest

from advantage import advantage, state_visits
from conftest import ROOT
from log_derivative import central_difference, fisher_information
from natural_gradient import (kl_divergence, kl_hessian, natural_gradient, state_fisher,
                              tabular_natural_gradient, trajectory_fisher, trust_region_step)
from policy_gradient import exact_gradient, exact_objective, gradient_ascent, policy, small_mdp

MDP = small_mdp()
THETAS = {
    "uniform": np.zeros((3, 2)),
    "skewed": np.array([[0.3, -0.2], [0.0, 0.5], [-0.4, 0.1]]),
    "random": np.random.default_rng(7).normal(scale=1.0, size=(3, 2)),
}
SKEWED = THETAS["skewed"]
EXACT = 1e-12


def per_state_shifts():
    """The directions that move no probability: add c to every logit of one state, (S, S·A)."""
    return np.kron(np.eye(3), np.ones(2))


# --- H5: the Fisher information of a policy ---------------------------------------------------

@pytest.mark.parametrize("name", list(THETAS))
def test_trajectory_fisher_is_the_visit_weighted_state_fisher(name):
    theta = THETAS[name]
    assert np.abs(trajectory_fisher(theta, MDP) - state_fisher(theta, MDP)).max() < EXACT


def test_trajectory_fisher_is_psd_and_blind_to_per_state_shifts():
    F = trajectory_fisher(SKEWED, MDP)
    assert np.allclose(F, F.T, atol=EXACT)
    eigenvalues = np.linalg.eigvalsh(F)
    assert eigenvalues.min() > -EXACT
    assert np.sum(eigenvalues > 1e-9) == 6 - 3             # rank S·A − S
    assert np.abs(F @ per_state_shifts().T).max() < EXACT


def test_state_fisher_check_fails_without_the_visit_weights():
    unweighted = np.zeros((6, 6))
    for s in range(3):
        unweighted[2 * s:2 * s + 2, 2 * s:2 * s + 2] = fisher_information(SKEWED[s])
    assert np.abs(trajectory_fisher(SKEWED, MDP) - unweighted).max() > 0.05
    assert np.allclose(state_visits(SKEWED, MDP).sum(), MDP.T + 1)   # visits per episode: T + 1


# --- H6: the KL divergence is ½ δᵀFδ to second order ------------------------------------------

def test_kl_divergence_is_zero_only_at_the_same_policy():
    assert abs(kl_divergence(SKEWED, SKEWED, MDP)) < EXACT
    assert abs(kl_divergence(SKEWED, SKEWED + 5.0, MDP)) < EXACT     # a common shift: same policy
    assert kl_divergence(SKEWED, THETAS["random"], MDP) > 0.01


def test_kl_divergence_has_zero_gradient_at_the_same_policy():
    grad = central_difference(lambda th: kl_divergence(SKEWED, th, MDP), SKEWED)
    assert np.abs(grad).max() < 1e-8


def test_kl_divergence_is_half_the_fisher_quadratic_form():
    """The error of ½ δᵀFδ is third order: halving δ divides it by about 8."""
    F = trajectory_fisher(SKEWED, MDP)
    direction = np.random.default_rng(0).normal(size=(3, 2))
    errors = []
    for h in (1e-1, 5e-2, 2.5e-2):
        delta = h * direction
        errors.append(abs(kl_divergence(SKEWED, SKEWED + delta, MDP) - 0.5 * delta.ravel() @ F @ delta.ravel()))
    ratios = np.array(errors[:-1]) / np.array(errors[1:])
    assert np.all((ratios > 6) & (ratios < 10)), ratios


def test_kl_divergence_check_fails_without_the_half():
    F = trajectory_fisher(SKEWED, MDP)
    delta = 1e-2 * np.random.default_rng(0).normal(size=(3, 2))
    kl = kl_divergence(SKEWED, SKEWED + delta, MDP)
    assert abs(kl / (delta.ravel() @ F @ delta.ravel()) - 1) > 0.4   # δᵀFδ is twice the KL


@pytest.mark.parametrize("name", list(THETAS))
def test_kl_hessian_is_the_fisher(name):
    theta = THETAS[name]
    assert np.abs(kl_hessian(theta, MDP) - trajectory_fisher(theta, MDP)).max() < EXACT


def test_kl_hessian_check_fails_for_another_policys_fisher():
    assert np.abs(kl_hessian(SKEWED, MDP) - trajectory_fisher(THETAS["random"], MDP)).max() > 0.01


# --- H7: the natural gradient -----------------------------------------------------------------

@pytest.mark.parametrize("name", list(THETAS))
def test_natural_gradient_solves_the_fisher_system(name):
    theta = THETAS[name]
    F, grad = trajectory_fisher(theta, MDP), exact_gradient(theta, MDP)
    nat = natural_gradient(F, grad)
    assert np.abs(F @ nat.ravel() - grad.ravel()).max() < EXACT
    assert np.abs(per_state_shifts() @ nat.ravel()).max() < EXACT    # nothing along the null space


def test_natural_gradient_is_steepest_within_the_kl_budget():
    """Of all steps with ½ δᵀFδ = ε, the trust-region step raises J's linear model most."""
    F, grad = trajectory_fisher(SKEWED, MDP), exact_gradient(SKEWED, MDP)
    eps = 1e-3
    best = trust_region_step(F, grad, eps)
    assert abs(0.5 * best.ravel() @ F @ best.ravel() - eps) < EXACT
    rng = np.random.default_rng(1)
    for direction in [grad, *rng.normal(size=(200, 3, 2))]:        # the plain gradient, then random
        x = direction.ravel()
        delta = np.sqrt(2 * eps / (x @ F @ x)) * x                  # scaled to the same budget
        assert grad.ravel() @ delta < grad.ravel() @ best.ravel() - 1e-9


def test_natural_gradient_trust_region_step_has_the_kl_it_was_given():
    F, grad = trajectory_fisher(SKEWED, MDP), exact_gradient(SKEWED, MDP)
    for eps in (1e-2, 1e-3, 1e-4):
        kl = kl_divergence(SKEWED, SKEWED + trust_region_step(F, grad, eps), MDP)
        assert abs(kl / eps - 1) < 5 * np.sqrt(eps)                 # exact up to O(√ε)


def test_natural_gradient_check_fails_for_the_plain_gradient():
    F, grad = trajectory_fisher(SKEWED, MDP), exact_gradient(SKEWED, MDP)
    assert np.abs(F @ grad.ravel() - grad.ravel()).max() > 0.01


# --- H8: the tabular softmax case -------------------------------------------------------------

@pytest.mark.parametrize("name", list(THETAS))
def test_tabular_natural_gradient_is_the_centred_advantage(name):
    theta = THETAS[name]
    by_pinv = natural_gradient(trajectory_fisher(theta, MDP), exact_gradient(theta, MDP))
    assert np.abs(tabular_natural_gradient(theta, MDP) - by_pinv).max() < EXACT


def test_tabular_natural_gradient_check_fails_when_centred_under_the_policy():
    """Centring Ā(s, ·) by its mean under π also solves F x = ∇J, but it is not F⁺∇J: that one has
    no per-state shift. Both move the policy alike."""
    rho = state_visits(SKEWED, MDP)
    A_bar = np.einsum("ts,tsa->sa", rho, advantage(SKEWED, MDP)) / rho.sum(axis=0)[:, None]
    centred_under_pi = A_bar - (policy(SKEWED) * A_bar).sum(axis=1, keepdims=True)
    F, grad = trajectory_fisher(SKEWED, MDP), exact_gradient(SKEWED, MDP)
    assert np.abs(F @ centred_under_pi.ravel() - grad.ravel()).max() < EXACT
    assert np.abs(centred_under_pi - tabular_natural_gradient(SKEWED, MDP)).max() > 0.01


@pytest.mark.parametrize("name", list(THETAS))
def test_tabular_natural_gradient_plain_gradient_is_visits_times_probability_times_advantage(name):
    """The page's comparison: ∂J/∂θ[s, a] = Σ_t ρ_t(s) πθ(a|s) Ā(s, a)."""
    theta = THETAS[name]
    rho = state_visits(theta, MDP)
    A_bar = np.einsum("ts,tsa->sa", rho, advantage(theta, MDP)) / rho.sum(axis=0)[:, None]
    plain = rho.sum(axis=0)[:, None] * policy(theta) * A_bar
    assert np.abs(plain - exact_gradient(theta, MDP)).max() < EXACT
    assert np.abs(rho.sum(axis=0)[:, None] * A_bar - exact_gradient(theta, MDP)).max() > 0.01  # without π


BAD_START = np.array([[3.0, -3.0], [-3.0, 3.0], [-3.0, 3.0]])   # the page's start


def best_deterministic_objective():
    """max J over the 8 deterministic policies (logits ±30)."""
    return max(exact_objective(np.array([[30.0, 0.0] if a == 0 else [0.0, 30.0] for a in choice]), MDP)
               for choice in itertools.product([0, 1], repeat=3))


def test_tabular_natural_gradient_ascent_reaches_the_best_policy_where_the_plain_gradient_stalls():
    """The page's claim: α = 1, 50 steps from a near-deterministic bad policy."""
    J = {name: [exact_objective(th, MDP) for th in gradient_ascent(BAD_START, step, 1.0, 50)]
         for name, step in {"plain": lambda th: exact_gradient(th, MDP),
                            "natural": lambda th: natural_gradient(trajectory_fisher(th, MDP),
                                                                   exact_gradient(th, MDP))}.items()}
    assert round(J["plain"][0], 3) == 0.842 and round(J["plain"][50], 3) == 0.842
    assert [round(J["natural"][k], 3) for k in (10, 20, 50)] == [1.308, 1.643, 2.142]
    assert abs(J["natural"][50] - best_deterministic_objective()) < 1e-3
    closed_form = gradient_ascent(BAD_START, lambda th: tabular_natural_gradient(th, MDP), 1.0, 50)
    assert abs(exact_objective(closed_form[-1], MDP) - J["natural"][50]) < 1e-9


# The table on the page: J after 0, 10, 20 and 50 steps, one row per step: plain gradient, natural gradient.
ROW = re.compile(r"^\| (\d+) \| ([\d.]+) \| ([\d.]+) \|$", re.M)


def ascent_rows():
    J = [[exact_objective(th, MDP) for th in gradient_ascent(BAD_START, step, 1.0, 50)]
         for step in (lambda th: exact_gradient(th, MDP),
                      lambda th: natural_gradient(trajectory_fisher(th, MDP), exact_gradient(th, MDP)))]
    return [(str(k), f"{J[0][k]:.3f}", f"{J[1][k]:.3f}") for k in (0, 10, 20, 50)]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_tabular_natural_gradient_ascent_table_on_the_page_is_what_the_code_computes(lang):
    text = (ROOT / "docs" / lang / "natural-gradient.md").read_text(encoding="utf-8")
    assert ROW.findall(text) == ascent_rows()


def test_tabular_natural_gradient_ascent_table_check_fails_for_a_changed_number():
    text = (ROOT / "docs" / "en" / "natural-gradient.md").read_text(encoding="utf-8")
    changed = text.replace("| 1.308 |", "| 1.309 |")
    assert changed != text and ROW.findall(changed) != ascent_rows()
