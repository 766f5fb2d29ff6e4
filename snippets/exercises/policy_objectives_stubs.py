"""The functions the exercises of the policy-objectives page ask for, bodies left to the reader.

Shown on the page (section #exercises); the solutions are in policy_objectives.py next to this file.
"""

# --8<-- [start:stationary_by_eigenvector]
import numpy as np


def stationary_by_eigenvector(P_pi):
    """The stationary distribution d (d P_π = d, Σ_s d(s) = 1) as an eigenvector, with np.linalg.eig.

    P_pi: the policy's Markov chain P_π[s, s'], a NumPy float64 array of shape (S, S) whose rows
    sum to 1. Returns shape (S,).
    """
    ...
# --8<-- [end:stationary_by_eigenvector]


# --8<-- [start:start_value_gradient]
import torch


def start_value_gradient(theta, P, R, gamma, s1):
    """∇θ J1(θ) = ∇θ V^{πθ}(s1) by the policy gradient theorem (E5), for the softmax table policy.

    theta: logits θ[s, a], shape (S, A); P: P(s'|s, a), shape (S, A, S); R: mean rewards R_s^a,
    shape (S, A); all torch float64 tensors. gamma: the discount, 0 ≤ γ < 1; s1: the start state.
    Returns shape (S, A). The discounted visitation is row s1 of (I − γ P_π)^{-1}.
    """
    ...
# --8<-- [end:start_value_gradient]
