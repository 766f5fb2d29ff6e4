"""Exercises of the continuous-actions page: checkers and reference solutions.

Shown on the page (section #exercises): each checker under exercises/checking.py in a folded block,
each solution folded away. The checkers compare with exact values (autograd of log N), never with
the solutions below. The stubs the reader fills in are in continuous_actions_stubs.py.
"""
from .checking import answer, compare_with_exact, say, verdict  # on the page, shown above each checker

# --8<-- [start:check_linear_gaussian_score]
import numpy as np
import torch


def check_linear_gaussian_score(fn, lang="en"):
    """linear_gaussian_score against autograd of log N(a; w s, σ²) at seeded steps, three (w, log σ)."""
    rng = np.random.default_rng(31)
    cases = []
    for w, log_sigma in [(0.5, 0.0), (2.5, -0.7), (-1.0, 0.6)]:
        s = rng.normal(0.0, 1.5, size=6)
        cases.append((s * w + np.exp(log_sigma) * rng.standard_normal(6), s, w, log_sigma))

    def autograd_score(a, s, w, log_sigma):
        params = torch.tensor([w, log_sigma], dtype=torch.float64, requires_grad=True)
        log_pi = torch.distributions.Normal(params[0] * torch.as_tensor(s), params[1].exp()).log_prob(torch.as_tensor(a))
        return torch.stack([torch.autograd.grad(value, params, retain_graph=True)[0] for value in log_pi]).numpy()

    def check(a, s, w, log_sigma):
        got = answer(fn, "linear_gaussian_score", (a.copy(), s.copy(), (w, log_sigma)), (len(a), 2), lang)
        exact = autograd_score(a, s, w, log_sigma)
        sigma = np.exp(log_sigma)
        z = (a - w * s) / sigma
        density = np.exp(-0.5 * z**2) / (sigma * np.sqrt(2 * np.pi))
        mistakes = [
            (("the chain rule through μ = w s is missing: (a − w s)/σ² without the factor s",
              "漏掉了 μ = w s 这一层的链式法则：写成了 (a − w s)/σ²，少乘了 s"), np.stack([z / sigma, z**2 - 1], axis=1)),
            (("∇π used where ∇log π belongs (the score times π(a|s))", "把 ∇π 当成了 ∇log π（得分函数多乘了 π(a|s)）"),
             exact * density[:, None]),
            (("a sign flip: w s − a where a − w s belongs", "符号反了：应为 a − w s，写成了 w s − a"), -exact),
            (("the derivative with respect to σ, not log σ (a factor σ is missing)",
              "对 σ 求了导，而不是对 log σ（少乘了一个 σ）"), exact / [1.0, sigma]),
            (("the −1 that comes from the normaliser 1/σ is missing", "漏掉了归一化系数 1/σ 带来的 −1"), exact + [0.0, 1.0]),
            (("σ where σ² belongs in ∂/∂w", "∂/∂w 里把 σ² 写成了 σ"), exact * [sigma, 1.0]),
        ]
        compare_with_exact(got, exact, mistakes, 1e-6, lang)

    checks = [(say(lang, f"{len(a)} steps at w = {w}, log σ = {ls}", f"w = {w}、log σ = {ls} 处的 {len(a)} 步"),
               lambda a=a, s=s, w=w, ls=ls: check(a, s, w, ls)) for a, s, w, ls in cases]
    return verdict("linear_gaussian_score", checks, lang)
# --8<-- [end:check_linear_gaussian_score]


# --8<-- [start:check_contextual_gradient_estimate]
import numpy as np
import torch


def check_contextual_gradient_estimate(fn, lang="en"):
    """contextual_gradient_estimate on seeded batches of the bandit r = −(a − 2s)² + 0.5 ξ, against
    the sample covariance of the rewards and the autograd scores, which (L2) equals exactly."""
    rng = np.random.default_rng(53)
    name = "contextual_gradient_estimate"

    def scores(a, s, theta, mean_of):
        params = torch.tensor(theta, dtype=torch.float64, requires_grad=True)
        log_pi = torch.distributions.Normal(mean_of(params[0], torch.as_tensor(s)), params[1].exp()).log_prob(torch.as_tensor(a))
        return torch.stack([torch.autograd.grad(value, params, retain_graph=True)[0] for value in log_pi]).numpy()

    def check(theta, s, a, r):
        n = len(r)
        got = answer(fn, name, (theta, s.copy(), a.copy(), r.copy()), (2,), lang)
        score = scores(a, s, theta, lambda w, s: w * s)                        # ∇θ log N(a; w s, σ²), autograd
        exact = ((r - r.mean())[:, None] * score).sum(axis=0) / (n - 1)       # (L2) = sample covariance
        mistakes = [
            (("a baseline that includes r_i itself, so it depends on the action a_i (the estimate shrinks by (n − 1)/n)",
              "基线把 r_i 自己也算了进去，于是依赖于动作 a_i（估计缩小为 (n − 1)/n 倍）"), exact * (n - 1) / n),
            (("no baseline: r_i where r_i − b_i belongs", "没有减基线：应为 r_i − b_i，写成了 r_i"), (r[:, None] * score).mean(axis=0)),
            (("a missing 1/n: the sum of the terms, not their mean", "少了 1/n：对各项求和而没有取平均"), n * exact),
            (("a sign flip (descent instead of ascent)", "符号反了（成了下降方向而不是上升方向）"), -exact),
            (("the chain rule through μ = w s is missing (a factor s_i)", "漏掉了 μ = w s 这一层的链式法则（少乘了 s_i）"),
             ((r - r.mean())[:, None] * np.stack([(a - theta[0] * s) / np.exp(2 * theta[1]), score[:, 1]], axis=1)).sum(axis=0) / (n - 1)),
            (("the mean taken as w instead of w s (the score of the page's bandit)",
              "均值取成了 w 而不是 w s（用了本页赌博机的得分函数）"),
             ((r - r.mean())[:, None] * scores(a, s, theta, lambda w, s: w + 0 * s)).sum(axis=0) / (n - 1)),
        ]
        compare_with_exact(got, exact, mistakes, 1e-6, lang)

    checks = []
    for theta, n in [((0.5, 0.0), 8), ((2.5, -0.5), 5), ((-1.0, 0.4), 12)]:
        s = rng.normal(0.0, 1.0, size=n)
        a = theta[0] * s + np.exp(theta[1]) * rng.standard_normal(n)          # a_i ~ N(w s_i, σ²)
        r = -(a - 2.0 * s) ** 2 + 0.5 * rng.standard_normal(n)                 # r_i = −(a_i − 2 s_i)² + η ξ_i
        checks.append((say(lang, f"{n} steps at w = {theta[0]}, log σ = {theta[1]}", f"w = {theta[0]}、log σ = {theta[1]} 处的 {n} 步"),
                       lambda theta=theta, s=s, a=a, r=r: check(theta, s, a, r)))
    return verdict(name, checks, lang)
# --8<-- [end:check_contextual_gradient_estimate]


# --8<-- [start:linear_gaussian_score]
import numpy as np


def linear_gaussian_score(actions, states, theta):
    """∇θ log N(a; w s, σ²) for θ = (w, log σ): shape (n, 2)."""
    w, log_sigma = theta
    sigma = np.exp(log_sigma)
    z = (actions - w * states) / sigma                     # the standardised action
    return np.stack([z / sigma * states,                   # ∂/∂w = (a − w s)/σ² · ∂(w s)/∂w
                     z**2 - 1], axis=1)                    # ∂/∂log σ, as for the page's policy
# --8<-- [end:linear_gaussian_score]


# --8<-- [start:contextual_gradient_estimate]
import numpy as np


def contextual_gradient_estimate(theta, states, actions, rewards):
    """(1/n) Σ_i (r_i − b_i) ∇θ log π(a_i|s_i), b_i the mean of the other n − 1 rewards: shape (2,)."""
    n = len(rewards)
    baseline = (rewards.sum() - rewards) / (n - 1)         # b_i, (n,)
    return ((rewards - baseline)[:, None] * linear_gaussian_score(actions, states, theta)).mean(axis=0)
# --8<-- [end:contextual_gradient_estimate]
