"""Exercises of the policy-objectives page: checkers and reference solutions.

Shown on the page (section #exercises): each checker under exercises/checking.py in a folded block,
each solution folded away. The checkers compare_with_exact with exact values on small seeded MDPs of their own:
the stationary distribution by a least-squares solve of d (P_π − I) = 0 with Σ d = 1, and autograd of
V^{πθ}(s1) through the linear solve. They never call the solutions below. The stubs are in
policy_objectives_stubs.py.
"""
from .checking import Wrong, answer, compare_with_exact, say, verdict  # on the page, shown above each checker

# --8<-- [start:check_stationary_by_eigenvector]
import numpy as np


def check_stationary_by_eigenvector(fn, lang="en"):
    """stationary_by_eigenvector against the solution of d (P_π − I) = 0, Σ_s d(s) = 1 by least squares,
    on three seeded chains: 4 states, 4 states with λ = 1 not first in np.linalg.eig's list, 5 states."""
    def chain(seed, S):                                   # a random P_π with every entry positive
        P_pi = np.random.default_rng(seed).random((S, S)) ** 3 + 0.05
        return P_pi / P_pi.sum(axis=1, keepdims=True)

    def check(P_pi):
        S = len(P_pi)
        got = answer(fn, "stationary_by_eigenvector", (P_pi.copy(),), (S,), lang)
        system = np.vstack([P_pi.T - np.eye(S), np.ones(S)])  # d (P_π − I) = 0 and Σ_s d(s) = 1
        exact = np.linalg.lstsq(system, np.eye(S + 1)[S], rcond=None)[0]
        unit = exact / np.linalg.norm(exact)
        mistakes = [
            (("the right eigenvector of P_π (the ones vector, normalised): d P_π = d makes d a LEFT "
              "eigenvector, an eigenvector of P_πᵀ",
              "用了 P_π 的右特征向量（全 1 向量归一化后的结果）：d P_π = d 说明 d 是左特征向量，也就是 P_πᵀ 的特征向量"),
             np.full(S, 1 / S)),
            (("an eigenvector of unit length, as np.linalg.eig returns it: a distribution has Σ_s d(s) = 1",
              "特征向量是单位长度的（np.linalg.eig 就是这样返回的）：分布要满足 Σ_s d(s) = 1"), unit),
            (("an eigenvector of unit length and the wrong sign: divide by the sum, which fixes both",
              "特征向量是单位长度，而且符号反了：除以各分量之和，两个问题一起解决"), -unit),
            (("the zero vector: d P_π = d alone is also solved by 0, the condition Σ_s d(s) = 1 picks the distribution",
              "得到了零向量：只看 d P_π = d，0 也是解；要靠 Σ_s d(s) = 1 才能选出那个分布"), np.zeros(S)),
        ]
        values, vectors = np.linalg.eig(P_pi.T)
        for k in np.flatnonzero((np.abs(values - 1) > 1e-6) & (np.abs(values.imag) < 1e-12)):
            other = vectors[:, k].real / np.linalg.norm(vectors[:, k].real)
            mistakes += [((f"the eigenvector of the eigenvalue {values[k].real:.3f}: take the one whose eigenvalue "
                           "is 1 (np.linalg.eig does not sort them)",
                           f"取了特征值 {values[k].real:.3f} 的特征向量：应取特征值为 1 的那个（np.linalg.eig 不按大小排序）"),
                          sign * other) for sign in (1, -1)]
        if np.abs(got).max() > 1e3:                       # d / d.sum() with d.sum() ≈ 0
            raise Wrong(say(lang, "an eigenvector of an eigenvalue other than 1, divided by its sum: such an "
                            "eigenvector sums to 0 (take the one whose eigenvalue is 1; np.linalg.eig does not sort them)",
                            "取了特征值不为 1 的特征向量，再除以它的各分量之和：这样的特征向量各分量之和为 0"
                            "（应取特征值为 1 的那个；np.linalg.eig 不按大小排序）"))
        for steps in range(1, 60):                        # rows of P_π^k: power iteration stopped early
            rows = np.linalg.matrix_power(P_pi, steps)
            mistakes += [((f"a row of P_π^{steps}: the power iteration stopped before it converged",
                           f"是 P_π^{steps} 的一行：幂迭代还没有收敛就停了"), row) for row in rows]
        compare_with_exact(got, exact, mistakes, 1e-9, lang)

    cases = [(0, 4), (3, 4), (2, 5)]
    checks = [(say(lang, f"chain {seed}, {S} states", f"马尔可夫链 {seed}，{S} 个状态"),
               lambda seed=seed, S=S: check(chain(seed, S))) for seed, S in cases]
    return verdict("stationary_by_eigenvector", checks, lang)
# --8<-- [end:check_stationary_by_eigenvector]


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


# --8<-- [start:stationary_by_eigenvector]
import numpy as np


def stationary_by_eigenvector(P_pi):
    """d P_π = d says Pᵀ_π dᵀ = dᵀ: d is the eigenvector of P_πᵀ for the eigenvalue 1, scaled to sum 1."""
    values, vectors = np.linalg.eig(P_pi.T)                   # right eigenvectors of P_πᵀ, in no order
    d = vectors[:, np.argmin(np.abs(values - 1))].real        # eigenvalue 1 is real, and so is its vector
    return d / d.sum()                                        # sum 1 fixes the length and the sign
# --8<-- [end:stationary_by_eigenvector]


# --8<-- [start:start_value_gradient]
import torch


def start_value_gradient(theta, P, R, gamma, s1):
    """(E5) for J1: Σ_s d_γ(s) Σ_a πθ(a|s) ∇θ log πθ(a|s) Q^π(s, a), (S, A)."""
    pi = torch.softmax(theta, dim=1)
    P_pi, r_pi = torch.einsum("sa,sat->st", pi, P), (pi * R).sum(dim=1)
    I = torch.eye(len(r_pi), dtype=r_pi.dtype)
    V = torch.linalg.solve(I - gamma * P_pi, r_pi)            # V^π = (I − γ P_π)^{-1} r_π
    Q = R + gamma * P @ V                                     # Q^π(s, a)
    d = torch.linalg.solve(I - gamma * P_pi.T, I[s1])        # d_γ from s1, row s1 of (I − γ P_π)^{-1}
    weight = pi * Q                                           # πθ(a|s) Q^π(s, a)
    # ∂ log πθ(a|s)/∂θ[s, b] = 1[a = b] − πθ(b|s): row s gets d(s) (w(s, b) − πθ(b|s) Σ_a w(s, a))
    return d[:, None] * (weight - pi * weight.sum(dim=1, keepdim=True))
# --8<-- [end:start_value_gradient]
