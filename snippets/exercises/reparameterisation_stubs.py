"""The functions the exercises of the reparameterisation page ask for, bodies left to the reader.

Shown on the page (section #exercises); the solutions are in reparameterisation.py next to this file.
"""

# --8<-- [start:gaussian_pathwise_estimate]
import numpy as np


def gaussian_pathwise_estimate(f_prime, mu, log_sigma, n, rng):
    """Pathwise estimate of ∇ E_{x~N(μ, σ²)}[f(x)] with respect to
    (μ, log σ), σ = exp(log_sigma), from n samples x = μ + σε, ε ~ N(0, 1)
    drawn with rng.

    f_prime: the derivative f', elementwise on an array;
    rng: np.random.Generator.
    Returns shape (2,): the estimates of ∂/∂μ and ∂/∂(log σ).
    """
    ...
# --8<-- [end:gaussian_pathwise_estimate]
