"""Policy gradient (formulas D1-D10) on a small MDP whose dynamics are known exactly.

Shown on the policy-gradient page. Run: python snippets/policy_gradient.py
The agent page trains CartPole with `trajectory_return`, `reward_to_go`, `surrogate_loss`.

Conventions: a trajectory is τ = (s_0, a_0, s_1, a_1, …, s_T, a_T), with T + 1 decisions
and T transitions. θ is an (S, A) table; every gradient ∇θ has the shape of θ.
"""
from score_function import sample_categorical  # one draw per row of probabilities (score-function page)

# --8<-- [start:policy]
import numpy as np


def policy(theta):
    """πθ(a|s) = P[a | s, θ] = exp θ[s, a] / Σ_b exp θ[s, b]: (S, A) -> (S, A)."""
    z = np.exp(theta - theta.max(axis=1, keepdims=True))  # shifting a row keeps πθ
    return z / z.sum(axis=1, keepdims=True)


def score(theta, s, a):
    """∇θ log πθ(a|s) for a batch of steps: s, a of shape (...) -> (..., S, A).

    ∂ log πθ(a|s) / ∂θ[s', b] = 1[s' = s] (1[b = a] − πθ(b|s)): only row s moves.
    """
    S, A = theta.shape
    s, a = np.asarray(s), np.asarray(a)
    row = np.eye(A)[a] - policy(theta)[s]        # 1[b = a] − πθ(b|s), (..., A)
    return np.eye(S)[s][..., :, None] * row[..., None, :]  # in row s, (..., S, A)
# --8<-- [end:policy]


# --8<-- [start:mdp]
import itertools
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class FiniteMDP:
    """A finite-horizon MDP with known dynamics: τ = (s_0, a_0, …, s_T, a_T)."""
    p0: np.ndarray  # p(s_0), (S,)
    P: np.ndarray   # p(s_{t+1} | s_t, a_t), (S, A, S)
    r: np.ndarray   # r(s_t, a_t), (S, A)
    T: int          # last time step: T + 1 decisions, T transitions


def small_mdp():
    """3 states, 2 actions, T = 2. Action 0 pays now; action 1 steers towards s = 2."""
    p0 = np.array([0.6, 0.3, 0.1])
    P = np.array([[[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]],   # from s = 0: a = 0, a = 1
                  [[0.5, 0.4, 0.1], [0.2, 0.2, 0.6]],   # from s = 1
                  [[0.3, 0.3, 0.4], [0.1, 0.1, 0.8]]])  # from s = 2
    r = np.array([[0.0, -0.5],
                  [1.0, 0.0],
                  [2.0, 1.0]])
    return FiniteMDP(p0, P, r, T=2)


def all_trajectories(mdp):
    """Every τ = (s_0, a_0, …, s_T, a_T): states, actions, each ((S A)^{T+1}, T + 1)."""
    S, A = mdp.r.shape
    steps = itertools.product(range(S), range(A), repeat=mdp.T + 1)
    grid = np.array(list(steps))                         # columns s_0, a_0, s_1, a_1, …
    return grid[:, 0::2], grid[:, 1::2]
# --8<-- [end:mdp]


# --8<-- [start:trajectory_return]
import numpy as np


def trajectory_return(rewards):
    """R(τ) = Σ_t r(s_t, a_t): the whole return of one trajectory, as a float."""
    return float(np.sum(rewards))
# --8<-- [end:trajectory_return]


# --8<-- [start:sample_trajectories]
import numpy as np


def sample_trajectories(theta, mdp, n, rng):
    """n trajectories τ_i ~ πθ: states, actions, rewards, each (n, T + 1)."""
    S, A = theta.shape
    pi = policy(theta)
    states = np.empty((n, mdp.T + 1), dtype=int)
    actions = np.empty((n, mdp.T + 1), dtype=int)
    states[:, 0] = sample_categorical(np.tile(mdp.p0, (n, 1)), rng)  # s_0 ~ p(s_0)
    for t in range(mdp.T + 1):
        s = states[:, t]
        actions[:, t] = sample_categorical(pi[s], rng)      # a_t ~ πθ(·|s_t)
        if t < mdp.T:                                       # s_{t+1} ~ p(·|s_t, a_t)
            states[:, t + 1] = sample_categorical(mdp.P[s, actions[:, t]], rng)
    rewards = mdp.r[states, actions]                        # r(s_t, a_t), (n, T + 1)
    return states, actions, rewards
# --8<-- [end:sample_trajectories]


# --8<-- [start:trajectory_log_prob]
import numpy as np


def trajectory_log_prob(theta, mdp, states, actions):
    """log πθ(τ) = log p(s_0) + Σ_{t=0}^{T} log πθ(a_t|s_t)
                   + Σ_{t=0}^{T-1} log p(s_{t+1}|s_t, a_t).

    states, actions: (K, T + 1) -> (K,), one value per trajectory.
    """
    s, a = states, actions
    start = np.log(mdp.p0[s[:, 0]])                          # log p(s_0)
    decisions = np.log(policy(theta)[s, a]).sum(axis=1)      # t = 0, …, T
    P_steps = mdp.P[s[:, :-1], a[:, :-1], s[:, 1:]]          # t = 0, …, T − 1
    return start + decisions + np.log(P_steps).sum(axis=1)
# --8<-- [end:trajectory_log_prob]


# --8<-- [start:trajectory_log_prob_torch]
import torch


def trajectory_log_prob_torch(theta, mdp, states, actions):
    """The same log πθ(τ), start and transitions included, as a torch graph: (K,)."""
    s, a = torch.as_tensor(states), torch.as_tensor(actions)
    p0, P = torch.as_tensor(mdp.p0), torch.as_tensor(mdp.P)
    start = torch.log(p0[s[:, 0]])                                 # log p(s_0)
    decisions = torch.log_softmax(theta, dim=1)[s, a].sum(dim=1)   # t = 0, …, T
    P_steps = P[s[:, :-1], a[:, :-1], s[:, 1:]]                    # t = 0, …, T − 1
    return start + decisions + torch.log(P_steps).sum(dim=1)
# --8<-- [end:trajectory_log_prob_torch]


# --8<-- [start:exact_objective]
import numpy as np


def exact_objective(theta, mdp):
    """J(θ) = E_{τ~πθ}[R(τ)] = Σ_τ πθ(τ) R(τ), summed over every trajectory."""
    states, actions = all_trajectories(mdp)
    prob = np.exp(trajectory_log_prob(theta, mdp, states, actions))  # πθ(τ), (K,)
    R = mdp.r[states, actions].sum(axis=1)                          # R(τ), (K,)
    return float(prob @ R)
# --8<-- [end:exact_objective]


# --8<-- [start:values]
import numpy as np


def values(theta, mdp):
    """V^πθ_t(s), (T+1, S), and Q^πθ_t(s, a), (T+1, S, A), by backward induction."""
    pi = policy(theta)
    S, A = pi.shape
    V = np.zeros((mdp.T + 2, S))        # V_{T+1} = 0: nothing is earned after a_T
    Q = np.zeros((mdp.T + 1, S, A))
    for t in range(mdp.T, -1, -1):
        Q[t] = mdp.r + mdp.P @ V[t + 1]  # r(s, a) + Σ_s' p(s'|s, a) V_{t+1}(s')
        V[t] = (pi * Q[t]).sum(axis=1)   # Σ_a πθ(a|s) Q_t(s, a)
    return V[:-1], Q
# --8<-- [end:values]


# --8<-- [start:gradient_ascent]
def gradient_ascent(theta, grad_J, alpha, steps):
    """θ ← θ + α ∇θ J(θ), `steps` times; returns the iterates θ_0, …, θ_steps."""
    thetas = [theta]
    for _ in range(steps):
        theta = theta + alpha * grad_J(theta)
        thetas.append(theta)
    return thetas
# --8<-- [end:gradient_ascent]


# --8<-- [start:exact_gradient]
import numpy as np


def exact_gradient(theta, mdp):
    """∇θ J = Σ_τ ∇θ πθ(τ) R(τ), ∇θ πθ(τ) by the product rule: no logarithm used."""
    pi = policy(theta)
    S, A = pi.shape
    # ∂πθ(a|s)/∂θ[s', b] = 1[s' = s] πθ(a|s) (1[b = a] − πθ(b|s)), (S, A, S, A)
    dpi = np.einsum("sp,sa,sab->sapb", np.eye(S), pi, np.eye(A) - pi[:, None, :])
    s, a = all_trajectories(mdp)
    factors = pi[s, a]                                       # πθ(a_t|s_t), (K, T + 1)
    dynamics = mdp.p0[s[:, 0]] * mdp.P[s[:, :-1], a[:, :-1], s[:, 1:]].prod(axis=1)
    R = mdp.r[s, a].sum(axis=1)                              # R(τ), (K,)
    grad = np.zeros_like(pi)
    for t in range(mdp.T + 1):         # ∇ Π_t f_t = Σ_t (∇f_t) Π_{t' ≠ t} f_t'
        others = np.delete(factors, t, axis=1).prod(axis=1)
        grad += np.einsum("k,kpb->pb", dynamics * others * R, dpi[s[:, t], a[:, t]])
    return grad
# --8<-- [end:exact_gradient]


# --8<-- [start:exact_gradient_autograd]
import numpy as np
import torch


def exact_gradient_autograd(theta, mdp):
    """∇θ J by autograd of the exact J(θ) = Σ_τ exp(log πθ(τ)) R(τ), in float64."""
    theta = torch.tensor(theta, dtype=torch.float64, requires_grad=True)
    states, actions = all_trajectories(mdp)
    R = torch.as_tensor(mdp.r[states, actions].sum(axis=1))   # R(τ), (K,)
    log_prob = trajectory_log_prob_torch(theta, mdp, states, actions)
    J = (log_prob.exp() * R).sum()
    J.backward()
    return theta.grad.numpy()
# --8<-- [end:exact_gradient_autograd]


# --8<-- [start:trajectory_score]
def trajectory_score(theta, states, actions):
    """∇θ log πθ(τ) = Σ_{t=0}^{T} ∇θ log πθ(a_t|s_t); p(s_0) and the transitions add
    nothing. states, actions: (K, T + 1) -> (K, S, A)."""
    return score(theta, states, actions).sum(axis=1)
# --8<-- [end:trajectory_score]


# --8<-- [start:trajectory_score_autograd]
import torch


def trajectory_score_autograd(theta, mdp, states, actions):
    """∇θ log πθ(τ) per τ by autograd of the FULL log πθ(τ), dynamics in: (K, S, A)."""
    theta = torch.tensor(theta, dtype=torch.float64)

    def full(th, s, a):                                      # one τ -> log πθ(τ), a scalar
        return trajectory_log_prob_torch(th, mdp, s[None], a[None])[0]

    per_trajectory = torch.func.vmap(torch.func.grad(full), in_dims=(None, 0, 0))  # ∇θ for each τ
    return per_trajectory(theta, torch.as_tensor(states), torch.as_tensor(actions)).numpy()
# --8<-- [end:trajectory_score_autograd]


# --8<-- [start:trajectory_estimator]
import numpy as np


def trajectory_estimate(theta, mdp, states, actions, rewards):
    """(1/n) Σ_i ∇θ log πθ(τ_i) R(τ_i), as the notes first write it, and its standard error: (S, A).

    The score of each whole trajectory comes from autograd of the FULL log πθ(τ), start and
    transitions included, which only a known MDP allows; (D7) shows they add nothing.
    """
    n = len(states)
    R = np.array([trajectory_return(r) for r in rewards])                              # R(τ_i), (n,)
    terms = trajectory_score_autograd(theta, mdp, states, actions) * R[:, None, None]  # (n, S, A)
    return terms.mean(axis=0), terms.std(axis=0, ddof=1) / np.sqrt(n)
# --8<-- [end:trajectory_estimator]


# --8<-- [start:estimator]
import numpy as np


def policy_gradient_estimate(theta, states, actions, rewards):
    """(1/n) Σ_i Σ_t ∇θ log πθ(a_t|s_t) R(τ_i) and its standard error, both (S, A)."""
    n = len(states)
    R = np.array([trajectory_return(r) for r in rewards])             # R(τ_i), (n,)
    terms = trajectory_score(theta, states, actions) * R[:, None, None]  # (n, S, A)
    return terms.mean(axis=0), terms.std(axis=0, ddof=1) / np.sqrt(n)
# --8<-- [end:estimator]


# --8<-- [start:surrogate_loss]
import torch


def surrogate_loss(log_probs, weights, n_trajectories):
    """Loss(θ) = -(1/n) Σ_i Σ_t log πθ(a_t|s_t) · w_t.

    log_probs: log πθ(a_t|s_t) of every step of the n trajectories, concatenated,
               (N,), with grad.
    weights:   R(τ_i) for every step of τ_i (the notes' estimator), or the
               reward-to-go, (N,).
    Its gradient is minus the Monte Carlo policy gradient, so minimising it is
    gradient ascent on J. Its value is not an estimate of -J(θ): only its gradient is.
    """
    weights = torch.as_tensor(weights, dtype=log_probs.dtype)
    return -(log_probs * weights).sum() / n_trajectories
# --8<-- [end:surrogate_loss]


# --8<-- [start:surrogate_gradient]
import torch


def surrogate_gradient(theta, states, actions, rewards):
    """Loss(θ) on n sampled trajectories, and −∇θ Loss(θ) by autograd (float64)."""
    theta = torch.tensor(theta, dtype=torch.float64, requires_grad=True)
    s, a = torch.as_tensor(states), torch.as_tensor(actions)
    log_probs = torch.log_softmax(theta, dim=1)[s, a]   # log πθ(a_t|s_t), (n, T + 1)
    R = torch.tensor([trajectory_return(r) for r in rewards], dtype=torch.float64)
    weights = R[:, None].expand_as(log_probs)           # each step of τ_i gets R(τ_i)
    loss = surrogate_loss(log_probs.reshape(-1), weights.reshape(-1), len(states))
    loss.backward()
    return loss.item(), -theta.grad.numpy()
# --8<-- [end:surrogate_gradient]


# --8<-- [start:reward_to_go]
import numpy as np


def reward_to_go(rewards):
    """R̂_t = Σ_{t' ≥ t} r_{t'} for one trajectory: (T + 1,) -> (T + 1,)."""
    rewards = np.asarray(rewards, dtype=float)
    return np.cumsum(rewards[::-1])[::-1].copy()
# --8<-- [end:reward_to_go]


if __name__ == "__main__":
    mdp = small_mdp()
    theta = np.array([[0.3, -0.2], [0.0, 0.5], [-0.4, 0.1]])
    states, actions = all_trajectories(mdp)
    J, grad = exact_objective(theta, mdp), exact_gradient(theta, mdp)
    print(f"J(θ) = {J:.6f}: exact, a sum over {len(states)} trajectories")

    assert np.abs(grad - exact_gradient_autograd(theta, mdp)).max() < 1e-12
    print("∇J: product rule = autograd of the exact J (max |Δ| < 1e-12)")
    assert np.abs(trajectory_score(theta, states, actions)
                  - trajectory_score_autograd(theta, mdp, states, actions)).max() < 1e-12
    print("∇ log πθ(τ) with dynamics = Σ_t ∇ log πθ(a_t|s_t) for all τ (max |Δ| < 1e-12)")

    n = 20_000
    samples = sample_trajectories(theta, mdp, n, np.random.default_rng(0))
    g, se = policy_gradient_estimate(theta, *samples)
    print(f"Monte Carlo, n = {n}: max |estimate − exact| / se = {(np.abs(g - grad) / se).max():.2f}")
    for (s, a), exact in np.ndenumerate(grad):
        print(f"  ∂J/∂θ[{s},{a}]: estimate {g[s, a]:+.4f} ± {se[s, a]:.4f}, exact {exact:+.4f}")
    g_full, _ = trajectory_estimate(theta, mdp, *samples)
    assert np.abs(g_full - g).max() < 1e-12
    print("the same with ∇ log πθ(τ) by autograd, dynamics in (D10): equal (max |Δ| < 1e-12)")

    loss, minus_grad_loss = surrogate_gradient(theta, *samples)
    assert np.abs(minus_grad_loss - g).max() < 1e-12
    print("−∇ Loss = Monte Carlo estimate on the same samples (max |Δ| < 1e-12)")
    print(f"Loss(θ) = {loss:+.3f}, while −J(θ) = {-J:+.3f}")

    thetas = gradient_ascent(np.zeros_like(theta), lambda th: exact_gradient(th, mdp), 0.5, 5)
    print("gradient ascent from θ = 0, α = 0.5: J =",
          ", ".join(f"{exact_objective(th, mdp):.4f}" for th in thetas))
