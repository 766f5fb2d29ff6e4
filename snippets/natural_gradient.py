"""The Fisher information of a policy and the natural gradient (formulas H5-H8), computed exactly on
the small MDP of the policy-gradient page by listing all of its trajectories.

Shown on the natural-gradient page. Run: python snippets/natural_gradient.py
Reuses policy_gradient.py (MDP, policy, scores, exact gradient and values), log_derivative.py (the
softmax Fisher information) and advantage.py (state visits, advantage): on the page each block embeds
those sections first. Matrices act on θ flattened to a vector of length S·A.
"""
import numpy as np

from advantage import advantage, state_visits
from log_derivative import fisher_information
from policy_gradient import (all_trajectories, exact_gradient, exact_objective, gradient_ascent, small_mdp,
                             trajectory_log_prob, trajectory_log_prob_torch, trajectory_score)

# --8<-- [start:trajectory_fisher]
import numpy as np


def trajectory_fisher(theta, mdp):
    """F(θ) = E_τ[∇θ log πθ(τ) ∇θ log πθ(τ)ᵀ], summed over every τ: (S·A, S·A)."""
    states, actions = all_trajectories(mdp)
    prob = np.exp(trajectory_log_prob(theta, mdp, states, actions))   # πθ(τ), (K,)
    g = trajectory_score(theta, states, actions).reshape(len(prob), -1)  # (K, S·A)
    return g.T @ (prob[:, None] * g)
# --8<-- [end:trajectory_fisher]


# --8<-- [start:state_fisher]
import numpy as np


def state_fisher(theta, mdp):
    """F(θ) = Σ_s (Σ_t ρ_t(s)) F_s(θ): one softmax Fisher block per state, (S·A, S·A)."""
    S, A = theta.shape
    visits = state_visits(theta, mdp).sum(axis=0)    # expected visits to s per episode
    blocks = np.array([fisher_information(row) for row in theta])   # F_s, (S, A, A)
    return np.einsum("sp,s,sab->sapb", np.eye(S), visits, blocks).reshape(S * A, S * A)
# --8<-- [end:state_fisher]


# --8<-- [start:kl_divergence]
import numpy as np


def kl_divergence(theta, theta_new, mdp):
    """KL(πθ(τ) ‖ πθ'(τ)) = Σ_τ πθ(τ) (log πθ(τ) − log πθ'(τ)), over every τ."""
    states, actions = all_trajectories(mdp)
    log_p = trajectory_log_prob(theta, mdp, states, actions)
    log_q = trajectory_log_prob(theta_new, mdp, states, actions)
    return float(np.exp(log_p) @ (log_p - log_q))
# --8<-- [end:kl_divergence]


# --8<-- [start:kl_hessian]
import torch


def kl_hessian(theta, mdp):
    """∇²_θ' KL(πθ ‖ πθ') at θ' = θ, by autograd: (S·A, S·A)."""
    states, actions = all_trajectories(mdp)
    log_p = trajectory_log_prob_torch(torch.tensor(theta), mdp, states, actions)

    def kl(flat):                                      # θ' as a vector -> KL
        log_q = trajectory_log_prob_torch(flat.reshape(theta.shape), mdp, states, actions)
        return (log_p.exp() * (log_p - log_q)).sum()

    flat = torch.tensor(theta, dtype=torch.float64).reshape(-1)
    return torch.autograd.functional.hessian(kl, flat).numpy()
# --8<-- [end:kl_hessian]


# --8<-- [start:natural_gradient]
import numpy as np


def natural_gradient(fisher, grad):
    """F⁺ ∇J, the solution of F x = ∇J with no component along F's null space: shape of grad."""
    return (np.linalg.pinv(fisher) @ grad.reshape(-1)).reshape(grad.shape)


def trust_region_step(fisher, grad, kl_budget):
    """The δ that maximises ∇Jᵀδ subject to ½ δᵀ F δ ≤ ε (ε = kl_budget)."""
    direction = natural_gradient(fisher, grad)
    return np.sqrt(2 * kl_budget / (grad.reshape(-1) @ direction.reshape(-1))) * direction
# --8<-- [end:natural_gradient]


# --8<-- [start:tabular_natural_gradient]
import numpy as np


def tabular_natural_gradient(theta, mdp):
    """F⁺ ∇J in closed form: row s is Ā(s, ·) minus its mean over actions, where
    Ā(s, a) = Σ_t ρ_t(s) A_t(s, a) / Σ_t ρ_t(s), the advantage averaged over visits."""
    rho = state_visits(theta, mdp)                                  # (T+1, S)
    A_bar = np.einsum("ts,tsa->sa", rho, advantage(theta, mdp)) / rho.sum(axis=0)[:, None]
    return A_bar - A_bar.mean(axis=1, keepdims=True)
# --8<-- [end:tabular_natural_gradient]


if __name__ == "__main__":
    mdp = small_mdp()
    theta = np.array([[0.3, -0.2], [0.0, 0.5], [-0.4, 0.1]])
    F, grad = trajectory_fisher(theta, mdp), exact_gradient(theta, mdp)
    print(f"H5 F over 216 trajectories vs Σ_s visits(s) F_s: max |Δ| = {np.abs(F - state_fisher(theta, mdp)).max():.1e}")
    print(f"H6 F vs autograd Hessian of the KL: max |Δ| = {np.abs(F - kl_hessian(theta, mdp)).max():.1e}")
    delta = 1e-2 * np.random.default_rng(0).normal(size=theta.shape)
    print(f"   KL for |δ| ≈ 1e-2: {kl_divergence(theta, theta + delta, mdp):.4e}, "
          f"½ δᵀFδ = {0.5 * delta.ravel() @ F @ delta.ravel():.4e}")
    nat = natural_gradient(F, grad)
    print(f"H7 F⁺∇J = {np.round(nat, 4).tolist()}, max |F F⁺∇J − ∇J| = "
          f"{np.abs(F @ nat.ravel() - grad.ravel()).max():.1e}")
    print(f"H8 F⁺∇J vs the visit-averaged advantage, centred: max |Δ| = "
          f"{np.abs(nat - tabular_natural_gradient(theta, mdp)).max():.1e}")

    start = np.array([[3.0, -3.0], [-3.0, 3.0], [-3.0, 3.0]])   # the worst action, π ≈ 0.998
    steps = {"plain gradient": lambda th: exact_gradient(th, mdp),
             "natural gradient": lambda th: natural_gradient(trajectory_fisher(th, mdp), exact_gradient(th, mdp))}
    print("gradient ascent from a near-deterministic bad policy, α = 1: J after 0, 10, 20, 50 steps")
    for name, step in steps.items():
        J = [exact_objective(th, mdp) for th in gradient_ascent(start, step, 1.0, 50)]
        print(f"   {name:17s}", np.round(np.array(J)[[0, 10, 20, 50]], 3).tolist())
