"""One formula, checked as one: the softmax score ∇θ log πθ(a|s) = e_a − πθ(·|s).

Each page shows self-contained code a reader can copy, so several snippet files carry their own
few-line copy of the tabular softmax score (the log-derivative-trick page derives it). This test
holds every copy to the one on that page, on the same random parameters, so they cannot drift apart.
"""
import numpy as np
import pytest
import torch

import log_derivative
import policy_gradient
import policy_objectives
import score_function
import vanilla_variance
import variance_reduction

S, A = 3, 4


def reference(theta, s, a):
    """The log-derivative-trick page's tabular score, (S, A)."""
    return log_derivative.policy_score(theta, s, a)


COPIES = {
    "score_function.softmax_score": lambda theta, s, a: np.eye(S)[s][:, None] * score_function.softmax_score(a, theta[s])[None, :],
    "policy_gradient.score": lambda theta, s, a: policy_gradient.score(theta, s, a),
    "policy_objectives.policy_score": lambda theta, s, a: policy_objectives.policy_score(torch.from_numpy(theta))[s, a].numpy(),
    "vanilla_variance.score_table": lambda theta, s, a: vanilla_variance.score_table(theta)[s, a],
    "variance_reduction.score": lambda theta, s, a: variance_reduction.score(theta, s, a).reshape(S, A),
}


@pytest.mark.parametrize("name", sorted(COPIES))
def test_softmax_score_copies_equal_the_log_derivative_page(name):
    rng = np.random.default_rng(7)
    for _ in range(5):
        theta = rng.normal(size=(S, A))
        for s in range(S):
            for a in range(A):
                np.testing.assert_allclose(COPIES[name](theta, s, a), reference(theta, s, a), atol=1e-12, err_msg=name)


def test_softmax_score_reference_is_the_gradient_of_the_log_policy():
    """The reference itself, against autograd: the comparison above is to something proved."""
    theta = torch.tensor(np.random.default_rng(8).normal(size=(S, A)), requires_grad=True)
    torch.log_softmax(theta[1], dim=0)[2].backward()
    np.testing.assert_allclose(reference(theta.detach().numpy(), 1, 2), theta.grad.numpy(), atol=1e-12)
