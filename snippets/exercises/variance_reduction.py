"""Exercises of the variance-reduction page: checkers and reference solutions.

Shown on the page (section #exercises): each checker under exercises/checking.py in a folded block,
each solution folded away. The checkers compare_with_exact with exact values (closed forms written another way
than the solutions below), never with the solutions. The stubs are in variance_reduction_stubs.py.
"""
from .checking import Wrong, answer, compare_with_exact, say, verdict  # on the page, shown above each checker

# --8<-- [start:check_discounted_rewards_to_go]
import numpy as np


def check_discounted_rewards_to_go(fn, lang="en"):
    """discounted_rewards_to_go against the matrix form R̂ = W r, W[t, t'] = γ^(t'−t) for t' ≥ t,
    on seeded rewards of four lengths and four discount factors."""
    name = "discounted_rewards_to_go"
    rng = np.random.default_rng(1992)
    cases = [(np.round(rng.uniform(-1.0, 2.0, size=6), 2), 0.9),
             (np.round(rng.uniform(-1.0, 2.0, size=5), 2), 0.5),
             (np.round(rng.uniform(0.0, 2.0, size=4), 2), 1.0),
             (np.array([1.5]), 0.7)]

    def check(rewards, gamma):
        got = answer(fn, name, (rewards.copy(), gamma), rewards.shape, lang)
        t = np.arange(len(rewards))
        lag = t[None, :] - t[:, None]                          # t' − t, row t, column t'
        powers = float(gamma) ** np.abs(lag)

        def weights(keep, power=powers):
            return np.where(keep, power, 0.0)

        exact = weights(lag >= 0) @ rewards
        mistakes = [
            (("reward-to-go summed over the past instead of the future (t' ≤ t)",
              "未来回报求和的方向反了：对过去（t' ≤ t）求和，而不是对未来"), weights(lag <= 0) @ rewards),
            (("the values in reverse order (the backward pass was not turned back)",
              "结果的顺序反了（从后往前累加之后没有再倒回来）"), exact[::-1]),
            (("the current reward r_t is dropped (t' > t): it depends on a_t and must stay",
              "漏掉了当前奖励 r_t（只对 t' > t 求和）：r_t 依赖于 a_t，必须保留"), weights(lag > 0) @ rewards),
            (("discounted from the start of the episode, γ^t', instead of from t, γ^(t'−t)",
              "从回合开始折扣（γ^t'），而不是从 t 开始（γ^(t'−t)）"),
             weights(lag >= 0, np.broadcast_to(float(gamma) ** t, lag.shape)) @ rewards),
            (("γ is ignored: the undiscounted reward-to-go", "忽略了 γ：算成了不折扣的未来回报"),
             weights(lag >= 0, 1.0) @ rewards),
            (("the whole discounted return at every step, not the reward-to-go",
              "每一步都用了整条轨迹的折扣回报，而不是未来回报"),
             np.full(len(rewards), float(gamma) ** t @ rewards)),
        ]
        compare_with_exact(got, exact, mistakes, 1e-9, lang)

    checks = [(say(lang, f"T = {len(r) - 1}, γ = {g}", f"T = {len(r) - 1}，γ = {g}"),
               lambda r=r, g=g: check(r, g)) for r, g in cases]
    return verdict(name, checks, lang)
# --8<-- [end:check_discounted_rewards_to_go]


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
            (("the others' mean divided by n instead of n − 1", "其余轨迹的平均回报除以了 n，而不是 n − 1"),
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


# --8<-- [start:discounted_rewards_to_go]
import numpy as np


def discounted_rewards_to_go(rewards, gamma):
    """Σ_{t' ≥ t} γ^(t'−t) r_{t'} for every t, by R̂_t = r_t + γ R̂_{t+1}: (T+1,)."""
    rtg = np.zeros(len(rewards))
    running = 0.0
    for t in reversed(range(len(rewards))):     # from the last step back to the first
        running = rewards[t] + gamma * running
        rtg[t] = running
    return rtg
# --8<-- [end:discounted_rewards_to_go]


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
