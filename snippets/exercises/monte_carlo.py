"""Exercises of the Monte Carlo page: checkers and reference solutions.

Shown on the page (section #exercises): each checker under exercises/checking.py in a folded block,
each solution folded away. The checkers compare_with_exact with exact values (closed forms, quadrature, the
variance of a model with a known answer), never with the solutions below. The stubs the reader fills
in are in monte_carlo_stubs.py.
"""
from .checking import Wrong, answer, compare_with_exact, say, verdict  # on the page, shown above each checker

# --8<-- [start:check_integral_estimate]
import numpy as np


def check_integral_estimate(fn, lang="en"):
    """integral_estimate on ∫₀^∞ x² e^(−x) dx = 2 and ∫₀^∞ e^(−x²) dx = √π/2: the mean of 40 seeded
    estimates must lie within 5 of its standard errors of the closed form."""
    n, repeats = 1_000, 40
    name = "integral_estimate"
    cases = [("x² e^(−x)", lambda x: x**2 * np.exp(-x), 2.0),
             ("e^(−x²)", lambda x: np.exp(-x**2), np.sqrt(np.pi) / 2)]

    def estimate(h, seed):
        return answer(fn, name, (h, n, np.random.default_rng(seed)), (), lang)

    def uses_rng():
        h = cases[0][1]
        if not np.array_equal(estimate(h, 7), estimate(h, 7)):
            raise Wrong(say(lang, "two calls with the same seed differ: draw the samples with rng",
                            "相同种子的两次调用结果不同：请用参数 rng 抽样"))
        if np.array_equal(estimate(h, 7), estimate(h, 8)):
            raise Wrong(say(lang, "different seeds give the same estimate: draw the samples with rng",
                            "换了种子结果却不变：请用参数 rng 抽样"))

    def unbiased(h, exact):
        estimates = np.array([estimate(h, seed) for seed in range(repeats)])
        mean, standard_error = estimates.mean(), estimates.std(ddof=1) / np.sqrt(repeats)
        # what the usual mistakes converge to, by quadrature: p = Exp(λ = 1/2), q = Exp(λ = 2)
        x = np.linspace(0.0, 80.0, 400_001)
        p, q = 0.5 * np.exp(-0.5 * x), 2.0 * np.exp(-2.0 * x)
        mistakes = [
            (("the density is missing: the mean of h(x_i) estimates ∫ p h dx, not ∫ h dx",
              "漏掉了密度：h(x_i) 的平均值估计的是 ∫ p h dx，而不是 ∫ h dx"), np.trapezoid(p * h(x), x)),
            (("h(x_i) multiplied by p(x_i) where it should be divided by it",
              "把 h(x_i) 乘以了 p(x_i)，本应除以它"), np.trapezoid(p * p * h(x), x)),
            (("a missing 1/n: the sum of the terms, not their mean", "少了 1/n：对各项求和而没有取平均"), n * exact),
            (("samples of rate 2, not 1/2: numpy's exponential takes the scale 1/λ = 2, not the rate",
              "抽样的速率是 2 而不是 1/2：numpy 的 exponential 接受的是尺度 1/λ = 2，不是速率"),
             np.trapezoid(q * h(x) / p, x)),
        ]
        compare_with_exact(mean, exact, mistakes, 5 * standard_error, lang)

    checks = [(say(lang, "the samples come from rng", "样本来自 rng"), uses_rng)]
    checks += [(say(lang, f"unbiased for h(x) = {label} ({repeats} seeds × {n} samples)",
                    f"h(x) = {label} 时无偏（{repeats} 个种子 × {n} 个样本）"),
                lambda h=h, exact=exact: unbiased(h, exact)) for label, h, exact in cases]
    return verdict(name, checks, lang)
# --8<-- [end:check_integral_estimate]


# --8<-- [start:check_episode_sample_mean]
import numpy as np


def check_episode_sample_mean(fn, lang="en"):
    """episode_sample_mean on episodes whose steps share an episode effect, x_et = μ + u_e + v_et with
    u_e ~ N(0, σ_u²), v_et ~ N(0, σ_v²): the estimate is the mean of all values, and over 2000 seeded
    data sets the squared standard error averages to the exact variance of that mean."""
    episodes, steps, sd_episode, sd_step, mu = 5, 40, 1.0, 2.0, 3.0
    datasets = 2_000
    name = "episode_sample_mean"

    def call(values):
        return answer(fn, name, (values.copy(),), (2,), lang)

    def estimate_is_the_mean():
        values = mu + np.random.default_rng(11).normal(size=(episodes, steps))
        mistakes = [(("a missing 1/n: the sum of the values, not their mean", "少了 1/n：对各值求和而没有取平均"),
                     values.sum())]
        compare_with_exact(call(values)[0], values.mean(), mistakes, 1e-9, lang)

    def honest_standard_error():
        rng = np.random.default_rng(2026)
        data = (mu + sd_episode * rng.normal(size=(datasets, episodes, 1))
                + sd_step * rng.normal(size=(datasets, episodes, steps)))
        squared = np.array([call(values)[1] for values in data]) ** 2
        mean, standard_error = squared.mean(), squared.std(ddof=1) / np.sqrt(datasets)
        n = episodes * steps
        exact = sd_episode**2 / episodes + sd_step**2 / n                  # Var[mean of all values]
        per_episode = sd_episode**2 + sd_step**2 / steps                  # Var[one episode's mean]
        pooled = sd_step**2 + sd_episode**2 * steps * (episodes - 1) / (n - 1)   # E[s²] of all n values
        mistakes = [
            (("the steps treated as independent samples: s/√(episodes × steps) over all values",
              "把各步当成了独立样本：用全部值的标准差 s 除以了 √(回合数 × 步数)"), pooled / n),
            (("the spread of the episode means divided by √(episodes × steps) where √episodes belongs",
              "回合均值的标准差除以了 √(回合数 × 步数)，应除以 √回合数"), per_episode / n),
            (("the spread of the episode means, not of their average (divide it by √episodes)",
              "回合均值本身的标准差，而不是它们平均值的标准差（还要除以 √回合数）"), per_episode),
            (("the variance of the episode means divided by episodes where episodes − 1 belongs (ddof=0)",
              "回合均值的方差除以了回合数，应除以回合数 − 1（ddof=0）"), exact * (episodes - 1) / episodes),
            (("a variance where its square root belongs", "返回了方差，而不是它的平方根"),
             exact**2 * (episodes + 1) / (episodes - 1)),
        ]
        compare_with_exact(mean, exact, mistakes, 5 * standard_error, lang)

    checks = [(say(lang, f"the estimate is the mean of all {episodes} × {steps} values",
                    f"估计值是全部 {episodes} × {steps} 个值的平均"), estimate_is_the_mean),
              (say(lang, f"the standard error is honest: its square averages to the variance of the mean "
                         f"({datasets} data sets, σ_u = {sd_episode}, σ_v = {sd_step})",
                   f"标准误差名副其实：它的平方在 {datasets} 组数据上平均，等于均值的方差"
                   f"（σ_u = {sd_episode}，σ_v = {sd_step}）"), honest_standard_error)]
    return verdict(name, checks, lang)
# --8<-- [end:check_episode_sample_mean]


# --8<-- [start:integral_estimate]
import numpy as np


def integral_estimate(h, n, rng):
    """∫₀^∞ h(x) dx = ∫ p(x) [h(x)/p(x)] dx = E_p[h(x)/p(x)], p(x) = ½ e^(−x/2), by (A3)."""
    x = rng.exponential(2.0, size=n)          # x_i ~ Exp(λ = 1/2): numpy takes the scale 1/λ
    p = 0.5 * np.exp(-0.5 * x)                 # p(x_i)
    return np.mean(h(x) / p)                   # (1/n) Σ h(x_i)/p(x_i)
# --8<-- [end:integral_estimate]


# --8<-- [start:episode_sample_mean]
import numpy as np


def episode_sample_mean(values):
    """Mean of values (episodes, steps) and its standard error, episodes as the independent samples."""
    episode_means = values.mean(axis=1)        # (episodes,), independent of each other
    standard_error = episode_means.std(ddof=1) / np.sqrt(len(episode_means))
    return np.array([episode_means.mean(), standard_error])
# --8<-- [end:episode_sample_mean]


# --8<-- [start:expected_over_samples]
import itertools
import math

import numpy as np


def expected_over_samples(statistic, n, trials=10, prob=0.3):
    """E[statistic(x_1, …, x_n)] for n independent draws of B(m, q): exact, by enumerating
    all (m + 1)^n samples and weighting each by its probability."""
    values = np.arange(trials + 1)
    pmf = np.array([math.comb(trials, k) * prob**k * (1 - prob) ** (trials - k) for k in values])
    samples = np.array(list(itertools.product(values, repeat=n)))     # ((m + 1)^n, n)
    weights = pmf[samples].prod(axis=1)                                  # P(sample), draws independent
    return weights @ statistic(samples)


if __name__ == "__main__":
    n, variance = 3, 10 * 0.3 * 0.7                                      # σ² = mq(1 − q) = 2.1
    print(f"E[s²], divisor n − 1: {expected_over_samples(lambda x: x.var(axis=1, ddof=1), n):.6f} (σ² = {variance:.1f})")
    print(f"E[s²], divisor n:     {expected_over_samples(lambda x: x.var(axis=1, ddof=0), n):.6f}")
    print(f"E[s]: {expected_over_samples(lambda x: x.std(axis=1, ddof=1), n):.3f} < σ = {np.sqrt(variance):.3f}")
# --8<-- [end:expected_over_samples]
