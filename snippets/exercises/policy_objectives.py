"""Exercises of the policy-objectives page: checkers and reference solutions.

Shown on the page (section #exercises): each checker under exercises/checking.py in a folded block,
each solution folded away. The checkers compare_with_exact with exact values on small seeded MDPs of their own:
the defining series of the discounted visitation summed term by term, and autograd of V^{πθ}(s1)
through the linear solve. They never call the solutions below. The stubs are in
policy_objectives_stubs.py.
"""
from .checking import answer, compare_with_exact, say, verdict  # on the page, shown above each checker

# --8<-- [start:check_discounted_visitation]
import numpy as np
import torch


def check_discounted_visitation(fn, lang="en"):
    """discounted_visitation against its defining series Σ_{t≥1} γ^{t−1} Pr(s_t = s | s1), summed
    term by term, on three seeded chains, for γ = 0.6, 0.9 and 0.99."""
    def chain(seed):                                      # a random P_π with every entry positive
        P_pi = np.random.default_rng(seed).random((4, 4)) ** 3 + 0.05
        return P_pi / P_pi.sum(axis=1, keepdims=True)

    def check(P_pi, gamma, s1):
        got = answer(fn, "discounted_visitation", (torch.tensor(P_pi), gamma, s1), (4,), lang)
        start = np.eye(4)[s1]
        exact, visit, weight = np.zeros(4), start, 1.0  # Pr(s_1 = ·), γ^0
        while weight > 1e-17:
            exact, visit, weight = exact + weight * visit, visit @ P_pi, weight * gamma
        stationary = np.linalg.matrix_power(P_pi, 2000)[0]
        mistakes = [
            (("the normalized (1 − γ) d_γ: the visitation itself is not normalized, its mass is 1/(1 − γ)",
              "做了归一化，得到的是 (1 − γ) d_γ：访问分布本身不归一化，总质量是 1/(1 − γ)"), (1 - gamma) * exact),
            (("column s1 of (I − γ P_π)^{-1} where row s1 belongs (P_π not transposed)",
              "取了 (I − γ P_π)^{-1} 的第 s1 列，应为第 s1 行（P_π 没有转置）"),
             np.linalg.solve(np.eye(4) - gamma * P_pi, start)),
            (("the first step discounted too: γ^t where γ^(t−1) belongs",
              "第一步也打了折扣：应为 γ^(t−1)，写成了 γ^t"), gamma * exact),
            (("the visit to s1 at t = 1 left out", "漏掉了 t = 1 时对 s1 的那次访问"), exact - start),
            (("the stationary distribution, not the discounted visitation from s1",
              "用了平稳分布，而不是从 s1 出发的折扣访问分布"), stationary),
        ]
        compare_with_exact(got, exact, mistakes, 1e-9, lang)

    cases = [(chain(0), 0.6, 0), (chain(1), 0.9, 2), (chain(2), 0.99, 3)]
    checks = [(say(lang, f"γ = {gamma}, s1 = {s1}", f"γ = {gamma}，s1 = {s1}"),
               lambda P_pi=P_pi, gamma=gamma, s1=s1: check(P_pi, gamma, s1)) for P_pi, gamma, s1 in cases]
    return verdict("discounted_visitation", checks, lang)
# --8<-- [end:check_discounted_visitation]


# --8<-- [start:check_start_value_gradient]
import numpy as np
import torch


def check_start_value_gradient(fn, lang="en"):
    """start_value_gradient against autograd of J1(θ) = V^{πθ}(s1) = [(I − γ P_π)^{-1} r_π](s1)
    on seeded 4-state MDPs, for three θ, γ and s1."""
    def mdp(seed):                                        # P(s'|s, a) > 0 for all, R_s^a in [0, 1)
        rng = np.random.default_rng(seed)
        P = rng.random((4, 2, 4)) ** 3 + 0.05
        return torch.tensor(P / P.sum(axis=2, keepdims=True)), torch.tensor(rng.random((4, 2)))

    def start_value(theta, P, R, gamma, s1):
        pi = torch.softmax(theta, dim=1)
        P_pi, r_pi = torch.einsum("sa,sat->st", pi, P), (pi * R).sum(dim=1)
        return torch.linalg.solve(torch.eye(4, dtype=P.dtype) - gamma * P_pi, r_pi)[s1]

    def weighted_scores(d, w, pi):
        """Σ_s d(s) Σ_a w(s, a) ∇θ log πθ(a|s); ∂ log πθ(a|s)/∂θ[s, b] = 1[a = b] − πθ(b|s)."""
        return d[:, None] * (w - pi * w.sum(axis=1, keepdims=True))

    def check(seed, gamma, s1):
        P, R = mdp(seed)
        theta = torch.tensor(np.random.default_rng(100 + seed).normal(size=(4, 2)))
        got = answer(fn, "start_value_gradient", (theta.clone(), P, R, gamma, s1), (4, 2), lang)
        theta_grad = theta.clone().requires_grad_(True)
        start_value(theta_grad, P, R, gamma, s1).backward()
        exact = theta_grad.grad.numpy()
        # the ingredients of the usual mistakes, in NumPy
        pi = torch.softmax(theta, dim=1).numpy()
        P_, R_ = P.numpy(), R.numpy()
        P_pi = np.einsum("sa,sat->st", pi, P_)
        V = np.linalg.solve(np.eye(4) - gamma * P_pi, (pi * R_).sum(axis=1))
        Q = R_ + gamma * P_ @ V
        d_gamma = np.linalg.solve(np.eye(4) - gamma * P_pi.T, np.eye(4)[s1])
        stationary = np.linalg.matrix_power(P_pi, 2000)[0]
        mistakes = [
            (("the stationary distribution where the discounted visitation from s1 belongs",
              "用了平稳分布，应为从 s1 出发的折扣访问分布"), weighted_scores(stationary, pi * Q, pi)),
            (("a missing 1/(1 − γ): the normalized visitation (1 − γ) d_γ without the factor 1/(1 − γ)",
              "少了 1/(1 − γ)：用了归一化的访问分布 (1 − γ) d_γ，却没有乘回 1/(1 − γ)"), (1 - gamma) * exact),
            (("the immediate reward R_s^a where Q^π(s, a) belongs (right for one step only)",
              "用了即时奖励 R_s^a，应为 Q^π(s, a)（只在一步的情形下才对）"), weighted_scores(d_gamma, pi * R_, pi)),
            (("the score not weighted by πθ(a|s): the sum over actions is an expectation under πθ",
              "得分函数没有乘 πθ(a|s)：对动作的求和是 πθ 下的期望"), weighted_scores(d_gamma, Q, pi)),
            (("∇π used where ∇log π belongs (πθ(a|s) twice)", "把 ∇π 当成了 ∇log π（πθ(a|s) 乘了两次）"),
             weighted_scores(d_gamma, pi * pi * Q, pi)),
            (("a sign flip (descent instead of ascent)", "符号反了（成了下降方向而不是上升方向）"), -exact),
        ]
        compare_with_exact(got, exact, mistakes, 1e-9, lang)

    cases = [(0, 0.9, 0), (1, 0.6, 2), (2, 0.99, 3)]
    checks = [(say(lang, f"MDP {seed}, γ = {gamma}, s1 = {s1}", f"MDP {seed}，γ = {gamma}，s1 = {s1}"),
               lambda seed=seed, gamma=gamma, s1=s1: check(seed, gamma, s1)) for seed, gamma, s1 in cases]
    return verdict("start_value_gradient", checks, lang)
# --8<-- [end:check_start_value_gradient]


# --8<-- [start:discounted_visitation]
import torch


def discounted_visitation(P_pi, gamma, s1):
    """d_γ = e_{s1} + γ d_γ P_π, so d_γ = e_{s1} (I − γ P_π)^{-1}: row s1 of the inverse, (S,)."""
    I = torch.eye(len(P_pi), dtype=P_pi.dtype)
    return torch.linalg.solve(I - gamma * P_pi.T, I[s1])     # (I − γ P_πᵀ) d = e_{s1}
# --8<-- [end:discounted_visitation]


# --8<-- [start:start_value_gradient]
import torch


def start_value_gradient(theta, P, R, gamma, s1):
    """(E5) for J1: Σ_s d_γ(s) Σ_a πθ(a|s) ∇θ log πθ(a|s) Q^π(s, a), (S, A)."""
    pi = torch.softmax(theta, dim=1)
    P_pi, r_pi = torch.einsum("sa,sat->st", pi, P), (pi * R).sum(dim=1)
    I = torch.eye(len(r_pi), dtype=r_pi.dtype)
    V = torch.linalg.solve(I - gamma * P_pi, r_pi)            # V^π = (I − γ P_π)^{-1} r_π
    Q = R + gamma * P @ V                                     # Q^π(s, a)
    d = discounted_visitation(P_pi, gamma, s1)                # d_γ from s1, mass 1/(1 − γ)
    weight = pi * Q                                           # πθ(a|s) Q^π(s, a)
    # ∂ log πθ(a|s)/∂θ[s, b] = 1[a = b] − πθ(b|s): row s gets d(s) (w(s, b) − πθ(b|s) Σ_a w(s, a))
    return d[:, None] * (weight - pi * weight.sum(dim=1, keepdim=True))
# --8<-- [end:start_value_gradient]
