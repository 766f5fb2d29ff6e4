"""Sutton & Barto (2018), Example 13.1: the short corridor with switched actions.

Shown on the short-corridor page (formulas G7-G10). Run: python snippets/short_corridor.py
Three non-terminal states s1 s2 s3 and a terminal state to the right of s3; reward −1 per step.
"right"/"left" move as named in s1 (where left bumps into the wall) and s3, but are switched in s2.
All states look the same to the agent: x(s, right) = [1, 0], x(s, left) = [0, 1] in every s, so a
policy can only choose one probability p of "right" for all three states.
"""

# --8<-- [start:exact_value]
import numpy as np


def corridor_values(p):
    """v_π(s1), v_π(s2), v_π(s3) for the policy "right with probability p", 0 < p < 1.

    Bellman equations v = r + P v of the three non-terminal states, solved as (I − P) v = r.
    """
    P = np.array([[1 - p, p, 0.0],        # s1: right -> s2, left -> s1 (wall)
                  [p, 0.0, 1 - p],        # s2: switched, right -> s1, left -> s3
                  [0.0, 1 - p, 0.0]])     # s3: right -> terminal, left -> s2
    r = np.full(3, -1.0)                  # −1 on every step, the last one included
    return np.linalg.solve(np.eye(3) - P, r)


def corridor_J(p):
    """J(p) = v_π(s1) in closed form: (2p − 4) / (p (1 − p))."""
    return (2 * p - 4) / (p * (1 - p))


P_STAR = 2 - np.sqrt(2)                   # dJ/dp = 0  <=>  p² − 4p + 2 = 0, the root in (0, 1)
J_STAR = -(6 + 4 * np.sqrt(2))            # J(p*)
# --8<-- [end:exact_value]


# --8<-- [start:reinforce]
import numpy as np


def reinforce_corridor(alpha_theta, n_episodes, n_runs, rng, alpha_w=None, gamma=1.0, p0=0.05,
                       epsilon=0.05, max_steps=100_000):
    """REINFORCE (S&B §13.3) on the short corridor; with alpha_w, REINFORCE with baseline (§13.4).

    n_runs independent learners run side by side (one row each). Softmax in action preferences
    h(s, a, θ) = θᵀx(s, a); the baseline is v̂(s, w) = w (all states share one feature).
    Starts from πθ(right) = p0. Both action probabilities are kept in [ε, 1 − ε] so that every
    episode ends (as in the ε-greedy policies of the example). Returns G_0 of every episode,
    (n_runs, n_episodes).
    """
    X = np.array([[1.0, 0.0],                                  # x(s, right)
                  [0.0, 1.0]])                                 # x(s, left)
    theta = np.zeros((n_runs, 2))
    theta[:, 0] = np.log(p0 / (1 - p0))                        # h(right) − h(left) = logit(p0)
    w = np.zeros(n_runs)
    G0 = np.empty((n_runs, n_episodes))

    def policy(theta):
        h = theta @ X.T                                        # h(s, a, θ) for a = right, left
        p_right = 1 / (1 + np.exp(h[:, 1] - h[:, 0]))          # softmax of the two preferences
        p_right = np.clip(p_right, epsilon, 1 - epsilon)       # never deterministic: episodes end
        return np.stack([p_right, 1 - p_right], axis=1)        # π(a|s, θ), (n_runs, 2)

    for episode in range(n_episodes):
        # Generate an episode S0, A0, R1, …, S_{T−1}, A_{T−1}, R_T following π(·|·, θ).
        p_right = policy(theta)[:, 0]
        s = np.zeros(n_runs, dtype=int)                        # 0, 1, 2 = s1, s2, s3; 3 = terminal
        T = np.zeros(n_runs, dtype=int)
        went_right = []
        while (s < 3).any():
            if len(went_right) == max_steps:
                raise RuntimeError("an episode did not end within max_steps")
            right = rng.random(n_runs) < p_right
            step = np.where(right, 1, -1) * np.where(s == 1, -1, 1)      # switched in s2
            T += s < 3
            s = np.where(s < 3, np.maximum(s + step, 0), 3)
            went_right.append(right)
        A = np.array(went_right).T                             # A_t == right, (n_runs, T_max)
        G0[:, episode] = -(1 - gamma ** T) / (1 - gamma) if gamma < 1 else -T

        # Loop for each step of the episode t = 0, 1, …, T − 1.
        for t in range(A.shape[1]):
            alive = t < T                                      # runs whose episode has a step t
            G = -(1 - gamma ** (T - t)) / (1 - gamma) if gamma < 1 else -(T - t).astype(float)
            grad_log_pi = X[np.where(A[:, t], 0, 1)] - policy(theta) @ X   # x(s,A_t) − Σ_b π(b|s) x(s,b)
            if alpha_w is None:
                weight = G                                     # REINFORCE: G
            else:
                weight = G - w                                 # δ = G − v̂(S_t, w)
                w = w + alpha_w * weight * alive               # w ← w + α^w δ ∇v̂, ∇v̂ = 1
            theta = theta + (alpha_theta * gamma**t * weight * alive)[:, None] * grad_log_pi
    return G0
# --8<-- [end:reinforce]


# The book's settings (2nd ed., Figures 13.1 and 13.2): γ = 1, 1000 episodes, 100 runs.
FIG_13_1_ALPHAS = (2.0**-12, 2.0**-13, 2.0**-14)
FIG_13_2 = {"alpha_theta": 2.0**-9, "alpha_w": 2.0**-6, "alpha_no_baseline": 2.0**-13}
BOOK_P_STAR, BOOK_J_STAR = 0.59, -11.6   # "about 0.59", "about −11.6" (Example 13.1)


if __name__ == "__main__":
    v = corridor_values(P_STAR)
    print(f"p* = {P_STAR:.4f} (book: about {BOOK_P_STAR}), J(p*) = {J_STAR:.4f} (book: about {BOOK_J_STAR})")
    print(f"linear system v(s1) = {v[0]:.6f}, closed form {corridor_J(P_STAR):.6f}")
    G0 = reinforce_corridor(2.0**-9, 300, 20, np.random.default_rng(0), alpha_w=2.0**-6)
    print(f"REINFORCE with baseline, mean G0 of episodes 201-300 over 20 runs: {G0[:, 200:].mean():.2f}")
