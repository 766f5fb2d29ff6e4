"""The functions the exercises of the score-function page ask for, bodies left to the reader.

Shown on the page (section #exercises); the solutions are in score_function.py next to this file.
"""

# --8<-- [start:gaussian_policy_score]
import numpy as np


def gaussian_policy_score(x, mu, log_sigma):
    """Score of N(x; μ, σ²) with σ = exp(log_sigma), with respect to (μ, log σ).

    x: samples, shape (n,); mu, log_sigma: floats.
    Returns shape (n, 2): column 0 is ∂/∂μ log p(x_i), column 1 is ∂/∂(log σ) log p(x_i).
    """
    ...
# --8<-- [end:gaussian_policy_score]


# --8<-- [start:gaussian_policy_estimate]
import numpy as np


def gaussian_policy_estimate(f, mu, log_sigma, n, rng):
    """Estimate ∇ E_{x~N(μ, σ²)}[f(x)] with respect to (μ, log σ) from n samples drawn with rng.

    f: a function of an array of samples, elementwise; rng: np.random.Generator.
    Returns shape (2,). You may use your gaussian_policy_score (paste it above).
    """
    ...
# --8<-- [end:gaussian_policy_estimate]
