"""Tests for snippets/score_function.py (formulas C1-C5 on the score-function page).

Exact values come from closed forms of N(θ, 1) moments, from enumeration of a categorical, and from
torch autograd. Monte Carlo checks use a tolerance of 4 standard errors, computed from the sample.
"""
import math

import numpy as np
import pytest
import torch

from log_derivative import central_difference
from score_function import (
    categorical_score_function_estimate,
    discrete_derivation,
    discrete_gradient_autograd,
    expectation,
    leibniz_gradient,
    naive_estimate,
    naive_limit,
    real_line,
    sample_categorical,
    score_expectation,
    score_function_estimate,
    sequence_score_function_estimate,
    softmax,
    softmax_score,
    unit_gaussian_density,
    unit_gaussian_density_grad,
    unit_gaussian_score,
)
import score_function

N = 100_000
THETAS = [-1.0, 0.3, 1.5]


def square(x):
    return x**2


def cube(x):
    return x**3


# Closed forms for x ~ N(θ, 1): E[x²] = θ² + 1, E[x³] = θ³ + 3θ.
EXACT_GRADIENT = {square: lambda t: 2 * t, cube: lambda t: 3 * t**2 + 3}
# What the naive average converges to, ∫ p ∇p f dx = E_{z~N(0,1/2)}[z f(θ + z)] / (2√π):
# for x², E[z (θ+z)²] = 2θ·(1/2) = θ; for x³, E[z (θ+z)³] = 3θ²·(1/2) + E[z⁴] = 3θ²/2 + 3/4.
NAIVE_LIMIT = {
    square: lambda t: t / (2 * math.sqrt(math.pi)),
    cube: lambda t: (1.5 * t**2 + 0.75) / (2 * math.sqrt(math.pi)),
}

LOGITS = np.array([0.5, -1.0, 2.0, 0.0])
F_VALUES = np.array([1.0, 3.0, -2.0, 0.5])


def categorical_exact_gradient(f_values, theta):
    """∇θ Σ_x softmax(θ)_x f(x) = p ⊙ (f − p·f), the softmax Jacobian applied to f."""
    p = softmax(theta)
    return p * (f_values - p @ f_values)


# ---------------------------------------------------------------------------------------------
# score: the two scores are the derivatives of the log densities
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("theta", THETAS)
def test_score_gaussian_matches_autograd(theta):
    x = torch.linspace(-4, 4, 9, dtype=torch.float64)
    t = torch.tensor(theta, dtype=torch.float64, requires_grad=True)
    log_p = torch.distributions.Normal(t, 1.0).log_prob(x)
    for i in range(len(x)):
        (grad,) = torch.autograd.grad(log_p[i], t, retain_graph=True)
        assert unit_gaussian_score(x[i].item(), theta) == pytest.approx(grad.item(), abs=1e-12)


def test_score_softmax_matches_autograd():
    for x in range(len(LOGITS)):
        t = torch.tensor(LOGITS, requires_grad=True)
        torch.log_softmax(t, dim=0)[x].backward()
        np.testing.assert_allclose(softmax_score(x, LOGITS), t.grad.numpy(), atol=1e-12)
    # vectorised over an array of outcomes: one row per x
    xs = np.array([2, 0, 2, 3])
    np.testing.assert_allclose(softmax_score(xs, LOGITS), [softmax_score(x, LOGITS) for x in xs])


def test_score_has_mean_zero():
    """E_p[∇θ log p] = Σ_x p(x) (e_x − p) = 0, the discrete version of ∫ ∇θ p dx = 0."""
    p = softmax(LOGITS)
    np.testing.assert_allclose(p @ softmax_score(np.arange(len(LOGITS)), LOGITS), 0.0, atol=1e-15)


# ---------------------------------------------------------------------------------------------
# C1: Leibniz rule, and the naive estimator that averages ∇θ p
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("theta", THETAS)
def test_density_grad_matches_finite_difference(theta):
    x = real_line(theta)[::1000]
    fd = [central_difference(lambda t: unit_gaussian_density(point, t), theta, h=1e-6) for point in x]
    np.testing.assert_allclose(unit_gaussian_density_grad(x, theta), fd, atol=1e-9)


@pytest.mark.parametrize("theta", THETAS)
@pytest.mark.parametrize("f", [square, cube])
def test_leibniz_rule_equals_derivative_of_expectation(f, theta):
    """∫ ∇θ p f dx equals d/dθ E[f]: the closed form and a central difference of E[f]."""
    fd = float(central_difference(lambda t: expectation(f, t), theta))
    assert leibniz_gradient(f, theta) == pytest.approx(EXACT_GRADIENT[f](theta), abs=1e-9)
    assert fd == pytest.approx(EXACT_GRADIENT[f](theta), abs=1e-6)


@pytest.mark.parametrize("theta", THETAS)
def test_leibniz_rule_grad_p_is_not_a_density(theta):
    """∇θ p integrates to 0 (= ∇θ 1) and is negative for x < θ: it cannot be sampled from."""
    x = real_line(theta)
    grad_p = unit_gaussian_density_grad(x, theta)
    assert np.trapezoid(grad_p, x) == pytest.approx(0.0, abs=1e-12)
    assert grad_p.min() < -0.2 and grad_p.max() > 0.2     # extremes ±e^{−1/2}/√(2π) ≈ ±0.242


@pytest.mark.parametrize("theta", THETAS)
@pytest.mark.parametrize("f", [square, cube])
def test_naive_estimator_limit_closed_form(f, theta):
    assert naive_limit(f, theta) == pytest.approx(NAIVE_LIMIT[f](theta), abs=1e-10)


@pytest.mark.parametrize("theta", [0.3, 1.5])
@pytest.mark.parametrize("f", [square, cube])
def test_naive_estimator_is_biased(f, theta):
    """The naive average converges (within 4 se) to ∫ p ∇p f, many se away from ∇θ E[f]."""
    g, se = naive_estimate(f, theta, N, np.random.default_rng(1))
    assert g == pytest.approx(naive_limit(f, theta), abs=4 * se)
    assert abs(g - EXACT_GRADIENT[f](theta)) > 50 * se


# ---------------------------------------------------------------------------------------------
# C2: the continuous form ∇θ E[f] = E[f ∇θ log p]
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("theta", THETAS)
@pytest.mark.parametrize("f", [square, cube])
def test_continuous_form_equals_leibniz_gradient(f, theta):
    assert score_expectation(f, theta) == pytest.approx(leibniz_gradient(f, theta), abs=1e-10)
    assert score_expectation(f, theta) == pytest.approx(EXACT_GRADIENT[f](theta), abs=1e-9)


def test_continuous_form_fails_with_flipped_score(monkeypatch):
    monkeypatch.setattr(score_function, "unit_gaussian_score", lambda x, theta: theta - x)
    assert score_expectation(square, 1.5) == pytest.approx(-3.0, abs=1e-9)   # −2θ, not 2θ


# ---------------------------------------------------------------------------------------------
# C3: the discrete derivation, line by line, by enumeration
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_discrete_derivation_every_line_equals_autograd(seed):
    rng = np.random.default_rng(seed)
    theta, f_values = rng.normal(size=6), rng.normal(size=6)
    exact = discrete_gradient_autograd(f_values, theta)
    np.testing.assert_allclose(exact, categorical_exact_gradient(f_values, theta), atol=1e-14)
    for name, value in discrete_derivation(f_values, theta).items():
        np.testing.assert_allclose(value, exact, atol=1e-14, err_msg=name)


def test_discrete_derivation_ratio_is_the_score():
    """Row x of ∇θ p / p is ∇θ log p(x|θ) = e_x − softmax(θ) (the log-derivative trick)."""
    p = softmax(LOGITS)
    grad_p = np.diag(p) - np.outer(p, p)
    for x in range(len(LOGITS)):
        np.testing.assert_allclose(grad_p[x] / p[x], softmax_score(x, LOGITS), atol=1e-14)


def test_discrete_autograd_detects_a_wrong_line():
    """Dropping the factor p(x|θ) in the last line (Σ f ∇log p) gives a different vector."""
    wrong = sum(F_VALUES[x] * softmax_score(x, LOGITS) for x in range(len(LOGITS)))
    assert np.abs(wrong - discrete_gradient_autograd(F_VALUES, LOGITS)).max() > 0.5


# ---------------------------------------------------------------------------------------------
# categorical: the one categorical sampler of the site, and its tie rule
# ---------------------------------------------------------------------------------------------
class FixedUniforms:
    """A stand-in for a numpy Generator whose random() returns chosen values u, one per row."""

    def __init__(self, u):
        self.u = np.asarray(u, dtype=float)

    def random(self, shape):
        return self.u.reshape(shape)


ZERO_PROBABILITY = np.array([0.0, 0.5, 0.0, 0.5])   # outcomes 0 and 2 can never happen
BOUNDARIES = [0.0, 0.5]                              # u exactly on a cumulative probability


def previous_rule(probs, rng):
    """The tie rule one of the pages used before: the first k with P(≤ k) ≥ u."""
    u = rng.random(probs.shape[:-1] + (1,))
    return np.minimum((u > np.cumsum(probs, axis=-1)).sum(axis=-1), probs.shape[-1] - 1)


def test_categorical_never_draws_an_outcome_of_probability_zero():
    probs = np.tile(ZERO_PROBABILITY, (len(BOUNDARIES), 1))
    assert sample_categorical(probs, FixedUniforms(BOUNDARIES)).tolist() == [1, 3]


def test_categorical_tie_check_fails_for_the_other_tie_rule():
    """The check has teeth: the rule "first k with P(≤ k) ≥ u" draws outcome 0, of probability 0, at u = 0."""
    probs = np.tile(ZERO_PROBABILITY, (len(BOUNDARIES), 1))
    assert previous_rule(probs, FixedUniforms(BOUNDARIES)).tolist() == [0, 1]


def test_categorical_frequencies_match_the_probabilities_within_4_standard_errors():
    p, n = softmax(LOGITS), 200_000
    freq = np.bincount(sample_categorical(np.tile(p, (n, 1)), np.random.default_rng(5)), minlength=len(p)) / n
    assert np.all(np.abs(freq - p) <= 4 * np.sqrt(p * (1 - p) / n))
    assert not np.all(np.abs(freq - p[::-1]) <= 4 * np.sqrt(p * (1 - p) / n))   # the check can fail


def test_categorical_draws_what_numpy_choice_draws_from_the_same_seed():
    """One uniform per draw, ties to the right: numpy's Generator.choice uses the same rule, so the
    seeded results the pages quote did not change when the pages moved to this one sampler."""
    p = softmax(LOGITS)
    ours = sample_categorical(np.tile(p, (10_000, 1)), np.random.default_rng(11))
    np.testing.assert_array_equal(ours, np.random.default_rng(11).choice(len(p), size=10_000, p=p))


# ---------------------------------------------------------------------------------------------
# C4: the Monte Carlo estimator is unbiased
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("theta", THETAS)
@pytest.mark.parametrize("f", [square, cube])
def test_estimator_gaussian_is_unbiased(f, theta):
    g, se = score_function_estimate(f, theta, N, np.random.default_rng(2))
    assert g == pytest.approx(EXACT_GRADIENT[f](theta), abs=4 * se)


def test_estimator_categorical_is_unbiased():
    g, se = categorical_score_function_estimate(lambda x: F_VALUES[x], LOGITS, N, np.random.default_rng(3))
    exact = categorical_exact_gradient(F_VALUES, LOGITS)
    assert np.all(np.abs(g - exact) <= 4 * se)


def test_estimator_fails_with_flipped_score(monkeypatch):
    """With the sign of the score flipped, the same 4-se check fails by a wide margin."""
    monkeypatch.setattr(score_function, "unit_gaussian_score", lambda x, theta: theta - x)
    g, se = score_function_estimate(square, 1.5, N, np.random.default_rng(2))
    assert abs(g - 3.0) > 50 * se

    monkeypatch.setattr(score_function, "softmax_score", lambda x, theta: softmax(theta) - np.eye(len(theta))[x])
    g, se = categorical_score_function_estimate(lambda x: F_VALUES[x], LOGITS, N, np.random.default_rng(3))
    assert np.any(np.abs(g - categorical_exact_gradient(F_VALUES, LOGITS)) > 50 * se)


def test_estimator_error_shrinks_like_one_over_sqrt_n():
    """se(n)·√n is about constant: 16× the samples, a quarter of the standard error."""
    _, se_small = score_function_estimate(square, 1.5, 10_000, np.random.default_rng(4))
    _, se_large = score_function_estimate(square, 1.5, 160_000, np.random.default_rng(5))
    assert se_small / se_large == pytest.approx(4.0, rel=0.05)


# ---------------------------------------------------------------------------------------------
# C5: computability, only the sampled points are evaluated
# ---------------------------------------------------------------------------------------------
class Recorder:
    """Wraps a function and records every point it was evaluated at."""

    def __init__(self, fn):
        self.fn, self.points = fn, []

    def __call__(self, x, *args):
        self.points.extend(np.atleast_1d(x) if np.ndim(x) <= 1 else list(x))
        return self.fn(x, *args)


def test_computability_only_sampled_points_are_evaluated(monkeypatch):
    """Categorical over K = 2 000 outcomes, n = 200 samples: f and the score see at most 200 of them."""
    K, n = 2_000, 200
    rng = np.random.default_rng(6)
    theta, f_values = rng.normal(size=K), rng.normal(size=K)
    f = Recorder(lambda x: f_values[x])
    score = Recorder(score_function.softmax_score)
    monkeypatch.setattr(score_function, "softmax_score", score)
    categorical_score_function_estimate(f, theta, n, np.random.default_rng(7))
    assert len(f.points) == n and len(score.points) == n
    assert len(set(f.points)) < K / 10
    # and the points f saw are exactly the points the score saw: the sample
    assert sorted(f.points) == sorted(score.points)

    # the exact sum, by contrast, needs f and ∇θ p at every one of the K outcomes
    f_all = Recorder(lambda x: f_values[x])
    sum(f_all(x) for x in range(K))
    assert len(set(f_all.points)) == K


def test_computability_sequence_estimate_matches_closed_form():
    """4^20 ≈ 1.1e12 sequences, 20 000 sampled; f(x) = Σ_t r[x_t] is called on the samples only."""
    T, K, n = 20, 4, 20_000
    rng = np.random.default_rng(8)
    theta, reward = rng.normal(size=(T, K)), np.arange(K, dtype=float)
    calls = []

    def f(x):
        calls.append(x.shape)
        return reward[x].sum(axis=1)

    g, se = sequence_score_function_estimate(f, theta, n, np.random.default_rng(9))
    p = np.stack([softmax(row) for row in theta])
    exact = p * (reward[None, :] - (p @ reward)[:, None])    # ∂/∂θ_t E[f] = p_t ⊙ (r − p_t·r)
    assert calls == [(n, T)]                                   # n points out of K^T = 1.1e12
    assert np.all(np.abs(g - exact) <= 4 * se)


def test_computability_sequence_estimate_fails_with_flipped_score(monkeypatch):
    monkeypatch.setattr(score_function, "softmax_score", lambda x, theta: softmax(theta) - np.eye(len(theta))[x])
    T, K, n = 20, 4, 20_000
    theta, reward = np.random.default_rng(8).normal(size=(T, K)), np.arange(K, dtype=float)
    g, se = sequence_score_function_estimate(lambda x: reward[x].sum(axis=1), theta, n, np.random.default_rng(9))
    p = np.stack([softmax(row) for row in theta])
    exact = p * (reward[None, :] - (p @ reward)[:, None])
    assert np.max(np.abs(g - exact) / se) > 10             # the 4-se check fails, by far
