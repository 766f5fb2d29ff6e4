"""The pathwise (reparameterisation) estimator beside the score-function one (formulas K1-K3).

Shown on the reparameterisation page. Run: python snippets/reparameterisation.py
The problem of the score-function page: ∇θ E[f(x)] for x ~ N(θ, 1), with three f: x² (smooth),
cos(kx) (smooth but fast-changing, one of the costs of Mohamed et al. 2020, §3) and 1[x > 0] (a jump).
The score-function estimator is the one of score_function.py, imported, not written again; on the page
its sections are embedded first. Every variance has a closed form, checked by quadrature in the tests.
"""
import numpy as np

from score_function import score_function_estimate

# --8<-- [start:pathwise]
import numpy as np


def pathwise_estimate(f_prime, theta, n, rng):
    """(1/n) Σ f'(θ + ε_i), ε_i ~ N(0, 1), and its standard error: x = θ + ε moves with θ, ε does not."""
    eps = rng.standard_normal(n)             # the noise: its distribution does not involve θ
    terms = f_prime(theta + eps)             # d/dθ f(θ + ε_i) = f'(x_i), by the chain rule
    return terms.mean(), terms.std(ddof=1) / np.sqrt(n)
# --8<-- [end:pathwise]


# --8<-- [start:functions]
import math

import numpy as np

K = 3.0   # the frequency of the cosine


def normal_pdf(x):
    return np.exp(-0.5 * np.square(x)) / np.sqrt(2 * np.pi)


def normal_cdf(x):
    return 0.5 * (1 + np.vectorize(math.erf)(np.asarray(x) / np.sqrt(2)))


# name: f, its derivative f' (where it has one), and the exact ∇θ E_{N(θ,1)}[f(x)]
FUNCTIONS = {
    "square": (lambda x: x**2, lambda x: 2 * x, lambda t: 2 * t),
    "cosine": (lambda x: np.cos(K * x), lambda x: -K * np.sin(K * x),
               lambda t: -K * np.sin(K * t) * np.exp(-K**2 / 2)),      # E[cos kx] = cos(kθ) e^{−k²/2}
    "step": (lambda x: (x > 0).astype(float), lambda x: np.zeros_like(x),  # f' = 0 wherever it exists
             lambda t: normal_pdf(t)),                                  # E[1[x > 0]] = Φ(θ)
}
# --8<-- [end:functions]


# --8<-- [start:variances]
import numpy as np


def variances(name, theta):
    """Closed-form variance of one term of each estimator: f(x)(x − θ) and f'(x), x ~ N(θ, 1)."""
    k, g = K, FUNCTIONS[name][2](theta)                       # g = ∇θ E[f], the common target
    if name == "square":                                      # E[(θ + ε)⁴ ε²] = θ⁴ + 18θ² + 15
        return {"score_function": theta**4 + 18 * theta**2 + 15 - g**2, "pathwise": 4.0}
    if name == "cosine":                                      # E[cos(a + bε) ε²] = cos a (1 − b²) e^{−b²/2}
        c = np.cos(2 * k * theta)
        return {"score_function": 0.5 + 0.5 * c * (1 - 4 * k**2) * np.exp(-2 * k**2) - g**2,
                "pathwise": 0.5 * k**2 * (1 - c * np.exp(-2 * k**2)) - g**2}
    if name == "step":                                        # E[1[ε > −θ] ε²] = Φ(θ) − θ φ(θ)
        return {"score_function": normal_cdf(theta) - theta * normal_pdf(theta) - g**2,
                "pathwise": 0.0}                              # always 0: no variance, and the wrong answer
    raise KeyError(name)
# --8<-- [end:variances]


# --8<-- [start:compare]
import numpy as np


def compare(theta, n, seed):
    """Both estimators on each f from n samples: estimate ± standard error, exact gradient, variances."""
    rows = []
    for name, (f, f_prime, gradient) in FUNCTIONS.items():
        rng = np.random.default_rng(seed)
        sf = score_function_estimate(f, theta, n, rng)
        pw = pathwise_estimate(f_prime, theta, n, rng)
        rows.append({"f": name, "gradient": float(gradient(theta)), "score_function": sf, "pathwise": pw,
                     **{f"{key}_variance": float(v) for key, v in variances(name, theta).items()}})
    return rows
# --8<-- [end:compare]


THETA, N, SEED = 1.5, 10_000, 0

if __name__ == "__main__":
    print(f"x ~ N(θ, 1), θ = {THETA}, n = {N}: estimate ± standard error (exact gradient); per-sample variance")
    for row in compare(THETA, N, SEED):
        (sf, sf_se), (pw, pw_se) = row["score_function"], row["pathwise"]
        print(f"  {row['f']:<7} exact {row['gradient']:.4f} | score function {sf:.4f} ± {sf_se:.4f} "
              f"(variance {row['score_function_variance']:.4f}) | pathwise {pw:.4f} ± {pw_se:.4f} "
              f"(variance {row['pathwise_variance']:.4f})")
