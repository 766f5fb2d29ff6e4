"""Action values, advantages, the critic's TD error and GAE (formulas H1-H4), on the small MDP of
the policy-gradient page, whose trajectories can all be listed.

Shown on the advantage-and-critic page. Run: python snippets/advantage.py
Reuses policy_gradient.py (the MDP, the policy, its score, the exact values and gradient): on the page
each block embeds those sections first. The MDP is undiscounted with a finite horizon, so values carry
the time step: V_t(s), Q_t(s, a), and V_{T+1} = 0.
"""
import numpy as np

from policy_gradient import (all_trajectories, exact_gradient, policy, reward_to_go, score,
                             small_mdp, trajectory_log_prob, values)

# --8<-- [start:expected_reward_to_go]
import numpy as np


def conditional_mean(theta, mdp, per_step):
    """E[x_t | s_t = s, a_t = a] over every τ, for x_t(τ) given as (K, T+1): (T+1, S, A)."""
    states, actions = all_trajectories(mdp)
    prob = np.exp(trajectory_log_prob(theta, mdp, states, actions))   # πθ(τ), (K,)
    S, A = mdp.r.shape
    mass = np.zeros((mdp.T + 1, S, A))          # Pr(s_t = s, a_t = a)
    total = np.zeros((mdp.T + 1, S, A))         # E[x_t; s_t = s, a_t = a]
    for t in range(mdp.T + 1):
        np.add.at(mass[t], (states[:, t], actions[:, t]), prob)
        np.add.at(total[t], (states[:, t], actions[:, t]), prob * per_step[:, t])
    return total / mass


def expected_reward_to_go(theta, mdp):
    """E[R̂_t | s_t = s, a_t = a], R̂_t = Σ_{t' ≥ t} r_t' as REINFORCE weighs a_t: (T+1, S, A)."""
    states, actions = all_trajectories(mdp)
    to_go = np.array([reward_to_go(r) for r in mdp.r[states, actions]])  # R̂_t, (K, T+1)
    return conditional_mean(theta, mdp, to_go)
# --8<-- [end:expected_reward_to_go]


# --8<-- [start:state_visits]
import numpy as np


def state_visits(theta, mdp):
    """ρ_t(s) = Pr(s_t = s) under πθ, forward from p(s_0): (T+1, S)."""
    pi = policy(theta)
    rho = [mdp.p0]
    for _ in range(mdp.T):                     # ρ_{t+1}(s') = Σ_s ρ_t(s) Σ_a π(a|s) p(s'|s, a)
        rho.append(np.einsum("s,sa,sap->p", rho[-1], pi, mdp.P))
    return np.array(rho)
# --8<-- [end:state_visits]


# --8<-- [start:theorem_gradient]
import numpy as np


def theorem_gradient(theta, mdp, weights):
    """Σ_t Σ_s ρ_t(s) Σ_a πθ(a|s) ∇θ log πθ(a|s) w_t(s, a): (S, A).

    weights w: (T+1, S, A), for instance Q_t from `values`, or the advantage A_t.
    """
    pi, rho = policy(theta), state_visits(theta, mdp)
    S, A = pi.shape
    s, a = np.meshgrid(np.arange(S), np.arange(A), indexing="ij")
    scores = score(theta, s, a)                    # ∇θ log πθ(a|s), (S, A, S, A)
    mean_score_w = np.einsum("sa,tsa,sapb->tspb", pi, weights, scores)
    return np.einsum("ts,tspb->pb", rho, mean_score_w)
# --8<-- [end:theorem_gradient]


# --8<-- [start:advantage]
def advantage(theta, mdp):
    """A_t(s, a) = Q_t(s, a) − V_t(s): (T+1, S, A)."""
    V, Q = values(theta, mdp)
    return Q - V[:, :, None]
# --8<-- [end:advantage]


# --8<-- [start:td_error]
import numpy as np


def td_errors(rewards, states, critic, gamma=1.0):
    """δ_t = r_t + γ v_{t+1}(s_{t+1}) − v_t(s_t) along one trajectory: (T+1,).

    critic: (T+1, S), v_t(s); after the last step v_{T+1} = 0.
    """
    t = np.arange(len(rewards))
    v = critic[t, states]                        # v_t(s_t)
    v_next = np.append(v[1:], 0.0)               # v_{t+1}(s_{t+1}), 0 after a_T
    return rewards + gamma * v_next - v
# --8<-- [end:td_error]


# --8<-- [start:gae]
import numpy as np


def gae(rewards, states, critic, gamma=1.0, lam=0.95):
    """Â_t = Σ_{l ≥ 0} (γλ)^l δ_{t+l} for one trajectory, backwards: (T+1,)."""
    delta = td_errors(rewards, states, critic, gamma)
    out = np.zeros_like(delta)
    running = 0.0
    for t in reversed(range(len(delta))):        # Â_t = δ_t + γλ Â_{t+1}
        running = delta[t] + gamma * lam * running
        out[t] = running
    return out
# --8<-- [end:gae]


# --8<-- [start:gae_moments]
import numpy as np


def gae_moments(theta, mdp, critic, lam):
    """Exact mean (S, A) and total variance of g(τ) = Σ_t ∇θ log πθ(a_t|s_t) Â_t, over every τ."""
    states, actions = all_trajectories(mdp)
    prob = np.exp(trajectory_log_prob(theta, mdp, states, actions))   # πθ(τ), (K,)
    rewards = mdp.r[states, actions]
    adv = np.array([gae(r, s, critic, 1.0, lam) for r, s in zip(rewards, states)])
    g = np.einsum("kt,ktpb->kpb", adv, score(theta, states, actions))  # g(τ), (K, S, A)
    mean = np.einsum("k,kpb->pb", prob, g)
    variance = np.einsum("k,kpb->", prob, (g - mean) ** 2)          # Σ over components
    return mean, float(variance)
# --8<-- [end:gae_moments]


if __name__ == "__main__":
    mdp = small_mdp()
    theta = np.array([[0.3, -0.2], [0.0, 0.5], [-0.4, 0.1]])
    V, Q = values(theta, mdp)

    gap = np.abs(expected_reward_to_go(theta, mdp) - Q).max()
    print(f"H1 E[R̂_t | s_t, a_t] (216 trajectories) vs Q_t (backward induction): max |Δ| = {gap:.1e}")
    grad = exact_gradient(theta, mdp)
    print(f"H1 Σ_t E[∇log π · Q_t] vs exact ∇J: max |Δ| = "
          f"{np.abs(theorem_gradient(theta, mdp, Q) - grad).max():.1e}")

    A = advantage(theta, mdp)
    print(f"H2 max |Σ_a π(a|s) A_t(s, a)| = {np.abs((policy(theta) * A).sum(axis=2)).max():.1e}, "
          f"Σ_t E[∇log π · A_t] vs ∇J: max |Δ| = {np.abs(theorem_gradient(theta, mdp, A) - grad).max():.1e}")

    states, actions = all_trajectories(mdp)
    deltas = np.array([td_errors(r, s, V) for r, s in zip(mdp.r[states, actions], states)])
    print(f"H3 E[δ_t | s_t, a_t] vs A_t: max |Δ| = {np.abs(conditional_mean(theta, mdp, deltas) - A).max():.1e}")

    critics = {"none (v = 0)": np.zeros_like(V),
               "stale (V of θ = 0)": values(np.zeros_like(theta), mdp)[0],
               "exact V": V}
    print("H4 GAE over all 216 trajectories: Var[g] (summed over components) and ‖E[g] − ∇J‖ / ‖∇J‖")
    for name, critic in critics.items():
        cells = []
        for lam in (0.0, 0.5, 1.0):
            mean, var = gae_moments(theta, mdp, critic, lam)
            cells.append(f"λ = {lam:.1f}: {var:.3f} ({np.linalg.norm(mean - grad) / np.linalg.norm(grad):4.0%})")
        print(f"   {name:19s}", ", ".join(cells))
