"""The policy-gradient page's checkers: the reference solutions pass, typical wrong answers fail with
the message that names their mistake, in both languages (snippets/exercises/policy_gradient.py)."""
import contextlib
import io

import numpy as np
import pytest
import torch

from exercises import policy_gradient as ex

LANGS = ["en", "zh"]
P0 = np.array([0.6, 0.3, 0.1])
P = np.array([[[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]],
              [[0.5, 0.4, 0.1], [0.2, 0.2, 0.6]],
              [[0.3, 0.3, 0.4], [0.1, 0.1, 0.8]]])


def verdict(check, answer, lang):
    said = io.StringIO()
    with contextlib.redirect_stdout(said):
        passed = check(answer, lang=lang)
    return passed, said.getvalue()


def softmax(theta):
    return np.exp(theta) / np.exp(theta).sum(axis=1, keepdims=True)


def step_scores(theta, states, actions):
    """∇θ log πθ(a_t|s_t) of every step, (K, T + 1, S, A)."""
    S, A = theta.shape
    return np.eye(S)[states][..., :, None] * (np.eye(A)[actions] - softmax(theta)[states])[..., None, :]


def weighted_estimate(theta, states, actions, weights, scale=None):
    """(1/n) Σ_i Σ_t ∇log πθ(a_it|s_it) w_it (or times `scale` instead of 1/n)."""
    terms = (step_scores(theta, states, actions) * weights[..., None, None]).sum(axis=(0, 1))
    return terms * (1 / len(states) if scale is None else scale)


def to_go(rewards):
    return np.cumsum(rewards[:, ::-1], axis=1)[:, ::-1]


# whole_trajectory_score

@pytest.mark.parametrize("lang", LANGS)
def test_whole_trajectory_score_solution_passes(lang):
    assert verdict(ex.check_whole_trajectory_score, ex.whole_trajectory_score, lang)[0]


def _with_log_dynamics(theta, mdp, states, actions):
    log_dynamics = (np.log(mdp.p0[states[:, 0]])
                    + np.log(mdp.P[states[:, :-1], actions[:, :-1], states[:, 1:]]).sum(axis=1))
    return ex.whole_trajectory_score(theta, mdp, states, actions) + log_dynamics[:, None, None]


def _with_log_transitions(theta, mdp, states, actions):
    log_transitions = np.log(mdp.P[states[:, :-1], actions[:, :-1], states[:, 1:]]).sum(axis=1)
    return ex.whole_trajectory_score(theta, mdp, states, actions) + log_transitions[:, None, None]


def _gradient_of_probability(theta, mdp, states, actions):
    pi = softmax(theta)
    prob = (mdp.p0[states[:, 0]] * pi[states, actions].prod(axis=1)
            * mdp.P[states[:, :-1], actions[:, :-1], states[:, 1:]].prod(axis=1))
    return ex.whole_trajectory_score(theta, mdp, states, actions) * prob[:, None, None]


def _without_last_action(theta, mdp, states, actions):
    return step_scores(theta, states, actions)[:, :-1].sum(axis=1)


WRONG_TRAJECTORY_SCORES = {
    "dynamics kept": (_with_log_dynamics, {"en": "environment's terms kept in ∇log πθ(τ)", "zh": "把环境的项留在了"}),
    "transitions kept": (_with_log_transitions, {"en": "transition terms kept", "zh": "把转移项留在了"}),
    "grad of p": (_gradient_of_probability, {"en": "∇πθ(τ) used where ∇log πθ(τ) belongs", "zh": "把 ∇πθ(τ) 当成了"}),
    "sign": (lambda *args: -ex.whole_trajectory_score(*args), {"en": "a sign flip", "zh": "符号反了"}),
    "last action left out": (_without_last_action, {"en": "the last action a_T left out", "zh": "漏掉了最后一个动作"}),
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("mistake", sorted(WRONG_TRAJECTORY_SCORES))
def test_whole_trajectory_score_mistakes_are_named(mistake, lang):
    answer, message = WRONG_TRAJECTORY_SCORES[mistake]
    passed, said = verdict(ex.check_whole_trajectory_score, answer, lang)
    assert not passed and message[lang] in said, said


# reward_to_go_policy_gradient

@pytest.mark.parametrize("lang", LANGS)
def test_reward_to_go_estimate_solution_passes(lang):
    assert verdict(ex.check_reward_to_go_policy_gradient, ex.reward_to_go_policy_gradient, lang)[0]


WRONG_REWARD_TO_GO = {
    "past": (lambda th, s, a, r: weighted_estimate(th, s, a, np.cumsum(r, axis=1)),
             {"en": "summed over the past", "zh": "加的是过去"}),
    "whole return": (lambda th, s, a, r: weighted_estimate(th, s, a, np.repeat(r.sum(axis=1, keepdims=True), r.shape[1], axis=1)),
                     {"en": "the whole return R(τ) at every step", "zh": "整条轨迹的回报"}),
    "without own reward": (lambda th, s, a, r: weighted_estimate(th, s, a, to_go(r) - r),
                           {"en": "without the step's own reward", "zh": "漏掉了当前这一步的奖励"}),
    "sum": (lambda th, s, a, r: weighted_estimate(th, s, a, to_go(r), scale=1.0), {"en": "a missing 1/n", "zh": "少了 1/n"}),
    "sign": (lambda *args: -ex.reward_to_go_policy_gradient(*args), {"en": "a sign flip", "zh": "符号反了"}),
    "grad of pi": (lambda th, s, a, r: weighted_estimate(th, s, a, to_go(r) * softmax(th)[s, a]),
                   {"en": "∇πθ used where ∇log πθ belongs", "zh": "把 ∇πθ 当成了 ∇log πθ"}),
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("mistake", sorted(WRONG_REWARD_TO_GO))
def test_reward_to_go_estimate_mistakes_are_named(mistake, lang):
    answer, message = WRONG_REWARD_TO_GO[mistake]
    passed, said = verdict(ex.check_reward_to_go_policy_gradient, answer, lang)
    assert not passed and message[lang] in said, said


# state_baseline_policy_gradient

@pytest.mark.parametrize("lang", LANGS)
def test_baseline_estimate_solution_passes(lang):
    assert verdict(ex.check_state_baseline_policy_gradient, ex.state_baseline_policy_gradient, lang)[0]


def _baselined(baseline_of):
    """An estimate with weights R̂_t − b, b = baseline_of(πθ, Q, t, s, a) for every step."""
    def estimate(theta, states, actions, rewards, q_values):
        time = np.arange(states.shape[1])
        b = baseline_of(softmax(theta), q_values, time, states, actions)
        return weighted_estimate(theta, states, actions, to_go(rewards) - b)
    return estimate


WRONG_BASELINES = {
    "depends on the action": (_baselined(lambda pi, Q, t, s, a: Q[t, s, a]),
                              {"en": "a baseline that depends on the action", "zh": "基线依赖于动作"}),
    "unweighted mean of Q": (_baselined(lambda pi, Q, t, s, a: Q.mean(axis=2)[t, s]),
                             {"en": "plain mean of Q_t(s, ·)", "zh": "直接取了平均"}),
    "no baseline": (lambda th, s, a, r, q: ex.reward_to_go_policy_gradient(th, s, a, r),
                    {"en": "the baseline is missing", "zh": "没有减去基线"}),
    "sign": (lambda *args: -ex.state_baseline_policy_gradient(*args), {"en": "a sign flip", "zh": "符号反了"}),
    "sum": (lambda *args: len(args[1]) * ex.state_baseline_policy_gradient(*args), {"en": "a missing 1/n", "zh": "少了 1/n"}),
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("mistake", sorted(WRONG_BASELINES))
def test_baseline_estimate_mistakes_are_named(mistake, lang):
    answer, message = WRONG_BASELINES[mistake]
    passed, said = verdict(ex.check_state_baseline_policy_gradient, answer, lang)
    assert not passed and message[lang] in said, said


@pytest.mark.parametrize("lang", LANGS)
def test_an_action_dependent_baseline_is_caught_by_the_exact_expectation_alone(lang):
    """On one trajectory at a time (n = 1, as the enumeration calls it) it equals the right estimate
    where the sampled batch is bigger, so only the expectation over all 216 trajectories can name it."""
    right, wrong = ex.state_baseline_policy_gradient, WRONG_BASELINES["depends on the action"][0]

    def on_batches_only(theta, states, actions, rewards, q_values):
        return (right if len(states) > 1 else wrong)(theta, states, actions, rewards, q_values)

    passed, said = verdict(ex.check_state_baseline_policy_gradient, on_batches_only, lang)
    assert not passed and "216" in said.split("✗")[1] and WRONG_BASELINES["depends on the action"][1][lang] in said, said


# one_decision (derivation): the hand-derived gradient for T = 0 against autograd of the exact J

def test_one_decision_gradient_matches_autograd():
    r = np.array([[0.0, -0.5], [1.0, 0.0], [2.0, 1.0]])
    for seed in range(3):
        theta = np.random.default_rng(seed).normal(size=(3, 2))
        theta_t = torch.tensor(theta, requires_grad=True)
        (torch.as_tensor(P0) @ (torch.softmax(theta_t, dim=1) * torch.as_tensor(r)).sum(dim=1)).backward()
        assert np.allclose(ex.one_decision_gradient(theta, P0, r), theta_t.grad.numpy(), atol=1e-12)
