"""REINFORCE on Gymnasium's CartPole-v1: the policy-gradient page's estimator, trained for real.

Shown on the agent page (docs/en/agent.md, docs/zh/agent.md), which trains it while the site builds.
The mathematics is imported, not rewritten: R(τ), the reward-to-go R̂_t and the surrogate loss come
from snippets/policy_gradient.py, the code the policy-gradient page shows (formulas D3, D8, D9).
Only the baseline is new here. Run: python snippets/reinforce_cartpole.py (trains seed 0 until
solved), or with --smoke (a few updates: checks that the loop runs, in seconds).
"""
from __future__ import annotations

import math
import time

import numpy as np
import torch

from policy_gradient import reward_to_go, surrogate_loss, trajectory_return

ESTIMATORS = ("trajectory_return", "reward_to_go", "reward_to_go_baseline")


# --8<-- [start:config]
from dataclasses import dataclass


@dataclass(frozen=True)
class Config:
    """Everything that determines a training run (with the library versions)."""

    seed: int = 0
    """Seeds the initial weights (torch), the action draws (numpy) and the environments' starts."""
    estimator: str = "reward_to_go_baseline"
    """The weight w_t of log πθ(a_t|s_t) in the loss: "trajectory_return" (R(τ_i) at every step, the
    notes' D8/D9), "reward_to_go" (R̂_t = Σ_{t'≥t} r_t') or "reward_to_go_baseline" (R̂_t − b_t)."""
    episodes_per_update: int = 32
    """n in D8: episodes per gradient estimate, played side by side in one vector environment."""
    hidden: int = 32
    """Width of the policy's single tanh hidden layer."""
    learning_rate: float = 0.02
    """Adam's step size α for the ascent θ ← θ + α · (direction from ∇θ J)."""
    max_env_steps: int = 500_000
    """Budget: no new update starts once this many environment steps have been taken."""
    stop_when_solved: bool = True
    """Stop as soon as the mean return of the last `solved_window` episodes reaches `solved_return`."""
    solved_return: float = 475.0
    """CartPole-v1's threshold: an episode lasts at most 500 steps, one reward per step."""
    solved_window: int = 100
    """How many of the most recent finished episodes the solved test averages."""
# --8<-- [end:config]


# --8<-- [start:policy]
import torch


def make_policy(hidden, seed):
    """πθ(a|s): a 4 → hidden → 2 MLP whose outputs are the logits of a = 0 (push left), 1 (right)."""
    torch.manual_seed(seed)
    return torch.nn.Sequential(
        torch.nn.Linear(4, hidden), torch.nn.Tanh(),   # s = (x, ẋ, ϑ, ϑ̇) -> features
        torch.nn.Linear(hidden, 2),                     # -> logits; πθ(·|s) = softmax(logits)
    )


def log_prob(policy, states, actions):
    """log πθ(a_t|s_t) for every step: states (N, 4), actions (N,) -> (N,), differentiable in θ."""
    logits = policy(torch.as_tensor(states, dtype=torch.float32))
    return torch.log_softmax(logits, dim=-1).gather(1, torch.as_tensor(actions)[:, None])[:, 0]
# --8<-- [end:policy]


# --8<-- [start:rollout]
import numpy as np
import torch


def play_episodes(envs, policy, rng):
    """One episode in each of the n environments of a Gymnasium vector env, all under the same πθ.

    Returns states (T, n, 4), actions (T, n), rewards (T, n) and running (T, n): running[t, i] is
    True while step t belongs to episode i; T is the longest episode. Steps after an episode ended
    (the vector env has already started another one there) are masked out, not used.
    """
    s, _ = envs.reset()
    n = envs.num_envs
    states, actions, rewards, running = [], [], [], []
    alive = np.ones(n, dtype=bool)
    while alive.any():
        with torch.inference_mode():
            p_right = torch.softmax(policy(torch.from_numpy(s)), dim=-1)[:, 1].numpy()  # πθ(1|s_t), (n,)
        if not np.isfinite(p_right).all():
            raise FloatingPointError("action probabilities are not finite")
        a = (rng.random(n) < p_right).astype(np.int64)                   # a_t ~ πθ(·|s_t)
        s_next, r, terminated, truncated, _ = envs.step(a)
        states.append(s), actions.append(a), rewards.append(r * alive), running.append(alive)
        alive = alive & ~(terminated | truncated)                         # the episode ends at this step
        s = s_next
    return np.array(states), np.array(actions), np.array(rewards), np.array(running)
# --8<-- [end:rollout]


# --8<-- [start:baseline]
import numpy as np


def leave_one_out_baseline(rtg, running):
    """b_t^(i) = mean of R̂_t^(j) over the OTHER episodes j ≠ i still running at step t: (T, n) -> (T, n).

    It uses nothing from episode i, so E[∇θ log πθ(a_t|s_t) b_t^(i)] = 0: subtracting it leaves the
    gradient estimate unbiased. Where no other episode is running, b = 0.
    """
    total = (rtg * running).sum(axis=1, keepdims=True)    # Σ_j R̂_t^(j) over running j, (T, 1)
    count = running.sum(axis=1, keepdims=True)            # how many are running at t, (T, 1)
    others = np.maximum(count - 1, 1)
    return np.where(running & (count > 1), (total - rtg * running) / others, 0.0)
# --8<-- [end:baseline]


# --8<-- [start:weights]
import numpy as np


def estimator_weights(rewards, running, estimator):
    """w_t for every step, episode after episode (the order of Σ_i Σ_t): (T, n) -> (N,), N = Σ_i T_i."""
    lengths = running.sum(axis=0)                               # T_i, (n,)
    episodes = [rewards[:T, i] for i, T in enumerate(lengths)]  # r_0 … r_{T_i - 1} of episode i
    if estimator == "trajectory_return":                        # the notes: R(τ_i) at every step
        return np.concatenate([np.full(len(r), trajectory_return(r)) for r in episodes])
    rtg = [reward_to_go(r) for r in episodes]                   # R̂_t of each episode
    if estimator == "reward_to_go":
        return np.concatenate(rtg)
    if estimator == "reward_to_go_baseline":
        padded = np.zeros(rewards.shape)
        for i, g in enumerate(rtg):
            padded[: len(g), i] = g                             # R̂_t^(i), 0 after the end, (T, n)
        advantage = padded - leave_one_out_baseline(padded, running)
        return np.concatenate([advantage[:T, i] for i, T in enumerate(lengths)])
    raise ValueError(f"unknown estimator {estimator!r}; expected one of {ESTIMATORS}")


def episode_major(x, running):
    """The steps of (T, n, ...) arrays in the same order, episode after episode: (N, ...)."""
    return np.swapaxes(x, 0, 1)[running.T]
# --8<-- [end:weights]


# --8<-- [start:loss]
import numpy as np
import torch


def reinforce_loss(policy, states, actions, weights, n_episodes):
    """The surrogate loss D9 with weights w_t; its gradient is −(1/n) Σ_i Σ_t ∇θ log πθ(a_t|s_t) w_t.

    The weights are first divided by their root mean square over the batch: one positive number per
    update, which keeps the step size steady while the returns grow from ~20 to 500 and leaves the
    direction of the estimate unchanged.
    """
    scale = float(np.sqrt(np.mean(np.square(weights)))) or 1.0   # root mean square of the w_t
    return surrogate_loss(log_prob(policy, states, actions), weights / scale, n_episodes)
# --8<-- [end:loss]


class TrainingDiverged(RuntimeError):
    """A run produced a non-finite loss, probability or parameter."""


# --8<-- [start:train]
import time
from collections import deque

import gymnasium as gym
import numpy as np
import torch


def train(config, on_update=None):
    """REINFORCE: play n episodes, step along the policy-gradient estimate, repeat. Returns a dict."""
    torch.set_num_threads(1)                      # tiny network: threads only add overhead
    torch.use_deterministic_algorithms(True)      # same seed, same numbers
    policy = make_policy(config.hidden, config.seed)
    optimizer = torch.optim.Adam(policy.parameters(), lr=config.learning_rate)
    rng = np.random.default_rng(config.seed)
    envs = gym.make_vec("CartPole-v1", num_envs=config.episodes_per_update,
                        vectorization_mode="vector_entry_point")
    envs.reset(seed=config.seed)
    recent = deque(maxlen=config.solved_window)   # returns of the last finished episodes
    log = {"env_steps": [], "mean_return": [], "recent_mean": []}
    env_steps, episodes, solved, start = 0, 0, None, time.perf_counter()
    update = 0
    while env_steps < config.max_env_steps:
        try:
            states, actions, rewards, running = play_episodes(envs, policy, rng)
            weights = estimator_weights(rewards, running, config.estimator)     # w_t, (N,)
            loss = reinforce_loss(policy, episode_major(states, running),
                                  episode_major(actions, running), weights, running.shape[1])
            if not torch.isfinite(loss):
                raise FloatingPointError(f"loss is {loss.item()}")
        except FloatingPointError as error:
            raise TrainingDiverged(f"REINFORCE diverged: seed {config.seed}, update {update}: {error}") from None
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()                          # θ ← θ − α·Adam(∇θ Loss): ascent on J(θ)
        returns = rewards.sum(axis=0)             # R(τ_i) of this batch, (n,)
        env_steps += int(running.sum())
        episodes += len(returns)
        recent.extend(returns.tolist())
        log["env_steps"].append(env_steps)
        log["mean_return"].append(float(returns.mean()))
        log["recent_mean"].append(float(np.mean(recent)))
        if on_update is not None:
            on_update(update, policy)
        update += 1
        if solved is None and len(recent) == recent.maxlen and np.mean(recent) >= config.solved_return:
            solved = {"update": update, "env_steps": env_steps, "episodes": episodes,
                      "wall_s": time.perf_counter() - start}
            if config.stop_when_solved:
                break
    envs.close()
    return {"log": log, "solved": solved, "updates": update, "env_steps": env_steps,
            "wall_s": time.perf_counter() - start, "policy": policy}
# --8<-- [end:train]


# --8<-- [start:gradient_variance]
import gymnasium as gym
import numpy as np
import torch


def gradient_estimates(policy, n_batches, n_episodes, seed):
    """D8 estimates ĝ = (1/n) Σ_i Σ_t ∇θ log πθ(a_t|s_t) w_t at ONE fixed πθ, for every estimator.

    Each batch of n episodes is used by all three estimators, so they differ only in w_t.
    Returns {estimator: (n_batches, d)}, d = number of parameters.
    """
    torch.set_num_threads(1)
    rng = np.random.default_rng(seed)
    envs = gym.make_vec("CartPole-v1", num_envs=n_episodes, vectorization_mode="vector_entry_point")
    envs.reset(seed=seed)
    out = {name: [] for name in ESTIMATORS}
    for _ in range(n_batches):
        states, actions, rewards, running = play_episodes(envs, policy, rng)
        log_pi = log_prob(policy, episode_major(states, running), episode_major(actions, running))
        for name in ESTIMATORS:
            w = estimator_weights(rewards, running, name)
            policy.zero_grad()
            surrogate_loss(log_pi, w, n_episodes).backward(retain_graph=True)  # raw w_t: no scaling
            out[name].append(-torch.cat([p.grad.ravel() for p in policy.parameters()]).numpy())
    envs.close()
    return {name: np.array(g) for name, g in out.items()}


def total_variance(estimates):
    """tr Cov[ĝ] = Σ_k Var[ĝ_k], from the spread of independent estimates (m, d)."""
    return float(estimates.var(axis=0, ddof=1).sum())
# --8<-- [end:gradient_variance]


if __name__ == "__main__":
    import sys

    smoke = sys.argv[1:] == ["--smoke"]   # the full solve is also timed by benchmarks/bench_reinforce_cartpole.py
    result = train(Config(seed=0, max_env_steps=3_000) if smoke else Config(seed=0))
    s = result["solved"]
    print(f"seed 0: mean of the last 100 returns {result['log']['recent_mean'][-1]:.1f} "
          f"(threshold 475) after {result['env_steps']} env steps, {result['updates']} updates, "
          f"{result['wall_s']:.1f} s")
    assert s is not None or smoke, "not solved within the budget"
