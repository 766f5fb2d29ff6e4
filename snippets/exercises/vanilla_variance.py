"""Exercises of the where-the-notes-end page: a checker, the reference solution, and the code of a
derivation's solution.

Shown on the page (section #exercises): the checker under exercises/checking.py in a folded block,
each solution folded away. The checker compares with the definition and with the closed-form variances
of a one-state problem, never with the solution below. The stub the reader fills in is in
vanilla_variance_stubs.py.
"""
from .checking import Wrong, answer, compare_with_exact, say, verdict  # on the page, shown above each checker

# --8<-- [start:check_variance_difference]
import numpy as np


def check_variance_difference(fn, lang="en"):
    """variance_difference on seeded episodes of a problem whose variances are known in closed form: one
    state, two actions, π = (p, 1 − p), reward 1 + noise N(0, σ²) at each of H steps; a = the vanilla
    terms, b = the reward-to-go terms. First the definition on three batches, then what the standard
    error means: over 100 seeds the estimates scatter by about the standard error it reports."""
    name = "variance_difference"
    H, p, noise = 8, 0.3, 0.5
    c = 2 * p * (1 - p)                                          # E‖e_a − π‖², one step's score
    exact = c * (H**3 - H * (H + 1) * (2 * H + 1) / 6 + noise**2 * (H**2 - H * (H + 1) / 2))

    def episodes(seed, n):
        rng = np.random.default_rng(seed)
        scores = np.eye(2)[(rng.random((n, H)) >= p).astype(int)] - [p, 1 - p]   # (n, H, 2)
        rewards = 1.0 + noise * rng.standard_normal((n, H))
        to_go = np.cumsum(rewards[:, ::-1], axis=1)[:, ::-1]
        vanilla = scores.sum(axis=1) * rewards.sum(axis=1, keepdims=True)       # (n, 2)
        return vanilla, (scores * to_go[:, :, None]).sum(axis=1)

    def definition(seed, n):
        a, b = episodes(seed, n)
        got = answer(fn, name, (a.copy(), b.copy()), (2,), lang)
        sq_a = ((a - a.mean(axis=0)) ** 2).sum(axis=1)            # ‖a_i − ā‖²
        sq_b = ((b - b.mean(axis=0)) ** 2).sum(axis=1)
        d = sq_a - sq_b                                            # one number per episode
        difference = a.var(axis=0, ddof=1).sum() - b.var(axis=0, ddof=1).sum()
        se = d.std(ddof=1) / np.sqrt(n)
        apart = np.sqrt(sq_a.var(ddof=1) / n + sq_b.var(ddof=1) / n)
        mistakes = [
            (("standard errors of the two variances combined as if they were independent; they come from the "
              "same episodes, so take the standard error of the per-episode differences",
              "把两个方差各自的标准误差当作相互独立来合并；它们来自同一批回合，应取逐回合之差的标准误差"),
             [difference, apart]),
            (("a missing 1/√n: the standard deviation of the per-episode differences, not the standard error",
              "少了 1/√n：给出的是逐回合之差的标准差，不是标准误差"), [difference, d.std(ddof=1)]),
            (("the difference the wrong way round: tr Var[g_b] − tr Var[g_a]",
              "差的方向反了：算成了 tr Var[g_b] − tr Var[g_a]"), [-difference, se]),
            (("a missing 1/n: the sum of the per-episode differences, not their mean",
              "少了 1/n：对逐回合之差求和而没有取平均"), [d.sum(), se]),
        ]
        # ddof = 0 or 1 both pass: they differ by 1/n, far less than these tolerances
        compare_with_exact(got, [difference, se], mistakes, [0.1 * se, 0.05 * se], lang)

    def meaning():
        found = np.array([answer(fn, name, episodes(1000 + seed, 500), (2,), lang) for seed in range(100)])
        scatter, reported = found[:, 0].std(ddof=1), found[:, 1].mean()
        if abs(found[:, 0].mean() - exact) > 5 * scatter / np.sqrt(len(found)):   # 5 standard errors of the mean
            raise Wrong(say(lang, f"the mean of 100 estimates, {found[:, 0].mean():.2f}, is more than 5 standard "
                                  f"errors from the exact difference {exact:.2f}",
                            f"100 次估计的均值 {found[:, 0].mean():.2f} 与精确差值 {exact:.2f} 相差超过 5 个标准误差"))
        if not 0.8 < reported / scatter < 1.25:
            raise Wrong(say(lang, f"the estimates scatter by {scatter:.2f}, but the standard error says {reported:.2f}",
                            f"估计值的实际离散程度是 {scatter:.2f}，给出的标准误差却是 {reported:.2f}"))

    checks = [(say(lang, f"the definition on {n} episodes (seed {seed})", f"{n} 个回合上的定义（种子 {seed}）"),
               lambda seed=seed, n=n: definition(seed, n)) for seed, n in [(1, 300), (2, 1000), (3, 2000)]]
    checks.append((say(lang, f"100 seeds × 500 episodes: unbiased for the exact {exact:.2f}, the standard error "
                             f"matches the scatter",
                        f"100 个种子 × 500 个回合：对精确值 {exact:.2f} 无偏，标准误差与实际离散程度相符"), meaning))
    return verdict(name, checks, lang)
# --8<-- [end:check_variance_difference]


# --8<-- [start:variance_difference]
import numpy as np


def variance_difference(terms_a, terms_b):
    """tr Var[g_a] − tr Var[g_b] from the same n episodes, and its standard error: (2,)."""
    n = len(terms_a)
    sq_a = ((terms_a - terms_a.mean(axis=0)) ** 2).reshape(n, -1).sum(axis=1)   # ‖a_i − ā‖²
    sq_b = ((terms_b - terms_b.mean(axis=0)) ** 2).reshape(n, -1).sum(axis=1)
    d = sq_a - sq_b                          # per episode: one number whose mean is the difference
    return np.array([d.sum() / (n - 1),      # = tr S_a − tr S_b, sample covariances with 1/(n − 1)
                     d.std(ddof=1) / np.sqrt(n)])
# --8<-- [end:variance_difference]


# --8<-- [start:constant_reward_variance]
import itertools

import numpy as np


def constant_reward_variances(H, p):
    """tr Var of one episode's vanilla and reward-to-go terms, exactly, by listing all 2^H action
    sequences: one state, πθ = softmax(θ) = (p, 1 − p), a reward of 1 at every one of the H steps."""
    pi = np.array([p, 1 - p])
    prob, vanilla, to_go = [], [], []
    for actions in itertools.product(range(2), repeat=H):
        scores = np.eye(2)[list(actions)] - pi                       # ∇θ log π(a_t) = e_a − π, (H, 2)
        prob.append(np.prod(pi[list(actions)]))
        vanilla.append(H * scores.sum(axis=0))                        # R(τ) = H at every step
        to_go.append(((H - np.arange(H))[:, None] * scores).sum(axis=0))  # R̂_t = H − t

    def total_variance(g):
        g, w = np.array(g), np.array(prob)
        return float(w @ ((g - w @ g) ** 2).sum(axis=1))

    return total_variance(vanilla), total_variance(to_go)


if __name__ == "__main__":
    p = 0.3
    c = 2 * p * (1 - p)                                    # tr Cov of one step's score e_a − π
    print("  H   vanilla    H³·c   reward-to-go  H(H+1)(2H+1)/6·c")
    for H in (1, 2, 4, 8):
        vanilla, to_go = constant_reward_variances(H, p)
        print(f"{H:>3} {vanilla:9.4f} {H**3 * c:7.2f} {to_go:14.4f} {H * (H + 1) * (2 * H + 1) / 6 * c:17.2f}")
# --8<-- [end:constant_reward_variance]
