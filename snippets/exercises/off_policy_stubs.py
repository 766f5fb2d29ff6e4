"""The functions the exercises of the off-policy page ask for, bodies left to the reader.

Shown on the page (section #exercises); the solutions are in off_policy.py next to this file.
"""

# --8<-- [start:per_decision_estimate]
import numpy as np


def per_decision_estimate(theta, theta_old, states, actions, rewards):
    """(1/n) Σ_i Σ_t ∇θ log πθ(a_t|s_t) Σ_{t' ≥ t} ρ_{0:t'} r_{t'} for n trajectories of πθ_old,
    with ρ_{0:t'} = Π_{u ≤ t'} πθ(a_u|s_u) / πθ_old(a_u|s_u), for a tabular softmax πθ(a|s).

    theta, theta_old: (S, A); states, actions: int, shape (n, T + 1); rewards: shape (n, T + 1).
    Returns shape (S, A). You may use policy and score of the policy-gradient page (paste them above).
    """
    ...
# --8<-- [end:per_decision_estimate]
