"""The functions the exercises of the policy-gradient page ask for, bodies left to the reader.

Shown on the page (section #exercises); the solutions are in policy_gradient.py next to this file.
"""

# --8<-- [start:expected_surrogate_loss]
import numpy as np


def expected_surrogate_loss(theta, mdp):
    """The exact mean of the surrogate loss (D9) over the trajectories played by πθ.

    theta: logits, shape (S, A); mdp: the MDP, with mdp.p0 (S,), mdp.P (S, A, S), mdp.r (S, A) and
    mdp.T, the last time step. The loss averages n trajectories, so its mean does not depend on n.
    Returns a float.
    """
    ...
# --8<-- [end:expected_surrogate_loss]


# --8<-- [start:reward_to_go_policy_gradient]
import numpy as np


def reward_to_go_policy_gradient(theta, states, actions, rewards):
    """The policy-gradient estimate with reward-to-go, from n sampled trajectories:
    (1/n) Σ_i Σ_t ∇θ log πθ(a_{i,t} | s_{i,t}) R̂_{i,t}.

    theta: logits, shape (S, A); states, actions: integers, rewards: floats, each shape (n, T + 1).
    Returns shape (S, A).
    """
    ...
# --8<-- [end:reward_to_go_policy_gradient]


# --8<-- [start:state_baseline_policy_gradient]
import numpy as np


def state_baseline_policy_gradient(theta, states, actions, rewards, q_values):
    """The reward-to-go estimate with the baseline b_t(s) = V_t(s), built from the exact action values:
    (1/n) Σ_i Σ_t ∇θ log πθ(a_{i,t} | s_{i,t}) (R̂_{i,t} − b_t(s_{i,t})).

    theta: logits, shape (S, A); states, actions: integers, rewards: floats, each shape (n, T + 1);
    q_values: Q_t(s, a) of the policy πθ, shape (T + 1, S, A).
    Returns shape (S, A).
    """
    ...
# --8<-- [end:state_baseline_policy_gradient]
