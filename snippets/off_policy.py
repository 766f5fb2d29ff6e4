"""Off-policy samples: the bias of the unweighted estimator and the variance of importance weights (J1-J4).

Shown on the off-policy page. Run: python snippets/off_policy.py
Everything is computed on the small MDP of the policy-gradient page (3 states, 2 actions, T = 2), whose
216 trajectories can all be listed, so every mean and variance below is exact. Reuses
policy_gradient.py (the MDP, the policy, the trajectory probability and score, the exact gradient)
and the KL divergence of natural_gradient.py; on the page each block embeds those sections first. θ is the policy being improved, θ_old the older
policy that played the trajectories.
"""
import numpy as np

from natural_gradient import kl_divergence
from policy_gradient import (all_trajectories, exact_gradient, policy, policy_gradient_estimate,
                             sample_trajectories, small_mdp, trajectory_log_prob, trajectory_score)

# --8<-- [start:ratio]
import numpy as np


def importance_ratio(theta, theta_old, states, actions):
    """ρ(τ) = πθ(τ) / πθ_old(τ) = Π_t πθ(a_t|s_t) / πθ_old(a_t|s_t): p(s_0) and the transitions
    are the same in both and cancel. states, actions: (K, T + 1) -> (K,)."""
    log_new = np.log(policy(theta)[states, actions]).sum(axis=1)
    log_old = np.log(policy(theta_old)[states, actions]).sum(axis=1)
    return np.exp(log_new - log_old)
# --8<-- [end:ratio]


# --8<-- [start:exact_moments]
import numpy as np


def off_policy_moments(theta, theta_old, mdp):
    """Exact mean (S, A) and total variance tr Cov of two estimators fed one τ ~ πθ_old, summed
    over every τ: "unweighted" ĝ(τ) = ∇θ log πθ(τ) R(τ), and "weighted" ρ(τ) ĝ(τ)."""
    states, actions = all_trajectories(mdp)
    p_old = np.exp(trajectory_log_prob(theta_old, mdp, states, actions))  # πθ_old(τ), (K,)
    R = mdp.r[states, actions].sum(axis=1)                               # R(τ), (K,)
    g = trajectory_score(theta, states, actions) * R[:, None, None]      # ĝ(τ), (K, S, A)
    rho = importance_ratio(theta, theta_old, states, actions)            # ρ(τ), (K,)

    def mean_and_total_variance(x):                                      # under τ ~ πθ_old
        mean = np.einsum("k,kij->ij", p_old, x)
        return mean, float(np.einsum("k,kij->", p_old, (x - mean) ** 2))

    return {"unweighted": mean_and_total_variance(g),
            "weighted": mean_and_total_variance(rho[:, None, None] * g)}
# --8<-- [end:exact_moments]


# --8<-- [start:estimator]
import numpy as np


def importance_weighted_estimate(theta, theta_old, states, actions, rewards):
    """(1/n) Σ_i ρ(τ_i) ∇θ log πθ(τ_i) R(τ_i) for τ_i ~ πθ_old, and its standard error, (S, A)."""
    n = len(states)
    weights = importance_ratio(theta, theta_old, states, actions) * rewards.sum(axis=1)  # ρ R, (n,)
    terms = weights[:, None, None] * trajectory_score(theta, states, actions)           # (n, S, A)
    return terms.mean(axis=0), terms.std(axis=0, ddof=1) / np.sqrt(n)
# --8<-- [end:estimator]


# --8<-- [start:distance]
import numpy as np


def second_moment_of_ratio(theta, theta_old, mdp):
    """E_{τ~πθ_old}[ρ(τ)²] = Σ_τ πθ(τ)² / πθ_old(τ) = E_{τ~πθ}[ρ(τ)]."""
    states, actions = all_trajectories(mdp)
    p = np.exp(trajectory_log_prob(theta, mdp, states, actions))
    return float(p @ importance_ratio(theta, theta_old, states, actions))
# --8<-- [end:distance]


# --8<-- [start:sweep]
import numpy as np


def older_policies(theta, mdp, steps):
    """θ_old = θ − s ∇J(θ)/‖∇J(θ)‖ for each s: the policy a gradient step of length s ago."""
    grad = exact_gradient(theta, mdp)
    return [theta - s * grad / np.linalg.norm(grad) for s in steps]


def distance_sweep(theta, mdp, steps):
    """One row per older policy: its distance to πθ, the unweighted estimator's bias, both variances."""
    norm = np.linalg.norm(exact_gradient(theta, mdp))
    rows = []
    for s, theta_old in zip(steps, older_policies(theta, mdp, steps)):
        m = off_policy_moments(theta, theta_old, mdp)
        rows.append({"step": s, "kl": kl_divergence(theta, theta_old, mdp),
                     "relative_bias": float(np.linalg.norm(m["unweighted"][0] - exact_gradient(theta, mdp)) / norm),
                     "unweighted_variance": m["unweighted"][1], "weighted_variance": m["weighted"][1],
                     "ratio_second_moment": second_moment_of_ratio(theta, theta_old, mdp)})
    return rows
# --8<-- [end:sweep]


THETA = np.array([[0.3, -0.2], [0.0, 0.5], [-0.4, 0.1]])   # the policy-gradient page's skewed policy
STEPS = [0.0, 0.5, 1.0, 2.0, 3.0]


if __name__ == "__main__":
    mdp = small_mdp()
    grad = exact_gradient(THETA, mdp)
    print(f"‖∇J(θ)‖ = {np.linalg.norm(grad):.4f}, exact, from the 216 trajectories")
    print(" s     KL(πθ‖πold)  ‖bias‖/‖∇J‖  trVar unweighted  trVar weighted  E_old[ρ²]  exp(KL)")
    for row in distance_sweep(THETA, mdp, STEPS):
        print(f" {row['step']:<4}  {row['kl']:11.4f}  {row['relative_bias']:11.3f}  {row['unweighted_variance']:16.3f}"
              f"  {row['weighted_variance']:14.3f}  {row['ratio_second_moment']:9.3f}  {np.exp(row['kl']):7.3f}")

    n, (theta_old,) = 10_000, older_policies(THETA, mdp, [1.0])
    samples = sample_trajectories(theta_old, mdp, n, np.random.default_rng(0))   # played by πθ_old
    unweighted, unweighted_se = policy_gradient_estimate(THETA, *samples)
    weighted, weighted_se = importance_weighted_estimate(THETA, theta_old, *samples)
    print(f"s = 1, n = {n} trajectories of πθ_old: max |estimate − ∇J| / se: "
          f"unweighted {np.max(np.abs(unweighted - grad) / unweighted_se):.1f}, "
          f"weighted {np.max(np.abs(weighted - grad) / weighted_se):.2f}")
