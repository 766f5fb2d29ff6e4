"""The functions the exercises of the policy-objectives page ask for, bodies left to the reader.

Shown on the page (section #exercises); the solutions are in policy_objectives.py next to this file.
"""

# --8<-- [start:discounted_visitation]
import torch


def discounted_visitation(P_pi, gamma, s1):
    """d_γ(s) = Σ_{t≥1} γ^{t−1} Pr(s_t = s | s_1 = s1): the discounted visitation from the start state.

    P_pi: the policy's Markov chain P_π[s, s'], a torch float64 tensor of shape (S, S);
    gamma: the discount, 0 ≤ γ < 1; s1: the start state, an int.
    Returns shape (S,) (a torch tensor or a NumPy array).
    """
    ...
# --8<-- [end:discounted_visitation]


# --8<-- [start:start_value_gradient]
import torch


def start_value_gradient(theta, P, R, gamma, s1):
    """∇θ J1(θ) = ∇θ V^{πθ}(s1) by the policy gradient theorem (E5), for the softmax table policy.

    theta: logits θ[s, a], shape (S, A); P: P(s'|s, a), shape (S, A, S); R: mean rewards R_s^a,
    shape (S, A); all torch float64 tensors. gamma: the discount, 0 ≤ γ < 1; s1: the start state.
    Returns shape (S, A). You may use your discounted_visitation (paste it above).
    """
    ...
# --8<-- [end:start_value_gradient]
