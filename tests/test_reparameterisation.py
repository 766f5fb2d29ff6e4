"""Tests of snippets/reparameterisation.py (formulas K1-K3): exact gradients against finite
differences of the expectation, closed-form variances against quadrature, sampled estimates within
4 standard errors, the table of the page recomputed, and a partner test for each check."""
import re

import numpy as np
import pytest

from conftest import ROOT
from log_derivative import central_difference
from reparameterisation import (FUNCTIONS, K, N, SEED, THETA, compare, normal_cdf, normal_pdf,
                                pathwise_estimate, variances)

THETAS = [-1.0, 0.5, 1.5]


def expectation(g, theta, lower=None):
    """E_{x~N(θ,1)}[g(x)] by the trapezoid rule on [θ − 12, θ + 12], or on [lower, θ + 12] where g is
    zero below `lower` (so a jump at `lower` falls on the grid's end, not inside a cell)."""
    x = np.linspace(theta - 12 if lower is None else lower, theta + 12, 400_001)
    return np.trapezoid(normal_pdf(x - theta) * g(x), x)


def expected_f(name, theta):
    f = FUNCTIONS[name][0]
    return expectation(f, theta, lower=0.0) if name == "step" else expectation(f, theta)


# --- the three functions ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("theta", THETAS)
def test_functions_gradients_match_finite_differences_of_the_expectation(name, theta):
    by_difference = central_difference(lambda t: expected_f(name, t[0]), np.array([theta]), h=1e-4)[0]
    # the trapezoid rule's error (~1e-9 here) divided by 2h, plus the O(h²) of the difference itself
    assert FUNCTIONS[name][2](theta) == pytest.approx(by_difference, abs=1e-5)


def test_functions_check_fails_without_the_damping_factor():
    """cos: dropping e^{−k²/2} from the gradient is caught by the same comparison."""
    theta = 1.5
    by_difference = central_difference(lambda t: expected_f("cosine", t[0]), np.array([theta]), h=1e-4)[0]
    assert abs(-K * np.sin(K * theta) - by_difference) > 1.0


# --- K1 and K3: the pathwise estimator ----------------------------------------------------------------

@pytest.mark.parametrize("name", ["square", "cosine"])
@pytest.mark.parametrize("theta", THETAS)
def test_pathwise_is_unbiased_for_smooth_f(name, theta):
    _, f_prime, gradient = FUNCTIONS[name]
    estimate, se = pathwise_estimate(f_prime, theta, 50_000, np.random.default_rng(1))
    assert abs(estimate - gradient(theta)) <= 4 * se


def test_pathwise_is_right_for_a_kink_and_wrong_for_a_jump():
    theta, rng = 0.7, np.random.default_rng(2)
    estimate, se = pathwise_estimate(np.sign, theta, 50_000, rng)         # f = |x|, continuous, kinked at 0
    assert abs(estimate - (2 * normal_cdf(theta) - 1)) <= 4 * se          # d/dθ E|x| = 2Φ(θ) − 1
    step_estimate, step_se = pathwise_estimate(FUNCTIONS["step"][1], theta, 50_000, rng)
    assert step_estimate == 0 and step_se == 0                            # (K3): exactly 0, for sure
    assert FUNCTIONS["step"][2](theta) > 0.3                              # while the gradient is φ(0.7)


# --- K2: the variances -------------------------------------------------------------------------------

def quadrature_variances(name, theta):
    f, f_prime, gradient = FUNCTIONS[name]
    g = gradient(theta)
    if name == "step":                                                    # f = 1 on x > 0, 0 below
        score_function = expectation(lambda x: (x - theta) ** 2, theta, lower=0.0) - g**2
        return score_function, 0.0
    score_function = expectation(lambda x: (f(x) * (x - theta)) ** 2, theta) - g**2
    pathwise = expectation(lambda x: f_prime(x) ** 2, theta) - g**2
    return score_function, pathwise


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("theta", THETAS)
def test_variances_match_quadrature(name, theta):
    closed = variances(name, theta)
    score_function, pathwise = quadrature_variances(name, theta)
    assert closed["score_function"] == pytest.approx(score_function, rel=1e-8, abs=1e-10)
    assert closed["pathwise"] == pytest.approx(pathwise, rel=1e-8, abs=1e-10)


def test_variances_check_fails_for_the_second_moment():
    """The comparison sees a missing − g²: the second moment of x²(x − θ) is not its variance."""
    score_function, _ = quadrature_variances("square", 1.5)
    assert abs(variances("square", 1.5)["score_function"] + 4 * 1.5**2 - score_function) > 1


# --- both estimators side by side ----------------------------------------------------------------------

def measured_variance(estimate_and_se, n):
    """The sample variance of the terms behind (mean, se): se² n."""
    return estimate_and_se[1] ** 2 * n


@pytest.mark.parametrize("theta", THETAS)
def test_compare_estimates_are_within_four_standard_errors(theta):
    n = 40_000
    for row in compare(theta, n, seed=3):
        for estimator in ("score_function", "pathwise"):
            if row["f"] == "step" and estimator == "pathwise":
                continue                                                   # wrong by design: next test
            estimate, se = row[estimator]
            assert abs(estimate - row["gradient"]) <= 4 * se, (row["f"], estimator)
        f, f_prime, _ = FUNCTIONS[row["f"]]
        rng = np.random.default_rng(4)                                     # the terms themselves, for the variance
        x = theta + rng.standard_normal(n)
        for estimator, terms in (("score_function", f(x) * (x - theta)), ("pathwise", f_prime(x))):
            squares = (terms - terms.mean()) ** 2
            se_of_variance = squares.std(ddof=1) / np.sqrt(n)
            assert abs(squares.mean() - row[f"{estimator}_variance"]) <= 4 * se_of_variance + 1e-12, (row["f"], estimator)


def test_compare_check_fails_for_the_pathwise_step():
    row = next(r for r in compare(1.5, 40_000, seed=3) if r["f"] == "step")
    estimate, se = row["pathwise"]
    assert not abs(estimate - row["gradient"]) <= 4 * se                  # 0 ± 0 against φ(1.5) = 0.13


NUMBER = re.compile(r"\$(-?[\d.]+)(?: \\pm ([\d.]+))?\$")


def table_rows(lang):
    """The second table of the page: per f, g, SF ± se, V_SF, PW ± se, V_PW, as (value, tolerance)."""
    rows = []
    for line in (ROOT / "docs" / lang / "reparameterisation.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        matches = [NUMBER.fullmatch(cell) for cell in cells[1:]]
        if line.startswith("|") and len(cells) == 6 and all(matches):
            rows.append([[(float(v), 0.5 * 10.0 ** -len(v.partition(".")[2])) for v in m.groups() if v is not None]
                         for m in matches])
    return rows


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_compare_matches_the_table(lang):
    rows = table_rows(lang)
    computed = compare(THETA, N, SEED)
    assert len(rows) == len(computed) == 3
    for shown, row in zip(rows, computed):
        values = [[row["gradient"]], list(row["score_function"]), [row["score_function_variance"]],
                  list(row["pathwise"]), [row["pathwise_variance"]]]
        for cell, numbers in zip(shown, values):
            assert len(cell) == len(numbers) and all(abs(v - s) <= tol + 1e-12 for (s, tol), v in zip(cell, numbers)), \
                (row["f"], cell, numbers)


def test_compare_table_check_fails_on_another_seed():
    shown = table_rows("en")[0][1]                                        # x²: score function ± se
    estimate, se = next(r for r in compare(THETA, N, SEED + 1) if r["f"] == "square")["score_function"]
    assert not all(abs(v - s) <= tol for (s, tol), v in zip(shown, [estimate, se]))
