"""Exercises of the off-policy page: a checker, the reference solution, and the code of a derivation's
solution.

Shown on the page (section #exercises): the checker under exercises/checking.py in a folded block,
each solution folded away. The checker compares with autograd of the per-decision estimate of J, never
with the solution below. The stub the reader fills in is in off_policy_stubs.py.
"""
from advantage import advantage, state_visits  # on the page, the solution embeds these sections first
from policy_gradient import exact_gradient, exact_objective, policy, score, small_mdp

from .checking import answer, compare_with_exact, say, verdict  # on the page, shown above each checker

# --8<-- [start:check_per_decision_estimate]
import numpy as np
import torch


def check_per_decision_estimate(fn, lang="en"):
    """per_decision_estimate on three seeded batches, against autograd: the estimate is the gradient
    with respect to θ of the per-decision estimate of J, (1/n) Σ_i Σ_t' ρ_{0:t'}(θ) r_t'."""
    name = "per_decision_estimate"

    def batch(seed, n, T):
        rng = np.random.default_rng(seed)
        theta = rng.normal(size=(3, 2))
        theta_old = theta + rng.normal(0.0, 0.8, size=(3, 2))
        states, actions = rng.integers(3, size=(n, T + 1)), rng.integers(2, size=(n, T + 1))
        return theta, theta_old, states, actions, rng.normal(1.0, 1.0, size=(n, T + 1))

    def check(seed, n, T):
        theta, theta_old, states, actions, rewards = batch(seed, n, T)
        args = (theta.copy(), theta_old.copy(), states.copy(), actions.copy(), rewards.copy())
        got = answer(fn, name, args, theta.shape, lang)

        th = torch.tensor(theta, requires_grad=True)
        log_pi = torch.log_softmax(th, dim=1)[states, actions]                         # log πθ(a_t|s_t)
        log_old = torch.log_softmax(torch.tensor(theta_old), dim=1)[states, actions]
        r = torch.tensor(rewards)
        ratio_to = torch.exp(torch.cumsum(log_pi - log_old, dim=1))                   # ρ_{0:t}(θ)
        exact = torch.autograd.grad((ratio_to * r).sum() / n, th, retain_graph=True)[0].numpy()

        def to_go(x):                                                                  # Σ_{t' ≥ t} x_t'
            return x.flip(1).cumsum(1).flip(1)

        def scores_weighted_by(weights):                                               # Σ_t ∇log πθ(a_t|s_t) w_t / n
            return torch.autograd.grad((log_pi * weights.detach()).sum() / n, th, retain_graph=True)[0].numpy()

        rho = ratio_to.detach()
        mistakes = [
            (("no importance weights: the on-policy reward-to-go estimator, biased on the old policy's trajectories",
              "没有乘重要性权重：这是同策略的未来回报估计量，用在旧策略的轨迹上是有偏的"), scores_weighted_by(to_go(r))),
            (("the whole trajectory's ratio ρ(τ) on every reward (unbiased too, but not per decision)",
              "每个奖励都乘了整条轨迹的比率 ρ(τ)（同样无偏，但不是逐决策的）"),
             scores_weighted_by(rho[:, -1:] * to_go(r))),
            (("the ratios up to step t, ρ_{0:t}, where the reward's step t' belongs (ρ_{0:t'})",
              "比率只乘到第 t 步（ρ_{0:t}），应乘到奖励所在的第 t' 步（ρ_{0:t'}）"), scores_weighted_by(rho * to_go(r))),
            (("the ratio upside down: πθ_old / πθ", "比率倒过来了：写成了 πθ_old / πθ"), scores_weighted_by(to_go(r / rho))),
            (("the weighted rewards summed over the past instead of the future (Σ_{t' ≤ t})",
              "加权奖励求和的方向反了：加的是过去的（Σ_{t' ≤ t}），不是未来的"),
             scores_weighted_by(torch.cumsum(rho * r, dim=1))),
            (("∇p used where ∇log p belongs (each score times πθ(a_t|s_t))",
              "把 ∇p 当成了 ∇log p（每个得分函数多乘了 πθ(a_t|s_t)）"),
             scores_weighted_by(log_pi.detach().exp() * to_go(rho * r))),
            (("a missing 1/n: the sum over trajectories, not their mean", "少了 1/n：对各条轨迹求和而没有取平均"),
             n * exact),
            (("a sign flip (descent instead of ascent)", "符号反了（成了下降方向而不是上升方向）"), -exact),
        ]
        compare_with_exact(got, exact, mistakes, 1e-9, lang)

    cases = [(1, 6, 2), (2, 10, 3), (3, 4, 5)]
    checks = [(say(lang, f"{n} trajectories of {T + 1} steps (seed {seed})", f"{n} 条轨迹，每条 {T + 1} 步（种子 {seed}）"),
               lambda case=(seed, n, T): check(*case)) for seed, n, T in cases]
    return verdict(name, checks, lang)
# --8<-- [end:check_per_decision_estimate]


# --8<-- [start:per_decision_estimate]
import numpy as np


def per_decision_estimate(theta, theta_old, states, actions, rewards):
    """(1/n) Σ_i Σ_t ∇θ log πθ(a_t|s_t) Σ_{t' ≥ t} ρ_{0:t'} r_{t'}, τ_i ~ πθ_old: (S, A)."""
    n = len(states)
    log_ratio = np.log(policy(theta)[states, actions] / policy(theta_old)[states, actions])  # (n, T+1)
    weighted = np.exp(np.cumsum(log_ratio, axis=1)) * rewards      # ρ_{0:t'} r_{t'}
    to_go = np.cumsum(weighted[:, ::-1], axis=1)[:, ::-1]          # Σ_{t' ≥ t} ρ_{0:t'} r_{t'}
    return np.einsum("nt,ntpb->pb", to_go, score(theta, states, actions)) / n
# --8<-- [end:per_decision_estimate]


# --8<-- [start:surrogate_objective]
import numpy as np


def surrogate(theta, theta_old, mdp):
    """L(θ) = Σ_t Σ_s μ_t^old(s) Σ_a πθ(a|s) A_t^old(s, a): the old policy's states, the new one's actions."""
    return float(np.einsum("ts,sa,tsa->", state_visits(theta_old, mdp), policy(theta), advantage(theta_old, mdp)))


def improvement(theta, theta_old, mdp):
    """Σ_t Σ_s μ_t^θ(s) Σ_a πθ(a|s) A_t^old(s, a): the new policy's states and actions, = J(θ) − J(θ_old)."""
    return float(np.einsum("ts,sa,tsa->", state_visits(theta, mdp), policy(theta), advantage(theta_old, mdp)))


if __name__ == "__main__":
    mdp = small_mdp()
    theta_old = np.array([[0.3, -0.2], [0.0, 0.5], [-0.4, 0.1]])
    grad = exact_gradient(theta_old, mdp)
    bumps = np.eye(theta_old.size).reshape(-1, *theta_old.shape) * 1e-6   # central differences of L
    grad_L = np.array([surrogate(theta_old + b, theta_old, mdp) - surrogate(theta_old - b, theta_old, mdp)
                       for b in bumps]).reshape(theta_old.shape) / 2e-6
    print(f"L(θold) = {abs(surrogate(theta_old, theta_old, mdp)):.0e},"
          f" max |∇L(θold) − ∇J(θold)| = {np.abs(grad_L - grad).max():.0e}")
    print("   ε   J(θ) − J(θold)  new states   L(θ)     gap/ε²")
    direction = np.random.default_rng(0).normal(size=theta_old.shape)      # a step of length ε somewhere
    for eps in (0.8, 0.4, 0.2, 0.1):
        theta = theta_old + eps * direction / np.linalg.norm(direction)
        gain = exact_objective(theta, mdp) - exact_objective(theta_old, mdp)   # listed over every τ
        L = surrogate(theta, theta_old, mdp)
        print(f"{eps:5} {gain:13.6f} {improvement(theta, theta_old, mdp):11.6f} {L:10.6f} {(gain - L) / eps**2:9.4f}")
# --8<-- [end:surrogate_objective]
