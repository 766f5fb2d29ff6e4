"""The natural-gradient page's checkers: the reference solutions pass, typical wrong answers fail with
the message that names their mistake, in both languages (snippets/exercises/natural_gradient.py)."""

import numpy as np
import pytest

from advantage import state_visits
from exercises import natural_gradient as ex
from natural_gradient import kl_divergence, natural_gradient, trajectory_fisher
from policy_gradient import exact_gradient, policy, small_mdp
from exercise_pages import verdict


def test_visit_weighted_kl_is_the_trajectory_kl():
    """The chain rule of the solution, against the page's own enumeration (H6's first line)."""
    mdp, rng = small_mdp(), np.random.default_rng(5)
    for _ in range(5):
        theta = rng.normal(size=(3, 2))
        theta_new = theta + rng.normal(size=(3, 2))
        assert ex.visit_weighted_kl(theta, theta_new, mdp) == pytest.approx(kl_divergence(theta, theta_new, mdp), abs=1e-12)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_visit_weighted_kl_solution_passes(lang):
    assert verdict(ex.check_visit_weighted_kl, ex.visit_weighted_kl, lang)[0]


def _per_state_kl(p, q):
    pi, pi_new = policy(p), policy(q)
    return (pi * np.log(pi / pi_new)).sum(axis=1)


WRONG_KLS = {
    "reversed": (lambda p, q, mdp: ex.visit_weighted_kl(q, p, mdp),
                 {"en": "the KL the other way round", "zh": "KL 散度的方向弄反了"}),
    "no visit weights": (lambda p, q, mdp: float(_per_state_kl(p, q).sum()),
                         {"en": "the visit weights Σ_t ρ_t(s) are missing", "zh": "漏掉了访问权重"}),
    "start only": (lambda p, q, mdp: float(mdp.p0 @ _per_state_kl(p, q)),
                   {"en": "only the start distribution", "zh": "只用了初始分布"}),
    "mean over steps": (lambda p, q, mdp: float(state_visits(p, mdp).mean(axis=0) @ _per_state_kl(p, q)),
                        {"en": "the mean over the T + 1 steps", "zh": "对 T + 1 步取了平均"}),
    "new visits": (lambda p, q, mdp: float(state_visits(q, mdp).sum(axis=0) @ _per_state_kl(p, q)),
                   {"en": "the new policy's visits", "zh": "用新策略的访问次数"}),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("mistake", sorted(WRONG_KLS))
def test_visit_weighted_kl_mistakes_are_named(mistake, lang):
    answer, message = WRONG_KLS[mistake]
    passed, said = verdict(ex.check_visit_weighted_kl, answer, lang)
    assert not passed and message[lang] in said, said


def test_conjugate_gradient_reaches_the_natural_gradient():
    """Three iterations (F has rank 3) give the page's F⁺∇J (H7), with no shift along F's null space."""
    mdp = small_mdp()
    for theta in (np.array([[0.3, -0.2], [0.0, 0.5], [-0.4, 0.1]]), np.random.default_rng(2).normal(size=(3, 2))):
        F, grad = trajectory_fisher(theta, mdp), exact_gradient(theta, mdp).ravel()
        x = ex.conjugate_gradient(lambda v: F @ v, grad, 3)
        assert np.allclose(x, natural_gradient(F, grad), atol=1e-10)
        assert np.allclose(x.reshape(3, 2).sum(axis=1), 0.0, atol=1e-10)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_conjugate_gradient_solution_passes(lang):
    assert verdict(ex.check_conjugate_gradient, ex.conjugate_gradient, lang)[0]


def _steepest_descent(fvp, grad, iterations):
    x, residual = np.zeros(len(grad)), np.array(grad, dtype=float)
    for _ in range(iterations):
        F_residual = fvp(residual)
        step = (residual @ residual) / (residual @ F_residual)
        x, residual = x + step * residual, residual - step * F_residual
    return x


def _matrix_then_pinv(fvp, grad, iterations):
    F = np.column_stack([fvp(e) for e in np.eye(len(grad))])
    return np.linalg.pinv(F) @ grad


WRONG_SOLVERS = {
    "sign": (lambda *a: -ex.conjugate_gradient(*a), {"en": "a sign flip", "zh": "符号反了"}),
    "plain gradient": (lambda fvp, grad, iterations: np.array(grad, dtype=float),
                       {"en": "the plain gradient ∇J", "zh": "看起来是普通梯度 ∇J"}),
    "steepest descent": (_steepest_descent, {"en": "steepest descent", "zh": "看起来是最速下降"}),
    "forms F": (_matrix_then_pinv, {"en": "fvp was called 6 times", "zh": "调用了 fvp 6 次"}),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("mistake", sorted(WRONG_SOLVERS))
def test_conjugate_gradient_mistakes_are_named(mistake, lang):
    answer, message = WRONG_SOLVERS[mistake]
    passed, said = verdict(ex.check_conjugate_gradient, answer, lang)
    assert not passed and message[lang] in said, said
