"""The functions the exercises of the natural-gradient page ask for, bodies left to the reader.

Shown on the page (section #exercises); the solutions are in natural_gradient.py next to this file.
"""

# --8<-- [start:visit_weighted_kl]
import numpy as np


def visit_weighted_kl(theta, theta_new, mdp):
    """KL(πθ(τ) ‖ πθ'(τ)) as Σ_t Σ_s ρ_t(s) KL(πθ(·|s) ‖ πθ'(·|s)),
    without listing the trajectories.

    theta, theta_new: (S, A) tables of logits; mdp: the MDP of the
    policy-gradient page, with p0 (S,), P (S, A, S) and T.
    Returns a float. You may paste `policy` (policy-gradient page) and
    `state_visits` (advantage page) above it.
    """
    ...
# --8<-- [end:visit_weighted_kl]


# --8<-- [start:conjugate_gradient]
import numpy as np


def conjugate_gradient(fvp, grad, iterations):
    """Solve F x = ∇J by conjugate gradients from x = 0, one product F v
    per iteration.

    fvp: a function v -> F v on vectors of shape (d,), F symmetric
    positive semi-definite; grad: ∇J, shape (d,); iterations: how many
    products F v to use. Returns x, shape (d,).
    """
    ...
# --8<-- [end:conjugate_gradient]
