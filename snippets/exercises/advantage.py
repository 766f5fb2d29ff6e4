"""Exercises of the advantage-and-critic page: a checker, the reference solution, and the code of a
derivation's solution.

Shown on the page (section #exercises): the checker under exercises/checking.py in a folded block,
each solution folded away. The checker compares with the sum Σ_l (γλ)^l δ_{k+l} written out term by
term, never with the solution below. The stub the reader fills in is in advantage_stubs.py.
"""
from advantage import conditional_mean, gae  # on the page, the solution embeds these sections first
from policy_gradient import all_trajectories, policy, small_mdp

from .checking import answer, compare_with_exact, say, verdict  # on the page, shown above each checker

# --8<-- [start:check_gae_rollout]
import numpy as np


def check_gae_rollout(fn, lang="en"):
    """gae_rollout on three seeded rollouts (episodes of different lengths, the last one cut off or
    not), against Σ_{l=0}^{L} (γλ)^l δ_{k+l} written out term by term up to the end L of k's episode."""
    name = "gae_rollout"

    def rollout(seed, lengths, cut_off):
        rng = np.random.default_rng(seed)
        steps = sum(lengths)
        dones = np.zeros(steps, dtype=bool)
        dones[np.cumsum(lengths) - 1] = True
        dones[-1] = not cut_off                     # cut off: the last episode goes on after the rollout
        return rng.normal(1.0, 1.0, size=steps), rng.normal(2.0, 1.0, size=steps), dones, rng.normal(2.0, 1.0)

    def written_out(rewards, values, dones, last_value, gamma, lam, *, honour_dones=True,
                    bootstrap_at_end=False, use_last_value=True, weight=None, backwards=False):
        """Â_k term by term; the keyword arguments switch on one typical mistake each."""
        steps = len(rewards)
        ends = dones if honour_dones else np.zeros(steps, dtype=bool)
        after = np.append(values[1:], last_value if use_last_value else 0.0)    # v(s_{k+1})
        goes_on = np.ones(steps) if bootstrap_at_end else np.where(ends, 0.0, 1.0)
        delta = rewards + gamma * after * goes_on - values
        weight = weight or (lambda l: (gamma * lam) ** l)
        result = np.zeros(steps)
        for k in range(steps):
            if backwards:                           # Σ over the steps before k in its episode
                first = k
                while first > 0 and not ends[first - 1]:
                    first -= 1
                result[k] = sum(weight(k - j) * delta[j] for j in range(first, k + 1))
                continue
            last = k
            while last < steps - 1 and not ends[last]:
                last += 1
            result[k] = sum(weight(j - k) * delta[j] for j in range(k, last + 1))
        return result

    def check(seed, lengths, cut_off, gamma, lam):
        rewards, values, dones, last_value = rollout(seed, lengths, cut_off)
        args = (rewards.copy(), values.copy(), dones.copy(), last_value, gamma, lam)
        got = answer(fn, name, args, (len(rewards),), lang)
        case = (rewards, values, dones, last_value, gamma, lam)
        exact = written_out(*case)
        mistakes = [
            (("the sum runs on into the next episode: stop it, and drop v(s_{k+1}), where dones is True",
              "求和越过了回合的结尾，延续到了下一个回合：在 dones 为 True 处应截断求和，也不能再加 v(s_{k+1})"),
             written_out(*case, honour_dones=False)),
            (("γ v(s_{k+1}) kept in δ_k at the last step of an episode, where nothing follows",
              "回合最后一步的 δ_k 里还留着 γ v(s_{k+1})，可这一步之后什么都没有了"),
             written_out(*case, bootstrap_at_end=True)),
            (("last_value left out: the episode cut off by the end of the rollout still goes on",
              "漏掉了 last_value：被 rollout 截断的那个回合其实还在继续"), written_out(*case, use_last_value=False)),
            (("the decay (γλ)^l left out: the plain sum of the TD errors", "漏掉了衰减因子 (γλ)^l：直接把 TD 误差加起来了"),
             written_out(*case, weight=lambda l: 1.0)),
            (("γ^l without λ: the decay must be (γλ)^l", "衰减只用了 γ^l，漏了 λ：应为 (γλ)^l"),
             written_out(*case, weight=lambda l: gamma ** l)),
            (("λ^l without γ: the decay must be (γλ)^l", "衰减只用了 λ^l，漏了 γ：应为 (γλ)^l"),
             written_out(*case, weight=lambda l: lam ** l)),
            (("the TD errors summed over the past instead of the future (Σ over l ≤ 0)",
              "TD 误差求和的方向反了：加的是过去的，不是未来的"), written_out(*case, backwards=True)),
            (("a sign flip: δ_k = v(s_k) − r_k − γ v(s_{k+1})", "符号反了：写成了 δ_k = v(s_k) − r_k − γ v(s_{k+1})"),
             -exact),
        ]
        compare_with_exact(got, exact, mistakes, 1e-9, lang)

    cases = [(1, [4, 1, 6, 3], True, 0.9, 0.5), (2, [5, 2, 4], False, 0.99, 0.95), (3, [3, 7], True, 1.0, 0.0)]
    checks = [(say(lang, f"episodes of {lengths} steps, the last {'cut off' if cut_off else 'ended'}, γ = {gamma}, λ = {lam}",
                   f"各回合 {lengths} 步，最后一个回合{'被截断' if cut_off else '已结束'}，γ = {gamma}，λ = {lam}"),
               lambda case=(seed, lengths, cut_off, gamma, lam): check(*case))
              for seed, lengths, cut_off, gamma, lam in cases]
    return verdict(name, checks, lang)
# --8<-- [end:check_gae_rollout]


# --8<-- [start:gae_rollout]
import numpy as np


def gae_rollout(rewards, values, dones, last_value, gamma, lam):
    """Â_k = δ_k + γλ Â_{k+1} within each episode of a rollout, backwards: (N,)."""
    steps = len(rewards)
    advantages = np.zeros(steps)
    running = 0.0
    for k in reversed(range(steps)):
        goes_on = 0.0 if dones[k] else 1.0                       # 0 at the last step of an episode
        after = values[k + 1] if k + 1 < steps else last_value   # v(s_{k+1})
        delta = rewards[k] + gamma * after * goes_on - values[k]  # δ_k
        running = delta + gamma * lam * goes_on * running        # Â_k = δ_k + γλ Â_{k+1}
        advantages[k] = running
    return advantages
# --8<-- [end:gae_rollout]


# --8<-- [start:gae_bias]
import numpy as np


def discounted_values(theta, mdp, gamma):
    """V_t(s), (T+1, S), and Q_t(s, a), (T+1, S, A), of πθ with discount γ, by backward induction."""
    pi = policy(theta)
    V = np.zeros((mdp.T + 2, len(mdp.p0)))            # V_{T+1} = 0
    Q = np.zeros((mdp.T + 1, *pi.shape))
    for t in range(mdp.T, -1, -1):
        Q[t] = mdp.r + gamma * mdp.P @ V[t + 1]
        V[t] = (pi * Q[t]).sum(axis=1)
    return V[:-1], Q


def gae_bias(theta, mdp, critic, gamma, lam):
    """E[Â_t^λ | s_t = s, a_t = a], (T+1, S, A), twice: listed over every τ, and as derived,
    A_t(s, a) − e_t(s) + (1 − λ) Σ_{l ≥ 1} γ^l λ^{l−1} E[e_{t+l}(s_{t+l}) | s, a], e = v − V."""
    V, Q = discounted_values(theta, mdp, gamma)
    error = critic - V                                 # e_t(s); e_{T+1} = 0 adds nothing
    states, actions = all_trajectories(mdp)
    rewards = mdp.r[states, actions]
    gaes = np.array([gae(r, s, critic, gamma, lam) for r, s in zip(rewards, states)])  # (K, T+1)
    later = np.zeros(gaes.shape)                       # Σ_{l ≥ 1} γ^l λ^{l−1} e_{t+l}(s_{t+l}), per τ
    for t in range(mdp.T + 1):
        for l in range(1, mdp.T - t + 1):
            later[:, t] += gamma**l * lam ** (l - 1) * error[t + l, states[:, t + l]]
    derived = Q - V[:, :, None] - error[:, :, None] + (1 - lam) * conditional_mean(theta, mdp, later)
    return conditional_mean(theta, mdp, gaes), derived


if __name__ == "__main__":
    mdp, gamma = small_mdp(), 0.9
    theta = np.array([[0.3, -0.2], [0.0, 0.5], [-0.4, 0.1]])
    stale = discounted_values(np.zeros_like(theta), mdp, gamma)[0]   # V of the uniform policy
    A = np.diff(discounted_values(theta, mdp, gamma)[1], axis=2)      # A(s, 1) − A(s, 0)
    for lam in (0.0, 0.5, 1.0):
        listed, derived = gae_bias(theta, mdp, stale, gamma, lam)
        print(f"λ = {lam}: max |listed − derived| = {np.abs(listed - derived).max():.0e},"
              f" bias that depends on the action: {np.abs(np.diff(listed, axis=2) - A).max():.4f}")
# --8<-- [end:gae_bias]
