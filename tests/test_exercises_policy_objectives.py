"""The policy-objectives page's checkers: the reference solutions pass, typical wrong answers fail
with the message that names their mistake, in both languages (snippets/exercises/policy_objectives.py)."""

import numpy as np
import pytest
import torch

from exercises import policy_objectives as ex
from exercise_pages import verdict

LANGS = ["en", "zh"]


# stationary_by_eigenvector

@pytest.mark.parametrize("lang", LANGS)
def test_stationary_by_eigenvector_solution_passes(lang):
    assert verdict(ex.check_stationary_by_eigenvector, ex.stationary_by_eigenvector, lang)[0]


def _right_eigenvector(P_pi):
    values, vectors = np.linalg.eig(P_pi)                 # P_π, not P_πᵀ: the ones vector
    v = vectors[:, np.argmin(np.abs(values - 1))].real
    return v / v.sum()


def _unit_length(P_pi):
    values, vectors = np.linalg.eig(P_pi.T)
    return vectors[:, np.argmin(np.abs(values - 1))].real  # as eig returns it, sign included


def _first_column(normalise):
    def stationary(P_pi):
        values, vectors = np.linalg.eig(P_pi.T)
        return normalise(vectors[:, 0].real)              # column 0: not always the eigenvalue 1
    return stationary


def _by_sum_where_it_can(v):
    """Sum 1 where the column is that of the eigenvalue 1, unit length where it sums to 0, so that
    the first chain (eigenvalue 1 first) passes and the second shows the unit-length message."""
    return v / v.sum() if abs(v.sum()) > 1e-6 else v / np.linalg.norm(v)


def _power_iteration(steps):
    def stationary(P_pi):
        d = np.eye(len(P_pi))[0]
        for _ in range(steps):
            d = d @ P_pi
        return d
    return stationary


WRONG_STATIONARY = {
    "right eigenvector": (_right_eigenvector, {"en": "the right eigenvector of P_π", "zh": "用了 P_π 的右特征向量"}),
    "unit length": (_unit_length, {"en": "an eigenvector of unit length", "zh": "特征向量是单位长度"}),
    "first column by its sum": (_first_column(lambda v: v / v.sum()),
                                {"en": "an eigenvector of an eigenvalue other than 1, divided by its sum",
                                 "zh": "取了特征值不为 1 的特征向量，再除以它的各分量之和"}),
    "first column of unit length": (_first_column(_by_sum_where_it_can),
                                    {"en": "the eigenvector of the eigenvalue -0.487", "zh": "取了特征值 -0.487 的特征向量"}),
    "five power steps": (_power_iteration(5), {"en": "a row of P_π^5: the power iteration stopped", "zh": "是 P_π^5 的一行"}),
    "zero": (lambda P_pi: np.zeros(len(P_pi)), {"en": "the zero vector", "zh": "得到了零向量"}),
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("mistake", sorted(WRONG_STATIONARY))
def test_stationary_by_eigenvector_mistakes_are_named(mistake, lang):
    answer, message = WRONG_STATIONARY[mistake]
    passed, said = verdict(ex.check_stationary_by_eigenvector, answer, lang)
    assert not passed and message[lang] in said, said


def test_stationary_by_eigenvector_converged_power_iteration_passes():
    """The checker judges the distribution, not the method: enough power steps give it too."""
    assert verdict(ex.check_stationary_by_eigenvector, _power_iteration(200), "en")[0]


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
    I = torch.eye(len(P_pi), dtype=P_pi.dtype)
    return torch.linalg.solve(I - gamma * P_pi.T, I[s1])      # row s1 of (I − γ P_π)^{-1}


def _stationary(P_pi, gamma, s1):
    return torch.linalg.matrix_power(P_pi, 1000)[s1]


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
