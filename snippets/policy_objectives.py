"""Policy objectives J1, J_avV, J_avR and the policy gradient theorem, checked on a small tabular MDP.

Shown on the policy-objectives page (formulas E1-E5). Run: python snippets/policy_objectives.py
Every quantity is exact linear algebra; the gradients come from torch autograd through the solves.
"""
from score_function import sample_categorical  # one draw per row of probabilities (score-function page)

# --8<-- [start:mdp]
import torch


def random_mdp(n_states=4, n_actions=2, seed=0):
    """A small ergodic MDP: P[s, a, s'] = P(s'|s, a) > 0 for all, R[s, a] = R_s^a ∈ [0, 1)."""
    gen = torch.Generator().manual_seed(seed)
    shape = (n_states, n_actions, n_states)
    P = torch.rand(shape, generator=gen, dtype=torch.float64) ** 3 + 0.05
    P = P / P.sum(dim=-1, keepdim=True)                  # each row a distribution over s'
    R = torch.rand(n_states, n_actions, generator=gen, dtype=torch.float64)
    return P, R
# --8<-- [end:mdp]


# --8<-- [start:policy]
import torch


def policy_torch(theta):
    """π_θ(s, a) = exp θ[s, a] / Σ_b exp θ[s, b]: a row of probabilities per state, (S, A)."""
    return torch.softmax(theta, dim=-1)


def score_table_torch(theta):
    """∇_θ log π_θ(s, a) for the tabular softmax, (S, A, S, A).

    Entry [s, a, s', b] = ∂ log π_θ(s, a) / ∂θ[s', b] = 1[s = s'] (1[a = b] − π_θ(s, b)).
    """
    pi = policy_torch(theta)
    S, A = pi.shape
    eye_s = torch.eye(S, dtype=theta.dtype)[:, None, :, None]     # 1[s = s']
    eye_a = torch.eye(A, dtype=theta.dtype)[None, :, None, :]     # 1[a = b]
    return eye_s * (eye_a - pi[None, None, :, :])
# --8<-- [end:policy]


# --8<-- [start:values]
import torch


def policy_matrices(P, R, pi):
    """P_π[s, s'] = Σ_a π(s, a) P(s'|s, a) and r_π[s] = Σ_a π(s, a) R_s^a."""
    return torch.einsum("sa,sat->st", pi, P), (pi * R).sum(dim=-1)


def state_value(P, R, pi, gamma):
    """V^π = (I − γ P_π)^{-1} r_π: the Bellman equation V = r_π + γ P_π V, solved."""
    P_pi, r_pi = policy_matrices(P, R, pi)
    I = torch.eye(len(r_pi), dtype=r_pi.dtype)
    return torch.linalg.solve(I - gamma * P_pi, r_pi)


def action_value(P, R, pi, gamma):
    """Q^π(s, a) = R_s^a + γ Σ_s' P(s'|s, a) V^π(s')."""
    return R + gamma * P @ state_value(P, R, pi, gamma)
# --8<-- [end:values]


# --8<-- [start:state_distributions]
import torch


def discounted_visitation(P_pi, gamma, s1):
    """d_γ(s) = Σ_{t≥1} γ^{t−1} Pr(s_t = s | s_1): row s1 of (I − γ P_π)^{-1}.

    Not normalized: its total mass is 1/(1 − γ).
    """
    I = torch.eye(len(P_pi), dtype=P_pi.dtype)
    return torch.linalg.solve(I - gamma * P_pi.T, I[s1])


def stationary_distribution(P_pi):
    """d with d P_π = d and Σ_s d(s) = 1.

    Solves (P_π^T − I) d = 0 with one (redundant) equation replaced by Σ_s d(s) = 1.
    """
    S = len(P_pi)
    M = P_pi.T - torch.eye(S, dtype=P_pi.dtype)
    M = torch.cat([M[:-1], torch.ones(1, S, dtype=P_pi.dtype)])   # last row: Σ d = 1
    b = torch.zeros(S, dtype=P_pi.dtype)
    b[-1] = 1.0
    return torch.linalg.solve(M, b)
# --8<-- [end:state_distributions]


# --8<-- [start:objectives]
def start_value(theta, P, R, gamma, s1=0):
    """E1: J1(θ) = V^{π_θ}(s1), the expected discounted return from the start state s1."""
    return state_value(P, R, policy_torch(theta), gamma)[s1]


def average_value(theta, P, R, gamma):
    """E2: J_avV(θ) = Σ_s d^{π_θ}(s) V^{π_θ}(s), d the stationary distribution."""
    pi = policy_torch(theta)
    d = stationary_distribution(policy_matrices(P, R, pi)[0])
    return d @ state_value(P, R, pi, gamma)


def average_reward(theta, P, R):
    """E3: J_avR(θ) = Σ_s d^{π_θ}(s) Σ_a π_θ(s, a) R_s^a, d stationary."""
    pi = policy_torch(theta)
    P_pi, r_pi = policy_matrices(P, R, pi)
    return stationary_distribution(P_pi) @ r_pi
# --8<-- [end:objectives]


# --8<-- [start:differential_value]
import torch


def differential_action_value(P, R, pi):
    """Differential action value Q̃(s, a) = R_s^a − ρ + Σ_s' P(s'|s, a) h(s').

    ρ = J_avR, and h solves h = r_π − ρ 1 + P_π h with d·h = 0. The system
    (I − P_π + 1 dᵀ) h = r_π − ρ 1 has a unique solution, and it satisfies d·h = 0.
    """
    P_pi, r_pi = policy_matrices(P, R, pi)
    d = stationary_distribution(P_pi)
    rho = d @ r_pi                                        # average reward per step
    S = len(r_pi)
    ones = torch.ones(S, dtype=r_pi.dtype)
    A = torch.eye(S, dtype=r_pi.dtype) - P_pi + torch.outer(ones, d)   # I − P_π + 1 dᵀ
    h = torch.linalg.solve(A, r_pi - rho)
    return R - rho + P @ h
# --8<-- [end:differential_value]


# --8<-- [start:objective_gradient]
import torch


def objective_gradient(objective, theta):
    """∇_θ J(θ) by autograd through the linear solves: exact up to rounding, (S, A)."""
    theta = theta.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(objective(theta), theta)
    return grad
# --8<-- [end:objective_gradient]


# --8<-- [start:finite_differences]
import torch


def central_differences(objective, theta, h=1e-5):
    """∂J/∂θ_k ≈ (J(θ + h e_k) − J(θ − h e_k)) / 2h for every entry k; error O(h²)."""
    grad = torch.zeros_like(theta)
    for k in range(theta.numel()):
        e = torch.zeros_like(theta).view(-1)
        e[k] = h
        e = e.view_as(theta)
        grad.view(-1)[k] = (objective(theta + e) - objective(theta - e)) / (2 * h)
    return grad
# --8<-- [end:finite_differences]


# --8<-- [start:theorem]
import torch


def policy_gradient_theorem(d, pi, score, Q):
    """Σ_s d(s) Σ_a π(s, a) ∇_θ log π(s, a) Q(s, a).

    d (S,), pi (S, A), score (S, A, *θ.shape), Q (S, A); returns an array shaped like θ.
    """
    weight = d[:, None] * pi * Q                          # d(s) π(s, a) Q(s, a), (S, A)
    return torch.einsum("sa,sa...->...", weight, score)
# --8<-- [end:theorem]


# --8<-- [start:one_step]
import numpy as np
import torch


def one_step_objective(theta, d, R):
    """E4: J(θ) = Σ_s d(s) Σ_a π_θ(s, a) R_s^a. One step: s ~ d, one action, reward, stop."""
    return d @ (policy_torch(theta) * R).sum(dim=-1)


def one_step_gradient(theta, d, R):
    """E4 by enumeration: Σ_s d(s) Σ_a π_θ(s, a) ∇_θ log π_θ(s, a) R_s^a."""
    return policy_gradient_theorem(d, policy_torch(theta), score_table_torch(theta), R)


def one_step_monte_carlo(theta, d, R, n, rng, reward_noise=1.0):
    """E4 by sampling: the mean of ∇_θ log π_θ(s, a) r over s ~ d, a ~ π_θ(s, ·).

    The reward r = R_s^a + Gaussian noise, so only E[r | s, a] = R_s^a is known to be right.
    Returns the estimate and its standard error, both (S, A).
    """
    pi = policy_torch(theta)
    s = sample_categorical(np.tile(d.numpy(), (n, 1)), rng)           # s_i ~ d
    a = sample_categorical(pi.detach().numpy()[s], rng)               # a_i ~ π(s_i, ·)
    s, a = torch.from_numpy(s), torch.from_numpy(a)
    noise = torch.from_numpy(rng.standard_normal(n))
    r = R[s, a] + reward_noise * noise                                # E[r | s, a] = R_s^a
    terms = score_table_torch(theta)[s, a] * r[:, None, None]         # ∇ log π(s_i, a_i) r_i
    return terms.mean(dim=0), terms.std(dim=0) / n**0.5
# --8<-- [end:one_step]


if __name__ == "__main__":
    torch.set_printoptions(precision=10)
    P, R = random_mdp()
    gamma, s1 = 0.9, 0
    theta = torch.randn(4, 2, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    pi, score = policy_torch(theta), score_table_torch(theta)
    P_pi, _ = policy_matrices(P, R, pi)
    d_stat = stationary_distribution(P_pi)

    checks = {
        "J1 (d = discounted visitation from s1, Q = Q^π)": (
            objective_gradient(lambda th: start_value(th, P, R, gamma, s1), theta),
            policy_gradient_theorem(discounted_visitation(P_pi, gamma, s1), pi, score, action_value(P, R, pi, gamma)),
        ),
        "J_avR (d = stationary, Q = differential)": (
            objective_gradient(lambda th: average_reward(th, P, R), theta),
            policy_gradient_theorem(d_stat, pi, score, differential_action_value(P, R, pi)),
        ),
        "(1 - γ) J_avV (d = stationary, Q = differential)": (
            objective_gradient(lambda th: (1 - gamma) * average_value(th, P, R, gamma), theta),
            policy_gradient_theorem(d_stat, pi, score, differential_action_value(P, R, pi)),
        ),
    }
    for name, (exact, theorem) in checks.items():
        print(f"{name:50s} max |exact − theorem| = {(exact - theorem).abs().max():.1e}")
    avR_exact, avR_theorem = checks["J_avR (d = stationary, Q = differential)"]
    as_written = objective_gradient(lambda th: average_value(th, P, R, gamma) / (1 - gamma), theta)
    print(f"{'(1/(1 - γ)) J_avV, as in the note':50s} max |exact − theorem| = "
          f"{(as_written - avR_theorem).abs().max():.1e}  (does not hold)")
    discounted_Q = policy_gradient_theorem(d_stat, pi, score, action_value(P, R, pi, gamma))
    print(f"{'J_avR with the discounted Q^π instead':50s} max |exact − theorem| = "
          f"{(avR_exact - discounted_Q).abs().max():.1e}  (approximate; max |∇J_avR| = {avR_exact.abs().max():.1e})")

    d0 = torch.full((4,), 0.25, dtype=torch.float64)
    g_mc, se = one_step_monte_carlo(theta, d0, R, 200_000, np.random.default_rng(2))
    g_exact = one_step_gradient(theta, d0, R)
    print(f"one-step case, n = 200000: max |Monte Carlo − enumeration| = {((g_mc - g_exact) / se).abs().max():.2f} standard errors")
