"""Score-function estimator: ∇θ E_{x~p(x;θ)}[f(x)] = E_{x~p(x;θ)}[f(x) ∇θ log p(x;θ)].

Shown on the score-function page (formulas C1-C5). Run: python snippets/score_function.py
Two distributions: a unit-variance Gaussian N(θ, 1) (continuous, quadrature gives exact values)
and a categorical softmax(θ) over K outcomes (discrete, enumeration gives exact values).
The softmax and its score are those of log_derivative.py: on the page each block embeds that section first.
"""
from log_derivative import softmax, softmax_score

# --8<-- [start:score]
def unit_gaussian_score(x, theta):
    """∇θ log N(x; θ, 1) = x − θ: the score of a unit-variance Gaussian in its mean."""
    return x - theta
# --8<-- [end:score]


# --8<-- [start:density]
import numpy as np


def unit_gaussian_density(x, theta):
    """p(x;θ) = N(x; θ, 1) = exp(−(x − θ)²/2) / √(2π)."""
    return np.exp(-0.5 * (x - theta) ** 2) / np.sqrt(2 * np.pi)


def unit_gaussian_density_grad(x, theta):
    """∇θ p(x;θ) = (x − θ) p(x;θ), by the chain rule through exp(−(x − θ)²/2)."""
    return (x - theta) * unit_gaussian_density(x, theta)


def real_line(theta, half_width=12.0, m=24_001):
    """A fine grid over x ∈ [θ − 12, θ + 12]; N(θ, 1) has mass < 1e-32 outside it."""
    return np.linspace(theta - half_width, theta + half_width, m)
# --8<-- [end:density]


# --8<-- [start:leibniz_rule]
import numpy as np


def expectation(f, theta):
    """E_{p(x;θ)}[f(x)] = ∫ p(x;θ) f(x) dx, by quadrature."""
    x = real_line(theta)
    return np.trapezoid(unit_gaussian_density(x, theta) * f(x), x)


def leibniz_gradient(f, theta):
    """∇θ ∫ p(x;θ) f(x) dx = ∫ ∇θ p(x;θ) f(x) dx: differentiate under the integral sign."""
    x = real_line(theta)                                   # every x, not a sample
    return np.trapezoid(unit_gaussian_density_grad(x, theta) * f(x), x)
# --8<-- [end:leibniz_rule]


# --8<-- [start:naive_estimator]
import numpy as np


def naive_estimate(f, theta, n, rng):
    """(1/n) Σ ∇θ p(x_i;θ) f(x_i) with x_i ~ p(x;θ), and its standard error. NOT ∇θ E[f]."""
    x = rng.normal(theta, 1.0, size=n)                     # x_i ~ N(θ, 1)
    terms = unit_gaussian_density_grad(x, theta) * f(x)    # ∇θ p(x_i;θ) f(x_i)
    return terms.mean(), terms.std(ddof=1) / np.sqrt(n)


def naive_limit(f, theta):
    """What the naive average converges to: E_p[∇θ p f] = ∫ p(x;θ) ∇θ p(x;θ) f(x) dx."""
    x = real_line(theta)
    p, grad_p = unit_gaussian_density(x, theta), unit_gaussian_density_grad(x, theta)
    return np.trapezoid(p * grad_p * f(x), x)
# --8<-- [end:naive_estimator]


# --8<-- [start:continuous_form]
import numpy as np


def score_expectation(f, theta):
    """E_{p(x;θ)}[f(x) ∇θ log p(x;θ)] = ∫ p(x;θ) f(x) (x − θ) dx, by quadrature."""
    x = real_line(theta)
    return np.trapezoid(unit_gaussian_density(x, theta) * f(x) * unit_gaussian_score(x, theta), x)
# --8<-- [end:continuous_form]


# --8<-- [start:discrete_derivation]
import numpy as np


def discrete_derivation(f_values, theta):
    """Each line of ∇θ Σ_x p(x|θ) f(x) for p = softmax(θ), by enumerating every x = 0..K−1."""
    p = softmax(theta)                                     # p(x|θ), (K,)
    K = len(theta)
    # ∇θ p(x|θ) = p(x|θ) (e_x − p) differentiated directly (quotient rule): row x of diag(p) − p pᵀ
    grad_p = np.diag(p) - np.outer(p, p)                   # (K, K), row x is ∇θ p(x|θ)
    score = np.stack([softmax_score(x, theta) for x in range(K)])   # row x is ∇θ log p(x|θ)
    return {
        "sum_f_grad_p": sum(f_values[x] * grad_p[x] for x in range(K)),              # Σ f ∇p
        "times_p_over_p": sum(f_values[x] * grad_p[x] * p[x] / p[x] for x in range(K)),
        "ratio_times_p": sum(f_values[x] * (grad_p[x] / p[x]) * p[x] for x in range(K)),
        "sum_f_score_p": sum(f_values[x] * score[x] * p[x] for x in range(K)),       # Σ f ∇log p · p
    }
# --8<-- [end:discrete_derivation]


# --8<-- [start:discrete_autograd]
import torch


def discrete_gradient_autograd(f_values, theta):
    """∇θ Σ_x softmax(θ)_x f(x), differentiated by torch autograd."""
    theta = torch.tensor(theta, dtype=torch.float64, requires_grad=True)
    expected_f = (torch.softmax(theta, dim=0) * torch.as_tensor(f_values, dtype=torch.float64)).sum()
    expected_f.backward()
    return theta.grad.numpy()
# --8<-- [end:discrete_autograd]


# --8<-- [start:categorical]
import numpy as np


def sample_categorical(probs, rng):
    """One draw k ~ probs per row: (..., K) -> (...). k is the first outcome whose cumulative
    probability P(≤ k) exceeds u ~ U[0, 1); a tie u = P(≤ k) goes to a later outcome, so an
    outcome of probability 0 is never drawn."""
    probs = np.asarray(probs)
    u = rng.random(probs.shape[:-1] + (1,))                         # one u per row
    below = (u >= np.cumsum(probs, axis=-1)).sum(axis=-1)           # how many k have P(≤ k) ≤ u
    return np.minimum(below, probs.shape[-1] - 1)                   # Σ p may round to 1 − ε
# --8<-- [end:categorical]


# --8<-- [start:estimator]
import numpy as np


def score_function_estimate(f, theta, n, rng):
    """(1/n) Σ f(x_i) ∇θ log p(x_i;θ), x_i ~ N(θ, 1), and its standard error."""
    x = rng.normal(theta, 1.0, size=n)                     # x_i ~ p(x;θ)
    terms = f(x) * unit_gaussian_score(x, theta)           # f(x_i) ∇θ log p(x_i;θ)
    return terms.mean(), terms.std(ddof=1) / np.sqrt(n)


def categorical_score_function_estimate(f, theta, n, rng):
    """The same estimator for x ~ softmax(θ): gradient (K,) and standard errors (K,)."""
    x = sample_categorical(np.tile(softmax(theta), (n, 1)), rng)   # x_i ~ p(x|θ), (n,)
    terms = f(x)[:, None] * softmax_score(x, theta)        # f(x_i) (e_{x_i} − softmax(θ)), (n, K)
    return terms.mean(axis=0), terms.std(axis=0, ddof=1) / np.sqrt(n)
# --8<-- [end:estimator]


# --8<-- [start:computability]
import numpy as np


def sequence_score_function_estimate(f, theta, n, rng):
    """∇θ E[f(x)] for x = (x_1, …, x_T), x_t ~ softmax(θ_t) independently; θ of shape (T, K).

    The space has K^T points; f and the score are evaluated only at the n sampled sequences.
    log p(x|θ) = Σ_t log softmax(θ_t)_{x_t}, so its gradient in θ_t is e_{x_t} − softmax(θ_t).
    """
    T, K = theta.shape
    x = np.stack([sample_categorical(np.tile(softmax(theta[t]), (n, 1)), rng) for t in range(T)], axis=1)  # (n, T)
    score = np.stack([softmax_score(x[:, t], theta[t]) for t in range(T)], axis=1)        # (n, T, K)
    terms = f(x)[:, None, None] * score                    # f(x_i) ∇θ log p(x_i|θ), (n, T, K)
    return terms.mean(axis=0), terms.std(axis=0, ddof=1) / np.sqrt(n)
# --8<-- [end:computability]


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    theta, n = 1.5, 100_000
    square = lambda x: x**2                                 # E[x²] = θ² + 1, d/dθ = 2θ

    g, se = score_function_estimate(square, theta, n, rng)
    print(f"C4 score-function estimate {g:.4f} ± {se:.4f}, exact 2θ = {2 * theta:.4f}")
    g_naive, se_naive = naive_estimate(square, theta, n, rng)
    print(f"C1 naive estimate {g_naive:.4f} ± {se_naive:.4f}, converges to "
          f"{naive_limit(square, theta):.4f} = θ/(2√π), not {2 * theta:.4f}")
    print(f"C1/C2 by quadrature: ∫∇p f = {leibniz_gradient(square, theta):.6f}, "
          f"E[f ∇log p] = {score_expectation(square, theta):.6f}")

    logits, f_values = np.array([0.5, -1.0, 2.0, 0.0]), np.array([1.0, 3.0, -2.0, 0.5])
    terms = discrete_derivation(f_values, logits)
    print("C3 autograd         ", np.round(discrete_gradient_autograd(f_values, logits), 6))
    for name, value in terms.items():
        print(f"C3 {name:<17}", np.round(value, 6))
    g_cat, se_cat = categorical_score_function_estimate(lambda x: f_values[x], logits, n, rng)
    print("C4 categorical      ", np.round(g_cat, 4), "± ", np.round(se_cat, 4))

    T, K = 20, 4
    seq_theta = rng.normal(size=(T, K))
    reward = np.arange(K, dtype=float)                       # f(x) = Σ_t r[x_t], r = (0, 1, 2, 3)
    g_seq, se_seq = sequence_score_function_estimate(lambda x: reward[x].sum(axis=1), seq_theta, 20_000, rng)
    p_seq = np.stack([softmax(row) for row in seq_theta])
    exact_seq = p_seq * (reward[None, :] - (p_seq @ reward)[:, None])  # ∂/∂θ_t Σ_t p_t·r = p_t ⊙ (r − p_t·r)
    z = np.abs(g_seq - exact_seq) / se_seq
    print(f"C5 {K}^{T} = {K**T:.2e} sequences, 20000 sampled: max |estimate − exact| / se = {z.max():.2f}")
