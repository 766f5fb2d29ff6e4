"""Tests for snippets/monte_carlo.py (formulas A1-A3 on the Monte Carlo page).

Exact values come from closed forms of the moments of N(μ, σ²), Exp(λ) and B(m, q). Monte Carlo
checks use a tolerance of 4 standard errors computed from the same sample (a correct estimate misses
by more than 4 standard errors with probability about 6e-5); every claim also has a test showing that
a wrong estimator or a wrong distribution fails the same check.
"""
import math

import numpy as np
import pytest

from monte_carlo import (
    MU,
    PROB,
    RATE,
    SIGMA,
    TRIALS,
    binomial_pmf,
    error_slope,
    expectation_by_enumeration,
    expectation_by_quadrature,
    exponential_density,
    monte_carlo_estimate,
    normal_density,
    sample_binomial,
    sample_exponential,
    sample_gaussian,
    sample_mean,
    spread_of_estimates,
)
import monte_carlo


def identity(x):
    return x


def square(x):
    return x**2


# Closed forms: E[x], E[x²] and the standard deviation of f(x) for f = x, x².
GAUSSIAN = {"mean": MU, "second": MU**2 + SIGMA**2,
            "sd_x": SIGMA, "sd_x2": math.sqrt(2 * SIGMA**4 + 4 * MU**2 * SIGMA**2)}  # Var[x²] = 2σ⁴ + 4μ²σ²
EXPONENTIAL = {"mean": 1 / RATE, "second": 2 / RATE**2,
               "sd_x": 1 / RATE, "sd_x2": math.sqrt(24 - 4) / RATE**2}               # E[x⁴] = 24/λ⁴
BINOMIAL = {"mean": TRIALS * PROB, "second": TRIALS * PROB * (1 - PROB) + (TRIALS * PROB) ** 2,
            "sd_x": math.sqrt(TRIALS * PROB * (1 - PROB))}

CASES = {  # name: (sampler, f, exact E[f(x)], exact sd of f(x))
    "gaussian_x": (sample_gaussian, identity, GAUSSIAN["mean"], GAUSSIAN["sd_x"]),
    "gaussian_x2": (sample_gaussian, square, GAUSSIAN["second"], GAUSSIAN["sd_x2"]),
    "exponential_x": (sample_exponential, identity, EXPONENTIAL["mean"], EXPONENTIAL["sd_x"]),
    "exponential_x2": (sample_exponential, square, EXPONENTIAL["second"], EXPONENTIAL["sd_x2"]),
    "binomial_x": (sample_binomial, identity, BINOMIAL["mean"], BINOMIAL["sd_x"]),
}


# ---------------------------------------------------------------------------------------------
# distributions: densities are normalised and the samplers draw from them
# ---------------------------------------------------------------------------------------------
def test_distributions_densities_integrate_to_one():
    one = lambda x: np.ones_like(x)
    assert expectation_by_quadrature(one, normal_density, MU - 12 * SIGMA, MU + 12 * SIGMA) == pytest.approx(1, abs=1e-12)
    assert expectation_by_quadrature(one, exponential_density, 0.0, 80 / RATE) == pytest.approx(1, abs=1e-8)
    assert expectation_by_enumeration(lambda k: 1, range(TRIALS + 1), binomial_pmf) == pytest.approx(1, abs=1e-15)
    assert exponential_density(np.array([-1.0]))[0] == 0.0


@pytest.mark.parametrize("sample, density, lo", [(sample_gaussian, normal_density, MU - 12 * SIGMA),
                                                  (sample_exponential, exponential_density, 0.0)])
def test_distributions_samplers_match_densities(sample, density, lo):
    """The fraction of samples in each of 8 bins equals ∫_bin p(x) dx within 4 binomial standard errors."""
    n = 200_000
    x = sample(n, np.random.default_rng(7))
    edges = np.quantile(x, np.linspace(0, 1, 9))[1:-1]     # 7 inner edges → 8 bins
    counts = np.histogram(x, np.concatenate([[-np.inf], edges, [np.inf]]))[0]
    grid_edges = np.concatenate([[lo], edges, [200.0]])   # p ≈ 0 beyond 200 for both
    for k, count in enumerate(counts):
        prob = expectation_by_quadrature(np.ones_like, density, grid_edges[k], grid_edges[k + 1], m=40_001)
        assert count / n == pytest.approx(prob, abs=4 * math.sqrt(prob * (1 - prob) / n))


def test_distributions_binomial_sampler_matches_pmf():
    n = 200_000
    counts = np.bincount(sample_binomial(n, np.random.default_rng(8)), minlength=TRIALS + 1)
    for k in range(TRIALS + 1):
        prob = binomial_pmf(k)
        assert counts[k] / n == pytest.approx(prob, abs=4 * math.sqrt(prob * (1 - prob) / n) + 1e-12)


# ---------------------------------------------------------------------------------------------
# A1: the expectation as an integral (or a sum), against the closed forms
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("f, key", [(identity, "mean"), (square, "second")])
def test_expectation_by_quadrature_matches_closed_form(f, key):
    # trapezoid error on this grid: h = 24σ/4e5 = 1.2e-4, error ≈ h²/12 · |[(fp)']| ≤ 1e-9
    gauss = expectation_by_quadrature(f, normal_density, MU - 12 * SIGMA, MU + 12 * SIGMA)
    expo = expectation_by_quadrature(f, exponential_density, 0.0, 80 / RATE)
    assert gauss == pytest.approx(GAUSSIAN[key], abs=1e-9)
    assert expo == pytest.approx(EXPONENTIAL[key], abs=1e-8)


@pytest.mark.parametrize("f, key", [(identity, "mean"), (square, "second")])
def test_expectation_by_enumeration_matches_closed_form(f, key):
    assert expectation_by_enumeration(f, range(TRIALS + 1), binomial_pmf) == pytest.approx(BINOMIAL[key], abs=1e-12)


def test_expectation_fails_without_the_whole_support():
    """The check has teeth: integrating the exponential only over [0, 2/λ] misses E[x²] by far."""
    truncated = expectation_by_quadrature(square, exponential_density, 0.0, 2 / RATE)
    assert abs(truncated - EXPONENTIAL["second"]) > 1.0
    dropped_k = expectation_by_enumeration(square, range(TRIALS), binomial_pmf)   # k = m left out
    assert abs(dropped_k - BINOMIAL["second"]) > 1e-4


# ---------------------------------------------------------------------------------------------
# A2: the sample mean estimates E[x]
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["gaussian_x", "exponential_x", "binomial_x"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sample_mean_is_within_4_standard_errors(name, seed):
    sample, _, exact, sd = CASES[name]
    n = 100_000
    mean, se = sample_mean(sample(n, np.random.default_rng(seed)))
    assert se == pytest.approx(sd / math.sqrt(n), rel=0.05)   # the estimated se is close to σ/√n
    assert mean == pytest.approx(exact, abs=4 * se)


def test_sample_mean_fails_for_samples_from_another_distribution():
    """Samples from N(μ + 0.1, σ²) instead of N(μ, σ²): 0.1 is ~16 standard errors at n = 1e5."""
    x = np.random.default_rng(0).normal(MU + 0.1, SIGMA, 100_000)
    mean, se = sample_mean(x)
    assert abs(mean - GAUSSIAN["mean"]) > 10 * se


# ---------------------------------------------------------------------------------------------
# A3: the estimate of E[f(x)] and its 1/√n error
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_estimate_is_within_4_standard_errors(name, seed):
    sample, f, exact, _ = CASES[name]
    estimate, se = monte_carlo_estimate(f, sample, 100_000, np.random.default_rng(seed))
    assert estimate == pytest.approx(exact, abs=4 * se)


def test_estimate_converges_as_n_grows():
    """|estimate − exact| over 200 seeded runs: its mean falls by about √10 per tenfold n."""
    rng = np.random.default_rng(3)
    errors = [np.mean([abs(monte_carlo_estimate(square, sample_gaussian, n, rng)[0] - GAUSSIAN["second"])
                       for _ in range(200)]) for n in (100, 1_000, 10_000)]
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < 0.1


def test_estimate_fails_with_the_wrong_function():
    """E[x]² instead of E[x²] for the Gaussian (1 instead of 5) is rejected by the same check."""
    estimate, se = monte_carlo_estimate(identity, sample_gaussian, 100_000, np.random.default_rng(0))
    assert abs(estimate**2 - GAUSSIAN["second"]) > 50 * se


@pytest.mark.parametrize("name", ["gaussian_x2", "exponential_x2", "binomial_x"])
def test_error_rate_slope_is_minus_one_half(name):
    """log-log slope of the spread of repeated estimates against n: −1/2 within 4 of its standard errors.

    The standard error of the slope comes from the delta method (see error_slope); with 500 repeats and
    n = 10 … 10⁴ it is about 0.007-0.012, so the check also rejects −0.45 or −0.55.
    """
    sample, f, _, _ = CASES[name]
    slope, se_slope, _ = error_slope(f, sample, [10, 100, 1_000, 10_000], 500, np.random.default_rng(4))
    assert se_slope < 0.02
    assert slope == pytest.approx(-0.5, abs=4 * se_slope)


@pytest.mark.parametrize("name", ["gaussian_x2", "exponential_x2", "binomial_x"])
def test_error_rate_spread_equals_sigma_over_sqrt_n(name):
    """Not only the slope: the spread of n-sample estimates is sd(f(x))/√n, the constant included."""
    sample, f, _, sd = CASES[name]
    rng = np.random.default_rng(5)
    for n in (10, 1_000):
        spread, se_log = spread_of_estimates(f, sample, n, 2_000, rng)
        assert math.log(spread) == pytest.approx(math.log(sd / math.sqrt(n)), abs=4 * se_log)


def test_error_rate_fails_when_the_samples_are_copies_of_one_draw():
    """n copies of a single draw are not n independent samples: the spread does not shrink (slope ≈ 0)."""
    def one_draw_copied(size, rng):
        repeats, n = size
        return np.repeat(rng.normal(MU, SIGMA, (repeats, 1)), n, axis=1)

    slope, se_slope, _ = error_slope(square, one_draw_copied, [10, 100, 1_000, 10_000], 500, np.random.default_rng(4))
    assert abs(slope + 0.5) > 10 * se_slope


def test_error_rate_standard_error_of_log_spread_is_honest():
    """The delta-method se of log(spread) matches the spread of log(spread) over 200 independent runs."""
    rng = np.random.default_rng(6)
    runs = [spread_of_estimates(square, sample_exponential, 100, 200, rng) for _ in range(200)]
    log_spreads, se_logs = np.log([r[0] for r in runs]), np.array([r[1] for r in runs])
    assert np.std(log_spreads, ddof=1) == pytest.approx(np.mean(se_logs), rel=0.25)


def test_monte_carlo_script_runs(capsys):
    import runpy
    runpy.run_path(monte_carlo.__file__, run_name="__main__")
    out = capsys.readouterr().out
    assert "A1" in out and "A2" in out and "slope" in out
