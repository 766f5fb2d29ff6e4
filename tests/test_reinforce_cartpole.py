"""Tests of snippets/reinforce_cartpole.py (the agent page) and its cache in page_results/agent_results.py.

The training loop computes what the policy-gradient page says: the weights are R(τ_i) or the
reward-to-go of `policy_gradient.py`, the loss is its surrogate loss, and the gradient of that loss
is exactly minus the D8 estimate (scaled by one positive number). Runs are deterministic, a
diverging run names its seed and update, and the cache key follows the training code.
"""
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

import agent_results
import reinforce_cartpole as rc
from policy_gradient import reward_to_go, trajectory_return


def fake_batch():
    """Three episodes of lengths 4, 1 and 3, padded to T = 4, with distinct rewards: (T, n)."""
    running = np.array([[1, 1, 1], [1, 0, 1], [1, 0, 1], [1, 0, 0]], dtype=bool)
    rewards = np.array([[1.0, 5.0, 0.5], [2.0, 0.0, 1.5], [3.0, 0.0, 2.5], [4.0, 0.0, 0.0]])
    return rewards, running


# --- weights: the same functions as the policy-gradient page ---------------------------------------

def test_weights_reward_to_go_is_per_episode_reward_to_go():
    rewards, running = fake_batch()
    w = rc.estimator_weights(rewards, running, "reward_to_go")
    expected = np.concatenate([reward_to_go([1, 2, 3, 4]), reward_to_go([5]), reward_to_go([0.5, 1.5, 2.5])])
    np.testing.assert_array_equal(w, expected)
    np.testing.assert_array_equal(w, [10, 9, 7, 4, 5, 4.5, 4, 2.5])       # Σ_{t' ≥ t} r_t' by hand


def test_weights_trajectory_return_is_whole_return_at_every_step():
    rewards, running = fake_batch()
    w = rc.estimator_weights(rewards, running, "trajectory_return")
    returns = [trajectory_return([1, 2, 3, 4]), trajectory_return([5]), trajectory_return([0.5, 1.5, 2.5])]
    np.testing.assert_array_equal(w, np.repeat(returns, [4, 1, 3]))


def test_weights_fail_when_episodes_are_mixed_up():
    """The check has teeth: time-major order (the vector env's) is not the order of Σ_i Σ_t."""
    rewards, running = fake_batch()
    w = rc.estimator_weights(rewards, running, "reward_to_go")
    time_major = np.concatenate([reward_to_go(rewards[:, i])[: running[:, i].sum()] for i in range(3)])[
        np.argsort(np.nonzero(running.T)[1], kind="stable")]
    assert not np.array_equal(w, time_major)


def test_weights_episode_major_matches_weights_order():
    rewards, running = fake_batch()
    steps = np.arange(4)[:, None] * np.ones((1, 3))                        # t of every slot, (T, n)
    episode = np.ones((4, 1)) * np.arange(3)[None, :]                       # i of every slot
    assert rc.episode_major(episode, running).tolist() == [0, 0, 0, 0, 1, 2, 2, 2]
    assert rc.episode_major(steps, running).tolist() == [0, 1, 2, 3, 0, 0, 1, 2]


def test_weights_unknown_estimator_is_an_error():
    rewards, running = fake_batch()
    with pytest.raises(ValueError, match="unknown estimator"):
        rc.estimator_weights(rewards, running, "reward")


# --- the baseline ---------------------------------------------------------------------------------

def test_baseline_is_mean_of_the_other_running_episodes():
    rewards, running = fake_batch()
    rtg = np.zeros(rewards.shape)
    for i in range(3):
        T = running[:, i].sum()
        rtg[:T, i] = reward_to_go(rewards[:T, i])
    b = rc.leave_one_out_baseline(rtg, running)
    for t in range(4):
        for i in range(3):
            others = [rtg[t, j] for j in range(3) if j != i and running[t, j]]
            expected = np.mean(others) if running[t, i] and others else 0.0
            assert b[t, i] == pytest.approx(expected)
    w = rc.estimator_weights(rewards, running, "reward_to_go_baseline")
    # by hand: R̂ = [10, 9, 7, 4], [5], [4.5, 4, 2.5]; e.g. b_0^(1) = (10 + 4.5) / 2, b_3^(0) = 0 (alone)
    assert w.tolist() == pytest.approx([10 - 4.75, 9 - 4, 7 - 2.5, 4 - 0, 5 - 7.25, 4.5 - 7.5, 4 - 9, 2.5 - 7])


def test_baseline_ignores_the_episode_it_is_subtracted_from():
    """b^(i) does not use episode i: the premise of E[∇θ log πθ(a_t|s_t) b_t^(i)] = 0 (no bias)."""
    rewards, running = fake_batch()
    rtg = np.where(running, np.arange(1.0, 13.0).reshape(4, 3), 0.0)
    changed = rtg.copy()
    changed[:, 0] *= 100.0
    b, b_changed = rc.leave_one_out_baseline(rtg, running), rc.leave_one_out_baseline(changed, running)
    np.testing.assert_array_equal(b[:, 0], b_changed[:, 0])
    assert not np.array_equal(b[:, 2], b_changed[:, 2])                     # the others do see it


# --- the loss: its gradient is the D8 estimate ---------------------------------------------------

def d8_estimate(policy, states, actions, weights, n):
    """(1/n) Σ_i Σ_t ∇θ log πθ(a_t|s_t) w_t, one autograd call per step: (d,)."""
    total = 0
    for s, a, w in zip(states, actions, weights):
        policy.zero_grad()
        rc.log_prob(policy, s[None], a[None])[0].backward()                # ∇θ log πθ(a_t|s_t)
        total = total + w * torch.cat([p.grad.ravel() for p in policy.parameters()])
    return total / n


@pytest.fixture
def tiny_batch():
    rewards, running = fake_batch()
    rng = np.random.default_rng(0)
    states = rng.normal(size=running.shape + (4,)).astype(np.float32)      # (T, n, 4)
    actions = rng.integers(0, 2, size=running.shape)                        # (T, n)
    return rc.episode_major(states, running), rc.episode_major(actions, running), rewards, running


@pytest.mark.parametrize("estimator", rc.ESTIMATORS)
def test_loss_gradient_is_minus_d8_estimate(tiny_batch, estimator):
    states, actions, rewards, running = tiny_batch
    policy = rc.make_policy(8, seed=1)
    w = rc.estimator_weights(rewards, running, estimator)
    n = running.shape[1]
    policy.zero_grad()
    rc.reinforce_loss(policy, states, actions, w, n).backward()
    grad = torch.cat([p.grad.ravel() for p in policy.parameters()])
    rms = np.sqrt(np.mean(w ** 2))                                          # the one positive scale
    expected = d8_estimate(policy, states, actions, w, n) / rms
    torch.testing.assert_close(-grad, expected, rtol=1e-5, atol=1e-6)


def test_loss_gradient_check_fails_with_the_wrong_sign(tiny_batch):
    states, actions, rewards, running = tiny_batch
    policy = rc.make_policy(8, seed=1)
    w = rc.estimator_weights(rewards, running, "reward_to_go")
    policy.zero_grad()
    rc.reinforce_loss(policy, states, actions, w, 3).backward()
    grad = torch.cat([p.grad.ravel() for p in policy.parameters()])
    expected = d8_estimate(policy, states, actions, w, 3) / np.sqrt(np.mean(w ** 2))
    assert not torch.allclose(grad, expected, rtol=1e-5, atol=1e-6)        # +grad is descent on J


def test_gradient_variance_estimates_are_d8_with_raw_weights_on_shared_episodes(monkeypatch):
    """Estimate b of every estimator is +D8 (unscaled w_t) on batch b: the three share the episodes."""
    played = []

    def play_and_record(*args):
        played.append(play_episodes(*args))
        return played[-1]

    play_episodes = rc.play_episodes
    monkeypatch.setattr(rc, "play_episodes", play_and_record)
    policy = rc.make_policy(8, seed=2)
    g = rc.gradient_estimates(policy, n_batches=2, n_episodes=3, seed=5)
    assert set(g) == set(rc.ESTIMATORS) and len(played) == 2                 # one batch per estimate
    on_batch = {}
    for name in rc.ESTIMATORS:
        for b, (states, actions, rewards, running) in enumerate(played):
            w = rc.estimator_weights(rewards, running, name)
            on_batch[name, b] = d8_estimate(policy, rc.episode_major(states, running),
                                            rc.episode_major(actions, running), w, 3).numpy()
            np.testing.assert_allclose(g[name][b], on_batch[name, b], rtol=1e-5, atol=1e-6)
    # the check has teeth: the same estimator on the other batch of episodes is far off
    assert all(not np.allclose(g[name][0], on_batch[name, 1], rtol=1e-5, atol=1e-6) for name in rc.ESTIMATORS)
    assert rc.total_variance(np.array([[0.0, 1.0], [2.0, 3.0]])) == pytest.approx(4.0)  # 2 + 2


# --- training: deterministic, and loud when it diverges ------------------------------------------

SMOKE = dict(max_env_steps=3_000, episodes_per_update=4, hidden=8)


def test_train_smoke_run_is_deterministic():
    a, b = rc.train(rc.Config(seed=7, **SMOKE)), rc.train(rc.Config(seed=7, **SMOKE))
    assert a["log"] == b["log"] and a["env_steps"] == b["env_steps"] >= 3_000
    for p, q in zip(a["policy"].parameters(), b["policy"].parameters()):
        assert torch.equal(p, q)
    c = rc.train(rc.Config(seed=8, **SMOKE))
    assert c["log"] != a["log"]                                             # the seed matters


def test_train_diverging_parameters_name_seed_and_update():
    def poison(update, policy):
        if update == 2:
            policy[0].weight.data[0, 0] = float("nan")

    with pytest.raises(rc.TrainingDiverged, match=r"seed 5, update 3: action probabilities"):
        rc.train(rc.Config(seed=5, **SMOKE), on_update=poison)


def test_train_nan_loss_names_seed_and_update(monkeypatch):
    monkeypatch.setattr(rc, "estimator_weights", lambda rewards, running, estimator: np.full(int(running.sum()), np.nan))
    with pytest.raises(rc.TrainingDiverged, match=r"seed 6, update 0: loss is nan"):
        rc.train(rc.Config(seed=6, **SMOKE))


# --- the cache -----------------------------------------------------------------------------------

def test_cache_key_follows_training_code_and_settings(tmp_path):
    files = []
    for path in agent_results.CODE_FILES:
        files.append(tmp_path / path.name)
        shutil.copy(path, files[-1])
    key = agent_results.cache_key(agent_results.EXPERIMENT, files)
    assert key == agent_results.cache_key(dict(agent_results.EXPERIMENT), files)   # same inputs, same key
    assert key == agent_results.cache_key()                                         # copies = the real files
    for path in files:
        original = path.read_text(encoding="utf-8")
        path.write_text(original.replace("import numpy as np", "import numpy as np  # edited", 1), encoding="utf-8")
        assert agent_results.cache_key(agent_results.EXPERIMENT, files) != key, path.name
        path.write_text(original, encoding="utf-8")
    assert agent_results.cache_key(dict(agent_results.EXPERIMENT, env_steps=1), files) != key


def test_cache_key_covers_every_function_the_experiment_calls():
    """EXPERIMENT_CODE holds run_experiment and each function of agent_results.py it reaches."""
    import ast
    import inspect

    reached, todo = set(), [agent_results.run_experiment]
    while todo:
        function = todo.pop()
        reached.add(function)
        for node in ast.walk(ast.parse(inspect.getsource(function))):
            called = getattr(agent_results, node.id, None) if isinstance(node, ast.Name) else None
            if inspect.isfunction(called) and called.__module__ == "agent_results" and called not in reached:
                todo.append(called)
    reached.discard(agent_results.cache_key)                               # it names the results, it computes none
    assert reached == set(agent_results.EXPERIMENT_CODE)


def load_copy_of_agent_results(path, edit):
    """agent_results.py copied to `path` with one text edit, imported under another name."""
    import importlib.util

    text = Path(agent_results.__file__).read_text(encoding="utf-8")
    old, new = edit
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"agent_results_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cache_key_ignores_captions_and_follows_the_experiment_code(tmp_path):
    """A new caption redraws the plots from the cached runs; an edit of the code that runs them trains again."""
    key = agent_results.cache_key()
    caption = load_copy_of_agent_results(tmp_path / "caption.py", ('"curve_cap": ("Return of each', '"curve_cap": ("The return of each'))
    assert caption.TEXT["en"]["curve_cap"] != agent_results.TEXT["en"]["curve_cap"]
    assert caption.cache_key() == key
    episode = load_copy_of_agent_results(tmp_path / "episode.py", ("rng = np.random.default_rng(seed)\n    env =", "rng = np.random.default_rng(seed + 1)\n    env ="))
    assert episode.cache_key() != key                                  # sample_episode is part of the result


def test_cache_is_reused_and_written_once(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(agent_results, "run_experiment", lambda experiment: calls.append(1) or {"x": 1})
    first = agent_results.load_or_run(agent_results.EXPERIMENT, cache=tmp_path)
    second = agent_results.load_or_run(agent_results.EXPERIMENT, cache=tmp_path)
    assert calls == [1] and first["x"] == second["x"] == 1
    assert (first["from_cache"], second["from_cache"]) == (False, True)
    assert len(list(tmp_path.iterdir())) == 1


# --- config, policy and rollout ------------------------------------------------------------------

def test_config_every_field_has_a_docstring():
    """CleanRL style: each setting says what it is, right under it (the page shows this block)."""
    import ast
    import inspect

    body = ast.parse(inspect.getsource(rc.Config)).body[0].body
    fields = [(i, node.target.id) for i, node in enumerate(body) if isinstance(node, ast.AnnAssign)]
    undocumented = [name for i, name in fields
                    if not (i + 1 < len(body) and isinstance(body[i + 1], ast.Expr) and isinstance(body[i + 1].value, ast.Constant))]
    assert fields and undocumented == []


def test_policy_log_prob_is_the_log_of_the_softmax_probability():
    policy = rc.make_policy(hidden=8, seed=0)
    states = np.random.default_rng(0).normal(size=(5, 4)).astype(np.float32)
    actions = np.array([0, 1, 1, 0, 1])
    expected = torch.distributions.Categorical(logits=policy(torch.from_numpy(states))).log_prob(torch.as_tensor(actions))
    assert torch.allclose(rc.log_prob(policy, states, actions), expected, atol=1e-6)
    both = rc.log_prob(policy, np.repeat(states, 2, 0), np.tile([0, 1], 5)).exp().view(5, 2).sum(1)
    assert torch.allclose(both, torch.ones(5), atol=1e-6)   # πθ(0|s) + πθ(1|s) = 1


def test_rollout_masks_every_step_after_an_episode_ends():
    import gymnasium as gym

    envs = gym.make_vec("CartPole-v1", num_envs=4, vectorization_mode="vector_entry_point")
    envs.reset(seed=3)
    states, actions, rewards, running = rc.play_episodes(envs, rc.make_policy(8, 0), np.random.default_rng(3))
    envs.close()
    T, n = running.shape
    assert states.shape == (T, n, 4) and actions.shape == rewards.shape == (T, n)
    lengths = running.sum(axis=0)
    assert (running == (np.arange(T)[:, None] < lengths)).all()   # True for the first `length` steps only
    assert (rewards[~running] == 0).all() and (rewards.sum(axis=0) == lengths).all()  # CartPole: +1 a step
    assert lengths.max() == T
