"""A Gaussian policy learns a one-dimensional continuous bandit (formulas L1-L2).

Shown on the continuous-actions page (docs/en/continuous-actions.md, docs/zh/continuous-actions.md),
which trains it while the site builds. The score of the Gaussian is imported, not written again: it is
`gaussian_score` of snippets/log_derivative.py, the function the log-derivative page derives (B1).
Run: python snippets/continuous_actions.py (trains seed 0 and prints where it ends).
"""
from __future__ import annotations

import numpy as np

from log_derivative import gaussian_score

# --8<-- [start:bandit]
import numpy as np

BEST_ACTION = 2.0    # a*: the action with the highest mean reward
REWARD_NOISE = 0.5   # η: standard deviation of the noise added to every reward


def reward(actions, rng):
    """r = −(a − a*)² + η ξ with ξ ~ N(0, 1): one noisy reward per action."""
    actions = np.asarray(actions, dtype=float)
    return -(actions - BEST_ACTION) ** 2 + REWARD_NOISE * rng.standard_normal(actions.shape)


def expected_reward(theta):
    """J(θ) = E_{a~N(μ, σ²)}[r(a)] = −(μ − a*)² − σ², θ = (μ, log σ)."""
    mu, sigma = theta[0], np.exp(theta[1])
    return -(mu - BEST_ACTION) ** 2 - sigma**2


def expected_reward_gradient(theta):
    """∇θ J = (∂J/∂μ, ∂J/∂log σ) = (−2(μ − a*), −2σ²)."""
    mu, sigma = theta[0], np.exp(theta[1])
    return np.array([-2 * (mu - BEST_ACTION), -2 * sigma**2])
# --8<-- [end:bandit]


# --8<-- [start:estimator]
import numpy as np


def bandit_gradient_estimate(theta, actions, rewards):
    """(1/n) Σ_i (r_i − b_i) ∇θ log πθ(a_i), b_i the mean of the OTHER n − 1 rewards; and its
    standard error. b_i does not depend on a_i, so it adds no bias. Both of shape (2,)."""
    n = len(rewards)
    baseline = (rewards.sum() - rewards) / (n - 1)                      # b_i, (n,)
    terms = (rewards - baseline)[:, None] * gaussian_score(actions, theta)  # (n, 2)
    return terms.mean(axis=0), terms.std(axis=0, ddof=1) / np.sqrt(n)
# --8<-- [end:estimator]


# --8<-- [start:train]
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Config:
    """Everything that determines a training run."""

    seed: int = 0
    """Seeds the action draws and the reward noise."""
    updates: int = 300
    """How many gradient steps."""
    batch: int = 16
    """n: actions drawn from πθ per gradient estimate."""
    step_size: float = 0.05
    """α in θ ← θ + α ĝ."""
    start: tuple = (0.0, 0.0)
    """θ_0 = (μ, log σ): the policy N(0, 1)."""


def train(config):
    """REINFORCE on the bandit: θ ← θ + α ĝ. Returns θ_k, J(θ_k) and the batch's mean reward per update."""
    rng = np.random.default_rng(config.seed)
    theta = np.array(config.start, dtype=float)
    thetas, batch_rewards = [theta], []
    for _ in range(config.updates):
        actions = rng.normal(theta[0], np.exp(theta[1]), size=config.batch)   # a_i ~ N(μ, σ²)
        rewards = reward(actions, rng)
        gradient, _ = bandit_gradient_estimate(theta, actions, rewards)
        theta = theta + config.step_size * gradient                            # gradient ascent
        thetas.append(theta)
        batch_rewards.append(rewards.mean())
    thetas = np.array(thetas)                                                  # (updates + 1, 2)
    return {"theta": thetas, "expected_reward": np.array([expected_reward(t) for t in thetas]),
            "batch_reward": np.array(batch_rewards)}
# --8<-- [end:train]


if __name__ == "__main__":
    config = Config()
    run = train(config)
    mu, sigma = run["theta"][-1, 0], np.exp(run["theta"][-1, 1])
    print(f"a* = {BEST_ACTION}, best J = 0 (σ → 0). Seed {config.seed}, {config.updates} updates of "
          f"{config.batch} actions: J from {run['expected_reward'][0]:.3f} to {run['expected_reward'][-1]:.4f}, "
          f"μ = {mu:.3f}, σ = {sigma:.3f}")
    theta, rng, estimates = np.array(config.start), np.random.default_rng(1), []
    for _ in range(4000):                                    # 4000 independent batches at θ_0
        actions = rng.normal(theta[0], np.exp(theta[1]), size=config.batch)
        estimates.append(bandit_gradient_estimate(theta, actions, reward(actions, rng))[0])
    mean, se = np.mean(estimates, axis=0), np.std(estimates, axis=0, ddof=1) / np.sqrt(len(estimates))
    print(f"at θ_0: mean of 4000 estimates {np.round(mean, 3)} ± {np.round(se, 3)}, exact ∇J {expected_reward_gradient(theta)}")
