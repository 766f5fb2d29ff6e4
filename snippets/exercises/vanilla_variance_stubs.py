"""The function an exercise of the where-the-notes-end page asks for, its body left to the reader.

Shown on the page (section #exercises); the solution is in vanilla_variance.py next to this file.
"""

# --8<-- [start:variance_difference]
import numpy as np


def variance_difference(terms_a, terms_b):
    """tr Var[g_a] − tr Var[g_b] estimated from the per-episode terms of two estimators computed on the
    same n episodes, and the standard error of that estimate.

    terms_a, terms_b: g_a(τ_i) and g_b(τ_i) for the same episodes τ_1, …, τ_n, each shape (n, d).
    Returns shape (2,): the estimated difference, its standard error.
    """
    ...
# --8<-- [end:variance_difference]
