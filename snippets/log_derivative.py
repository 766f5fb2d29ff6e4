"""The log-derivative trick: ∇θ log p(x;θ) = ∇θ p(x;θ) / p(x;θ), hence ∇θ p = p ∇θ log p.

Shown on the log-derivative-trick page (formulas B1-B3). Run: python snippets/log_derivative.py
The score ∇θ log p of a Gaussian N(μ, σ²) with θ = (μ, log σ) and of a categorical softmax(θ),
written by hand, checked by central finite differences and by torch autograd.
"""

# --8<-- [start:gaussian_score]
import numpy as np


def gaussian_log_density(x, theta):
    """log N(x; μ, σ²) = −(x − μ)²/(2σ²) − log σ − ½ log 2π, θ = (μ, log σ)."""
    mu, log_sigma = theta
    z = (x - mu) / np.exp(log_sigma)
    return -0.5 * z**2 - log_sigma - 0.5 * np.log(2 * np.pi)


def gaussian_density(x, theta):
    """N(x; μ, σ²), with θ = (μ, log σ)."""
    return np.exp(gaussian_log_density(x, theta))


def gaussian_score(x, theta):
    """∇θ log N(x; μ, σ²) = ((x − μ)/σ², (x − μ)²/σ² − 1), θ = (μ, log σ).

    x a number -> shape (2,); x an array (n,) -> (n, 2), one score per sample.
    """
    mu, log_sigma = theta
    sigma = np.exp(log_sigma)
    z = (np.asarray(x, dtype=float) - mu) / sigma      # standardised x
    return np.stack([z / sigma, z**2 - 1], axis=-1)     # [∂/∂μ, ∂/∂log σ]
# --8<-- [end:gaussian_score]


# --8<-- [start:softmax_score]
import numpy as np


def softmax(theta):
    """softmax(θ)_k = exp(θ_k) / Σ_j exp(θ_j), for logits θ of shape (K,)."""
    z = np.exp(theta - np.max(theta))
    return z / z.sum()


def softmax_log_prob(a, theta):
    """log softmax(θ)_a = θ_a − log Σ_j exp(θ_j)."""
    return theta[a] - np.max(theta) - np.log(np.sum(np.exp(theta - np.max(theta))))


def softmax_score(a, theta):
    """∇θ log softmax(θ)_a = e_a − softmax(θ).

    a an int -> shape (K,); a an int array (n,) -> (n, K), one score per action.
    """
    return np.eye(len(theta))[a] - softmax(theta)
# --8<-- [end:softmax_score]


# --8<-- [start:finite_difference]
import numpy as np


def central_difference(fn, theta, h=1e-5):
    """∇θ fn(θ) ≈ [fn(θ + h e_j) − fn(θ − h e_j)] / 2h for each j; error O(h²)."""
    theta = np.asarray(theta, dtype=float)
    grad = np.zeros_like(theta)
    for j in range(theta.size):
        step = np.zeros_like(theta)
        step.flat[j] = h
        grad.flat[j] = (fn(theta + step) - fn(theta - step)) / (2 * h)
    return grad
# --8<-- [end:finite_difference]


# --8<-- [start:chain_rule]
import numpy as np


def log_derivative_sides(p, theta, h=1e-5):
    """Both sides of ∇θ log p(θ) = ∇θ p(θ) / p(θ) by central differences; p(θ) > 0."""
    grad_log_p = central_difference(lambda t: np.log(p(t)), theta, h)  # ∇θ log p
    grad_p_over_p = central_difference(p, theta, h) / p(theta)         # ∇θ p / p
    return grad_log_p, grad_p_over_p
# --8<-- [end:chain_rule]


# --8<-- [start:probability_gradient]
import numpy as np


def probability_gradient(p, score, theta):
    """∇θ p(θ) = p(θ) ∇θ log p(θ): a probability's gradient from its score."""
    return p(theta) * score(theta)
# --8<-- [end:probability_gradient]


# --8<-- [start:autograd_score]
import torch


def gaussian_score_autograd(x, theta):
    """∇θ log N(x; μ, σ²) at θ = (μ, log σ), by autograd through torch's Normal."""
    theta = torch.tensor(theta, dtype=torch.float64, requires_grad=True)
    mu, sigma = theta[0], theta[1].exp()
    x = torch.tensor(x, dtype=torch.float64)
    log_p = torch.distributions.Normal(mu, sigma).log_prob(x)
    (grad,) = torch.autograd.grad(log_p, theta)
    return grad.numpy()


def softmax_score_autograd(a, theta):
    """∇θ log softmax(θ)_a, by autograd through torch.log_softmax."""
    theta = torch.tensor(theta, dtype=torch.float64, requires_grad=True)
    log_p = torch.log_softmax(theta, dim=0)[a]
    (grad,) = torch.autograd.grad(log_p, theta)
    return grad.numpy()
# --8<-- [end:autograd_score]


# --8<-- [start:policy_score]
import numpy as np


def policy_in_state(theta, s):
    """π_θ(·|s) = softmax(θ_s): a table of logits θ (S, A), one softmax per state."""
    return softmax(theta[s])


def policy_score(theta, s, a):
    """∇θ log π_θ(s, a), shape (S, A): row s is e_a − π_θ(·|s), other rows 0."""
    score = np.zeros_like(theta)
    score[s] = softmax_score(a, theta[s])
    return score


def policy_probability_gradient(theta, s, a):
    """∇θ π_θ(s, a) = π_θ(s, a) ∇θ log π_θ(s, a)."""
    return policy_in_state(theta, s)[a] * policy_score(theta, s, a)
# --8<-- [end:policy_score]


# --8<-- [start:policy_autograd]
import torch


def policy_probability_gradient_autograd(theta, s, a):
    """∇θ π_θ(s, a) for π_θ(·|s) = softmax(θ_s): autograd on the probability, no log."""
    theta = torch.tensor(theta, dtype=torch.float64, requires_grad=True)
    prob = torch.softmax(theta[s], dim=0)[a]
    (grad,) = torch.autograd.grad(prob, theta)
    return grad.numpy()
# --8<-- [end:policy_autograd]


# --8<-- [start:fisher_information]
import numpy as np


def fisher_information(theta):
    """Fisher information F(θ) = E_{a~p}[s_a s_aᵀ] = Σ_a p(a) s_a s_aᵀ, a (K, K) matrix.

    p = softmax(θ) and s_a = ∇θ log p(a) = e_a − p is the score.
    """
    p = softmax(theta)
    scores = softmax_score(np.arange(len(theta)), theta)   # (K, K), row a is e_a − p
    return scores.T @ (p[:, None] * scores)
# --8<-- [end:fisher_information]


if __name__ == "__main__":
    # B1 for the Gaussian: the hand-written score against both sides by central differences, and autograd
    x, theta = 2.3, np.array([1.0, np.log(2.0)])             # N(x; μ = 1, σ = 2)
    score = gaussian_score(x, theta)
    left, right = log_derivative_sides(lambda t: gaussian_density(x, t), theta)
    print(f"B1 Gaussian score at x = {x}, μ = 1, σ = 2: {score} = ((x − μ)/σ², (x − μ)²/σ² − 1)")
    print(f"   max |score − ∇log p (c.d.)| = {np.abs(left - score).max():.1e}, "
          f"|score − ∇p/p (c.d.)| = {np.abs(right - score).max():.1e}, "
          f"|score − autograd| = {np.abs(gaussian_score_autograd(x, theta) - score).max():.1e}")

    # B2: ∇θ p = p ∇θ log p, against central differences of p itself
    p = lambda t: gaussian_density(x, t)
    grad_p = probability_gradient(p, lambda t: gaussian_score(x, t), theta)
    print(f"B2 Gaussian p = {p(theta):.6f}, p · score = {np.round(grad_p, 6)}, "
          f"max |p · score − ∇p (c.d.)| = {np.abs(grad_p - central_difference(p, theta)).max():.1e}")

    # B1 for the categorical: e_a − softmax(θ)
    a, logits = 2, np.array([0.5, -1.0, 2.0, 0.0])
    score = softmax_score(a, logits)
    left, right = log_derivative_sides(lambda t: softmax(t)[a], logits)
    print(f"B1 softmax score, a = {a}, θ = {logits}: {np.round(score, 6)} = e_a − {np.round(softmax(logits), 6)}")
    print(f"   max |score − ∇log p (c.d.)| = {np.abs(left - score).max():.1e}, "
          f"|score − ∇p/p (c.d.)| = {np.abs(right - score).max():.1e}, "
          f"|score − autograd| = {np.abs(softmax_score_autograd(a, logits) - score).max():.1e}")

    # B2 / B3: ∇θ π_θ(s, a) = π_θ(s, a) ∇θ log π_θ(s, a) for a tabular softmax policy
    table = np.random.default_rng(0).normal(size=(3, 2))     # θ: S = 3 states, A = 2 actions
    s, a = 1, 0
    by_score = policy_probability_gradient(table, s, a)
    by_autograd = policy_probability_gradient_autograd(table, s, a)
    by_difference = central_difference(lambda t: policy_in_state(t, s)[a], table)
    print("B3 ∇π(s=1, a=0) = π ∇log π  ", np.round(by_score, 6).tolist())
    print(f"B3 max |π ∇log π − autograd| = {np.abs(by_score - by_autograd).max():.1e}, "
          f"max |π ∇log π − c.d.| = {np.abs(by_score - by_difference).max():.1e}")

    # The score is a vector with mean 0; the Fisher information is a matrix, the covariance of the score
    p = softmax(logits)
    print(f"max |E[score]| = {np.abs(p @ softmax_score(np.arange(4), logits)).max():.1e}")
    print("Fisher information =\n", np.round(fisher_information(logits), 6))
