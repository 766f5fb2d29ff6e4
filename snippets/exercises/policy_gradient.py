"""Exercises of the policy-gradient page: checkers and reference solutions.

Shown on the page (section #exercises): each checker under exercises/checking.py in a folded block,
each solution folded away. The checkers compare_with_exact with exact values on the page's small MDP (3 states,
2 actions, T = 2), which each of them defines again so that it runs alone: the expected loss and
expectations of the estimates by enumeration of all 216 trajectories, and autograd of the surrogate
loss on the same samples. They never call the solutions below. The stubs are in policy_gradient_stubs.py.
"""
from .checking import Wrong, answer, compare_with_exact, say, verdict  # on the page, shown above each checker

# --8<-- [start:check_expected_surrogate_loss]
import itertools
from types import SimpleNamespace

import numpy as np
import torch


def check_expected_surrogate_loss(fn, lang="en"):
    """expected_surrogate_loss on the page's small MDP (T = 2, two θ) and on its one-step-shorter
    version with every reward raised by 1 (T = 1), against E[Loss] summed over every trajectory."""
    p0 = np.array([0.6, 0.3, 0.1])
    P = np.array([[[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]],
                  [[0.5, 0.4, 0.1], [0.2, 0.2, 0.6]],
                  [[0.3, 0.3, 0.4], [0.1, 0.1, 0.8]]])
    r = np.array([[0.0, -0.5], [1.0, 0.0], [2.0, 1.0]])

    def check(theta, T, shift):
        mdp = SimpleNamespace(p0=p0.copy(), P=P.copy(), r=r + shift, T=T)
        got = answer(fn, "expected_surrogate_loss", (theta.copy(), mdp), (), lang)
        grid = np.array(list(itertools.product(range(3), range(2), repeat=T + 1)))
        s, a = grid[:, 0::2], grid[:, 1::2]                          # every τ, (K, T + 1)
        log_pi = torch.log_softmax(torch.tensor(theta), dim=1).numpy()[s, a]   # log πθ(a_t|s_t)
        log_dynamics = np.log(p0[s[:, 0]]) + np.log(P[s[:, :-1], a[:, :-1], s[:, 1:]]).sum(axis=1)
        prob = np.exp(log_pi.sum(axis=1) + log_dynamics)             # πθ(τ)
        rewards = mdp.r[s, a]
        R, to_go = rewards.sum(axis=1), np.cumsum(rewards[:, ::-1], axis=1)[:, ::-1]
        exact = -prob @ (log_pi.sum(axis=1) * R)
        mistakes = [
            (("−J(θ): the value of (D9) is not an estimate of −J, only its gradient is, in expectation",
              "−J(θ)：(D9) 的值并不是 −J 的估计，只有它的梯度（在期望意义下）才与 −∇J 一致"), -prob @ R),
            (("the environment's terms kept: (D9) has Σ_t log πθ(a_t|s_t), not the whole log πθ(τ) with "
              "log p(s_0) and the log p(s_{t+1}|s_t, a_t)",
              "把环境的项也算了进去：(D9) 里只有 Σ_t log πθ(a_t|s_t)，不是含 log p(s_0) 和各个 "
              "log p(s_{t+1}|s_t, a_t) 的完整 log πθ(τ)"), -prob @ ((log_pi.sum(axis=1) + log_dynamics) * R)),
            (("a plain mean over the trajectories: each must be weighted by its probability πθ(τ)",
              "对所有轨迹直接取了平均：每条轨迹要按它的概率 πθ(τ) 加权"), -(log_pi.sum(axis=1) * R).mean()),
            (("a sign flip: (D9) has a minus sign in front", "符号反了：(D9) 前面有个负号"), -exact),
            (("reward-to-go weights: the loss of (D9) weights every step by the whole return R(τ)",
              "用了未来回报作权重：(D9) 的损失给每一步乘的是整条轨迹的回报 R(τ)"),
             -prob @ (log_pi * to_go).sum(axis=1)),
            (("a mean over the T + 1 steps: (D9) sums over t", "对 T + 1 步取了平均：(D9) 对 t 求和"), exact / (T + 1)),
            (("πθ(a_t|s_t) where log πθ(a_t|s_t) belongs", "把 log πθ(a_t|s_t) 写成了 πθ(a_t|s_t)"),
             -prob @ (np.exp(log_pi).sum(axis=1) * R)),
        ]
        compare_with_exact(got, exact, mistakes, 1e-9, lang)

    cases = [(np.array([[0.3, -0.2], [0.0, 0.5], [-0.4, 0.1]]), 2, 0.0),
             (np.random.default_rng(1).normal(size=(3, 2)), 2, 0.0),
             (np.random.default_rng(2).normal(size=(3, 2)), 1, 1.0)]
    checks = [(say(lang, f"θ number {k + 1}, T = {T}, rewards + {shift:g}", f"第 {k + 1} 个 θ，T = {T}，奖励 + {shift:g}"),
               lambda theta=theta, T=T, shift=shift: check(theta, T, shift)) for k, (theta, T, shift) in enumerate(cases)]
    return verdict("expected_surrogate_loss", checks, lang)
# --8<-- [end:check_expected_surrogate_loss]


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
                   "基线依赖于动作：用了 Q_t(s_t, a_t)（估计因此有偏），应为 V_t(s_t)"),
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


# --8<-- [start:expected_surrogate_loss]
import itertools

import numpy as np


def expected_surrogate_loss(theta, mdp):
    """E[Loss] = −Σ_τ πθ(τ) Σ_t log πθ(a_t|s_t) R(τ) over every τ: a float, the same for every n."""
    S, A = theta.shape
    z = theta - theta.max(axis=1, keepdims=True)
    log_pi = z - np.log(np.exp(z).sum(axis=1, keepdims=True))         # log πθ(a|s), (S, A)
    grid = np.array(list(itertools.product(range(S), range(A), repeat=mdp.T + 1)))
    s, a = grid[:, 0::2], grid[:, 1::2]                               # every τ, (K, T + 1)
    decisions = log_pi[s, a].sum(axis=1)                              # Σ_t log πθ(a_t|s_t): all the loss has
    dynamics = mdp.p0[s[:, 0]] * mdp.P[s[:, :-1], a[:, :-1], s[:, 1:]].prod(axis=1)
    prob = dynamics * np.exp(decisions)                               # πθ(τ) by (D6)
    R = mdp.r[s, a].sum(axis=1)                                       # R(τ)
    return float(-prob @ (decisions * R))
# --8<-- [end:expected_surrogate_loss]


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
