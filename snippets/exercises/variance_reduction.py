"""Exercises of the variance-reduction page: checkers and reference solutions.

Shown on the page (section #exercises): each checker under exercises/checking.py in a folded block,
each solution folded away. The checkers compare_with_exact with exact values (closed forms written another way
than the solutions below), never with the solutions. The stubs are in variance_reduction_stubs.py.
"""
from .checking import Wrong, answer, compare_with_exact, say, verdict  # on the page, shown above each checker

# --8<-- [start:check_variance_and_standard_error]
import numpy as np


def check_variance_and_standard_error(fn, lang="en"):
    """variance_and_standard_error against the trace of NumPy's covariance matrix and the standard error
    written as a sum of squares, on seeded batches with returns near 5, as on the page."""
    name = "variance_and_standard_error"
    rng = np.random.default_rng(2000)
    cases = [(rng.normal(size=(n, d)), 5.0 + rng.normal(size=n), b)
             for n, d, b in [(6, 3, 4.5), (40, 2, 5.2), (12, 4, 3.0)]]

    def moments(scores, returns, b):
        """Σ_k Var[ĝ_k] with Bessel's correction, and the n terms Y_i whose mean it is."""
        n = len(returns)
        estimates = scores * (returns - b)[:, None]                           # ĝ_i, one row per trajectory
        variance = np.trace(np.cov(estimates, rowvar=False))                 # np.cov divides by n − 1
        terms = n / (n - 1) * ((estimates - estimates.mean(axis=0)) ** 2).sum(axis=1)
        return variance, terms

    def check(scores, returns, b):
        n = len(returns)
        got = answer(fn, name, (scores.copy(), returns.copy(), b), (2,), lang)
        variance, terms = moments(scores, returns, b)
        spread = np.sqrt(((terms - variance) ** 2).sum() / (n - 1))          # the standard deviation of the Y_i
        compare_with_exact(got[0], variance, [
            (("Bessel's correction missing: divided by n instead of n − 1", "漏掉了贝塞尔校正：除以了 n，而不是 n − 1"),
             variance * (n - 1) / n),
            (("the variance of the batch mean (divided by n), not of one trajectory's estimate",
              "算成了整批平均值的方差（多除了 n），而不是单条轨迹估计的方差"), variance / n),
            (("no baseline subtracted", "没有减去基线"), moments(scores, returns, 0.0)[0]),
            (("a sign flip: R(τ_i) + b where R(τ_i) − b belongs", "符号反了：应为 R(τ_i) − b，写成了 R(τ_i) + b"),
             moments(scores, returns, -b)[0]),
            (("a standard deviation (the square root), not a variance", "算成了标准差（开了平方根），而不是方差"),
             np.sqrt(variance)),
        ], 1e-9, lang)
        compare_with_exact(got[1], spread / np.sqrt(n), [
            (("a missing 1/√n: the standard deviation of the terms, not the standard error of their mean",
              "少了 1/√n：这是各项的标准差，而不是其均值的标准误差"), spread),
            (("divided by n instead of √n", "除以了 n，而不是 √n"), spread / n),
            (("the standard error of the mean estimate ĝ, √(V/n), not the standard error of the variance",
              "算成了平均估计 ĝ 的标准误差 √(V/n)，而不是方差本身的标准误差"), np.sqrt(variance / n)),
        ], 1e-9, lang)

    checks = [(say(lang, f"n = {len(R)} trajectories, d = {g.shape[1]} parameters, b = {b}",
                    f"n = {len(R)} 条轨迹，d = {g.shape[1]} 个参数，b = {b}"),
               lambda g=g, R=R, b=b: check(g, R, b)) for g, R, b in cases]
    return verdict(name, checks, lang)
# --8<-- [end:check_variance_and_standard_error]


# --8<-- [start:check_leave_one_out_estimate]
import numpy as np


def check_leave_one_out_estimate(fn, lang="en"):
    """leave_one_out_estimate against its closed form n/(n − 1) · (mean(g R) − mean(g) mean(R)), on
    seeded batches of three sizes with returns near 5, as on the page."""
    name = "leave_one_out_estimate"
    rng = np.random.default_rng(2004)
    cases = [(rng.normal(size=(n, d)), 5.0 + rng.normal(size=n)) for n, d in [(5, 3), (2, 4), (8, 2)]]

    def check(scores, returns):
        n = len(returns)
        got = answer(fn, name, (scores.copy(), returns.copy()), (scores.shape[1],), lang)
        no_baseline = (scores * returns[:, None]).mean(axis=0)                  # mean(g R)
        exact = n / (n - 1) * (no_baseline - scores.mean(axis=0) * returns.mean())
        others_over_n = (returns.sum() - returns) / n                            # Σ_{j≠i} R_j / n
        mistakes = [
            (("a baseline that depends on the action: the mean return includes the trajectory's own return",
              "基线依赖于动作：平均回报里包含了这条轨迹自己的回报"), (n - 1) / n * exact),
            (("a missing 1/n: the sum over the trajectories, not their mean", "少了 1/n：对轨迹求和而没有取平均"),
             n * exact),
            (("a sign flip: b_i − R(τ_i) where R(τ_i) − b_i belongs", "符号反了：应为 R(τ_i) − b_i，写成了 b_i − R(τ_i)"),
             -exact),
            (("no baseline subtracted", "没有减去基线"), no_baseline),
            (("the others' mean divided by n instead of n − 1", "求其余轨迹的平均回报时除以了 n，而不是 n − 1"),
             (scores * (returns - others_over_n)[:, None]).mean(axis=0)),
        ]
        compare_with_exact(got, exact, mistakes, 1e-9, lang)

    checks = [(say(lang, f"n = {len(R)} trajectories, d = {g.shape[1]} parameters",
                    f"n = {len(R)} 条轨迹，d = {g.shape[1]} 个参数"),
               lambda g=g, R=R: check(g, R)) for g, R in cases]
    return verdict(name, checks, lang)
# --8<-- [end:check_leave_one_out_estimate]


# --8<-- [start:bandit_variance]
import numpy as np


def bandit_estimator_variance(p, r1, r0, b):
    """Exact variance of ĝ = ∂θ log π(a) (r_a − b), π(a = 1) = p = σ(θ): enumerate both arms."""
    arms = [(p, 1 - p, r1),          # a = 1: probability p, score 1 − p, reward r1
            (1 - p, -p, r0)]         # a = 0: probability 1 − p, score −p, reward r0
    mean = sum(prob * score * (r - b) for prob, score, r in arms)
    second_moment = sum(prob * (score * (r - b)) ** 2 for prob, score, r in arms)
    return second_moment - mean**2


if __name__ == "__main__":
    p, r1, r0 = 0.3, 2.0, 1.0
    for label, b, closed_form in [
        ("b = 0", 0.0, p * (1 - p) * ((1 - p) * r1 + p * r0) ** 2),
        ("b = E[r]", p * r1 + (1 - p) * r0, p * (1 - p) * (2 * p - 1) ** 2 * (r1 - r0) ** 2),
        ("b = b*", (1 - p) * r1 + p * r0, 0.0),
    ]:
        enumerated = bandit_estimator_variance(p, r1, r0, b)
        print(f"{label:9s} enumerated {enumerated:.6f}   closed form {closed_form:.6f}")
# --8<-- [end:bandit_variance]


# --8<-- [start:variance_and_standard_error]
import numpy as np


def variance_and_standard_error(traj_scores, returns, b):
    """[V̂, se]: V̂ = Σ_k Var[ĝ_k] of ĝ_i = ∇θ log πθ(τ_i) (R(τ_i) − b), and the standard error of V̂."""
    n = len(returns)
    estimates = traj_scores * (returns - b)[:, None]                          # (n, d)
    squared_distances = ((estimates - estimates.mean(axis=0)) ** 2).sum(axis=1)   # ‖ĝ_i − ḡ‖²
    terms = n / (n - 1) * squared_distances                                  # Y_i: their mean is V̂
    return np.array([terms.mean(), terms.std(ddof=1) / np.sqrt(n)])
# --8<-- [end:variance_and_standard_error]


# --8<-- [start:leave_one_out_estimate]
import numpy as np


def leave_one_out_estimate(traj_scores, returns):
    """mean_i ∇θ log πθ(τ_i) (R(τ_i) − b_i), b_i the mean return of the others: (d,)."""
    n = len(returns)
    baselines = (returns.sum() - returns) / (n - 1)           # b_i uses every R_j except R_i
    return (traj_scores * (returns - baselines)[:, None]).mean(axis=0)
# --8<-- [end:leave_one_out_estimate]


# --8<-- [start:shared_baseline]
import numpy as np


def softmax_bandit(theta, rewards):
    """π = softmax(θ), the scores ∇θ log π(a) = e_a − π (one row per arm), the rewards."""
    pi = np.exp(theta - theta.max())
    pi /= pi.sum()
    return pi, np.eye(len(pi)) - pi, rewards


def exact_total_variance(theta, rewards, b):
    """Σ_k Var[g_k (r_a − b)], a ~ π, with one shared b (a scalar) or one b_k each (d,)."""
    pi, scores, r = softmax_bandit(theta, rewards)
    estimates = scores * (r[:, None] - b)                   # row a: the estimate if a is drawn
    mean = pi @ estimates
    return float(pi @ (estimates**2).sum(axis=1) - mean @ mean)


def shared_baseline(theta, rewards):
    """b̄ = E[‖g‖² R] / E[‖g‖²]: the one constant that minimises the total variance."""
    pi, scores, r = softmax_bandit(theta, rewards)
    weight = pi * (scores**2).sum(axis=1)                   # π(a) ‖g(a)‖²
    return weight @ r / weight.sum()


def per_component_baselines(theta, rewards):
    """b*_k = E[g_k² R] / E[g_k²], one per component (G4)."""
    pi, scores, r = softmax_bandit(theta, rewards)
    g2 = pi[:, None] * scores**2                            # π(a) g_k(a)², (arms, d)
    return (g2 * r[:, None]).sum(axis=0) / g2.sum(axis=0)


if __name__ == "__main__":
    theta, rewards = np.array([0.5, -0.2, 1.0]), np.array([4.0, 6.0, 5.0])
    b_bar = shared_baseline(theta, rewards)
    grid = np.linspace(b_bar - 1, b_bar + 1, 2001)
    best_on_grid = grid[np.argmin([exact_total_variance(theta, rewards, b) for b in grid])]
    print(f"b̄ = {b_bar:.4f}, the best of 2001 constants on a grid: {best_on_grid:.4f}")
    b_star = per_component_baselines(theta, rewards)
    for label, b in [("b = 0", 0.0), ("b = b̄", b_bar), ("b = b*_k", b_star)]:
        print(f"total variance {exact_total_variance(theta, rewards, b):7.4f} with {label}")
# --8<-- [end:shared_baseline]
