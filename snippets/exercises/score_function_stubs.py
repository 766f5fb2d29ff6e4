"""The functions the exercises of the score-function page ask for, bodies left to the reader.

Shown on the page (section #exercises); the solutions are in score_function.py next to this file.
"""

# --8<-- [start:laplace_score]
import numpy as np


def laplace_score(x, mu, log_b):
    """Score of the Laplace density exp(−|x − μ|/b)/(2b), b = exp(log_b), with respect to (μ, log b).

    x: samples, shape (n,); mu, log_b: floats.
    Returns shape (n, 2): column 0 is ∂/∂μ log p(x_i), column 1 is ∂/∂(log b) log p(x_i).
    """
    ...
# --8<-- [end:laplace_score]


# --8<-- [start:gaussian_policy_estimate]
import numpy as np


def gaussian_policy_estimate(f, theta, n, rng):
    """Estimate ∇θ E_{x~N(μ, σ²)}[f(x)], θ = (μ, log σ), from n samples drawn with rng.

    f: a function of an array of samples, elementwise; theta: array (2,); rng: np.random.Generator.
    Returns shape (2,). Use the score gaussian_score(x, theta) of the log-derivative page (B1a): paste it above.
    """
    ...
# --8<-- [end:gaussian_policy_estimate]
