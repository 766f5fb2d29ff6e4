"""The functions the exercises of the continuous-actions page ask for, bodies left to the reader.

Shown on the page (section #exercises); the solutions are in continuous_actions.py next to this file.
"""

# --8<-- [start:linear_gaussian_score]
import numpy as np


def linear_gaussian_score(actions, states, theta):
    """Score of the policy a ~ N(w s, σ²) with respect to θ = (w, log σ), one row per step.

    actions, states: shape (n,); theta: (w, log σ), two floats.
    Returns shape (n, 2): column 0 is ∂/∂w log π(a_i|s_i), column 1 is ∂/∂(log σ) log π(a_i|s_i).
    """
    ...
# --8<-- [end:linear_gaussian_score]


# --8<-- [start:contextual_gradient_estimate]
import numpy as np


def contextual_gradient_estimate(theta, states, actions, rewards):
    """The estimate (L2) for the policy a ~ N(w s, σ²): (1/n) Σ_i (r_i − b_i) ∇θ log π(a_i|s_i),
    with b_i the mean of the OTHER n − 1 rewards.

    theta: (w, log σ); states, actions, rewards: shape (n,), one step of each of n episodes.
    Returns shape (2,). You may use your linear_gaussian_score (paste it above).
    """
    ...
# --8<-- [end:contextual_gradient_estimate]
