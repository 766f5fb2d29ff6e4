"""The functions the exercises of the variance-reduction page ask for, bodies left to the reader.

Shown on the page (section #exercises); the solutions are in variance_reduction.py next to this file.
"""

# --8<-- [start:discounted_rewards_to_go]
import numpy as np


def discounted_rewards_to_go(rewards, gamma):
    """The discounted reward-to-go of every step of one trajectory.

    rewards: r(s_t, a_t) for t = 0 … T, shape (T+1,); gamma: the discount factor, 0 < gamma ≤ 1.
    Returns shape (T+1,): entry t is Σ_{t' ≥ t} γ^(t'−t) r_{t'}.
    """
    ...
# --8<-- [end:discounted_rewards_to_go]


# --8<-- [start:leave_one_out_estimate]
import numpy as np


def leave_one_out_estimate(traj_scores, returns):
    """The policy-gradient estimate of n trajectories, each with the mean return of the OTHER n − 1
    trajectories as its baseline.

    traj_scores: ∇θ log πθ(τ_i), shape (n, d); returns: R(τ_i), shape (n,); n ≥ 2.
    Returns shape (d,): the mean over i of ∇θ log πθ(τ_i) (R(τ_i) − b_i).
    """
    ...
# --8<-- [end:leave_one_out_estimate]
