"""The policy-gradient page's checkers: the reference solutions pass, typical wrong answers fail with
the message that names their mistake, in both languages (snippets/exercises/policy_gradient.py)."""
import itertools
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from exercises import policy_gradient as ex
from exercise_pages import verdict

LANGS = ["en", "zh"]
P0 = np.array([0.6, 0.3, 0.1])
P = np.array([[[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]],
              [[0.5, 0.4, 0.1], [0.2, 0.2, 0.6]],
              [[0.3, 0.3, 0.4], [0.1, 0.1, 0.8]]])


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


# expected_surrogate_loss

@pytest.mark.parametrize("lang", LANGS)
def test_expected_surrogate_loss_solution_passes(lang):
    assert verdict(ex.check_expected_surrogate_loss, ex.expected_surrogate_loss, lang)[0]


def _enumerated(mdp):
    """Every τ of the MDP: states, actions (K, T + 1), and the start and transition factors of πθ(τ)."""
    grid = np.array(list(itertools.product(range(3), range(2), repeat=mdp.T + 1)))
    s, a = grid[:, 0::2], grid[:, 1::2]
    return s, a, mdp.p0[s[:, 0]] * mdp.P[s[:, :-1], a[:, :-1], s[:, 1:]].prod(axis=1)


def _mean_over_trajectories(step_term, weight_of):
    """−Σ_τ w(τ) Σ_t step_term(πθ(a_t|s_t)) R(τ), w = weight_of(πθ(τ), K)."""
    def loss(theta, mdp):
        s, a, dynamics = _enumerated(mdp)
        pi = softmax(theta)[s, a]
        weights = weight_of(dynamics * pi.prod(axis=1), len(s))
        return float(-weights @ (step_term(pi).sum(axis=1) * mdp.r[s, a].sum(axis=1)))
    return loss


def _minus_objective(theta, mdp):
    s, a, dynamics = _enumerated(mdp)
    return float(-(dynamics * softmax(theta)[s, a].prod(axis=1)) @ mdp.r[s, a].sum(axis=1))


def _with_dynamics(theta, mdp):
    s, a, dynamics = _enumerated(mdp)
    prob = dynamics * softmax(theta)[s, a].prod(axis=1)
    return float(-prob @ (np.log(prob) * mdp.r[s, a].sum(axis=1)))      # the whole log πθ(τ)


WRONG_LOSSES = {
    "minus J": (_minus_objective, {"en": "−J(θ): the value of (D9) is not an estimate of −J", "zh": "(D9) 的值并不是 −J 的估计"}),
    "dynamics kept": (_with_dynamics, {"en": "the environment's terms kept", "zh": "把环境的项也算了进去"}),
    "plain mean": (_mean_over_trajectories(np.log, lambda prob, K: np.full(K, 1 / K)),
                   {"en": "a plain mean over the trajectories", "zh": "对所有轨迹直接取了平均"}),
    "sign": (lambda *args: -ex.expected_surrogate_loss(*args), {"en": "a sign flip", "zh": "符号反了"}),
    "pi for log pi": (_mean_over_trajectories(lambda pi: pi, lambda prob, K: prob),
                      {"en": "πθ(a_t|s_t) where log πθ(a_t|s_t) belongs", "zh": "把 log πθ(a_t|s_t) 写成了 πθ(a_t|s_t)"}),
    "mean over steps": (lambda theta, mdp: ex.expected_surrogate_loss(theta, mdp) / (mdp.T + 1),
                        {"en": "a mean over the T + 1 steps", "zh": "对 T + 1 步取了平均"}),
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("mistake", sorted(WRONG_LOSSES))
def test_expected_surrogate_loss_mistakes_are_named(mistake, lang):
    answer, message = WRONG_LOSSES[mistake]
    passed, said = verdict(ex.check_expected_surrogate_loss, answer, lang)
    assert not passed and message[lang] in said, said


def test_expected_surrogate_loss_gradient_is_not_minus_the_policy_gradient():
    """The solution's claim: ∇θ E[Loss] = −∇J − E[∇log πθ(τ) Σ_t log πθ(a_t|s_t) R(τ)], which at the
    page's θ points against −∇J; central differences of the reference solution against autograd."""
    mdp = SimpleNamespace(p0=P0, P=P, r=np.array([[0.0, -0.5], [1.0, 0.0], [2.0, 1.0]]), T=2)
    theta = np.array([[0.3, -0.2], [0.0, 0.5], [-0.4, 0.1]])
    s, a, dynamics = _enumerated(mdp)
    theta_t = torch.tensor(theta, requires_grad=True)
    decisions = torch.log_softmax(theta_t, dim=1)[s, a].sum(dim=1)       # Σ_t log πθ(a_t|s_t) = log πθ(τ) + const
    prob, R = torch.as_tensor(dynamics) * decisions.exp(), torch.as_tensor(mdp.r[s, a].sum(axis=1))
    (grad_J,) = torch.autograd.grad(prob @ R, theta_t, retain_graph=True)
    (extra,) = torch.autograd.grad(prob.detach() @ (decisions * decisions.detach() * R), theta_t)  # E[∇log πθ(τ) L R]
    claimed = (-grad_J - extra).numpy()
    h, differences = 1e-6, np.zeros_like(theta)
    for index in np.ndindex(theta.shape):
        step = np.zeros_like(theta)
        step[index] = h
        differences[index] = (ex.expected_surrogate_loss(theta + step, mdp) - ex.expected_surrogate_loss(theta - step, mdp)) / (2 * h)
    assert np.abs(differences - claimed).max() < 1e-8
    assert np.all(np.sign(claimed) == -np.sign(-grad_J.numpy()))        # against −∇J in every entry
    assert ex.expected_surrogate_loss(theta, mdp) == pytest.approx(2.7305, abs=5e-5)


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
