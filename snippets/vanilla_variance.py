"""How noisy is vanilla policy gradient? Its per-trajectory variance against reward-to-go, measured.

Shown on the where-the-notes-end page (formula F1). Run: python snippets/vanilla_variance.py
A small episodic MDP with horizon H (H steps, t = 0, …, T = H − 1) has an exact gradient (autograd through the state-distribution
recursion), so both Monte Carlo estimators can be checked for bias and compared for variance.
The policy and its score are those of policy_gradient.py, the categorical sampler that of score_function.py:
on the page each block embeds those sections first.
"""
from policy_gradient import policy, score
from score_function import sample_categorical

# --8<-- [start:episodic_mdp]
import numpy as np


def episodic_mdp(n_states=3, n_actions=2, seed=0):
    """Start distribution p0 (S,), transitions P[s, a, s'] (S, A, S), rewards R[s, a] ∈ [0, 1)."""
    rng = np.random.default_rng(seed)
    p0 = rng.dirichlet(np.ones(n_states))
    P = rng.dirichlet(np.ones(n_states), size=(n_states, n_actions))
    R = rng.random((n_states, n_actions))
    return p0, P, R
# --8<-- [end:episodic_mdp]


# --8<-- [start:exact_objective_and_gradient]
import numpy as np
import torch


def exact_objective_and_gradient(theta, p0, P, R, H, sparse=False):
    """J(θ) = E[Σ_{t<H} r_t] = Σ_t μ_t · r_π with μ_{t+1} = μ_t P_π, and ∇_θ J by autograd.

    sparse=True: the reward is paid at the last step t = T = H − 1 only, J = μ_T · r_π.
    """
    th = torch.tensor(theta, dtype=torch.float64, requires_grad=True)
    P_t, R_t = torch.from_numpy(P), torch.from_numpy(R)
    pi = torch.softmax(th, dim=-1)
    P_pi = torch.einsum("sa,sat->st", pi, P_t)          # P_π[s, s']
    r_pi = (pi * R_t).sum(dim=-1)                       # r_π[s] = Σ_a π(a|s) R[s, a]
    mu, J = torch.from_numpy(p0), torch.zeros((), dtype=torch.float64)
    for t in range(H):                                  # μ_t = Pr(s_t = ·)
        if not sparse or t == H - 1:
            J = J + mu @ r_pi
        mu = mu @ P_pi
    J.backward()
    return J.item(), th.grad.numpy()
# --8<-- [end:exact_objective_and_gradient]


# --8<-- [start:sample]
import numpy as np


def sample_noisy_trajectories(theta, p0, P, R, H, n, rng, sparse=False, reward_noise=0.5):
    """n trajectories of H steps: states, actions, rewards, each (n, H).

    r_t = R[s_t, a_t] + noise; sparse=True pays the reward at t = T = H − 1 only (zeros before).
    """
    pi = policy(theta)
    states, actions = np.empty((n, H), dtype=int), np.empty((n, H), dtype=int)
    s = sample_categorical(np.tile(p0, (n, 1)), rng)      # s_0 ~ p0
    for t in range(H):
        a = sample_categorical(pi[s], rng)                # a_t ~ π(·|s_t)
        states[:, t], actions[:, t] = s, a
        s = sample_categorical(P[s, a], rng)              # s_{t+1} ~ P(·|s_t, a_t)
    rewards = R[states, actions] + reward_noise * rng.standard_normal((n, H))
    if sparse:
        rewards[:, :-1] = 0.0
    return states, actions, rewards
# --8<-- [end:sample]


# --8<-- [start:estimators]
import numpy as np


def vanilla_terms(theta, states, actions, rewards):
    """g_i = Σ_t ∇_θ log π(a_t|s_t) R(τ_i), the notes' estimator: a term per τ_i, (n, S, A)."""
    R_tau = rewards.sum(axis=1, keepdims=True)                        # R(τ_i), (n, 1)
    weights = np.repeat(R_tau, rewards.shape[1], axis=1)              # R(τ_i) at every t
    return np.einsum("nt,ntkl->nkl", weights, score(theta, states, actions))


def reward_to_go_terms(theta, states, actions, rewards):
    """g_i = Σ_t ∇_θ log π(a_t|s_t) R̂_t with R̂_t = Σ_{t' ≥ t} r_{t'}, (n, S, A)."""
    weights = np.cumsum(rewards[:, ::-1], axis=1)[:, ::-1]            # R̂_t, (n, H)
    return np.einsum("nt,ntkl->nkl", weights, score(theta, states, actions))
# --8<-- [end:estimators]


# --8<-- [start:variance]
import numpy as np


def summarize(terms):
    """The mean of the per-trajectory terms (the estimate), its standard error, total variance.

    Total variance = Σ_k Var[g_i,k], the trace of the covariance of one trajectory's term: the
    variance of the estimate from n trajectories is that divided by n.
    """
    n = len(terms)
    flat = terms.reshape(n, -1)
    var = flat.var(axis=0, ddof=1)
    return terms.mean(axis=0), np.sqrt(var / n).reshape(terms.shape[1:]), var.sum()
# --8<-- [end:variance]


# --8<-- [start:horizon_sweep]
import numpy as np


def horizon_sweep(theta, p0, P, R, horizons, n, seed=0, sparse=False):
    """For each horizon H: ‖∇J‖, the total variance of the vanilla and the reward-to-go terms
    on the same samples, and for each the largest |estimate − exact| in standard errors."""
    rows = []
    for H in horizons:
        rng = np.random.default_rng([seed, H])
        samples = sample_noisy_trajectories(theta, p0, P, R, H, n, rng, sparse=sparse)
        _, exact = exact_objective_and_gradient(theta, p0, P, R, H, sparse=sparse)
        row = {"H": H, "grad_norm": np.linalg.norm(exact)}            # ‖∇_θ J‖, the signal
        for name, terms in [("vanilla", vanilla_terms(theta, *samples)),
                            ("reward_to_go", reward_to_go_terms(theta, *samples))]:
            mean, se, total_var = summarize(terms)
            row[name] = total_var
            row[name + "_max_z"] = np.max(np.abs(mean - exact) / se)
        rows.append(row)
    return rows
# --8<-- [end:horizon_sweep]


if __name__ == "__main__":
    p0, P, R = episodic_mdp()
    theta = np.random.default_rng(1).normal(size=(3, 2))
    print(f"{'H':>3} {'‖∇J‖':>6} {'Var vanilla':>12} {'Var rtg':>9} {'ratio':>6} "
          f"{'√Var/‖∇J‖ van':>14} {'rtg':>5} {'max|z| van':>11} {'rtg':>5}")
    for row in horizon_sweep(theta, p0, P, R, horizons=[1, 2, 4, 8, 16, 32], n=20_000):
        van, rtg, g = row["vanilla"], row["reward_to_go"], row["grad_norm"]
        print(f"{row['H']:>3} {g:>6.3f} {van:>12.2f} {rtg:>9.2f} {van / rtg:>6.2f} "
              f"{np.sqrt(van) / g:>14.1f} {np.sqrt(rtg) / g:>5.1f} {row['vanilla_max_z']:>11.2f} {row['reward_to_go_max_z']:>5.2f}")
    sparse = horizon_sweep(theta, p0, P, R, horizons=[16], n=20_000, sparse=True)[0]
    print(f"sparse reward, H = 16: vanilla {sparse['vanilla']:.2f}, reward-to-go {sparse['reward_to_go']:.2f} (the same)")
