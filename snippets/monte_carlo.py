"""Monte Carlo estimation: E[f(x)] = ∫ f(x) p(x) dx ≈ (1/n) Σ f(x_i), x_i ~ p, with an error ∝ 1/√n.

Shown on the Monte Carlo page (formulas A1-A3). Run: python snippets/monte_carlo.py
Three distributions whose moments have closed forms: a Gaussian N(μ, σ²), an exponential with rate λ
(both continuous: quadrature gives exact values) and a binomial B(m, q) (discrete: enumeration).
"""

# --8<-- [start:distributions]
import math

import numpy as np

MU, SIGMA = 1.0, 2.0     # N(μ, σ²): E[x] = μ = 1,   E[x²] = μ² + σ² = 5
RATE = 0.5               # Exp(λ):   E[x] = 1/λ = 2, E[x²] = 2/λ² = 8
TRIALS, PROB = 10, 0.3   # B(m, q):  E[x] = mq = 3,  E[x²] = mq(1 − q) + (mq)² = 11.1


def normal_density(x, mu=MU, sigma=SIGMA):
    """p(x) = exp(−(x − μ)²/(2σ²)) / (σ √(2π))."""
    return np.exp(-0.5 * ((x - mu) / sigma) ** 2) / (sigma * np.sqrt(2 * np.pi))


def exponential_density(x, rate=RATE):
    """p(x) = λ exp(−λx) for x ≥ 0, and 0 for x < 0."""
    return np.where(x >= 0, rate * np.exp(-rate * np.abs(x)), 0.0)


def binomial_pmf(k, trials=TRIALS, prob=PROB):
    """p(k) = C(m, k) q^k (1 − q)^(m − k) for k = 0, …, m."""
    return math.comb(trials, k) * prob**k * (1 - prob) ** (trials - k)


# Samplers: sample(size, rng) draws independent x_i ~ p;
# size is n, or a shape such as (repeats, n).
def sample_gaussian(size, rng):
    return rng.normal(MU, SIGMA, size)


def sample_exponential(size, rng):
    return rng.exponential(1 / RATE, size)   # numpy takes the scale 1/λ


def sample_binomial(size, rng):
    return rng.binomial(TRIALS, PROB, size)
# --8<-- [end:distributions]


# --8<-- [start:expectation]
import numpy as np


def expectation_by_quadrature(f, density, lo, hi, m=400_001):
    """E[f(x)] = ∫ f(x) p(x) dx by the trapezoid rule on m points of [lo, hi].

    [lo, hi] must hold (nearly) all the mass of p.
    """
    x = np.linspace(lo, hi, m)
    return np.trapezoid(f(x) * density(x), x)


def expectation_by_enumeration(f, values, pmf):
    """E[f(x)] = Σ_x f(x) p(x), summed over every value x can take."""
    return sum(f(x) * pmf(x) for x in values)
# --8<-- [end:expectation]


# --8<-- [start:sample_mean]
import numpy as np


def sample_mean(x):
    """E[x] ≈ (1/n) Σ x_i for samples x_1, …, x_n ~ p; and the standard error s/√n."""
    n = len(x)
    return x.mean(), x.std(ddof=1) / np.sqrt(n)   # s = sample standard deviation
# --8<-- [end:sample_mean]


# --8<-- [start:estimate]
import numpy as np


def monte_carlo_estimate(f, sample, n, rng):
    """E[f(x)] ≈ (1/n) Σ f(x_i), x_i ~ p, and its standard error s_f/√n."""
    fx = f(sample(n, rng))                  # f(x_1), …, f(x_n), x_i ~ p independent
    return fx.mean(), fx.std(ddof=1) / np.sqrt(n)
# --8<-- [end:estimate]


# --8<-- [start:error_rate]
import numpy as np


def spread_of_estimates(f, sample, n, repeats, rng):
    """Standard deviation s of R = `repeats` independent n-sample estimates of E[f(x)],
    and the standard error of log s (delta method: Var[log s] ≈ (κ − 1)/(4R), κ the
    kurtosis of the estimates)."""
    estimates = f(sample((repeats, n), rng)).mean(axis=1)   # (R,), one per row
    centred = estimates - estimates.mean()
    kurtosis = np.mean(centred**4) / np.mean(centred**2) ** 2
    return estimates.std(ddof=1), np.sqrt((kurtosis - 1) / (4 * repeats))


def error_slope(f, sample, ns, repeats, rng):
    """Least-squares slope of log(spread) against log(n), and its standard error.

    An error that shrinks like 1/√n gives log(spread) = const − ½ log n: slope −1/2.
    """
    runs = [spread_of_estimates(f, sample, n, repeats, rng) for n in ns]
    spreads, se_log = np.array(runs).T
    u = np.log(ns)
    w = (u - u.mean()) / np.sum((u - u.mean()) ** 2)   # slope = Σ_k w_k log(spread_k)
    return w @ np.log(spreads), np.sqrt(np.sum(w**2 * se_log**2)), spreads
# --8<-- [end:error_rate]


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    square = lambda x: x**2

    # A1: the definition, computed two ways, against the closed forms
    quad_gauss = expectation_by_quadrature(square, normal_density, MU - 12 * SIGMA, MU + 12 * SIGMA)
    quad_exp = expectation_by_quadrature(square, exponential_density, 0.0, 80 / RATE)
    enum_binom = expectation_by_enumeration(lambda k: k, range(TRIALS + 1), binomial_pmf)
    print(f"A1 E[x²], N(1, 2²): quadrature {quad_gauss:.9f}, closed form {MU**2 + SIGMA**2:.9f}")
    print(f"A1 E[x²], Exp(0.5): quadrature {quad_exp:.9f}, closed form {2 / RATE**2:.9f}")
    print(f"A1 E[x],  B(10, 0.3): enumeration {enum_binom:.12f}, closed form {TRIALS * PROB:.12f}")

    # A2: the sample mean converges to E[x]
    for n in (10, 1_000, 100_000):
        m, se = sample_mean(sample_binomial(n, rng))
        print(f"A2 B(10, 0.3), n = {n:>7}: mean {m:.4f} ± {se:.4f}, exact {TRIALS * PROB}")

    # A3: the estimate of E[f(x)] converges; its error shrinks like 1/√n
    for name, sample, exact in [("N(1, 2²)", sample_gaussian, MU**2 + SIGMA**2),
                                ("Exp(0.5)", sample_exponential, 2 / RATE**2)]:
        for n in (10, 1_000, 100_000):
            est, se = monte_carlo_estimate(square, sample, n, rng)
            print(f"A3 E[x²], {name}, n = {n:>7}: {est:.4f} ± {se:.4f}, exact {exact}")
    ns = [10, 100, 1_000, 10_000]
    for name, sample, sd_f in [("N(1, 2²)", sample_gaussian, np.sqrt(2 * SIGMA**4 + 4 * MU**2 * SIGMA**2)),
                               ("Exp(0.5)", sample_exponential, np.sqrt(20) / RATE**2)]:
        slope, se_slope, spreads = error_slope(square, sample, ns, 500, rng)
        print(f"A3 {name}: spreads {np.round(spreads, 4)} vs σ_f/√n {np.round(sd_f / np.sqrt(ns), 4)}; "
              f"log-log slope {slope:.3f} ± {se_slope:.3f} (1/√n: −0.5)")
