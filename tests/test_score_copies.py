"""One formula, checked as one: the softmax score ∇θ log πθ(a|s) = e_a − πθ(·|s).

The log-derivative-trick page derives it as `policy_score` (one state and action); the other pages
import that one where it fits. Two snippet files compute the same formula in a form it does not
offer: policy_gradient.score for a batch of steps, policy_objectives.score_table_torch as a torch
table that autograd can go through. This test holds both to the page's function, on the same random
parameters, so they cannot drift apart.
"""
import numpy as np
import pytest
import torch

import log_derivative
import policy_gradient
import policy_objectives

S, A = 3, 4


def reference(theta, s, a):
    """The log-derivative-trick page's tabular score, (S, A)."""
    return log_derivative.policy_score(theta, s, a)


COPIES = {
    "policy_gradient.score": lambda theta, s, a: policy_gradient.score(theta, s, a),
    "policy_objectives.score_table_torch": lambda theta, s, a: policy_objectives.score_table_torch(torch.from_numpy(theta))[s, a].numpy(),
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
