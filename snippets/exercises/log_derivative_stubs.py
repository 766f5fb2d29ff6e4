"""The functions the exercises of the log-derivative-trick page ask for, bodies left to the reader.

Shown on the page (section #exercises); the solutions are in log_derivative.py next to this file.
"""

# --8<-- [start:linear_softmax_score]
import numpy as np


def linear_softmax_score(features, theta, a):
    """Score ∇θ log π(a) of the policy π = softmax(features @ theta), whose logits are linear in θ.

    features: shape (A, d), row b is the feature vector φ(b) of action b; theta: shape (d,);
    a: an int, the action. Returns shape (d,).
    """
    ...
# --8<-- [end:linear_softmax_score]


# --8<-- [start:linear_softmax_fisher]
import numpy as np


def linear_softmax_fisher(features, theta):
    """Fisher information F(θ) = E_{a~π}[∇θ log π(a) ∇θ log π(a)ᵀ] of π = softmax(features @ theta).

    features: shape (A, d); theta: shape (d,). Returns shape (d, d).
    You may use your linear_softmax_score (paste it above).
    """
    ...
# --8<-- [end:linear_softmax_fisher]
