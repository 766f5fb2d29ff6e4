"""Exercises of the short-corridor page: checkers and reference solutions.

Shown on the page (section #exercises): each checker under exercises/checking.py in a folded block,
each solution folded away. The checkers compare_with_exact with exact values (closed forms, the Bellman linear
system), never with the solutions below. The stubs are in short_corridor_stubs.py.
"""
from .checking import Wrong, answer, compare_with_exact, say, verdict  # on the page, shown above each checker

# --8<-- [start:check_corridor_reinforce_gradient]
import numpy as np


def check_corridor_reinforce_gradient(fn, lang="en"):
    """corridor_reinforce_gradient on seeded episodes against the closed form
    G_t = −(1 − γ^(T−t)) / (1 − γ); then the mean over 4000 episodes against ∇θ v_γ(s1) from the
    Bellman linear system, within 5 standard errors."""
    name = "corridor_reinforce_gradient"
    rng = np.random.default_rng(2018)

    def episode(p):
        """went_right of one episode with πθ(right) = p, from s1 to the goal."""
        s, went_right = 0, []                                  # 0, 1, 2 = s1, s2, s3; 3 = the goal
        while s < 3:
            right = bool(rng.random() < p)
            went_right.append(right)
            step = (1 if right else -1) * (-1 if s == 1 else 1)          # switched in s2
            s = max(s + step, 0)                                         # left in s1: the wall
        return np.array(went_right)

    def discounted_sum(n, gamma):
        """1 + γ + … + γ^(n−1), elementwise."""
        return n.astype(float) if gamma == 1 else (1 - gamma**n) / (1 - gamma)

    def estimate(went_right, p, gamma):
        return answer(fn, name, (went_right.copy(), p, gamma), (2,), lang)

    def one_episode(p, gamma):
        went_right = episode(p)
        T = len(went_right)
        t = np.arange(T)
        score = np.where(went_right[:, None], [1 - p, p - 1], [-p, p])     # x(A_t) − Σ_b π(b) x(b)
        G = -discounted_sum(T - t, gamma)                                  # −1 on each of the T − t steps left

        def total(weight, scores=score):
            return (weight[:, None] * scores).sum(axis=0)

        exact = total(gamma**t * G)
        mistakes = [
            (("reward-to-go summed over the past instead of the future", "未来回报求和的方向反了：对过去求和，而不是对未来"),
             total(gamma**t * -discounted_sum(t + 1, gamma))),
            (("the return of the whole episode, G_0, at every step", "每一步都用了整个回合的回报 G_0"),
             total(gamma**t * np.full(T, G[0]))),
            (("the factor γ^t is missing", "漏掉了因子 γ^t"), total(G)),
            (("a sign flip: Σ_b π(b) x(b) − x(A_t) where x(A_t) − Σ_b π(b) x(b) belongs",
              "符号反了：应为 x(A_t) − Σ_b π(b) x(b)，写成了 Σ_b π(b) x(b) − x(A_t)"), -exact),
            (("∇π used where ∇log π belongs (each term multiplied by π(A_t))",
              "把 ∇π 当成了 ∇log π（每一项多乘了 π(A_t)）"),
             total(gamma**t * G * np.where(went_right, p, 1 - p))),
        ]
        compare_with_exact(estimate(went_right, p, gamma), exact, mistakes, 1e-9, lang)

    def unbiased(p, gamma, n):
        P = np.array([[1 - p, p, 0.0], [p, 0.0, 1 - p], [0.0, 1 - p, 0.0]])
        dP = np.array([[-1.0, 1.0, 0.0], [1.0, 0.0, -1.0], [0.0, -1.0, 0.0]])    # dP/dp
        v = np.linalg.solve(np.eye(3) - gamma * P, -np.ones(3))                 # v = −1 + γ P v
        dv = np.linalg.solve(np.eye(3) - gamma * P, gamma * dP @ v)             # dv/dp
        exact = dv[0] * p * (1 - p) * np.array([1.0, -1.0])                     # dp/dθ = p(1 − p)(1, −1)
        visits = np.linalg.solve(np.eye(3) - P.T, [1.0, 0.0, 0.0])             # Σ_t Pr(S_t = s)
        q = -1 + gamma * np.array([[v[1], v[0]], [v[0], v[2]], [0.0, v[1]]])     # q_γ(s, right), q_γ(s, left)
        without_factor = visits @ (q[:, 0] - q[:, 1]) * p * (1 - p) * np.array([1.0, -1.0])
        estimates = np.array([estimate(episode(p), p, gamma) for _ in range(n)])
        standard_error = estimates.std(axis=0, ddof=1) / np.sqrt(n)
        mistakes = [(("the factor γ^t is missing", "漏掉了因子 γ^t"), without_factor)]
        compare_with_exact(estimates.mean(axis=0), exact, mistakes, 5 * standard_error, lang)

    checks = [(say(lang, f"one episode at p = {p}, γ = {g}", f"p = {p}、γ = {g} 时的一个回合"),
               lambda p=p, g=g: one_episode(p, g)) for p, g in [(0.4, 0.9), (0.6, 1.0), (0.25, 0.5), (0.7, 0.95)]]
    checks.append((say(lang, "the mean over 4000 episodes at p = 0.2, γ = 0.8 is ∇θ v_γ(s1) (within 5 standard errors)",
                       "p = 0.2、γ = 0.8 时 4000 个回合的平均值等于 ∇θ v_γ(s1)（在 5 个标准误差之内）"),
                   lambda: unbiased(0.2, 0.8, 4000)))
    return verdict(name, checks, lang)
# --8<-- [end:check_corridor_reinforce_gradient]


# --8<-- [start:corridor_bellman]
import numpy as np


def corridor_values_switchable(p, switched=True):
    """v(s1), v(s2), v(s3) of "right with probability p": solve (I − P) v = −1."""
    s2 = [p, 0.0, 1 - p] if switched else [1 - p, 0.0, p]     # switched: right → s1
    P = np.array([[1 - p, p, 0.0], s2, [0.0, 1 - p, 0.0]])
    return np.linalg.solve(np.eye(3) - P, -np.ones(3))


if __name__ == "__main__":
    for p in (0.1, 2 - np.sqrt(2), 0.9):
        closed_form = np.array([2 * p - 4, p - 3, 3 * p - 3]) / (p * (1 - p))
        print(f"p = {p:.4f}: v = {corridor_values_switchable(p).round(4)}, closed form {closed_form.round(4)}")
        print(f"  without the switch: v(s1) = {corridor_values_switchable(p, switched=False)[0]:.4f},"
              f" closed form {-(1 + 2 * p**2) / p**3:.4f}")
# --8<-- [end:corridor_bellman]


# --8<-- [start:logit_gradient]
import numpy as np
import torch


def gradient_in_preferences(p):
    """∇θ J for πθ(right) = p: J'(p) p(1 − p) (1, −1) = 2(p² − 4p + 2) / (p(1 − p)) (1, −1)."""
    return 2 * (p**2 - 4 * p + 2) / (p * (1 - p)) * np.array([1.0, -1.0])


if __name__ == "__main__":
    for p in (0.05, 2 - np.sqrt(2), 0.8):
        theta = torch.tensor([np.log(p / (1 - p)), 0.0], dtype=torch.float64, requires_grad=True)
        p_right = torch.softmax(theta, dim=0)[0]         # softmax of (θ_right, θ_left)
        ((2 * p_right - 4) / (p_right * (1 - p_right))).backward()      # J(p) of (G7)
        print(f"p = {p:.4f}: autograd {theta.grad.numpy().round(4)},"
              f" formula {gradient_in_preferences(p).round(4)}")
# --8<-- [end:logit_gradient]


# --8<-- [start:corridor_reinforce_gradient]
import numpy as np


def corridor_reinforce_gradient(went_right, p, gamma):
    """Σ_t γ^t G_t ∇θ log π(A_t) over one episode of the corridor, every reward −1: (2,)."""
    x = np.array([[1.0, 0.0], [0.0, 1.0]])                  # x(s, right), x(s, left)
    mean_feature = p * x[0] + (1 - p) * x[1]                # Σ_b π(b) x(s, b)
    T = len(went_right)
    total, G = np.zeros(2), 0.0
    for t in reversed(range(T)):                            # G_t = R_{t+1} + γ G_{t+1}, R = −1
        G = -1.0 + gamma * G
        score = x[0 if went_right[t] else 1] - mean_feature  # ∇θ log π(A_t|S_t, θ)
        total += gamma**t * G * score
    return total
# --8<-- [end:corridor_reinforce_gradient]


# --8<-- [start:gamma_t_factor]
import numpy as np

NEXT = np.array([[1, 0],     # s1: right → s2, left → s1 (the wall)
                 [0, 2],     # s2, switched: right → s1, left → s3
                 [3, 1]])    # s3: right → the goal (3), left → s2


def expected_updates(p, gamma):
    """v_γ(s1), and the expected REINFORCE direction with and without γ^t,
    Σ_s η(s) Σ_a ∇θ π(a) q_γ(s, a), η the discounted or the plain visit counts."""
    pi = np.array([p, 1 - p])                     # π(right), π(left), in every state
    P = np.zeros((3, 4))
    for s in range(3):
        for a in range(2):
            P[s, NEXT[s, a]] += pi[a]
    P = P[:, :3]                                  # the goal ends the episode
    v = np.linalg.solve(np.eye(3) - gamma * P, -np.ones(3))
    q = -1 + gamma * np.append(v, 0.0)[NEXT]      # q_γ(s, a) = −1 + γ v_γ(s'), (3, 2)
    start = np.array([1.0, 0.0, 0.0])
    discounted_visits = np.linalg.solve(np.eye(3) - gamma * P.T, start)   # Σ_t γ^t Pr(S_t = s)
    visits = np.linalg.solve(np.eye(3) - P.T, start)                      # Σ_t Pr(S_t = s)
    grad_pi = p * (1 - p) * np.array([[1.0, -1.0], [-1.0, 1.0]])          # rows ∇θ π(a)
    return v[0], discounted_visits @ q @ grad_pi, visits @ q @ grad_pi


def zero_between(f, low, high):
    """Bisection: the root of f in [low, high]."""
    for _ in range(60):
        middle = (low + high) / 2
        low, high = (middle, high) if f(low) * f(middle) > 0 else (low, middle)
    return (low + high) / 2


if __name__ == "__main__":
    p, gamma, h = 0.4, 0.9, 1e-6
    slope = (expected_updates(p + h, gamma)[0] - expected_updates(p - h, gamma)[0]) / (2 * h)
    _, with_factor, without_factor = expected_updates(p, gamma)
    print(f"∇θ v_γ(s1), finite differences {(slope * p * (1 - p) * np.array([1, -1])).round(5)}")
    print(f"expected update with γ^t {with_factor.round(5)}, without {without_factor.round(5)}")
    gamma = 0.5
    best = zero_between(lambda p: expected_updates(p, gamma)[1][0], 0.1, 0.9)
    stops = zero_between(lambda p: expected_updates(p, gamma)[2][0], 0.1, 0.9)
    print(f"γ = {gamma}: v_γ(s1) is largest at p = {best:.4f};"
          f" without γ^t the update stops at p = {stops:.4f}")
# --8<-- [end:gamma_t_factor]
