"""Exercises of the natural-gradient page: checkers and reference solutions.

Shown on the page (section #exercises): each checker under exercises/checking.py in a folded block,
each solution folded away. The checkers compare_with_exact with exact values (enumeration of the 216 trajectories
of the policy-gradient page's MDP, autograd, closed forms), never with the solutions below. The stubs
the reader fills in are in natural_gradient_stubs.py.
"""
from advantage import state_visits  # on the page, embedded above the solution
from policy_gradient import policy

from .checking import Wrong, answer, compare_with_exact, say, verdict  # on the page, shown above each checker

# --8<-- [start:check_visit_weighted_kl]
import itertools
from types import SimpleNamespace

import numpy as np


def check_visit_weighted_kl(fn, lang="en"):
    """visit_weighted_kl against KL(πθ(τ) ‖ πθ'(τ)) summed over all 216 trajectories of the small MDP,
    for three seeded pairs of policies."""
    mdp = SimpleNamespace(p0=np.array([0.6, 0.3, 0.1]),
                          P=np.array([[[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]],
                                      [[0.5, 0.4, 0.1], [0.2, 0.2, 0.6]],
                                      [[0.3, 0.3, 0.4], [0.1, 0.1, 0.8]]]),
                          r=np.array([[0.0, -0.5], [1.0, 0.0], [2.0, 1.0]]), T=2)
    grid = np.array(list(itertools.product(range(3), range(2), repeat=mdp.T + 1)))
    s, a = grid[:, 0::2], grid[:, 1::2]                      # every τ: states, actions, (216, T + 1)

    def policy(theta):
        z = np.exp(theta - theta.max(axis=1, keepdims=True))
        return z / z.sum(axis=1, keepdims=True)

    def log_prob(theta):                                     # log πθ(τ), dynamics included
        return (np.log(mdp.p0[s[:, 0]]) + np.log(policy(theta)[s, a]).sum(axis=1)
                + np.log(mdp.P[s[:, :-1], a[:, :-1], s[:, 1:]]).sum(axis=1))

    def trajectory_kl(p, q):                                 # Σ_τ πp(τ) log(πp(τ) / πq(τ))
        return float(np.exp(log_prob(p)) @ (log_prob(p) - log_prob(q)))

    def visits(theta):                                       # Σ_t Pr(s_t = s), by enumeration
        return np.exp(log_prob(theta)) @ (s[:, :, None] == np.arange(3)).sum(axis=1)

    def weighted(weights, p, q):                             # Σ_s w(s) KL(πp(·|s) ‖ πq(·|s))
        return float(weights @ (policy(p) * np.log(policy(p) / policy(q))).sum(axis=1))

    def check(theta, theta_new):
        got = answer(fn, "visit_weighted_kl", (theta.copy(), theta_new.copy(), mdp), (), lang)
        exact = trajectory_kl(theta, theta_new)
        mistakes = [
            (("the KL the other way round, KL(πθ′ ‖ πθ)", "把 KL 散度的方向弄反了，算成了 KL(πθ′ ‖ πθ)"),
             trajectory_kl(theta_new, theta)),
            (("the KL the other way round in each state, KL(πθ′(·|s) ‖ πθ(·|s))",
              "在每个状态里把 KL 散度的方向弄反了，算成了 KL(πθ′(·|s) ‖ πθ(·|s))"), weighted(visits(theta), theta_new, theta)),
            (("each state counted once: the visit weights Σ_t ρ_t(s) are missing",
              "每个状态只算了一次：漏掉了访问权重 Σ_t ρ_t(s)"), weighted(np.ones(3), theta, theta_new)),
            (("only the start distribution p(s_0): the states visited at t ≥ 1 are missing",
              "只用了初始分布 p(s_0)：漏掉了 t ≥ 1 时访问的状态"), weighted(mdp.p0, theta, theta_new)),
            (("the mean over the T + 1 steps, not their sum", "对 T + 1 步取了平均，而不是求和"), exact / (mdp.T + 1)),
            (("the states weighted by the new policy's visits: the expectation is under πθ",
              "用新策略的访问次数给状态加权了：期望应在 πθ 下取"), weighted(visits(theta_new), theta, theta_new)),
        ]
        compare_with_exact(got, exact, mistakes, 1e-9, lang)

    rng = np.random.default_rng(13)
    pairs = [(theta, theta + 0.8 * rng.normal(size=(3, 2))) for theta in rng.normal(size=(3, 3, 2))]
    checks = [(say(lang, f"policy pair {i + 1} of {len(pairs)} against all 216 trajectories",
                   f"第 {i + 1} 组策略（共 {len(pairs)} 组），与全部 216 条轨迹的结果比较"),
               lambda p=p, q=q: check(p, q)) for i, (p, q) in enumerate(pairs)]
    return verdict("visit_weighted_kl", checks, lang)
# --8<-- [end:check_visit_weighted_kl]


# --8<-- [start:check_conjugate_gradient]
import itertools

import numpy as np
import torch


def check_conjugate_gradient(fn, lang="en"):
    """conjugate_gradient on the Fisher information F and the gradient ∇J of the small MDP (autograd over
    its 216 trajectories): one product F v per iteration; after one iteration the exact line-search step
    along ∇J; after three, F's rank, the natural gradient F⁺∇J."""
    p0 = torch.tensor([0.6, 0.3, 0.1], dtype=torch.float64)
    P = torch.tensor([[[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]],
                      [[0.5, 0.4, 0.1], [0.2, 0.2, 0.6]],
                      [[0.3, 0.3, 0.4], [0.1, 0.1, 0.8]]], dtype=torch.float64)
    r = torch.tensor([[0.0, -0.5], [1.0, 0.0], [2.0, 1.0]], dtype=torch.float64)
    grid = torch.tensor(list(itertools.product(range(3), range(2), repeat=3)))
    s, a = grid[:, 0::2], grid[:, 1::2]                      # every τ: states, actions, (216, 3)
    dynamics = p0[s[:, 0]] * P[s[:, :-1], a[:, :-1], s[:, 1:]].prod(dim=1)   # p(s_0) Π p(s_t+1|s_t, a_t)
    R = r[s, a].sum(dim=1)                                   # R(τ)

    def fisher_and_gradient(theta):
        def log_policy(flat):                                # log πθ(a|s) for every (s, a), (6,)
            return torch.log_softmax(flat.reshape(3, 2), dim=1).reshape(-1)
        flat = torch.tensor(theta, dtype=torch.float64).reshape(-1)
        step_scores = torch.autograd.functional.jacobian(log_policy, flat)   # ∇θ log πθ(a|s), (6, 6)
        scores = step_scores[2 * s + a].sum(dim=1)           # ∇θ log πθ(τ) = Σ_t ∇θ log πθ(a_t|s_t), (216, 6)
        prob = dynamics * log_policy(flat)[2 * s + a].sum(dim=1).exp()   # πθ(τ)
        fisher = scores.T @ (prob[:, None] * scores)         # (H5)
        grad = scores.T @ (prob * R)                         # Σ_τ πθ(τ) ∇θ log πθ(τ) R(τ)
        return fisher.numpy(), grad.numpy()

    def steepest_descent(F, g, iterations):                  # the directions left unconjugated
        x, res = np.zeros_like(g), g.copy()
        for _ in range(iterations):
            step = (res @ res) / (res @ F @ res)
            x, res = x + step * res, res - step * F @ res
        return x

    def solve(F, g, iterations):
        calls = []

        def fvp(v):
            calls.append(1)
            return F @ np.asarray(v, dtype=float)
        return answer(fn, "conjugate_gradient", (fvp, g.copy(), iterations), g.shape, lang), len(calls)

    def products(theta):
        F, g = fisher_and_gradient(theta)
        _, calls = solve(F, g, 3)
        if calls > 3 + 1:
            raise Wrong(say(lang, f"fvp was called {calls} times for 3 iterations: conjugate gradients use one "
                                  "product F v per iteration and never form F",
                            f"3 次迭代却调用了 fvp {calls} 次：共轭梯度法每次迭代只用一次乘积 F v，从不构造整个 F"))

    def check(theta, iterations):
        F, g = fisher_and_gradient(theta)
        got, _ = solve(F, g, iterations)
        if iterations == 1:                                   # exact line search along p = ∇J
            exact = (g @ g) / (g @ F @ g) * g
        else:                                                 # the minimum-norm solution of F x = ∇J
            exact = np.linalg.lstsq(F, g, rcond=None)[0]
        mistakes = [
            (("a sign flip (descent instead of ascent)", "符号反了（成了下降方向而不是上升方向）"), -exact),
            (("the plain gradient ∇J: the products F v were not used", "普通梯度 ∇J：没有用到乘积 F v"), g),
            (("steepest descent: each new direction must be made F-conjugate to the last, p ← r + β p",
              "最速下降：每个新方向都要与上一个方向关于 F 共轭，p ← r + β p"), steepest_descent(F, g, iterations)),
        ]
        compare_with_exact(got, exact, mistakes, 1e-8 * max(1.0, np.abs(exact).max()), lang)

    thetas = [np.array([[0.3, -0.2], [0.0, 0.5], [-0.4, 0.1]]),    # the page's policy
              np.array([[3.0, -3.0], [-3.0, 3.0], [-3.0, 3.0]])]   # the near-deterministic bad start
    checks = [(say(lang, "one product F v per iteration", "每次迭代一次乘积 F v"), lambda: products(thetas[0]))]
    for name_en, name_zh, theta in [("the page's policy", "本页的策略", thetas[0]),
                                    ("the near-deterministic start", "接近确定性的起点", thetas[1])]:
        checks += [(say(lang, f"{name_en}, 1 iteration: the line-search step along ∇J",
                        f"{name_zh}，1 次迭代：沿 ∇J 做精确线搜索的一步"), lambda theta=theta: check(theta, 1)),
                   (say(lang, f"{name_en}, 3 iterations: F⁺∇J", f"{name_zh}，3 次迭代：F⁺∇J"),
                    lambda theta=theta: check(theta, 3))]
    return verdict("conjugate_gradient", checks, lang)
# --8<-- [end:check_conjugate_gradient]


# --8<-- [start:visit_weighted_kl]
import numpy as np


def visit_weighted_kl(theta, theta_new, mdp):
    """Σ_s (Σ_t ρ_t(s)) KL(πθ(·|s) ‖ πθ'(·|s)): the KL between trajectory distributions, dynamics cancelled."""
    pi, pi_new = policy(theta), policy(theta_new)
    per_state = (pi * (np.log(pi) - np.log(pi_new))).sum(axis=1)    # KL in each state, (S,)
    return float(state_visits(theta, mdp).sum(axis=0) @ per_state)  # visits under πθ, which draws τ
# --8<-- [end:visit_weighted_kl]


# --8<-- [start:conjugate_gradient]
import numpy as np


def conjugate_gradient(fvp, grad, iterations):
    """Conjugate gradients for F x = ∇J from x = 0: one product F p per iteration."""
    x = np.zeros(len(grad))
    residual = np.array(grad, dtype=float)        # ∇J − F x
    direction = residual.copy()
    rr = residual @ residual
    for _ in range(iterations):
        if rr <= 1e-30 * (grad @ grad):            # solved to rounding: nothing left to do
            break
        F_direction = fvp(direction)
        step = rr / (direction @ F_direction)      # exact line search along the direction
        x += step * direction
        residual -= step * F_direction
        rr, rr_old = residual @ residual, rr
        direction = residual + (rr / rr_old) * direction   # F-conjugate to the previous directions
    return x
# --8<-- [end:conjugate_gradient]
