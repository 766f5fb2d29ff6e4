"""Tests for snippets/log_derivative.py (formulas B1-B3 on the log-derivative-trick page).

The hand-written scores are compared with central finite differences of log p and of p, and with
torch autograd. Tolerances for finite differences: with h = 1e-5 the central difference of p, divided
by p, has a truncation error h^2/6 * |p'''/p|; for p = e^g that is h^2/6 * |g''' + 3g'g'' + g'^3|, at
most about 1.1e-8 for the Gaussians below (|x - mu| <= 3 sigma, sigma >= 0.3: in mu it is
(z^3 - 3z)/sigma^3 <= 667), and the rounding error is about eps/h = 2e-11. So 1e-8 * (1 + |score|)
bounds both, while a wrong factor (sigma^2, a sign) misses by more than 1e-1. Autograd and the closed
forms agree to rounding, so 1e-12.
"""
import runpy

import numpy as np
import pytest
import torch

import log_derivative
from log_derivative import (
    central_difference,
    fisher_information,
    gaussian_density,
    gaussian_log_density,
    gaussian_score,
    gaussian_score_autograd,
    log_derivative_sides,
    policy_in_state,
    policy_probability_gradient,
    policy_probability_gradient_autograd,
    policy_score,
    probability_gradient,
    softmax,
    softmax_log_prob,
    softmax_score,
    softmax_score_autograd,
)

GAUSSIAN_THETAS = [np.array([0.0, 0.0]), np.array([1.0, np.log(2.0)]), np.array([-2.5, np.log(0.3)])]
ZS = [-3.0, -0.4, 0.0, 1.7, 3.0]                          # x = μ + σz, within 3σ of the mean
XS = [-3.0, -0.4, 0.0, 1.7, 4.2]
LOGITS = [np.array([0.5, -1.0, 2.0, 0.0]), np.array([3.0, 3.0, -4.0]), np.random.default_rng(0).normal(size=6)]
FD_TOL = 1e-8


# ---------------------------------------------------------------------------------------------
# gaussian_score: ((x − μ)/σ², (x − μ)²/σ² − 1)
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("theta", GAUSSIAN_THETAS)
def test_gaussian_score_matches_finite_differences_of_log_p_and_of_p(theta):
    for x in theta[0] + np.exp(theta[1]) * np.array(ZS):
        grad_log_p, grad_p_over_p = log_derivative_sides(lambda t: gaussian_density(x, t), theta)
        score = gaussian_score(x, theta)
        scale = 1 + np.abs(score).max()
        np.testing.assert_allclose(grad_log_p, score, atol=FD_TOL * scale)
        np.testing.assert_allclose(grad_p_over_p, score, atol=FD_TOL * scale)


@pytest.mark.parametrize("theta", GAUSSIAN_THETAS)
def test_autograd_score_gaussian_equals_hand_written_score(theta):
    for x in XS:
        np.testing.assert_allclose(gaussian_score(x, theta), gaussian_score_autograd(x, theta), atol=1e-12)


def test_gaussian_score_log_density_matches_torch():
    theta = GAUSSIAN_THETAS[1]
    expected = torch.distributions.Normal(theta[0], np.exp(theta[1])).log_prob(torch.tensor(XS, dtype=torch.float64))
    np.testing.assert_allclose(gaussian_log_density(np.array(XS), theta), expected.numpy(), atol=1e-14)


def test_gaussian_score_is_vectorised_over_samples():
    theta = GAUSSIAN_THETAS[1]
    np.testing.assert_allclose(gaussian_score(np.array(XS), theta), [gaussian_score(x, theta) for x in XS])
    assert gaussian_score(np.array(XS), theta).shape == (len(XS), 2)


@pytest.mark.parametrize("theta", GAUSSIAN_THETAS)
def test_gaussian_score_has_mean_zero(theta):
    """∫ p(x;θ) ∇θ log p(x;θ) dx = ∇θ ∫ p dx = 0, by quadrature on μ ± 15σ."""
    sigma = np.exp(theta[1])
    x = np.linspace(theta[0] - 15 * sigma, theta[0] + 15 * sigma, 60_001)
    mean = np.trapezoid(gaussian_density(x, theta)[:, None] * gaussian_score(x, theta), x, axis=0)
    np.testing.assert_allclose(mean, 0.0, atol=1e-12)


def test_gaussian_score_check_fails_for_a_wrong_score():
    """The check has teeth: x − μ (the unit-variance score, no 1/σ²) and the score in σ instead of
    log σ, (x − μ)²/σ³ − 1/σ, both fail the finite-difference comparison when σ = 2."""
    theta, x = GAUSSIAN_THETAS[1], 2.3
    sigma = np.exp(theta[1])
    grad_log_p, _ = log_derivative_sides(lambda t: gaussian_density(x, t), theta)
    assert abs(grad_log_p[0] - (x - theta[0])) > 0.1
    assert abs(grad_log_p[1] - ((x - theta[0]) ** 2 / sigma**3 - 1 / sigma)) > 0.1


# ---------------------------------------------------------------------------------------------
# softmax_score: e_a − softmax(θ)
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("theta", LOGITS)
def test_softmax_score_matches_finite_differences_of_log_p_and_of_p(theta):
    for a in range(len(theta)):
        grad_log_p, grad_p_over_p = log_derivative_sides(lambda t: softmax(t)[a], theta)
        np.testing.assert_allclose(grad_log_p, softmax_score(a, theta), atol=FD_TOL)
        np.testing.assert_allclose(grad_p_over_p, softmax_score(a, theta), atol=FD_TOL)


@pytest.mark.parametrize("theta", LOGITS)
def test_autograd_score_softmax_equals_hand_written_score(theta):
    for a in range(len(theta)):
        np.testing.assert_allclose(softmax_score(a, theta), softmax_score_autograd(a, theta), atol=1e-12)
        assert softmax_log_prob(a, theta) == pytest.approx(np.log(softmax(theta)[a]), abs=1e-12)


def test_softmax_score_is_vectorised_over_actions():
    theta, actions = LOGITS[0], np.array([2, 0, 2, 3])
    np.testing.assert_allclose(softmax_score(actions, theta), [softmax_score(a, theta) for a in actions])


@pytest.mark.parametrize("theta", LOGITS)
def test_softmax_score_has_mean_zero(theta):
    p = softmax(theta)
    np.testing.assert_allclose(p @ softmax_score(np.arange(len(theta)), theta), 0.0, atol=1e-15)


def test_softmax_score_is_shift_invariant_and_stable():
    """Adding a constant to every logit changes no probability, hence no score; large logits do not overflow."""
    theta = LOGITS[0]
    np.testing.assert_allclose(softmax_score(1, theta + 1000.0), softmax_score(1, theta), atol=1e-12)


def test_softmax_score_check_fails_for_a_flipped_sign():
    theta = LOGITS[0]
    grad_log_p, _ = log_derivative_sides(lambda t: softmax(t)[2], theta)
    assert np.abs(grad_log_p - (softmax(theta) - np.eye(4)[2])).max() > 0.1


# ---------------------------------------------------------------------------------------------
# finite_difference and chain_rule (B1): the two sides agree, for any positive p
# ---------------------------------------------------------------------------------------------
def test_finite_difference_is_exact_for_quadratics():
    """A central difference is exact (up to rounding) for a quadratic: ∇ θᵀAθ = (A + Aᵀ)θ."""
    A = np.array([[2.0, 1.0], [0.0, -3.0]])
    theta = np.array([0.7, -1.2])
    np.testing.assert_allclose(central_difference(lambda t: t @ A @ t, theta), (A + A.T) @ theta, atol=1e-9)


def test_finite_difference_handles_matrix_parameters():
    theta = np.arange(6.0).reshape(2, 3) / 10
    np.testing.assert_allclose(central_difference(lambda t: np.sum(t**3), theta), 3 * theta**2, atol=1e-9)


@pytest.mark.parametrize("p", [lambda t: np.exp(-t @ t) + 0.1, lambda t: 1 / (1 + np.exp(-t[0] * t[1])),
                               lambda t: (np.sin(t[0]) + 2) * t[1] ** 2])
def test_chain_rule_both_sides_agree_for_positive_functions(p):
    """B1 needs nothing of p but p(θ) > 0 and differentiability: not even that p is a probability."""
    theta = np.array([0.3, 1.1])
    left, right = log_derivative_sides(p, theta)
    np.testing.assert_allclose(left, right, atol=1e-8)


def test_chain_rule_fails_without_dividing_by_p():
    """∇θ log p ≠ ∇θ p unless p = 1: the division by p is the whole content of B1."""
    theta, x = GAUSSIAN_THETAS[1], 2.3
    p = lambda t: gaussian_density(x, t)
    left, _ = log_derivative_sides(p, theta)
    assert np.abs(left - central_difference(p, theta)).max() > 0.1


# ---------------------------------------------------------------------------------------------
# probability_gradient (B2): ∇θ p = p ∇θ log p
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("theta", GAUSSIAN_THETAS)
def test_probability_gradient_gaussian_matches_finite_differences_and_autograd(theta):
    for x in XS:
        p = lambda t: gaussian_density(x, t)
        grad_p = probability_gradient(p, lambda t: gaussian_score(x, t), theta)
        np.testing.assert_allclose(grad_p, central_difference(p, theta), atol=1e-9)
        t = torch.tensor(theta, requires_grad=True)
        torch.distributions.Normal(t[0], t[1].exp()).log_prob(torch.tensor(x, dtype=torch.float64)).exp().backward()
        np.testing.assert_allclose(grad_p, t.grad.numpy(), atol=1e-12)


@pytest.mark.parametrize("theta", LOGITS)
def test_probability_gradient_softmax_is_a_row_of_the_jacobian(theta):
    """p(a) (e_a − p) is row a of the softmax Jacobian diag(p) − p pᵀ."""
    p = softmax(theta)
    rows = [probability_gradient(lambda t: softmax(t)[a], lambda t: softmax_score(a, t), theta) for a in range(len(theta))]
    np.testing.assert_allclose(rows, np.diag(p) - np.outer(p, p), atol=1e-15)


def test_probability_gradient_fails_without_the_factor_p():
    """Using the score alone as ∇θ p (forgetting the factor p) fails the same check."""
    theta, a = LOGITS[0], 2
    grad_p = central_difference(lambda t: softmax(t)[a], theta)
    assert np.abs(softmax_score(a, theta) - grad_p).max() > 0.05


# ---------------------------------------------------------------------------------------------
# policy_score and policy_autograd (B3): ∇θ π_θ(s, a) = π_θ(s, a) ∇θ log π_θ(s, a)
# ---------------------------------------------------------------------------------------------
TABLE = np.random.default_rng(1).normal(size=(3, 4))     # θ for S = 3 states, A = 4 actions


def test_policy_score_matches_finite_differences_of_log_pi():
    for s in range(3):
        for a in range(4):
            fd = central_difference(lambda t: np.log(policy_in_state(t, s)[a]), TABLE)
            np.testing.assert_allclose(policy_score(TABLE, s, a), fd, atol=FD_TOL)


def test_policy_score_only_moves_the_row_of_its_state():
    score = policy_score(TABLE, 1, 2)
    assert np.all(score[[0, 2]] == 0) and score[1].sum() == pytest.approx(0, abs=1e-15)


def test_policy_score_times_pi_equals_autograd_of_pi():
    for s in range(3):
        for a in range(4):
            np.testing.assert_allclose(policy_probability_gradient(TABLE, s, a),
                                       policy_probability_gradient_autograd(TABLE, s, a), atol=1e-15)


def test_policy_autograd_matches_finite_differences_of_pi():
    for s in range(3):
        for a in range(4):
            fd = central_difference(lambda t: policy_in_state(t, s)[a], TABLE)
            np.testing.assert_allclose(policy_probability_gradient_autograd(TABLE, s, a), fd, atol=1e-10)


def test_policy_score_check_fails_with_the_score_in_every_row():
    """A score that forgets which state it belongs to (e_a − π(·|s) copied into every row) fails."""
    s, a = 1, 2
    wrong = np.tile(softmax_score(a, TABLE[s]), (3, 1)) * policy_in_state(TABLE, s)[a]
    assert np.abs(wrong - policy_probability_gradient_autograd(TABLE, s, a)).max() > 0.01


# ---------------------------------------------------------------------------------------------
# fisher_information: the covariance of the score, a matrix, not the score
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("theta", LOGITS)
def test_fisher_information_is_minus_expected_hessian_of_log_p(theta):
    """F = E[s sᵀ] = −E[∇² log p] = diag(p) − p pᵀ; the Hessian by torch autograd."""
    p = softmax(theta)
    F = fisher_information(theta)
    np.testing.assert_allclose(F, np.diag(p) - np.outer(p, p), atol=1e-15)
    for a in range(len(theta)):
        hessian = torch.autograd.functional.hessian(lambda t: torch.log_softmax(t, 0)[a], torch.tensor(theta))
        np.testing.assert_allclose(-hessian.numpy(), F, atol=1e-12)   # here the same for every a


def test_fisher_information_is_not_the_score():
    theta = LOGITS[0]
    F = fisher_information(theta)
    assert F.shape == (4, 4) and softmax_score(0, theta).shape == (4,)
    assert np.all(np.linalg.eigvalsh(F) > -1e-15)                       # positive semi-definite
    assert np.abs(F @ np.ones(4)).max() < 1e-15                         # singular along θ + c·1


def test_fisher_information_fails_without_the_weights_p():
    """An unweighted average of s sᵀ over actions is not the Fisher information."""
    theta = LOGITS[0]
    scores = softmax_score(np.arange(4), theta)
    assert np.abs(scores.T @ scores / 4 - fisher_information(theta)).max() > 0.05


def test_log_derivative_script_runs(capsys):
    runpy.run_path(log_derivative.__file__, run_name="__main__")
    assert "B3" in capsys.readouterr().out
