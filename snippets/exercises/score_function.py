"""Exercises of the score-function page: checkers and reference solutions.

Shown on the page (section #exercises): each checker under exercises/checking.py in a folded block,
each solution folded away. The checkers compare with exact values (autograd, closed forms), never
with the solutions below. The stubs the reader fills in are in score_function_stubs.py.
"""
from log_derivative import gaussian_score  # (B1a); on the page, shown above the estimate's solution

from .checking import Wrong, answer, compare_with_exact, say, verdict  # on the page, shown above each checker

# --8<-- [start:check_laplace_score]
import numpy as np
import torch


def check_laplace_score(fn, lang="en"):
    """laplace_score against autograd of log Laplace(x; μ, b) at seeded samples, three (μ, log b)."""
    rng = np.random.default_rng(2024)
    cases = [(rng.laplace(mu, np.exp(log_b), size=7), mu, log_b) for mu, log_b in [(0.0, 0.0), (1.5, -0.7), (-2.0, 0.9)]]

    def autograd_score(x, mu, log_b):
        params = torch.tensor([mu, log_b], dtype=torch.float64, requires_grad=True)
        log_p = torch.distributions.Laplace(params[0], params[1].exp()).log_prob(torch.as_tensor(x))
        return torch.stack([torch.autograd.grad(value, params, retain_graph=True)[0] for value in log_p]).numpy()

    def check(x, mu, log_b):
        got = answer(fn, "laplace_score", (x.copy(), mu, log_b), (len(x), 2), lang)
        exact = autograd_score(x, mu, log_b)
        b = np.exp(log_b)
        density = np.exp(-np.abs(x - mu) / b) / (2 * b)
        mistakes = [
            (("∇p used where ∇log p belongs (the score times p(x))",
              "把 ∇p 当成了 ∇log p（得分函数多乘了 p(x)）"), exact * density[:, None]),
            (("a sign flip (the score of μ points towards x: +sign(x − μ))",
              "符号反了（μ 的得分应朝向 x：+sign(x − μ)）"), -exact),
            (("the derivative with respect to b, not log b (a factor b is missing)",
              "对 b 求了导，而不是对 log b（少乘了一个 b）"), exact / [1.0, b]),
            (("the −1 that comes from the normaliser 1/(2b) is missing", "漏掉了归一化系数 1/(2b) 带来的 −1"),
             exact + [0.0, 1.0]),
            (("x − μ where |x − μ| belongs in ∂/∂log b", "∂/∂log b 里把 |x − μ| 写成了 x − μ"),
             np.stack([exact[:, 0], (x - mu) / b - 1], axis=1)),
            (("the Gaussian's score: (x − μ)/b² where sign(x − μ)/b belongs",
              "用了高斯分布的得分函数：应为 sign(x − μ)/b，写成了 (x − μ)/b²"),
             np.stack([(x - mu) / b**2, exact[:, 1]], axis=1)),
        ]
        compare_with_exact(got, exact, mistakes, 1e-6, lang)

    checks = [(say(lang, f"{len(x)} samples at μ = {mu}, log b = {lb}", f"μ = {mu}、log b = {lb} 处的 {len(x)} 个样本"),
               lambda x=x, mu=mu, lb=lb: check(x, mu, lb)) for x, mu, lb in cases]
    return verdict("laplace_score", checks, lang)
# --8<-- [end:check_laplace_score]


# --8<-- [start:check_gaussian_policy_estimate]
import numpy as np


def check_gaussian_policy_estimate(fn, lang="en"):
    """gaussian_policy_estimate for f(x) = x², whose exact gradient with respect to (μ, log σ) is
    (2μ, 2σ²): the mean of 40 seeded estimates must lie within 5 of its standard errors."""
    n, repeats = 500, 40
    name = "gaussian_policy_estimate"

    def estimate(mu, log_sigma, seed):
        theta = np.array([mu, log_sigma])
        return answer(fn, name, (np.square, theta, n, np.random.default_rng(seed)), (2,), lang)

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


# --8<-- [start:laplace_score]
import numpy as np


def laplace_score(x, mu, log_b):
    """Score of Laplace(x; μ, b) = exp(−|x − μ|/b)/(2b), b = exp(log_b), with respect to (μ, log b): (n, 2)."""
    b = np.exp(log_b)
    # log p = −|x − μ|/b − log b − log 2
    return np.stack([np.sign(x - mu) / b,          # ∂/∂μ = sign(x − μ)/b
                     np.abs(x - mu) / b - 1], axis=1)   # ∂/∂log b = |x − μ|/b − 1
# --8<-- [end:laplace_score]


# --8<-- [start:gaussian_policy_estimate]
import numpy as np


def gaussian_policy_estimate(f, theta, n, rng):
    """Mean of f(x_i) ∇θ log p(x_i) over n samples x_i ~ N(μ, σ²), θ = (μ, log σ): shape (2,)."""
    mu, log_sigma = theta
    x = rng.normal(mu, np.exp(log_sigma), size=n)
    return (f(x)[:, None] * gaussian_score(x, theta)).mean(axis=0)   # gaussian_score: (B1a)
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
