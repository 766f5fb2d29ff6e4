"""The functions the exercises of the agent page ask for, bodies left to the reader.

Shown on the page (section #exercises); the solutions are in agent.py next to this file.
"""

# --8<-- [start:masked_reward_to_go]
import numpy as np


def masked_reward_to_go(rewards, running):
    """The reward-to-go R̂_t = Σ_{t' ≥ t} r_t' of every step of a batch, as play_episodes returns it.

    rewards: shape (T, n), float; running: shape (T, n), bool, True while step t belongs to
    episode i (True up to the episode's last step, then False). Where running is False the vector
    environment has started the next episode: its rewards do not belong to episode i.
    Returns shape (T, n): R̂_t of episode i where running[t, i], 0 elsewhere.
    """
    ...
# --8<-- [end:masked_reward_to_go]


# --8<-- [start:softmax_entropy_gradient]
import numpy as np


def softmax_entropy_gradient(logits):
    """The gradient of the entropy H(π) = −Σ_k π_k log π_k of π = softmax(z) with respect to the
    logits z, for each state separately.

    logits: shape (N, A), one row z per state, A actions; any size, e.g. near 1000.
    Returns shape (N, A): row n is ∂H/∂z of row n.
    """
    ...
# --8<-- [end:softmax_entropy_gradient]


# --8<-- [start:linear_softmax_gradient]
import numpy as np


def linear_softmax_gradient(theta, states, actions, weights, n_episodes):
    """The gradient estimate (1/n) Σ_i Σ_t ∇θ log πθ(a_t|s_t) w_t of the linear softmax policy
    πθ(·|s) = softmax(s θ), written out by hand (no autograd).

    theta: shape (4, 2); states: shape (N, 4), the N steps of all n episodes; actions: shape (N,),
    0 or 1; weights: shape (N,), the w_t; n_episodes: n.
    Returns shape (4, 2), the direction of ascent on J(θ).
    """
    ...
# --8<-- [end:linear_softmax_gradient]
