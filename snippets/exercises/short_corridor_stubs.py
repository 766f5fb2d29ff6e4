"""The functions the exercises of the short-corridor page ask for, bodies left to the reader.

Shown on the page (section #exercises); the solutions are in short_corridor.py next to this file.
"""

# --8<-- [start:corridor_reinforce_gradient]
import numpy as np


def corridor_reinforce_gradient(went_right, p, gamma):
    """The direction of the REINFORCE update (G9), summed over one episode of the short corridor.

    went_right: shape (T,), True where the action A_t was "right"; the episode's T rewards are all −1.
    p: πθ(right), the same in every state; gamma: the discount factor, 0 < gamma ≤ 1.
    θ = (θ_right, θ_left), the preferences of the features x(s, right) = [1, 0], x(s, left) = [0, 1].
    Returns shape (2,): Σ_t γ^t G_t ∇θ log π(A_t|S_t, θ).
    """
    ...
# --8<-- [end:corridor_reinforce_gradient]
