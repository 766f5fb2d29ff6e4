"""Exercises of the reparameterisation page: checkers and reference solutions.

Shown on the page (section #exercises): each checker under exercises/checking.py in a folded block,
each solution folded away. The checkers compare_with_exact with exact values (closed forms), never with the
solutions below. The stubs the reader fills in are in reparameterisation_stubs.py.
"""
from .checking import Wrong, answer, compare_with_exact, say, verdict  # on the page, shown above each checker

# --8<-- [start:check_gaussian_pathwise_estimate]
import numpy as np


def check_gaussian_pathwise_estimate(fn, lang="en"):
    """gaussian_pathwise_estimate for f(x) = x², f'(x) = 2x, whose exact gradient with respect to
    (μ, log σ) is (2μ, 2σ²): the mean of 40 seeded estimates must lie within 5 of its standard errors."""
    n, repeats = 500, 40
    name = "gaussian_pathwise_estimate"

    def estimate(mu, log_sigma, seed):
        return answer(fn, name, (lambda x: 2 * x, mu, log_sigma, n, np.random.default_rng(seed)), (2,), lang)

    def uses_rng():
        if not np.array_equal(estimate(0.5, 0.0, 7), estimate(0.5, 0.0, 7)):
            raise Wrong(say(lang, "two calls with the same seed differ: draw the noise with rng",
                            "相同种子的两次调用结果不同：请用参数 rng 抽取噪声"))
        if np.array_equal(estimate(0.5, 0.0, 7), estimate(0.5, 0.0, 8)):
            raise Wrong(say(lang, "different seeds give the same estimate: draw the noise with rng",
                            "换了种子结果却不变：请用参数 rng 抽取噪声"))

    def unbiased(mu, log_sigma):
        estimates = np.array([estimate(mu, log_sigma, seed) for seed in range(repeats)])
        mean, standard_error = estimates.mean(axis=0), estimates.std(axis=0, ddof=1) / np.sqrt(repeats)
        sigma = np.exp(log_sigma)
        exact = np.array([2 * mu, 2 * sigma**2])            # ∇ (μ² + σ²) with respect to (μ, log σ)
        mistakes = [
            (("a missing 1/n: the sum of the terms, not their mean", "少了 1/n：对各项求和而没有取平均"), n * exact),
            (("a sign flip (descent instead of ascent)", "符号反了（成了下降方向而不是上升方向）"), -exact),
            (("the derivative with respect to σ, not log σ: ∂x/∂log σ = σε", "对 σ 求了导，而不是对 log σ：∂x/∂log σ = σε"),
             exact / [1.0, sigma]),
            (("the ε is missing from the log σ term: ∂x/∂log σ = σε, not σ", "在 log σ 一项里漏掉了 ε：∂x/∂log σ = σε，而不是 σ"),
             np.array([2 * mu, 2 * mu * sigma])),
            (("the log σ term uses fresh noise, not the ε that made x = μ + σε",
              "在 log σ 一项里用了新抽的噪声，而不是生成 x = μ + σε 的那个 ε"), np.array([2 * mu, 0.0])),
        ]
        compare_with_exact(mean, exact, mistakes, 5 * standard_error, lang)

    checks = [(say(lang, "the noise comes from rng", "噪声来自 rng"), uses_rng)]
    checks += [(say(lang, f"unbiased at μ = {mu}, log σ = {ls} ({repeats} seeds × {n} samples)",
                    f"μ = {mu}、log σ = {ls} 处无偏（{repeats} 个种子 × {n} 个样本）"),
                lambda mu=mu, ls=ls: unbiased(mu, ls)) for mu, ls in [(1.5, -0.5), (-0.5, 0.3)]]
    return verdict(name, checks, lang)
# --8<-- [end:check_gaussian_pathwise_estimate]


# --8<-- [start:gaussian_pathwise_estimate]
import numpy as np


def gaussian_pathwise_estimate(f_prime, mu, log_sigma, n, rng):
    """Mean of f'(x_i) ∂x_i/∂(μ, log σ) over x_i = μ + σε_i: shape (2,)."""
    sigma = np.exp(log_sigma)
    eps = rng.standard_normal(n)               # the noise: its distribution involves neither μ nor σ
    x = mu + sigma * eps                       # the path
    slope = f_prime(x)                         # f'(x_i)
    return np.array([slope.mean(),             # ∂x/∂μ = 1
                     (slope * sigma * eps).mean()])   # ∂x/∂log σ = σε
# --8<-- [end:gaussian_pathwise_estimate]


# --8<-- [start:jump_term]
import math

import numpy as np


def standard_normal_pdf(x):
    return math.exp(-0.5 * x**2) / math.sqrt(2 * math.pi)


def pathwise_with_jump_term(theta, jump_at, height, n, rng):
    """∇θ E[x² + c·1[x > b]] for x ~ N(θ, 1): the pathwise average of f' = 2x, which misses the jump,
    plus the jump's own term c φ(b − θ) (b = jump_at, c = height). Returns (estimate, standard error)."""
    terms = 2 * (theta + rng.standard_normal(n))          # f'(x_i) away from the jump
    return terms.mean() + height * standard_normal_pdf(jump_at - theta), terms.std(ddof=1) / np.sqrt(n)


if __name__ == "__main__":
    theta, b, c = 1.5, 0.5, 2.0

    def expected_f(t):                                    # E[x²] + c Pr(x > b) = t² + 1 + c Φ(t − b)
        return t**2 + 1 + c * 0.5 * (1 + math.erf((t - b) / math.sqrt(2)))
    exact = (expected_f(theta + 1e-5) - expected_f(theta - 1e-5)) / 2e-5   # central difference
    estimate, standard_error = pathwise_with_jump_term(theta, b, c, 100_000, np.random.default_rng(0))
    print(f"pathwise + jump term {estimate:.4f} ± {standard_error:.4f}, exact {exact:.4f}, "
          f"pathwise alone {estimate - c * standard_normal_pdf(b - theta):.4f}")
# --8<-- [end:jump_term]
