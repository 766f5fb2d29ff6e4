"""Exercises of the log-derivative-trick page: checkers and reference solutions.

Shown on the page (section #exercises): each checker under exercises/checking.py in a folded block,
each solution folded away. The checkers compare_with_exact with autograd, never with the solutions below. The
stubs the reader fills in are in log_derivative_stubs.py.
"""
from .checking import answer, compare_with_exact, say, verdict  # on the page, shown above each checker

# --8<-- [start:check_linear_softmax_score]
import numpy as np
import torch


def check_linear_softmax_score(fn, lang="en"):
    """linear_softmax_score against autograd of log softmax(Φθ)_a, every action of four seeded cases."""
    rng = np.random.default_rng(13)
    cases = [(say(lang, "3 actions, 2 features", "3 个动作，2 个特征"), rng.normal(size=(3, 2)), rng.normal(size=2)),
             (say(lang, "5 actions, 4 features", "5 个动作，4 个特征"), rng.normal(size=(5, 4)), rng.normal(size=4)),
             (say(lang, "features = identity: the page's softmax score", "特征为单位矩阵：即本页的 softmax 得分函数"),
              np.eye(4), np.array([0.5, -1.0, 2.0, 0.0])),
             (say(lang, "every logit raised by 1000 through a constant feature (is your softmax stable?)",
                  "借助一个常数特征把每个 logit 都加上 1000（你的 softmax 数值稳定吗？）"),
              np.column_stack([np.ones(4), rng.normal(size=(4, 2))]), np.array([1000.0, *rng.normal(size=2)]))]

    def autograd_scores(features, theta):
        params = torch.tensor(theta, dtype=torch.float64, requires_grad=True)
        log_pi = torch.log_softmax(torch.as_tensor(features) @ params, dim=0)
        return np.stack([torch.autograd.grad(value, params, retain_graph=True)[0].numpy() for value in log_pi])

    def check(features, theta):
        actions = range(len(features))
        got = np.stack([answer(fn, "linear_softmax_score", (features.copy(), theta.copy(), a),
                               (features.shape[1],), lang) for a in actions])
        exact = autograd_scores(features, theta)                       # row a: ∇θ log π(a)
        logits = features @ theta
        pi = np.exp(logits - logits.max())
        pi /= pi.sum()
        mistakes = [
            (("∇π used where ∇log π belongs (the score times π(a))", "把 ∇π 当成了 ∇log π（得分函数多乘了 π(a)）"),
             pi[:, None] * exact),
            (("a sign flip: Σ_b π(b) φ(b) − φ(a) where φ(a) − Σ_b π(b) φ(b) belongs",
              "符号反了：应为 φ(a) − Σ_b π(b) φ(b)，写成了 Σ_b π(b) φ(b) − φ(a)"), -exact),
            (("the derivative of the normaliser log Σ_b exp(θᵀφ(b)) is missing: φ(a) alone",
              "漏掉了归一化项 log Σ_b exp(θᵀφ(b)) 的导数：只剩下 φ(a)"), features),
            (("the plain mean of the features where the π-weighted mean Σ_b π(b) φ(b) belongs",
              "用了特征的简单平均，应为按 π 加权的平均 Σ_b π(b) φ(b)"), features - features.mean(axis=0)),
        ]
        compare_with_exact(got, exact, mistakes, 1e-8, lang)

    checks = [(what, lambda features=features, theta=theta: check(features, theta)) for what, features, theta in cases]
    return verdict("linear_softmax_score", checks, lang)
# --8<-- [end:check_linear_softmax_score]


# --8<-- [start:check_linear_softmax_fisher]
import numpy as np
import torch


def check_linear_softmax_fisher(fn, lang="en"):
    """linear_softmax_fisher against −∇²θ log softmax(Φθ)_a by autograd (the same for every a),
    three seeded cases."""
    rng = np.random.default_rng(17)
    cases = [(say(lang, "3 actions, 2 features", "3 个动作，2 个特征"), rng.normal(size=(3, 2)), rng.normal(size=2)),
             (say(lang, "6 actions, 3 features", "6 个动作，3 个特征"), rng.normal(size=(6, 3)), rng.normal(size=3)),
             (say(lang, "features = identity: the page's diag(p) − p pᵀ", "特征为单位矩阵：即本页的 diag(p) − p pᵀ"),
              np.eye(4), np.array([0.5, -1.0, 2.0, 0.0]))]

    def check(features, theta):
        got = answer(fn, "linear_softmax_fisher", (features.copy(), theta.copy()), (features.shape[1],) * 2, lang)
        phi = torch.as_tensor(features)
        exact = -torch.autograd.functional.hessian(                    # −∇²θ log π(a = 0)
            lambda params: torch.log_softmax(phi @ params, dim=0)[0], torch.tensor(theta)).numpy()
        logits = features @ theta
        pi = np.exp(logits - logits.max())
        pi /= pi.sum()
        scores = features - pi @ features                              # row a: φ(a) − Σ_b π(b) φ(b)
        mistakes = [
            (("the weights π(a) are missing: a plain average over actions", "漏掉了权重 π(a)：对各动作做了简单平均"),
             scores.T @ scores / len(pi)),
            (("the features φ(a) where the score φ(a) − Σ_b π(b) φ(b) belongs (E[φ φᵀ], not centred)",
              "用特征 φ(a) 代替了得分函数 φ(a) − Σ_b π(b) φ(b)（E[φ φᵀ] 没有中心化）"), features.T @ (pi[:, None] * features)),
            (("a sign flip: the expected Hessian of log π, not minus it", "符号反了：应是 log π 的期望黑塞矩阵取负"), -exact),
            (("∇π used where ∇log π belongs", "把 ∇π 当成了 ∇log π"), scores.T @ (pi[:, None] ** 3 * scores)),
            (("the outer product of the expected score, which is zero: the expectation goes outside the product",
              "先对得分函数求期望再做外积，结果为零：期望应放在外积外面"), np.zeros_like(exact)),
        ]
        mistakes += [(("the outer product of one action's score: the expectation over actions is missing",
                       "只取了一个动作的得分函数外积：漏掉了对动作的期望"), np.outer(score, score)) for score in scores]
        compare_with_exact(got, exact, mistakes, 1e-8, lang)

    checks = [(what, lambda features=features, theta=theta: check(features, theta)) for what, features, theta in cases]
    return verdict("linear_softmax_fisher", checks, lang)
# --8<-- [end:check_linear_softmax_fisher]


# --8<-- [start:linear_softmax_score]
import numpy as np


def linear_softmax_score(features, theta, a):
    """∇θ log softmax(Φθ)_a = φ(a) − Σ_b π(b) φ(b): (B1b) for the logits, times their Jacobian Φ."""
    logits = features @ theta                  # (A,)
    pi = np.exp(logits - logits.max())         # shift by the largest logit: no overflow
    pi /= pi.sum()
    return features[a] - pi @ features         # Φᵀ (e_a − π), shape (d,)
# --8<-- [end:linear_softmax_score]


# --8<-- [start:linear_softmax_fisher]
import numpy as np


def linear_softmax_fisher(features, theta):
    """F(θ) = Σ_a π(a) s_a s_aᵀ, s_a = ∇θ log π(a): shape (d, d)."""
    logits = features @ theta
    pi = np.exp(logits - logits.max())
    pi /= pi.sum()
    scores = np.stack([linear_softmax_score(features, theta, a) for a in range(len(pi))])   # (A, d)
    return scores.T @ (pi[:, None] * scores)   # = Φᵀ (diag(π) − π πᵀ) Φ
# --8<-- [end:linear_softmax_fisher]


# --8<-- [start:gaussian_fisher_information]
import numpy as np


def gaussian_fisher_information(mu, log_sigma):
    """F of N(μ, σ²) in θ = (μ, log σ), two ways by quadrature: E[score scoreᵀ] and −E[∇² log p]."""
    sigma = np.exp(log_sigma)
    x = np.linspace(mu - 12 * sigma, mu + 12 * sigma, 200_001)
    z = (x - mu) / sigma
    p = np.exp(-0.5 * z**2) / (sigma * np.sqrt(2 * np.pi))
    score = np.stack([z / sigma, z**2 - 1])                              # (B1a), shape (2, m)
    hessian = np.array([[-np.ones_like(z) / sigma**2, -2 * z / sigma],   # ∂²/∂μ², ∂²/∂μ∂log σ
                        [-2 * z / sigma, -2 * z**2]])                    # ∂²/∂(log σ)²
    outer = np.trapezoid(p * score[:, None] * score[None, :], x)        # E[score scoreᵀ]
    minus_hessian = -np.trapezoid(p * hessian, x)                        # −E[∇² log p]
    return outer, minus_hessian


if __name__ == "__main__":
    outer, minus_hessian = gaussian_fisher_information(1.0, np.log(2.0))
    print("E[score scoreᵀ] =", (np.round(outer, 9) + 0.0).tolist())   # both diag(1/σ², 2)
    print("−E[∇² log p]    =", (np.round(minus_hessian, 9) + 0.0).tolist())
# --8<-- [end:gaussian_fisher_information]
