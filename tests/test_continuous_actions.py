"""Tests of snippets/continuous_actions.py (formulas L1-L2, the continuous-actions page) and of its
cache in page_results/continuous_actions_results.py: closed forms against sampling and finite
differences, the estimator against the exact gradient, training against the known optimum, and for
each check a partner that makes it fail."""
import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pytest

import continuous_actions as ca
import continuous_actions_results as car
from log_derivative import central_difference, gaussian_score

THETAS = [np.array([0.0, 0.0]), np.array([1.5, np.log(0.5)]), np.array([2.3, np.log(2.0)])]


# --- L1: the bandit ----------------------------------------------------------------------------------

@pytest.mark.parametrize("theta", THETAS)
def test_bandit_expected_reward_matches_a_monte_carlo_average(theta):
    rng = np.random.default_rng(0)
    actions = rng.normal(theta[0], np.exp(theta[1]), size=200_000)
    rewards = ca.reward(actions, rng)
    se = rewards.std(ddof=1) / np.sqrt(len(rewards))
    assert abs(rewards.mean() - ca.expected_reward(theta)) <= 4 * se


@pytest.mark.parametrize("theta", THETAS)
def test_bandit_gradient_matches_central_differences(theta):
    assert np.allclose(ca.expected_reward_gradient(theta), central_difference(ca.expected_reward, theta), atol=1e-8)


def test_bandit_check_fails_for_the_gradient_in_sigma():
    """∂J/∂σ = −2σ is not ∂J/∂log σ = −2σ²: the same comparison tells them apart."""
    theta = THETAS[1]
    in_sigma = np.array([ca.expected_reward_gradient(theta)[0], -2 * np.exp(theta[1])])
    assert not np.allclose(in_sigma, central_difference(ca.expected_reward, theta), atol=1e-8)


# --- L2: the estimator ----------------------------------------------------------------------------------

def batches(theta, count, n, seed, estimate=ca.bandit_gradient_estimate):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        actions = rng.normal(theta[0], np.exp(theta[1]), size=n)
        out.append(estimate(theta, actions, ca.reward(actions, rng))[0])
    return np.array(out)


def test_estimator_is_the_sample_covariance():
    rng = np.random.default_rng(1)
    theta = THETAS[1]
    actions = rng.normal(theta[0], np.exp(theta[1]), size=16)
    rewards = ca.reward(actions, rng)
    scores = gaussian_score(actions, theta)
    covariance = [np.cov(rewards, scores[:, k])[0, 1] for k in range(2)]
    assert np.allclose(ca.bandit_gradient_estimate(theta, actions, rewards)[0], covariance, rtol=1e-12)


@pytest.mark.parametrize("theta", THETAS)
def test_estimator_is_unbiased(theta):
    estimates = batches(theta, 8_000, 16, seed=2)
    se = estimates.std(axis=0, ddof=1) / np.sqrt(len(estimates))
    assert np.all(np.abs(estimates.mean(axis=0) - ca.expected_reward_gradient(theta)) <= 4 * se)


def own_reward_baseline(theta, actions, rewards):
    """(L2) with b_i the mean of ALL n rewards, r_i included: it depends on a_i."""
    terms = (rewards - rewards.mean())[:, None] * gaussian_score(actions, theta)
    return terms.mean(axis=0), None


def test_estimator_check_fails_with_the_own_reward_in_the_baseline():
    theta = THETAS[0]                                         # ∇J = (4, −2): a bias of (−0.25, 0.125)
    estimates = batches(theta, 8_000, 16, seed=2, estimate=own_reward_baseline)
    se = estimates.std(axis=0, ddof=1) / np.sqrt(len(estimates))
    assert not np.all(np.abs(estimates.mean(axis=0) - ca.expected_reward_gradient(theta)) <= 4 * se)
    shrunk = ca.expected_reward_gradient(theta) * 15 / 16                # what it estimates instead: (n − 1)/n ∇J
    assert np.all(np.abs(estimates.mean(axis=0) - shrunk) <= 4 * se)


# --- training -------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def runs():
    return [ca.train(dataclasses.replace(ca.Config(), seed=seed)) for seed in range(5)]


def test_train_is_deterministic_and_logs_the_exact_value():
    config = dataclasses.replace(ca.Config(), updates=20)
    first, second = ca.train(config), ca.train(config)
    assert np.array_equal(first["theta"], second["theta"])
    assert np.allclose(first["expected_reward"], [ca.expected_reward(t) for t in first["theta"]])
    assert first["theta"].shape == (21, 2) and first["batch_reward"].shape == (20,)


def test_train_ends_near_the_optimum(runs):
    for run in runs:
        mu, sigma = run["theta"][-1, 0], np.exp(run["theta"][-1, 1])
        assert abs(mu - ca.BEST_ACTION) < 0.25 and sigma < 0.2
        assert run["expected_reward"][-1] > -0.05 > run["expected_reward"][0] == -5


def test_train_check_fails_when_the_step_goes_downhill():
    run = ca.train(dataclasses.replace(ca.Config(), step_size=-0.05, updates=5))
    assert run["expected_reward"][-1] < run["expected_reward"][0] - 1


def test_train_sigma_follows_the_expected_gradient(runs):
    """With the expected gradient, log σ ← log σ − 2ασ² at every update; the noisy runs follow it."""
    config, log_sigma = ca.Config(), 0.0
    for _ in range(config.updates):
        log_sigma -= 2 * config.step_size * np.exp(2 * log_sigma)
    expected = np.exp(log_sigma)
    assert expected == pytest.approx((1 + 4 * config.step_size * config.updates) ** -0.5, rel=0.01)
    final = np.median([np.exp(run["theta"][-1, 1]) for run in runs])
    assert final == pytest.approx(expected, rel=0.15)
    assert not final == pytest.approx(expected / 2, rel=0.15)          # the check can tell σ from σ/2


# --- the cache ------------------------------------------------------------------------------------------

def test_cache_key_follows_training_code_and_settings(tmp_path):
    files = []
    for path in car.CODE_FILES:
        files.append(tmp_path / path.name)
        shutil.copy(path, files[-1])
    assert {path.name for path in files} == {"continuous_actions.py", "log_derivative.py"}
    key = car.cache_key(car.EXPERIMENT, files)
    assert key == car.cache_key()                                            # copies = the real files
    for path in files:
        original = path.read_text(encoding="utf-8")
        path.write_text(original.replace("import numpy as np", "import numpy as np  # edited", 1), encoding="utf-8")
        assert car.cache_key(car.EXPERIMENT, files) != key, path.name
        path.write_text(original, encoding="utf-8")
    assert car.cache_key(dict(car.EXPERIMENT, updates=1), files) != key


def test_cache_key_ignores_captions(tmp_path):
    import importlib.util

    text = Path(car.__file__).read_text(encoding="utf-8")
    old = '"curve_title": "A Gaussian policy learns the bandit"'
    assert text.count(old) == 1
    (tmp_path / "captions.py").write_text(text.replace(old, '"curve_title": "Another title"'), encoding="utf-8")
    spec = importlib.util.spec_from_file_location("continuous_actions_results_captions", tmp_path / "captions.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.TEXT["en"]["curve_title"] == "Another title" and module.cache_key() == car.cache_key()


def test_cache_is_reused_and_written_once(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(car, "run_experiment", lambda experiment: calls.append(1) or {"x": 1})
    first = car.load_or_run(car.SMOKE_EXPERIMENT, cache=tmp_path)
    second = car.load_or_run(car.SMOKE_EXPERIMENT, cache=tmp_path)
    assert calls == [1] and (first["from_cache"], second["from_cache"]) == (False, True)
    assert len(list(tmp_path.iterdir())) == 1


def test_results_figures_name_their_numbers_in_both_languages():
    results = car.run_experiment(car.SMOKE_EXPERIMENT)
    for lang in ("en", "zh"):
        for figure in (car.learning_curve_figure(results, lang), car.policy_figure(results, lang)):
            html = figure.data
            assert html.startswith('<figure class="plot"><svg role="img" aria-label="') and "<figcaption>" in html
        assert "| 0 |" in car.summary_table(results, lang).data
