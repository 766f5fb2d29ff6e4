"""Variance reduction for the score-function policy gradient: reward-to-go, baselines, discounting.

Shown on the variance-reduction page (formulas G1-G6). Run: python snippets/variance_reduction.py
Every estimator takes one trajectory's per-step scores ∇θ log πθ(a_t|s_t) (T+1, d) and rewards
(T+1,) and returns that trajectory's gradient estimate (d,); the mean over trajectories estimates ∇θ J.
A small tabular MDP, small enough to enumerate every trajectory, gives the exact gradient and the
exact variance of each estimator.
"""
import numpy as np

from log_derivative import policy_in_state, policy_score  # πθ(·|s) and ∇θ log πθ(a|s) (log-derivative page)
from score_function import sample_categorical           # one draw per row of probabilities (score-function page)

# --8<-- [start:sample]
import numpy as np


def sample_trajectory(theta, P, r, horizon, rng, s0=0):
    """τ = (s_0, a_0, …, s_T, a_T) under πθ, T + 1 = horizon steps; P[s, a, s'], r[s, a].

    Returns states (T+1,), per-step scores ∇θ log πθ(a_t|s_t) (T+1, S·A) and rewards (T+1,).
    """
    states, scores, rewards = [], [], []
    s = s0
    for _ in range(horizon):
        a = sample_categorical(policy_in_state(theta, s), rng)      # a_t ~ πθ(·|s_t)
        states.append(s)
        scores.append(policy_score(theta, s, a).ravel())            # ∇θ log πθ(a_t|s_t), flattened
        rewards.append(r[s, a])
        s = sample_categorical(P[s, a], rng)                         # s_{t+1} ~ p(·|s_t, a_t)
    return np.array(states), np.array(scores), np.array(rewards)
# --8<-- [end:sample]


# --8<-- [start:vanilla]
import numpy as np


def vanilla_estimate(scores, rewards):
    """The notes' estimator for one trajectory: Σ_t ∇θ log πθ(a_t|s_t) · R(τ).

    scores: ∇θ log πθ(a_t|s_t), (T+1, d); rewards: r(s_t, a_t), (T+1,). Returns (d,).
    """
    return scores.sum(axis=0) * rewards.sum()      # ∇θ log πθ(τ) · R(τ)
# --8<-- [end:vanilla]


# --8<-- [start:reward_to_go]
import numpy as np


def reward_to_go_estimate(scores, rewards):
    """Σ_t ∇θ log πθ(a_t|s_t) · R̂_t with R̂_t = Σ_{t' ≥ t} r_{t'}: past rewards dropped. (d,)"""
    rtg = np.cumsum(rewards[::-1])[::-1]           # R̂_t, (T+1,)
    return (scores * rtg[:, None]).sum(axis=0)
# --8<-- [end:reward_to_go]


# --8<-- [start:baseline]
import numpy as np


def baseline_estimate(scores, rewards, b):
    """Σ_t ∇θ log πθ(a_t|s_t) · (R(τ) − b) with a constant b: a scalar, or one b_k per component (d,)."""
    return scores.sum(axis=0) * (rewards.sum() - np.asarray(b))
# --8<-- [end:baseline]


# --8<-- [start:optimal_baseline]
import numpy as np


def optimal_constant_baseline(traj_scores, returns):
    """b*_k = E[g_k² R] / E[g_k²] per component k, from n trajectories (Peters & Schaal 2008).

    traj_scores: g = ∇θ log πθ(τ_i) = Σ_t ∇θ log πθ(a_t|s_t), (n, d); returns: R(τ_i), (n,).
    A component whose score is always 0 has no variance to reduce: b_k = 0 there.
    """
    g2 = traj_scores ** 2                                   # g_k², (n, d)
    num = (g2 * returns[:, None]).mean(axis=0)              # E[g_k² R]
    den = g2.mean(axis=0)                                   # E[g_k²]
    return np.divide(num, den, out=np.zeros_like(num), where=den > 0)
# --8<-- [end:optimal_baseline]


# --8<-- [start:value_baseline]
import numpy as np


def fit_state_value(trajectories, n_states, horizon):
    """Least-squares v̂(s_t) ≈ V^π(s_t) with one-hot features of (t, s_t): the mean R̂_t seen there.

    trajectories: (states, scores, rewards) triples. Returns V[t, s], (T+1, S); unseen cells are 0.
    """
    total = np.zeros((horizon, n_states))
    count = np.zeros((horizon, n_states))
    for states, _, rewards in trajectories:
        rtg = np.cumsum(rewards[::-1])[::-1]                # R̂_t
        np.add.at(total, (np.arange(len(states)), states), rtg)
        np.add.at(count, (np.arange(len(states)), states), 1)
    return np.divide(total, count, out=np.zeros_like(total), where=count > 0)


def value_baseline_estimate(scores, rewards, states, V):
    """Σ_t ∇θ log πθ(a_t|s_t) · (R̂_t − v̂(s_t)), v̂ fitted on other trajectories. (d,)"""
    rtg = np.cumsum(rewards[::-1])[::-1]                    # R̂_t
    advantage = rtg - V[np.arange(len(states)), states]     # R̂_t − v̂(s_t)
    return (scores * advantage[:, None]).sum(axis=0)
# --8<-- [end:value_baseline]


# --8<-- [start:discount]
import numpy as np


def discounted_estimate(scores, rewards, gamma):
    """Σ_t ∇θ log πθ(a_t|s_t) · Σ_{t' ≥ t} γ^{t'−t} r_{t'}: lower variance, biased for γ < 1. (d,)"""
    rtg = np.zeros(len(rewards))
    running = 0.0
    for t in reversed(range(len(rewards))):                 # R̂^γ_t = r_t + γ R̂^γ_{t+1}
        running = rewards[t] + gamma * running
        rtg[t] = running
    return (scores * rtg[:, None]).sum(axis=0)
# --8<-- [end:discount]


# --8<-- [start:enumeration]
import itertools

import numpy as np


def enumerate_trajectories(theta, P, r, horizon, s0=0):
    """Every trajectory of the tabular MDP with its probability πθ(τ) (D6).

    Yields (prob, states (T+1,), scores (T+1, S·A), rewards (T+1,)).
    """
    S, A = theta.shape
    pi = np.exp(theta - theta.max(axis=1, keepdims=True))
    pi /= pi.sum(axis=1, keepdims=True)                     # πθ(a|s), (S, A)
    for actions in itertools.product(range(A), repeat=horizon):              # a_0 … a_T
        for next_states in itertools.product(range(S), repeat=horizon - 1):  # s_1 … s_T
            states = (s0,) + next_states
            prob, scores, rewards = 1.0, [], []
            for t, (s, a) in enumerate(zip(states, actions)):
                prob *= pi[s, a]                            # πθ(a_t|s_t)
                if t + 1 < horizon:
                    prob *= P[s, a, states[t + 1]]          # p(s_{t+1}|s_t, a_t)
                g = np.zeros((S, A))
                g[s] = -pi[s]
                g[s, a] += 1.0                              # ∇θ log πθ(a_t|s_t)
                scores.append(g.ravel())
                rewards.append(r[s, a])
            yield prob, np.array(states), np.array(scores), np.array(rewards)


def enumerated_objective_and_gradient(theta, P, r, horizon, s0=0):
    """J(θ) = Σ_τ πθ(τ) R(τ) and ∇θ J = Σ_τ πθ(τ) ∇θ log πθ(τ) R(τ), by enumeration (D4, D5)."""
    J, grad = 0.0, np.zeros(theta.size)
    for prob, _, scores, rewards in enumerate_trajectories(theta, P, r, horizon, s0):
        J += prob * rewards.sum()
        grad += prob * scores.sum(axis=0) * rewards.sum()
    return J, grad
# --8<-- [end:enumeration]


# A small problem: 2 states, 2 actions, 5 steps, rewards near 1 (like CartPole's +1 per step), so
# that R(τ) is far from 0 and a baseline has something to remove.
N_STATES, N_ACTIONS, HORIZON = 2, 2, 5
P_SMALL = np.array([[[0.8, 0.2], [0.3, 0.7]],
                    [[0.6, 0.4], [0.1, 0.9]]])              # P[s, a, s']
R_SMALL = np.array([[1.0, 0.6],
                    [1.4, 0.9]])                            # r[s, a]
THETA_SMALL = np.array([[0.4, -0.3],
                        [-0.2, 0.5]])                       # the fixed policy of the table


def exact_moments(estimator, theta=THETA_SMALL, P=P_SMALL, r=R_SMALL, horizon=HORIZON):
    """Exact mean (d,) and per-component variance (d,) of a per-trajectory estimator, by enumeration.

    estimator(states, scores, rewards) -> (d,).
    """
    mean = np.zeros(theta.size)
    second = np.zeros(theta.size)
    for prob, states, scores, rewards in enumerate_trajectories(theta, P, r, horizon):
        g = estimator(states, scores, rewards)
        mean += prob * g
        second += prob * g ** 2
    return mean, second - mean ** 2


def exact_state_value(theta=THETA_SMALL, P=P_SMALL, r=R_SMALL, horizon=HORIZON):
    """V^π_t(s) = E[R̂_t | s_t = s] by backward recursion: (T+1, S)."""
    pi = np.exp(theta - theta.max(axis=1, keepdims=True))
    pi /= pi.sum(axis=1, keepdims=True)
    V = np.zeros((horizon + 1, theta.shape[0]))
    for t in reversed(range(horizon)):
        Q = r + P @ V[t + 1]                                # Q_t(s, a) = r(s,a) + Σ_s' P V_{t+1}(s')
        V[t] = (pi * Q).sum(axis=1)
    return V[:horizon]


def sample_batch(n, rng, theta=THETA_SMALL, P=P_SMALL, r=R_SMALL, horizon=HORIZON):
    """n trajectories as a list of (states, scores, rewards)."""
    return [sample_trajectory(theta, P, r, horizon, rng) for _ in range(n)]


if __name__ == "__main__":
    J, grad = enumerated_objective_and_gradient(THETA_SMALL, P_SMALL, R_SMALL, HORIZON)
    rng = np.random.default_rng(0)
    batch = sample_batch(4000, rng)
    for name, est in [("vanilla", lambda s, g, r: vanilla_estimate(g, r)),
                      ("reward-to-go", lambda s, g, r: reward_to_go_estimate(g, r))]:
        G = np.array([est(*traj) for traj in batch])
        se = G.std(axis=0, ddof=1) / np.sqrt(len(G))
        print(f"{name:13s} estimate {np.round(G.mean(0), 3)} ± {np.round(se, 3)}")
    print(f"{'exact':13s} gradient {np.round(grad, 3)}  (J = {J:.4f})")
