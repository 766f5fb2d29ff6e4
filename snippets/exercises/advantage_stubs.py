"""The functions the exercises of the advantage-and-critic page ask for, bodies left to the reader.

Shown on the page (section #exercises); the solutions are in advantage.py next to this file.
"""

# --8<-- [start:gae_rollout]
import numpy as np


def gae_rollout(rewards, values, dones, last_value, gamma, lam):
    """Â_k = Σ_{l ≥ 0} (γλ)^l δ_{k+l} for every step k of a rollout: several episodes one after another,
    the sum stopping at the end of each episode.

    rewards: r_k, shape (N,); values: the critic's v(s_k) at every step, shape (N,);
    dones: bool, shape (N,), True when the episode ended with step k (nothing follows it);
    last_value: v of the state after step N − 1, used only when dones[-1] is False (the rollout
    stopped in the middle of an episode); gamma, lam: floats in [0, 1].
    Returns shape (N,).
    """
    ...
# --8<-- [end:gae_rollout]
