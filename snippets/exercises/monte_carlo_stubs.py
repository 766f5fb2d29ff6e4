"""The functions the exercises of the Monte Carlo page ask for, bodies left to the reader.

Shown on the page (section #exercises); the solutions are in monte_carlo.py next to this file.
"""

# --8<-- [start:integral_estimate]
import numpy as np


def integral_estimate(h, n, rng):
    """Estimate ∫₀^∞ h(x) dx from n samples of the exponential distribution
    p(x) = ½ e^(−x/2) (rate λ = 1/2), drawn with rng.

    h: a function of an array of x ≥ 0, elementwise; rng: np.random.Generator.
    Returns a float.
    """
    ...
# --8<-- [end:integral_estimate]


# --8<-- [start:episode_sample_mean]
import numpy as np


def episode_sample_mean(values):
    """The mean of all values and its standard error, for values of shape (episodes, steps):
    row e holds the steps of episode e. Steps of one episode may be correlated; episodes are
    independent of each other.

    Returns shape (2,): [mean, standard error].
    """
    ...
# --8<-- [end:episode_sample_mean]
