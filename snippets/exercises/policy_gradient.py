"""Exercises of the policy-gradient page: checkers and reference solutions.

Shown on the page (section #exercises): each checker under exercises/checking.py in a folded block,
each solution folded away. The checkers compare_with_exact with exact values on the page's small MDP (3 states,
2 actions, T = 2), which each of them defines again so that it runs alone: autograd of the full
log πθ(τ), autograd of the surrogate loss on the same samples, and expectations by enumeration of
all 216 trajectories. They never call the solutions below. The stubs are in policy_gradient_stubs.py.
"""
from .checking import Wrong, answer, compare_with_exact, say, verdict  # on the page, shown above each checker

# --8<-- [start:check_whole_trajectory_score]
import itertools
from types import SimpleNamespace

import numpy as np
import torch


def check_whole_trajectory_score(fn, lang="en"):
    """whole_trajectory_score on all 216 trajectories of the page's small MDP, for three θ, against
    autograd of the full log πθ(τ) = log p(s_0) + Σ_t log πθ(a_t|s_t) + Σ_t log p(s_{t+1}|s_t, a_t)."""
    mdp = SimpleNamespace(p0=np.array([0.6, 0.3, 0.1]),
                          P=np.array([[[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]],
                                      [[0.5, 0.4, 0.1], [0.2, 0.2, 0.6]],
                                      [[0.3, 0.3, 0.4], [0.1, 0.1, 0.8]]]),
                          r=np.array([[0.0, -0.5], [1.0, 0.0], [2.0, 1.0]]), T=2)
    grid = np.array(list(itertools.product(range(3), range(2), repeat=mdp.T + 1)))
    states, actions = grid[:, 0::2], grid[:, 1::2]                  # every τ, (216, T + 1)
    s, a = torch.as_tensor(states), torch.as_tensor(actions)
    dynamics = (np.log(mdp.p0[states[:, 0]])                        # log p(s_0) + Σ_t log p(s_{t+1}|s_t, a_t)
                + np.log(mdp.P[states[:, :-1], actions[:, :-1], states[:, 1:]]).sum(axis=1))

    def full_log_prob(theta):                                        # log πθ(τ) of every τ, (216,)
        return torch.log_softmax(theta, dim=1)[s, a].sum(dim=1) + torch.as_tensor(dynamics)

    def check(theta):
        got = answer(fn, "whole_trajectory_score", (theta.copy(), mdp, states.copy(), actions.copy()),
                     (len(states), 3, 2), lang)
        exact = torch.autograd.functional.jacobian(full_log_prob, torch.tensor(theta), vectorize=True).numpy()
        pi = np.exp(theta) / np.exp(theta).sum(axis=1, keepdims=True)
        step = (np.eye(3)[states][..., :, None]
                * (np.eye(2)[actions] - pi[states])[..., None, :])  # ∇ log πθ(a_t|s_t), (216, T + 1, S, A)
        prob = np.exp(full_log_prob(torch.tensor(theta)).numpy())   # πθ(τ)
        mistakes = [
            (("the environment's terms kept in ∇log πθ(τ): log p(s_0) and the log p(s_{t+1}|s_t, a_t) "
              "do not depend on θ, so their gradient is zero",
              "把环境的项留在了 ∇log πθ(τ) 里：log p(s_0) 和各个 log p(s_{t+1}|s_t, a_t) 与 θ 无关，梯度为零"),
             exact + dynamics[:, None, None]),
            (("the transition terms kept in ∇log πθ(τ): the log p(s_{t+1}|s_t, a_t) do not depend on θ",
              "把转移项留在了 ∇log πθ(τ) 里：各个 log p(s_{t+1}|s_t, a_t) 与 θ 无关"),
             exact + (dynamics - np.log(mdp.p0[states[:, 0]]))[:, None, None]),
            (("∇πθ(τ) used where ∇log πθ(τ) belongs (the score times πθ(τ))",
              "把 ∇πθ(τ) 当成了 ∇log πθ(τ)（得分函数多乘了 πθ(τ)）"), exact * prob[:, None, None]),
            (("∇πθ(a_t|s_t) used where ∇log πθ(a_t|s_t) belongs",
              "把 ∇πθ(a_t|s_t) 当成了 ∇log πθ(a_t|s_t)"),
             (step * pi[states, actions][..., None, None]).sum(axis=1)),
            (("a sign flip", "符号反了"), -exact),
            (("the last action a_T left out: there are T + 1 actions but only T transitions",
              "漏掉了最后一个动作 a_T：动作有 T + 1 个，转移才是 T 个"), exact - step[:, -1]),
        ]
        compare_with_exact(got, exact, mistakes, 1e-8, lang)

    thetas = [np.array([[0.3, -0.2], [0.0, 0.5], [-0.4, 0.1]])]
    thetas += [np.random.default_rng(seed).normal(size=(3, 2)) for seed in (1, 2)]
    checks = [(say(lang, f"all 216 trajectories, θ number {k + 1}", f"全部 216 条轨迹，第 {k + 1} 个 θ"),
               lambda theta=theta: check(theta)) for k, theta in enumerate(thetas)]
    return verdict("whole_trajectory_score", checks, lang)
# --8<-- [end:check_whole_trajectory_score]


# --8<-- [start:check_reward_to_go_policy_gradient]
import itertools

import numpy as np
import torch


def check_reward_to_go_policy_gradient(fn, lang="en"):
    """reward_to_go_policy_gradient on the page's small MDP: on seeded samples, against autograd of the
    surrogate loss with reward-to-go weights; in expectation, by enumeration of all 216
    trajectories, against the exact ∇J."""
    p0 = np.array([0.6, 0.3, 0.1])
    P = np.array([[[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]],
                  [[0.5, 0.4, 0.1], [0.2, 0.2, 0.6]],
                  [[0.3, 0.3, 0.4], [0.1, 0.1, 0.8]]])
    r, T, n = np.array([[0.0, -0.5], [1.0, 0.0], [2.0, 1.0]]), 2, 40
    name = "reward_to_go_policy_gradient"

    def draw(probs, rng):                                  # one index per row of probabilities
        return (rng.random((len(probs), 1)) > probs.cumsum(axis=1)[:, :-1]).sum(axis=1)

    def sample(theta, rng):
        pi = np.exp(theta) / np.exp(theta).sum(axis=1, keepdims=True)
        s, a = np.zeros((n, T + 1), dtype=int), np.zeros((n, T + 1), dtype=int)
        s[:, 0] = draw(np.tile(p0, (n, 1)), rng)
        for t in range(T + 1):
            a[:, t] = draw(pi[s[:, t]], rng)
            if t < T:
                s[:, t + 1] = draw(P[s[:, t], a[:, t]], rng)
        return s, a, r[s, a]

    def weighted_gradient(theta, s, a, weights, per_trajectory, log=True):
        """∇θ Σ_i c_i Σ_t log πθ(a_it|s_it) w_it by autograd; log=False puts πθ where log πθ belongs."""
        theta = torch.tensor(theta, requires_grad=True)
        step = torch.log_softmax(theta, dim=1) if log else torch.softmax(theta, dim=1)
        (step[torch.as_tensor(s), torch.as_tensor(a)] * torch.as_tensor(weights * per_trajectory[:, None])).sum().backward()
        return theta.grad.numpy()

    def future(rew):                                       # Σ_{t' ≥ t} r_t'
        return np.cumsum(rew[:, ::-1], axis=1)[:, ::-1]

    def past(rew):                                         # Σ_{t' ≤ t} r_t'
        return np.cumsum(rew, axis=1)

    named = {
        "past": ("reward-to-go summed over the past (t' ≤ t) instead of the future (t' ≥ t)",
                 "未来回报求和的方向反了：加的是过去（t' ≤ t），应为未来（t' ≥ t）"),
        "whole": ("the whole return R(τ) at every step: that is (D8), not reward-to-go",
                  "每一步都乘了整条轨迹的回报 R(τ)：那是 (D8)，不是未来回报"),
        "strict": ("reward-to-go without the step's own reward (t' > t instead of t' ≥ t)",
                   "未来回报漏掉了当前这一步的奖励（应为 t' ≥ t，写成了 t' > t）"),
    }

    def on_samples(theta, seed):
        s, a, rew = sample(theta, np.random.default_rng(seed))
        got = answer(fn, name, (theta.copy(), s, a, rew.copy()), (3, 2), lang)
        mean = np.full(n, 1 / n)
        exact = weighted_gradient(theta, s, a, future(rew), mean)
        mistakes = [
            (named["past"], weighted_gradient(theta, s, a, past(rew), mean)),
            (named["whole"], weighted_gradient(theta, s, a, np.repeat(rew.sum(axis=1, keepdims=True), T + 1, axis=1), mean)),
            (named["strict"], weighted_gradient(theta, s, a, future(rew) - rew, mean)),
            (("a missing 1/n: the sum over trajectories, not their mean", "少了 1/n：对轨迹求和而没有取平均"), n * exact),
            (("a sign flip (descent instead of ascent)", "符号反了（成了下降方向而不是上升方向）"), -exact),
            (("∇πθ used where ∇log πθ belongs", "把 ∇πθ 当成了 ∇log πθ"),
             weighted_gradient(theta, s, a, future(rew), mean, log=False)),
        ]
        compare_with_exact(got, exact, mistakes, 1e-9, lang)

    grid = np.array(list(itertools.product(range(3), range(2), repeat=T + 1)))
    all_s, all_a = grid[:, 0::2], grid[:, 1::2]                       # all 216 trajectories
    all_rew = r[all_s, all_a]
    dynamics = p0[all_s[:, 0]] * P[all_s[:, :-1], all_a[:, :-1], all_s[:, 1:]].prod(axis=1)

    def trajectory_probs(theta):                                      # πθ(τ) of every τ, torch (216,)
        return torch.softmax(theta, dim=1)[all_s, all_a].prod(dim=1) * torch.as_tensor(dynamics)

    def unbiased(theta):
        theta_t = torch.tensor(theta, requires_grad=True)
        probs = trajectory_probs(theta_t)
        (probs * torch.as_tensor(all_rew.sum(axis=1))).sum().backward()
        exact = theta_t.grad.numpy()                                   # ∇J by autograd of the exact J
        probs = probs.detach().numpy()
        # E[estimate] for n = 1 is Σ_τ πθ(τ) estimate(τ): the function called on each τ alone
        got = sum(answer(fn, name, (theta.copy(), all_s[k:k + 1], all_a[k:k + 1], all_rew[k:k + 1].copy()), (3, 2), lang)
                  * probs[k] for k in range(len(probs)))
        mistakes = [(named["past"], weighted_gradient(theta, all_s, all_a, past(all_rew), probs))]
        compare_with_exact(got, exact, mistakes, 1e-9, lang)

    thetas = [np.array([[0.3, -0.2], [0.0, 0.5], [-0.4, 0.1]]), np.array([[-0.5, 0.8], [0.6, -0.3], [0.2, 0.9]])]
    checks = [(say(lang, f"{n} sampled trajectories, seed {seed}", f"{n} 条采样轨迹，种子 {seed}"),
               lambda theta=theta, seed=seed: on_samples(theta, seed)) for seed, theta in enumerate(thetas)]
    checks += [(say(lang, f"its mean over all 216 trajectories is the exact ∇J (θ number {k + 1})",
                    f"对全部 216 条轨迹的期望等于精确的 ∇J（第 {k + 1} 个 θ）"),
                lambda theta=theta: unbiased(theta)) for k, theta in enumerate(thetas)]
    return verdict(name, checks, lang)
# --8<-- [end:check_reward_to_go_policy_gradient]


# --8<-- [start:check_state_baseline_policy_gradient]
import itertools

import numpy as np
import torch


def check_state_baseline_policy_gradient(fn, lang="en"):
    """state_baseline_policy_gradient on the page's small MDP, given the exact Q_t(s, a) by backward induction: on
    seeded samples, against autograd of the surrogate loss with weights R̂_t − V_t(s_t); in
    expectation, by enumeration of all 216 trajectories, against the exact ∇J."""
    p0 = np.array([0.6, 0.3, 0.1])
    P = np.array([[[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]],
                  [[0.5, 0.4, 0.1], [0.2, 0.2, 0.6]],
                  [[0.3, 0.3, 0.4], [0.1, 0.1, 0.8]]])
    r, T, n = np.array([[0.0, -0.5], [1.0, 0.0], [2.0, 1.0]]), 2, 40
    name = "state_baseline_policy_gradient"

    def softmax(theta):
        return np.exp(theta) / np.exp(theta).sum(axis=1, keepdims=True)

    def action_values(theta):                              # Q_t(s, a), (T + 1, S, A), backward in t
        Q, V_next = np.zeros((T + 1, 3, 2)), np.zeros(3)
        for t in range(T, -1, -1):
            Q[t] = r + P @ V_next
            V_next = (softmax(theta) * Q[t]).sum(axis=1)
        return Q

    def draw(probs, rng):                                  # one index per row of probabilities
        return (rng.random((len(probs), 1)) > probs.cumsum(axis=1)[:, :-1]).sum(axis=1)

    def sample(theta, rng):
        s, a = np.zeros((n, T + 1), dtype=int), np.zeros((n, T + 1), dtype=int)
        s[:, 0] = draw(np.tile(p0, (n, 1)), rng)
        for t in range(T + 1):
            a[:, t] = draw(softmax(theta)[s[:, t]], rng)
            if t < T:
                s[:, t + 1] = draw(P[s[:, t], a[:, t]], rng)
        return s, a, r[s, a]

    def weighted_gradient(theta, s, a, weights, per_trajectory):
        """∇θ Σ_i c_i Σ_t log πθ(a_it|s_it) w_it by autograd, the weights held fixed."""
        theta = torch.tensor(theta, requires_grad=True)
        log_pi = torch.log_softmax(theta, dim=1)[torch.as_tensor(s), torch.as_tensor(a)]
        (log_pi * torch.as_tensor(weights * per_trajectory[:, None])).sum().backward()
        return theta.grad.numpy()

    def weights(theta, s, a, rew):
        """The right weights R̂_t − V_t(s_t), and those of the usual mistakes."""
        Q = action_values(theta)
        time = np.arange(T + 1)
        V = (softmax(theta)[None] * Q).sum(axis=2)          # V_t(s) = Σ_a πθ(a|s) Q_t(s, a)
        future = np.cumsum(rew[:, ::-1], axis=1)[:, ::-1]
        return future - V[time, s], {
            "action": future - Q[time, s, a],
            "unweighted": future - Q.mean(axis=2)[time, s],
            "none": future,
            "past": np.cumsum(rew, axis=1) - V[time, s],
        }

    named = {
        "action": ("a baseline that depends on the action: Q_t(s_t, a_t) where V_t(s_t) belongs (biased)",
                   "基线依赖于动作：用了 Q_t(s_t, a_t)，应为 V_t(s_t)（这样估计是有偏的）"),
        "unweighted": ("the plain mean of Q_t(s, ·) over the actions: V_t(s) weights them by πθ(·|s)",
                       "对 Q_t(s, ·) 的各个动作直接取了平均：V_t(s) 要按 πθ(·|s) 加权"),
        "none": ("the baseline is missing: this is the plain reward-to-go estimate", "没有减去基线：这是不带基线的未来回报估计"),
        "past": ("reward-to-go summed over the past (t' ≤ t) instead of the future (t' ≥ t)",
                 "未来回报求和的方向反了：加的是过去（t' ≤ t），应为未来（t' ≥ t）"),
    }

    def on_samples(theta, seed):
        s, a, rew = sample(theta, np.random.default_rng(seed))
        got = answer(fn, name, (theta.copy(), s, a, rew.copy(), action_values(theta)), (3, 2), lang)
        mean = np.full(n, 1 / n)
        right, wrong = weights(theta, s, a, rew)
        exact = weighted_gradient(theta, s, a, right, mean)
        mistakes = [(named[key], weighted_gradient(theta, s, a, wrong[key], mean)) for key in named]
        mistakes += [
            (("a missing 1/n: the sum over trajectories, not their mean", "少了 1/n：对轨迹求和而没有取平均"), n * exact),
            (("a sign flip (descent instead of ascent)", "符号反了（成了下降方向而不是上升方向）"), -exact),
        ]
        compare_with_exact(got, exact, mistakes, 1e-9, lang)

    grid = np.array(list(itertools.product(range(3), range(2), repeat=T + 1)))
    all_s, all_a = grid[:, 0::2], grid[:, 1::2]                       # all 216 trajectories
    all_rew = r[all_s, all_a]
    dynamics = p0[all_s[:, 0]] * P[all_s[:, :-1], all_a[:, :-1], all_s[:, 1:]].prod(axis=1)

    def unbiased(theta):
        theta_t = torch.tensor(theta, requires_grad=True)
        probs = torch.softmax(theta_t, dim=1)[all_s, all_a].prod(dim=1) * torch.as_tensor(dynamics)  # πθ(τ)
        (probs * torch.as_tensor(all_rew.sum(axis=1))).sum().backward()
        exact = theta_t.grad.numpy()                                   # ∇J by autograd of the exact J
        probs = probs.detach().numpy()
        Q = action_values(theta)
        # E[estimate] for n = 1 is Σ_τ πθ(τ) estimate(τ): the function called on each τ alone
        got = sum(answer(fn, name, (theta.copy(), all_s[k:k + 1], all_a[k:k + 1], all_rew[k:k + 1].copy(), Q.copy()),
                         (3, 2), lang) * probs[k] for k in range(len(probs)))
        _, wrong = weights(theta, all_s, all_a, all_rew)
        mistakes = [(named[key], weighted_gradient(theta, all_s, all_a, wrong[key], probs)) for key in ("action", "past")]
        compare_with_exact(got, exact, mistakes, 1e-9, lang)

    thetas = [np.array([[0.3, -0.2], [0.0, 0.5], [-0.4, 0.1]]), np.array([[-0.5, 0.8], [0.6, -0.3], [0.2, 0.9]])]
    checks = [(say(lang, f"{n} sampled trajectories, seed {seed}", f"{n} 条采样轨迹，种子 {seed}"),
               lambda theta=theta, seed=seed: on_samples(theta, seed)) for seed, theta in enumerate(thetas)]
    checks += [(say(lang, f"its mean over all 216 trajectories is the exact ∇J (θ number {k + 1})",
                    f"对全部 216 条轨迹的期望等于精确的 ∇J（第 {k + 1} 个 θ）"),
                lambda theta=theta: unbiased(theta)) for k, theta in enumerate(thetas)]
    return verdict(name, checks, lang)
# --8<-- [end:check_state_baseline_policy_gradient]


# --8<-- [start:whole_trajectory_score]
import numpy as np


def whole_trajectory_score(theta, mdp, states, actions):
    """∇θ log πθ(τ) = Σ_{t=0}^{T} ∇θ log πθ(a_t|s_t): (K, T + 1) -> (K, S, A). The MDP is not
    needed: log p(s_0) and the log p(s_{t+1}|s_t, a_t) do not depend on θ."""
    S, A = theta.shape
    pi = np.exp(theta - theta.max(axis=1, keepdims=True))
    pi /= pi.sum(axis=1, keepdims=True)                       # πθ(·|s), (S, A)
    rows = np.eye(A)[actions] - pi[states]                    # 1[b = a_t] − πθ(b|s_t), (K, T + 1, A)
    in_row = np.eye(S)[states][..., :, None] * rows[..., None, :]   # only row s_t moves, (K, T + 1, S, A)
    return in_row.sum(axis=1)                                 # Σ over the T + 1 steps
# --8<-- [end:whole_trajectory_score]


# --8<-- [start:reward_to_go_policy_gradient]
import numpy as np


def reward_to_go_policy_gradient(theta, states, actions, rewards):
    """(1/n) Σ_i Σ_t ∇θ log πθ(a_it|s_it) R̂_it with R̂_it = Σ_{t' ≥ t} r_it': (S, A)."""
    S, A = theta.shape
    pi = np.exp(theta - theta.max(axis=1, keepdims=True))
    pi /= pi.sum(axis=1, keepdims=True)
    to_go = np.cumsum(rewards[:, ::-1], axis=1)[:, ::-1]      # R̂_it: sum from t to the end
    rows = (np.eye(A)[actions] - pi[states]) * to_go[..., None]   # weighted score row, (n, T + 1, A)
    grad = np.zeros((S, A))
    np.add.at(grad, states, rows)                             # each step moves the row of its state
    return grad / len(states)
# --8<-- [end:reward_to_go_policy_gradient]


# --8<-- [start:state_baseline_policy_gradient]
import numpy as np


def state_baseline_policy_gradient(theta, states, actions, rewards, q_values):
    """(1/n) Σ_i Σ_t ∇θ log πθ(a_it|s_it) (R̂_it − V_t(s_it)), V_t(s) = Σ_a πθ(a|s) Q_t(s, a): (S, A)."""
    S, A = theta.shape
    pi = np.exp(theta - theta.max(axis=1, keepdims=True))
    pi /= pi.sum(axis=1, keepdims=True)
    V = (pi[None] * q_values).sum(axis=2)                     # V_t(s): depends on the state, not the action
    to_go = np.cumsum(rewards[:, ::-1], axis=1)[:, ::-1]      # R̂_it
    advantage = to_go - V[np.arange(states.shape[1]), states] # R̂_it − V_t(s_it), (n, T + 1)
    rows = (np.eye(A)[actions] - pi[states]) * advantage[..., None]
    grad = np.zeros((S, A))
    np.add.at(grad, states, rows)                             # each step moves the row of its state
    return grad / len(states)
# --8<-- [end:state_baseline_policy_gradient]


# --8<-- [start:one_decision_gradient]
import numpy as np
import torch


def one_decision_gradient(theta, p0, r):
    """∂J/∂θ[s, a] = p(s) πθ(a|s) (r(s, a) − Σ_b πθ(b|s) r(s, b)) for an episode of one decision."""
    pi = np.exp(theta - theta.max(axis=1, keepdims=True))
    pi /= pi.sum(axis=1, keepdims=True)
    mean_reward = (pi * r).sum(axis=1, keepdims=True)          # Σ_b πθ(b|s) r(s, b), (S, 1)
    return p0[:, None] * pi * (r - mean_reward)


if __name__ == "__main__":
    p0, r = np.array([0.6, 0.3, 0.1]), np.array([[0.0, -0.5], [1.0, 0.0], [2.0, 1.0]])
    theta = torch.tensor([[0.3, -0.2], [0.0, 0.5], [-0.4, 0.1]], dtype=torch.float64, requires_grad=True)
    J = torch.as_tensor(p0) @ (torch.softmax(theta, dim=1) * torch.as_tensor(r)).sum(dim=1)  # T = 0
    J.backward()
    print(theta.grad.numpy())                                  # autograd of the exact J
    print(one_decision_gradient(theta.detach().numpy(), p0, r))
# --8<-- [end:one_decision_gradient]
