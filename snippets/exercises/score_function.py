"""Exercises of the score-function page: checkers and reference solutions.

Shown on the page (section #exercises): each checker under exercises/checking.py in a folded block,
each solution folded away. The checkers compare_with_exact with exact values (autograd, closed forms), never
with the solutions below. The stubs the reader fills in are in score_function_stubs.py.
"""
from .checking import Wrong, answer, compare_with_exact, say, verdict  # on the page, shown above each checker

# --8<-- [start:check_gaussian_policy_score]
import numpy as np
import torch


def check_gaussian_policy_score(fn, lang="en"):
    """gaussian_policy_score against autograd of log N(x; μ, σ²) at seeded samples, three (μ, log σ)."""
    rng = np.random.default_rng(2024)
    cases = [(rng.normal(mu, np.exp(log_sigma), size=7), mu, log_sigma)
             for mu, log_sigma in [(0.0, 0.0), (1.5, -0.7), (-2.0, 0.9)]]

    def autograd_score(x, mu, log_sigma):
        params = torch.tensor([mu, log_sigma], dtype=torch.float64, requires_grad=True)
        log_p = torch.distributions.Normal(params[0], params[1].exp()).log_prob(torch.as_tensor(x))
        return torch.stack([torch.autograd.grad(value, params, retain_graph=True)[0] for value in log_p]).numpy()

    def check(x, mu, log_sigma):
        got = answer(fn, "gaussian_policy_score", (x.copy(), mu, log_sigma), (len(x), 2), lang)
        exact = autograd_score(x, mu, log_sigma)
        sigma = np.exp(log_sigma)
        density = np.exp(-0.5 * ((x - mu) / sigma) ** 2) / (sigma * np.sqrt(2 * np.pi))
        mistakes = [
            (("∇p used where ∇log p belongs (the score times p(x))",
              "把 ∇p 当成了 ∇log p（得分函数多乘了 p(x)）"), exact * density[:, None]),
            (("a sign flip: μ − x where x − μ belongs", "符号反了：应为 x − μ，写成了 μ − x"), -exact),
            (("the derivative with respect to σ, not log σ (a factor σ is missing)",
              "对 σ 求了导，而不是对 log σ（少乘了一个 σ）"), exact / [1.0, sigma]),
            (("the −1 that comes from the normaliser 1/σ is missing", "漏掉了归一化系数 1/σ 带来的 −1"),
             exact + [0.0, 1.0]),
            (("σ where σ² belongs in ∂/∂μ", "∂/∂μ 里把 σ² 写成了 σ"), exact * [sigma, 1.0]),
        ]
        compare_with_exact(got, exact, mistakes, 1e-6, lang)

    checks = [(say(lang, f"{len(x)} samples at μ = {mu}, log σ = {ls}", f"μ = {mu}、log σ = {ls} 处的 {len(x)} 个样本"),
               lambda x=x, mu=mu, ls=ls: check(x, mu, ls)) for x, mu, ls in cases]
    return verdict(say(lang, "gaussian_policy_score", "gaussian_policy_score"), checks, lang)
# --8<-- [end:check_gaussian_policy_score]


# --8<-- [start:check_gaussian_policy_estimate]
import numpy as np


def check_gaussian_policy_estimate(fn, lang="en"):
    """gaussian_policy_estimate for f(x) = x², whose exact gradient with respect to (μ, log σ) is
    (2μ, 2σ²): the mean of 40 seeded estimates must lie within 5 of its standard errors."""
    n, repeats = 500, 40
    name = "gaussian_policy_estimate"

    def estimate(mu, log_sigma, seed):
        return answer(fn, name, (np.square, mu, log_sigma, n, np.random.default_rng(seed)), (2,), lang)

    def uses_rng():
        if not np.array_equal(estimate(0.5, 0.0, 7), estimate(0.5, 0.0, 7)):
            raise Wrong(say(lang, "two calls with the same seed differ: draw the samples with rng",
                            "相同种子的两次调用结果不同：请用参数 rng 抽样"))
        if np.array_equal(estimate(0.5, 0.0, 7), estimate(0.5, 0.0, 8)):
            raise Wrong(say(lang, "different seeds give the same estimate: draw the samples with rng",
                            "换了种子结果却不变：请用参数 rng 抽样"))

    def unbiased(mu, log_sigma):
        estimates = np.array([estimate(mu, log_sigma, seed) for seed in range(repeats)])
        mean, standard_error = estimates.mean(axis=0), estimates.std(axis=0, ddof=1) / np.sqrt(repeats)
        sigma = np.exp(log_sigma)
        exact = np.array([2 * mu, 2 * sigma**2])
        # E[x² ∇log p] taken with an extra factor p(x): ∫ p² x² ∇log p dx, by quadrature
        x = np.linspace(mu - 12 * sigma, mu + 12 * sigma, 20_001)
        p = np.exp(-0.5 * ((x - mu) / sigma) ** 2) / (sigma * np.sqrt(2 * np.pi))
        score = np.stack([(x - mu) / sigma**2, ((x - mu) / sigma) ** 2 - 1])
        with_density = np.trapezoid(p * p * x**2 * score, x, axis=1)
        mistakes = [
            (("a missing 1/n: the sum of the terms, not their mean", "少了 1/n：对各项求和而没有取平均"), n * exact),
            (("a sign flip (descent instead of ascent)", "符号反了（成了下降方向而不是上升方向）"), -exact),
            (("∇p used where ∇log p belongs", "把 ∇p 当成了 ∇log p"), with_density),
            (("the derivative with respect to σ, not log σ", "对 σ 求了导，而不是对 log σ"), exact / [1.0, sigma]),
        ]
        compare_with_exact(mean, exact, mistakes, 5 * standard_error, lang)

    checks = [(say(lang, "the samples come from rng", "样本来自 rng"), uses_rng)]
    checks += [(say(lang, f"unbiased at μ = {mu}, log σ = {ls} ({repeats} seeds × {n} samples)",
                    f"μ = {mu}、log σ = {ls} 处无偏（{repeats} 个种子 × {n} 个样本）"),
                lambda mu=mu, ls=ls: unbiased(mu, ls)) for mu, ls in [(1.0, -0.5), (-0.5, 0.3)]]
    return verdict(name, checks, lang)
# --8<-- [end:check_gaussian_policy_estimate]


# --8<-- [start:gaussian_policy_score]
import numpy as np


def gaussian_policy_score(x, mu, log_sigma):
    """Score of N(x; μ, σ²), σ = exp(log_sigma), with respect to (μ, log σ): shape (n, 2)."""
    sigma = np.exp(log_sigma)
    z = (x - mu) / sigma                       # the standardised sample
    # log p = −(x − μ)²/(2σ²) − log σ − log √(2π)
    return np.stack([z / sigma,                # ∂/∂μ = (x − μ)/σ²
                     z**2 - 1], axis=1)        # ∂/∂log σ = (x − μ)²/σ² − 1
# --8<-- [end:gaussian_policy_score]


# --8<-- [start:gaussian_policy_estimate]
import numpy as np


def gaussian_policy_estimate(f, mu, log_sigma, n, rng):
    """Mean of f(x_i) ∇log p(x_i) over n samples x_i ~ N(μ, σ²): shape (2,)."""
    x = rng.normal(mu, np.exp(log_sigma), size=n)
    return (f(x)[:, None] * gaussian_policy_score(x, mu, log_sigma)).mean(axis=0)
# --8<-- [end:gaussian_policy_estimate]


# --8<-- [start:temperature_score]
import numpy as np
import torch


def temperature_score(theta, a, temperature):
    """∇θ log π(a) for π = softmax(θ / T): (e_a − π) / T."""
    logits = theta / temperature
    pi = np.exp(logits - logits.max())
    pi /= pi.sum()
    return (np.eye(len(theta))[a] - pi) / temperature


if __name__ == "__main__":
    theta = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64, requires_grad=True)
    torch.log_softmax(theta / 0.7, dim=0)[2].backward()    # autograd of log π(a = 2) at T = 0.7
    print(theta.grad.numpy())
    print(temperature_score(theta.detach().numpy(), 2, 0.7))
# --8<-- [end:temperature_score]
