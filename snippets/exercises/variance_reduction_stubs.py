"""The functions the exercises of the variance-reduction page ask for, bodies left to the reader.

Shown on the page (section #exercises); the solutions are in variance_reduction.py next to this file.
"""

# --8<-- [start:variance_and_standard_error]
import numpy as np


def variance_and_standard_error(traj_scores, returns, b):
    """The total variance of the estimate ĝ_i = ∇θ log πθ(τ_i) (R(τ_i) − b) with a constant baseline b,
    measured on n trajectories, and the standard error of that measurement.

    traj_scores: ∇θ log πθ(τ_i), shape (n, d); returns: R(τ_i), shape (n,); b: a float; n ≥ 2.
    Returns shape (2,): V̂ = Σ_k of the sample variance (with Bessel's correction) of the ĝ_{i,k},
    which is the mean of Y_i = n/(n − 1) ‖ĝ_i − ḡ‖²; then its standard error std(Y)/√n.
    """
    ...
# --8<-- [end:variance_and_standard_error]


# --8<-- [start:leave_one_out_estimate]
import numpy as np


def leave_one_out_estimate(traj_scores, returns):
    """The policy-gradient estimate of n trajectories, each with the mean return of the OTHER n − 1
    trajectories as its baseline.

    traj_scores: ∇θ log πθ(τ_i), shape (n, d); returns: R(τ_i), shape (n,); n ≥ 2.
    Returns shape (d,): the mean over i of ∇θ log πθ(τ_i) (R(τ_i) − b_i).
    """
    ...
# --8<-- [end:leave_one_out_estimate]
