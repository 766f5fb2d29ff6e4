"""The policy-objectives page's checkers: the reference solutions pass, typical wrong answers fail
with the message that names their mistake, in both languages (snippets/exercises/policy_objectives.py)."""
import contextlib
import io

import numpy as np
import pytest
import torch

from exercises import policy_objectives as ex

LANGS = ["en", "zh"]


def verdict(check, answer, lang):
    said = io.StringIO()
    with contextlib.redirect_stdout(said):
        passed = check(answer, lang=lang)
    return passed, said.getvalue()


# discounted_visitation

@pytest.mark.parametrize("lang", LANGS)
def test_discounted_visitation_solution_passes(lang):
    assert verdict(ex.check_discounted_visitation, ex.discounted_visitation, lang)[0]


def _column(P_pi, gamma, s1):
    I = torch.eye(len(P_pi), dtype=P_pi.dtype)
    return torch.linalg.solve(I - gamma * P_pi, I[s1])


def _stationary(P_pi, gamma, s1):
    return torch.linalg.matrix_power(P_pi, 1000)[s1]


WRONG_VISITATIONS = {
    "normalized": (lambda P_pi, gamma, s1: (1 - gamma) * ex.discounted_visitation(P_pi, gamma, s1),
                   {"en": "the normalized (1 − γ) d_γ", "zh": "做了归一化"}),
    "column": (_column, {"en": "column s1 of (I − γ P_π)^{-1}", "zh": "第 s1 列"}),
    "gamma to the t": (lambda P_pi, gamma, s1: gamma * ex.discounted_visitation(P_pi, gamma, s1),
                       {"en": "the first step discounted too", "zh": "第一步也打了折扣"}),
    "start left out": (lambda P_pi, gamma, s1: ex.discounted_visitation(P_pi, gamma, s1) - torch.eye(len(P_pi))[s1],
                       {"en": "the visit to s1 at t = 1 left out", "zh": "漏掉了 t = 1 时"}),
    "stationary": (_stationary, {"en": "the stationary distribution", "zh": "用了平稳分布"}),
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("mistake", sorted(WRONG_VISITATIONS))
def test_discounted_visitation_mistakes_are_named(mistake, lang):
    answer, message = WRONG_VISITATIONS[mistake]
    passed, said = verdict(ex.check_discounted_visitation, answer, lang)
    assert not passed and message[lang] in said, said


# start_value_gradient

@pytest.mark.parametrize("lang", LANGS)
def test_start_value_gradient_solution_passes(lang):
    assert verdict(ex.check_start_value_gradient, ex.start_value_gradient, lang)[0]


def _theorem(state_weights, action_weights):
    """An answer Σ_s d(s) Σ_a w(s, a) ∇log πθ(a|s) with d = state_weights(P_π, γ, s1) and
    w = action_weights(πθ, Q^π, R)."""
    def gradient(theta, P, R, gamma, s1):
        pi = torch.softmax(theta, dim=1)
        P_pi = torch.einsum("sa,sat->st", pi, P)
        V = torch.linalg.solve(torch.eye(len(P_pi), dtype=P.dtype) - gamma * P_pi, (pi * R).sum(dim=1))
        w = action_weights(pi, R + gamma * P @ V, R)
        return state_weights(P_pi, gamma, s1)[:, None] * (w - pi * w.sum(dim=1, keepdim=True))
    return gradient


def _visitation(P_pi, gamma, s1):
    return ex.discounted_visitation(P_pi, gamma, s1)


WRONG_GRADIENTS = {
    "stationary d": (_theorem(_stationary, lambda pi, Q, R: pi * Q),
                     {"en": "the stationary distribution where", "zh": "用了平稳分布"}),
    "normalized d": (_theorem(lambda P_pi, gamma, s1: (1 - gamma) * _visitation(P_pi, gamma, s1), lambda pi, Q, R: pi * Q),
                     {"en": "a missing 1/(1 − γ)", "zh": "少了 1/(1 − γ)"}),
    "immediate reward": (_theorem(_visitation, lambda pi, Q, R: pi * R),
                         {"en": "the immediate reward R_s^a where Q^π(s, a) belongs", "zh": "用了即时奖励"}),
    "not weighted by pi": (_theorem(_visitation, lambda pi, Q, R: Q),
                           {"en": "the score not weighted by πθ(a|s)", "zh": "得分函数没有乘 πθ(a|s)"}),
    "grad of pi": (_theorem(_visitation, lambda pi, Q, R: pi * pi * Q),
                   {"en": "∇π used where ∇log π belongs", "zh": "把 ∇π 当成了 ∇log π"}),
    "sign": (lambda *args: -ex.start_value_gradient(*args), {"en": "a sign flip", "zh": "符号反了"}),
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("mistake", sorted(WRONG_GRADIENTS))
def test_start_value_gradient_mistakes_are_named(mistake, lang):
    answer, message = WRONG_GRADIENTS[mistake]
    passed, said = verdict(ex.check_start_value_gradient, answer, lang)
    assert not passed and message[lang] in said, said


def test_start_value_gradient_with_a_state_baseline_passes_and_with_an_action_baseline_fails():
    """The advantage Q − V (a baseline of the state) gives the same gradient; Q − Q (a baseline of
    the action) gives zero, which the checker rejects."""
    advantage = _theorem(_visitation, lambda pi, Q, R: pi * (Q - (pi * Q).sum(dim=1, keepdim=True)))
    action_baseline = _theorem(_visitation, lambda pi, Q, R: pi * (Q - Q))
    assert verdict(ex.check_start_value_gradient, advantage, "en")[0]
    assert not verdict(ex.check_start_value_gradient, action_baseline, "en")[0]
