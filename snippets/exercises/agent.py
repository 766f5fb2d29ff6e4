"""Exercises of the agent page (REINFORCE on CartPole): checkers and reference solutions.

Shown on the page (section #exercises): each checker under exercises/checking.py in a folded block,
each solution folded away. The checkers compare with exact values (explicit sums, autograd), never
with the solutions below. The stubs the reader fills in are in agent_stubs.py.
"""
from .checking import answer, compare_with_exact, say, verdict  # on the page, shown above each checker

# --8<-- [start:check_masked_reward_to_go]
import numpy as np


def check_masked_reward_to_go(fn, lang="en"):
    """masked_reward_to_go against the sums written out step by step, on three seeded batches."""
    rng = np.random.default_rng(13)

    def batch(lengths, cartpole=False):
        T = max(lengths)
        running = np.arange(T)[:, None] < np.array(lengths)[None, :]           # (T, n)
        rewards = np.ones((T, len(lengths))) if cartpole else rng.normal(1.0, 2.0, size=(T, len(lengths)))
        rewards[~running] = rng.normal(5.0, 1.0, size=(~running).sum())         # the next episode's rewards
        return rewards, running

    def sums(rewards, running, steps):
        """Σ over the steps k of the same episode that steps(t) lists, at every running step."""
        T, n = rewards.shape
        out = np.zeros((T, n))
        for i in range(n):
            for t in range(T):
                if running[t, i]:
                    out[t, i] = sum(rewards[k, i] for k in steps(t, T) if running[k, i])
        return out

    def check(rewards, running):
        got = answer(fn, "masked_reward_to_go", (rewards.copy(), running.copy()), rewards.shape, lang)
        exact = sums(rewards, running, lambda t, T: range(t, T))
        unmasked = np.cumsum(rewards[::-1], axis=0)[::-1]                       # sums into the next episode
        mistakes = [
            (("reward-to-go summed over the past instead of the future (Σ_{t' ≤ t})",
              "把未来回报对过去求和了，应当对未来求和（写成了 Σ_{t' ≤ t}）"), sums(rewards, running, lambda t, T: range(t + 1))),
            (("r_t itself left out: the reward-to-go starts at t' = t, not t + 1",
              "漏掉了 r_t 本身：未来回报从 t' = t 开始，而不是 t + 1"), sums(rewards, running, lambda t, T: range(t + 1, T))),
            (("the whole return R(τ) at every step (the notes' estimator), not the reward-to-go",
              "每一步都用了整条轨迹的回报 R(τ)（笔记里的估计量），而不是未来回报"), sums(rewards, running, lambda t, T: range(T))),
            (("the mask is ignored: the rewards of the next episode (running False) were added",
              "忽略了掩码：把下一个回合的奖励（running 为 False 的步）也加了进去"), unmasked * running),
            (("the mask is ignored: the rewards of the next episode (running False) were added",
              "忽略了掩码：把下一个回合的奖励（running 为 False 的步）也加了进去"), unmasked),
        ]
        compare_with_exact(got, exact, mistakes, 1e-9, lang)

    cases = [(batch([7, 4, 1]), say(lang, "episodes of 7, 4 and 1 steps, random rewards", "长度为 7、4、1 步的回合，随机奖励")),
             (batch([5, 2, 3, 5], cartpole=True), say(lang, "CartPole's rewards (1 per step), 4 episodes", "CartPole 的奖励（每步 1），4 个回合")),
             (batch([6, 6]), say(lang, "two episodes of the same length", "两个等长的回合"))]
    checks = [(what, lambda data=data: check(*data)) for data, what in cases]
    return verdict("masked_reward_to_go", checks, lang)
# --8<-- [end:check_masked_reward_to_go]


# --8<-- [start:check_softmax_entropy_gradient]
import numpy as np
import torch


def check_softmax_entropy_gradient(fn, lang="en"):
    """softmax_entropy_gradient against autograd of H(softmax(z)) = −Σ π log π, row by row, on seeded
    logits: two actions as in CartPole, four actions, and logits far apart or near 1000."""
    name = "softmax_entropy_gradient"
    rng = np.random.default_rng(17)
    cases = [(say(lang, "5 states, 2 actions", "5 个状态，2 个动作"), rng.normal(0.0, 1.5, size=(5, 2))),
             (say(lang, "4 states, 4 actions", "4 个状态，4 个动作"), rng.normal(0.0, 2.0, size=(4, 4))),
             (say(lang, "logits near 1000 and logits 800 apart", "logit 在 1000 附近，以及相差 800 的 logit"),
              np.array([[1000.0, 999.0, 1001.5], [0.0, -800.0, 1.0], [3.0, 3.0, 3.0]]))]

    def autograd(logits, of_minus_entropy=False):
        z = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
        log_pi = torch.log_softmax(z, dim=1)
        entropy = -(log_pi.exp() * torch.where(log_pi.exp() > 0, log_pi, 0.0)).sum()   # rows add up: each row's own gradient
        (-entropy if of_minus_entropy else entropy).backward()
        return z.grad.numpy()

    def check(logits):
        got = answer(fn, name, (logits.copy(),), logits.shape, lang)
        exact = autograd(logits)
        z = logits - logits.max(axis=1, keepdims=True)
        log_pi = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        pi = np.exp(log_pi)
        mistakes = [
            (("a sign flip: the gradient of −H (the loss term), not of the bonus H",
              "符号反了：这是 −H（损失里那一项）的梯度，而不是熵奖励 H 的梯度"), -exact),
            (("∂H/∂π, not ∂H/∂z: the softmax's Jacobian ∂π_j/∂z_k = π_j (δ_jk − π_k) is missing",
              "算成了 ∂H/∂π 而不是 ∂H/∂z：漏掉了 softmax 的雅可比矩阵 ∂π_j/∂z_k = π_j (δ_jk − π_k)"), -(log_pi + 1)),
            (("the −π_k part of the softmax's Jacobian is missing: −π_k (log π_k + 1) instead of −π_k (log π_k + H)",
              "漏掉了 softmax 雅可比矩阵里的 −π_k 那一项：写成了 −π_k (log π_k + 1)，应为 −π_k (log π_k + H)"),
             -pi * (log_pi + 1)),
        ]
        compare_with_exact(got, exact, mistakes, 1e-9, lang)

    checks = [(what, lambda logits=logits: check(logits)) for what, logits in cases]
    return verdict(name, checks, lang)
# --8<-- [end:check_softmax_entropy_gradient]


# --8<-- [start:check_linear_softmax_gradient]
import numpy as np
import torch


def check_linear_softmax_gradient(fn, lang="en"):
    """linear_softmax_gradient against autograd of (1/n) Σ_t log πθ(a_t|s_t) w_t, on three seeded batches."""
    rng = np.random.default_rng(7)

    def autograd(theta, states, actions, weights, n, of_log=True):
        params = torch.tensor(theta, dtype=torch.float64, requires_grad=True)
        log_pi = torch.log_softmax(torch.as_tensor(states) @ params, dim=1)[torch.arange(len(actions)), torch.as_tensor(actions)]
        chosen = log_pi if of_log else log_pi.exp()                            # log π(a|s), or π(a|s) itself
        (chosen * torch.as_tensor(weights)).sum().div(n).backward()
        return params.grad.numpy()

    def check(theta, states, actions, weights, n):
        args = (theta.copy(), states.copy(), actions.copy(), weights.copy(), n)
        got = answer(fn, "linear_softmax_gradient", args, theta.shape, lang)
        exact = autograd(theta, states, actions, weights, n)
        mistakes = [
            (("a sign flip: the gradient of the loss (descent), not of J (ascent)",
              "符号反了：这是损失的梯度（下降方向），而不是 J 的梯度（上升方向）"), -exact),
            (("a missing 1/n: the sum over the episodes, not their mean", "少了 1/n：对回合求和而没有取平均"), n * exact),
            (("divided by the number of steps N instead of the number of episodes n",
              "除以了步数 N，而不是回合数 n"), exact * n / len(actions)),
            (("∇π used where ∇log π belongs (the score times π(a|s))", "把 ∇π 当成了 ∇log π（得分函数多乘了 π(a|s)）"),
             autograd(theta, states, actions, weights, n, of_log=False)),
            (("the −π(·|s) of the softmax score is missing: s e_aᵀ instead of s (e_a − π)ᵀ",
              "在 softmax 的得分函数里漏掉了 −π(·|s)：写成了 s e_aᵀ，而不是 s (e_a − π)ᵀ"),
             (states.T @ (np.eye(2)[actions] * weights[:, None])) / n),
        ]
        compare_with_exact(got, exact, mistakes, 1e-8, lang)

    cases = []
    for steps, n in [(9, 3), (12, 4), (6, 2)]:
        cases.append((rng.normal(0.0, 1.0, size=(4, 2)), rng.normal(0.0, 1.0, size=(steps, 4)),
                      rng.integers(0, 2, size=steps), rng.normal(0.0, 2.0, size=steps), n))
    checks = [(say(lang, f"{len(c[2])} steps of {c[4]} episodes", f"{c[4]} 个回合共 {len(c[2])} 步"),
               lambda c=c: check(*c)) for c in cases]
    return verdict("linear_softmax_gradient", checks, lang)
# --8<-- [end:check_linear_softmax_gradient]


# --8<-- [start:masked_reward_to_go]
import numpy as np


def masked_reward_to_go(rewards, running):
    """R̂_t = Σ_{t' ≥ t} r_t' within each episode of the batch, 0 where not running: (T, n) -> (T, n)."""
    mine = np.where(running, rewards, 0.0)                 # drop the next episode's rewards
    return np.cumsum(mine[::-1], axis=0)[::-1] * running   # sums from the end backwards
# --8<-- [end:masked_reward_to_go]


# --8<-- [start:softmax_entropy_gradient]
import numpy as np


def softmax_entropy_gradient(logits):
    """∂H/∂z_k = −π_k (log π_k + H) for π = softmax(z), H = −Σ_k π_k log π_k, row by row: (N, A)."""
    shifted = logits - logits.max(axis=1, keepdims=True)    # softmax(z) = softmax(z − max z): no overflow
    log_pi = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    pi = np.exp(log_pi)                                     # may underflow to 0; log_pi stays finite
    entropy = -(pi * log_pi).sum(axis=1, keepdims=True)
    return -pi * (log_pi + entropy)
# --8<-- [end:softmax_entropy_gradient]


# --8<-- [start:linear_softmax_gradient]
import numpy as np


def linear_softmax_gradient(theta, states, actions, weights, n_episodes):
    """(1/n) Σ_t s_t (e_{a_t} − πθ(·|s_t))ᵀ w_t for πθ(·|s) = softmax(s θ): shape (4, 2)."""
    logits = states @ theta                                # (N, 2)
    pi = np.exp(logits - logits.max(axis=1, keepdims=True))
    pi /= pi.sum(axis=1, keepdims=True)                    # πθ(·|s_t), (N, 2)
    score_of_logits = np.eye(2)[actions] - pi              # ∇_logits log πθ(a_t|s_t) = e_a − π
    return states.T @ (score_of_logits * weights[:, None]) / n_episodes   # chain rule: logits = s θ
# --8<-- [end:linear_softmax_gradient]
