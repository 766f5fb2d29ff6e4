"""The advantage-and-critic page's exercises: the reference solution passes its checker, typical wrong
answers fail with the message that names their mistake, in both languages, and the derivations hold
on the small MDP against enumeration (snippets/exercises/advantage.py)."""

import numpy as np
import pytest

from advantage import conditional_mean, td_errors
from exercises import advantage as ex
from policy_gradient import all_trajectories, small_mdp
from exercise_pages import verdict

THETA = np.array([[0.3, -0.2], [0.0, 0.5], [-0.4, 0.1]])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_gae_rollout_solution_passes(lang):
    passed, said = verdict(ex.check_gae_rollout, ex.gae_rollout, lang)
    assert passed, said


def _loop(rewards, values, dones, last_value, gamma, lam, *, stop_at_ends=True, bootstrap_at_ends=False,
          use_last_value=True, decay=None, forwards=False):
    """A GAE loop with one typical mistake switched on."""
    steps = len(rewards)
    after = np.append(values[1:], last_value if use_last_value else 0.0)
    ends = np.asarray(dones) if stop_at_ends else np.zeros(steps, dtype=bool)
    delta = rewards + gamma * after * np.where(ends & (not bootstrap_at_ends), 0.0, 1.0) - values
    decay = gamma * lam if decay is None else decay
    out, running = np.zeros(steps), 0.0
    order = range(steps) if forwards else reversed(range(steps))
    for k in order:
        if forwards and k > 0 and ends[k - 1]:
            running = 0.0
        running = delta[k] + decay * running * (1.0 if forwards else (0.0 if ends[k] else 1.0))
        out[k] = running
    return out


WRONG_GAES = {
    "ignores dones": (lambda *a: _loop(*a, stop_at_ends=False), {"en": "runs on into the next episode", "zh": "越过了回合的结尾"}),
    "bootstraps at ends": (lambda *a: _loop(*a, bootstrap_at_ends=True), {"en": "γ v(s_{k+1}) kept", "zh": "还留着 γ v(s_{k+1})"}),
    "no last value": (lambda *a: _loop(*a, use_last_value=False), {"en": "last_value left out", "zh": "漏掉了 last_value"}),
    "no decay": (lambda *a: _loop(*a, decay=1.0), {"en": "decay (γλ)^l left out", "zh": "漏掉了衰减因子"}),
    "gamma only": (lambda r, v, d, lv, g, l: _loop(r, v, d, lv, g, l, decay=g), {"en": "γ^l without λ", "zh": "漏了 λ"}),
    "lambda only": (lambda r, v, d, lv, g, l: _loop(r, v, d, lv, g, l, decay=l), {"en": "λ^l without γ", "zh": "漏了 γ"}),
    "forwards": (lambda *a: _loop(*a, forwards=True), {"en": "summed over the past", "zh": "加的是过去的"}),
    "sign": (lambda *a: -ex.gae_rollout(*a), {"en": "a sign flip", "zh": "符号反了"}),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("mistake", sorted(WRONG_GAES))
def test_gae_rollout_mistakes_are_named(mistake, lang):
    answer, message = WRONG_GAES[mistake]
    passed, said = verdict(ex.check_gae_rollout, answer, lang)
    assert not passed and message[lang] in said, said


def test_gae_rollout_loop_without_mistakes_is_the_solution():
    """The wrong answers above differ from the solution only by the mistake they name."""
    rng = np.random.default_rng(5)
    rewards, values = rng.normal(size=12), rng.normal(size=12)
    dones = np.zeros(12, dtype=bool)
    dones[[3, 4, 9]] = True
    assert np.allclose(_loop(rewards, values, dones, 0.7, 0.9, 0.5), ex.gae_rollout(rewards, values, dones, 0.7, 0.9, 0.5))


@pytest.mark.parametrize("gamma", [1.0, 0.9])
@pytest.mark.parametrize("lam", [0.0, 0.5, 1.0])
def test_gae_bias_derivation_matches_enumeration(gamma, lam):
    mdp = small_mdp()
    V, Q = ex.discounted_values(THETA, mdp, gamma)
    critics = [ex.discounted_values(np.zeros_like(THETA), mdp, gamma)[0],     # stale: the uniform policy's
               V + np.random.default_rng(3).normal(size=V.shape)]             # a wrong critic anywhere
    for critic in critics:
        listed, derived = ex.gae_bias(THETA, mdp, critic, gamma, lam)
        assert np.abs(listed - derived).max() < 1e-12
        action_dependent = np.abs(np.diff(listed - (Q - V[:, :, None]), axis=2)).max()
        if lam == 1.0:
            assert action_dependent < 1e-12        # only −e_t(s): a baseline
        else:
            assert action_dependent > 0.01         # the sum depends on the action: a bias


def test_gae_bias_derivation_has_teeth():
    """Without its factor (1 − λ) the derived sum misses the enumeration."""
    mdp, gamma, lam = small_mdp(), 0.9, 0.5
    V, Q = ex.discounted_values(THETA, mdp, gamma)
    critic = ex.discounted_values(np.zeros_like(THETA), mdp, gamma)[0]
    listed, derived = ex.gae_bias(THETA, mdp, critic, gamma, lam)
    later_part = derived - (Q - V[:, :, None] - (critic - V)[:, :, None])
    assert np.abs(listed - (derived + later_part * lam / (1 - lam))).max() > 0.01


@pytest.mark.parametrize("gamma", [1.0, 0.9])
def test_offset_critic_shifts_the_td_error_by_a_constant(gamma):
    """The ★ exercise: v = V + c gives E[δ_t | s, a] = A_t + (γ − 1)c for t < T and A_T − c."""
    mdp, c = small_mdp(), 0.7
    V, Q = ex.discounted_values(THETA, mdp, gamma)
    states, actions = all_trajectories(mdp)
    deltas = np.array([td_errors(r, s, V + c, gamma) for r, s in zip(mdp.r[states, actions], states)])
    shift = conditional_mean(THETA, mdp, deltas) - (Q - V[:, :, None])
    expected = np.array([(gamma - 1) * c] * mdp.T + [-c])
    assert np.abs(shift - expected[:, None, None]).max() < 1e-12
