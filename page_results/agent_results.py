"""The agent page's training runs, cached on disk, and its plots (not shown on the page).

Every number comes from snippets/reinforce_cartpole.py, which imports its mathematics from
snippets/policy_gradient.py. The runs take tens of seconds, so their results are stored under
.cache/agent/, in a file named after a hash of everything that determines them: the source of
those two files (and of any snippet they come to import), of `run_experiment` and the functions it
calls below, the experiment's settings, the default Config, and the versions of Python, torch,
numpy and gymnasium. Captions and plots are not in it: a new caption redraws the plots, it does
not train again. The English and the Chinese page share that file; plots are drawn from it on every
build, in the page's language (cheap).
Run: python page_results/agent_results.py (the page's runs, cached), or with --smoke (a tiny budget in a
temporary folder: checks the whole pipeline in seconds, without touching .cache/).
"""
from __future__ import annotations

import sys
from pathlib import Path

# Run as a script (python page_results/<file>.py), only this folder is on the path: the code the pages
# show, which the results come from, is in snippets/.
if str(Path(__file__).resolve().parent.parent / "snippets") not in sys.path:
    sys.path.insert(1, str(Path(__file__).resolve().parent.parent / "snippets"))

import dataclasses

import numpy as np

import reinforce_cartpole as rc
from _cache import cache_key as _hash, cached_json, code_files
from _page_tools import (PLOT_SIZE, legend_below, new_figure, plain_tick_labels, report_progress, svg_figure,
                         usable_cores, wait_reporting)

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "agent"

EXPERIMENT = {
    "seeds": [0, 1, 2, 3, 4],
    "estimators": list(rc.ESTIMATORS),
    "env_steps": 200_000,             # budget of every training run on the page (no early stop)
    "checkpoints": [0, 4, 8],         # updates of seed 0's reward-to-go + baseline run: fixed πθ for the variance
    "variance_batches": 60,           # independent D8 estimates per fixed policy
    "variance_episodes": 32,          # n, episodes per estimate (as in training)
    "variance_seed": 1000,
    "policy_grid": 61,                # points per axis of the πθ(right | ϑ, ϑ̇) map
}
# The same pipeline on a tiny budget (one seed, a few updates): `--smoke` and the tests use it.
SMOKE_EXPERIMENT = EXPERIMENT | {"seeds": [0], "env_steps": 1_000, "checkpoints": [0, 1],
                                 "variance_batches": 3, "variance_episodes": 4, "policy_grid": 5}


# --- running and caching --------------------------------------------------------------------------

CODE_FILES = code_files(rc)  # reinforce_cartpole.py and the snippets it imports (policy_gradient.py)


def cache_key(experiment=EXPERIMENT, code_files=CODE_FILES):
    """A hash of everything the cached numbers depend on; any change gives a new file (and a re-run)."""
    return _hash({"experiment": experiment, "config": repr(rc.Config())}, code_files,
                 functions=EXPERIMENT_CODE, libraries=("numpy", "torch", "gymnasium"))


def _train_run(estimator, seed, experiment):
    """One training run, in a worker process: its log, and for the kept run the θ the page needs."""
    config = rc.Config(seed=seed, estimator=estimator, stop_when_solved=False,
                       max_env_steps=experiment["env_steps"])
    keep = seed == experiment["seeds"][0] and estimator == "reward_to_go_baseline"
    snapshots = {}

    def snapshot(update, policy):
        if keep and update + 1 in experiment["checkpoints"]:                  # after update + 1 updates
            snapshots[update + 1] = {k: v.clone() for k, v in policy.state_dict().items()}

    if keep and 0 in experiment["checkpoints"]:                               # θ_0: before any update
        snapshots[0] = {k: v.clone() for k, v in rc.make_policy(config.hidden, seed).state_dict().items()}
    result = rc.train(config, on_update=snapshot)
    run = {"log": result["log"], "solved": result["solved"], "wall_s": result["wall_s"],
           "env_steps": result["env_steps"], "updates": result["updates"]}
    return run, snapshots, (result["policy"].state_dict() if keep else None)


def _variance_at(state_dict, experiment):
    """The three estimators' D8 estimates at one fixed πθ: total variance, its standard error, mean."""
    policy = rc.make_policy(rc.Config().hidden, 0)
    policy.load_state_dict(state_dict)
    estimates = rc.gradient_estimates(policy, experiment["variance_batches"],
                                      experiment["variance_episodes"], experiment["variance_seed"])
    return {name: {"total_variance": rc.total_variance(g), "standard_error": _variance_se(g),
                   "mean_norm": float(np.linalg.norm(g.mean(axis=0))), "mean": g.mean(axis=0).tolist()}
            for name, g in estimates.items()}


def run_experiment(experiment=EXPERIMENT, workers=None):
    """Train every (estimator, seed) for the same budget; measure the gradient variance; map the policy.

    The runs are independent and each is seeded on its own, so they are spread over worker
    processes (one per core): the numbers are the same as one after the other, in less wall time.
    """
    import multiprocessing
    import time
    from concurrent.futures import ProcessPoolExecutor

    import torch

    kept = ("reward_to_go_baseline", experiment["seeds"][0])
    jobs = [kept] + [(e, s) for e in experiment["estimators"] for s in experiment["seeds"] if (e, s) != kept]
    workers = workers or min(len(jobs), usable_cores())
    start = time.perf_counter()
    report_progress(f"agent page: training {len(jobs)} agents ({len(experiment['estimators'])} weights × "
                    f"{len(experiment['seeds'])} seeds, {experiment['env_steps']:,} environment steps each) on "
                    f"{workers} processes; the results are stored in .cache/agent/ for later builds")
    # spawn, not fork: the notebook kernel that calls this runs threads of its own
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        training = {job: pool.submit(_train_run, *job, experiment) for job in jobs}
        _, snapshots, final_state = training[kept].result()          # the kept run is first in line
        variance_jobs = {checkpoint: pool.submit(_variance_at, snapshots[checkpoint], experiment)
                         for checkpoint in experiment["checkpoints"]}
        wait_reporting(list(training.values()), "agent page: training runs", start)
        wait_reporting(list(variance_jobs.values()), "agent page: variance measurements", start)
        runs = {f"{e}/{s}": training[e, s].result()[0] for e in experiment["estimators"] for s in experiment["seeds"]}
        variance = {str(checkpoint): future.result() for checkpoint, future in variance_jobs.items()}
    for checkpoint in experiment["checkpoints"]:
        # the batch of update `checkpoint` was played by exactly this policy: its mean return
        variance[str(checkpoint)]["mean_return"] = runs[f"{kept[0]}/{kept[1]}"]["log"]["mean_return"][checkpoint]

    # πθ(right | x = 0, ẋ = 0, ϑ, ϑ̇) of the trained policy (seed 0, reward-to-go + baseline) on a grid
    final_policy = rc.make_policy(rc.Config().hidden, 0)
    final_policy.load_state_dict(final_state)
    k = experiment["policy_grid"]
    angle = np.linspace(-0.21, 0.21, k)                 # the episode ends at |ϑ| > 12° ≈ 0.2094 rad
    angular_velocity = np.linspace(-2.0, 2.0, k)
    A, W = np.meshgrid(angle, angular_velocity)
    states = np.stack([np.zeros_like(A), np.zeros_like(A), A, W], axis=-1).reshape(-1, 4)
    with torch.inference_mode():
        p_right = torch.softmax(final_policy(torch.as_tensor(states, dtype=torch.float32)), -1)[:, 1]
    trajectory = sample_episode(final_policy, seed=experiment["variance_seed"])
    return {
        "key": cache_key(experiment), "experiment": experiment, "runs": runs, "variance": variance,
        "policy_map": {"angle": angle.tolist(), "angular_velocity": angular_velocity.tolist(),
                       "p_right": p_right.numpy().reshape(k, k).tolist()},
        "trajectory": trajectory,
    }


def _variance_se(estimates):
    """Standard error of tr Cov[ĝ] as measured by rc.total_variance: it is the mean of the m values
    m/(m−1) ‖ĝ_b − ḡ‖², whose spread gives the error."""
    m = len(estimates)
    d = ((estimates - estimates.mean(axis=0)) ** 2).sum(axis=1) * m / (m - 1)
    return float(d.std(ddof=1) / np.sqrt(m))


def sample_episode(policy, seed):
    """One episode of the trained πθ (actions sampled, as in training): its pole angle and velocity."""
    import gymnasium as gym
    import torch

    rng = np.random.default_rng(seed)
    env = gym.make_vec("CartPole-v1", num_envs=1, vectorization_mode="vector_entry_point")
    s, _ = env.reset(seed=seed)
    angle, velocity, p = [], [], []
    while True:
        with torch.inference_mode():
            p_right = float(torch.softmax(policy(torch.from_numpy(s)), -1)[0, 1])
        angle.append(float(s[0, 2])), velocity.append(float(s[0, 3])), p.append(p_right)
        s, _, terminated, truncated, _ = env.step(np.array([int(rng.random() < p_right)]))
        if terminated[0] or truncated[0]:
            break
    env.close()
    return {"angle": angle, "angular_velocity": velocity, "p_right": p}


# Every function of this file that the cached numbers come from: their source is in the cache key.
EXPERIMENT_CODE = (run_experiment, _train_run, _variance_at, _variance_se, sample_episode)


def load_or_run(experiment=EXPERIMENT, cache=CACHE):
    """The experiment's results: from .cache/agent/<key>.json if present, else computed and stored."""
    return cached_json(cache / f"results-{cache_key(experiment)}.json", lambda: run_experiment(experiment))


# --- text in the page's language ------------------------------------------------------------------

TEXT = {
    "en": {
        "names": {"trajectory_return": "R(τ) at every step (the notes' D8)",
                  "reward_to_go": "reward-to-go R̂ₜ",
                  "reward_to_go_baseline": "reward-to-go − baseline R̂ₜ − bₜ"},
        "steps": "environment steps", "return": "episode return\n(mean of {n} episodes)",
        "threshold": "solved: 475", "median": "median of {k} seeds", "spread": "lowest to highest seed",
        "seed": "one seed",
        "curve_title": "REINFORCE on CartPole-v1\n(reward-to-go − baseline)",
        "curve_alt": ("Line plot of episode return against environment steps for {k} seeds. The median starts "
                      "near {start:.0f} and crosses the dashed threshold line at 475 after about {cross} "
                      "steps; after {steps} steps the median is {end:.0f}."),
        "curve_cap": ("Return of each update's {n} episodes against environment steps, {k} seeds (thin lines), "
                      "their median (thick) and the range from the lowest to the highest seed (shaded), "
                      "drawn from this build's training runs."),
        "est_title": "Three weights for the same log-probabilities",
        "est_alt": ("Three median learning curves over {k} seeds. After {steps} steps the medians are: {finals}. "
                    "Median steps until the last 100 episodes average 475: {solves}."),
        "est_cap": ("The same training with the three estimators: median of {k} seeds (line) and the range from "
                    "the lowest to the highest seed (shaded). Only the weight wₜ of log πθ(aₜ|sₜ) differs."),
        "not_solved": "not within {steps}",
        "var_title": "Variance of one gradient estimate\nat a fixed policy",
        "var_axis": "total variance tr Cov[ĝ]\n(log scale)",
        "var_group": "{u} updates\n(return {r:.0f})",
        "var_alt": ("Bar chart on a log scale, three groups of three bars (one group per fixed policy). {rows}"),
        "var_row": "After {u} updates: {values}.",
        "var_cap": ("Each bar: the spread of {m} independent estimates ĝ from {n} episodes each, all three "
                    "estimators on the same episodes, at policies frozen after 0, 4 and 8 updates of seed 0. "
                    "Error bars: ± 2 standard errors of the measured variance."),
        "pol_title": "What the trained policy does\n(cart at the centre, at rest)",
        "angle": "pole angle ϑ (rad)", "velocity": "angular velocity ϑ̇ (rad/s)", "p": "πθ(push right | s)",
        "episode": "one episode ({T} steps)",
        "pol_alt": ("Heat map of the probability of pushing right over pole angle and angular velocity: it is "
                    "near 1 when the pole leans or turns to the right, near 0 when it leans or turns to the left, "
                    "with the boundary running from upper left to lower right. A black line traces one episode of "
                    "{T} steps, whose angle stays within ±{a:.3f} rad and angular velocity within ±{w:.2f} rad/s."),
        "pol_cap": ("πθ(right | x = 0, ẋ = 0, ϑ, ϑ̇) of seed 0's policy after {u} updates, and the pole's "
                    "angle and angular velocity during one sampled episode of it ({T} steps)."),
        "table": ("| seed | steps to solve | episodes to solve | updates | wall time to solve (s) | mean return, last 100 episodes at the end |\n"
                  "|---:|---:|---:|---:|---:|---:|\n{rows}"),
        "never": "not within the budget",
        "var_table": "| policy | mean return | {names} |\n|---|---:|{cols}\n{rows}",
        "var_policy": "after {u} updates",
        "var_note": "Each cell: tr Cov[ĝ] ± its standard error, and in brackets the ratio to the R(τ) estimator.",
        "cache": "Cache key of these runs: `{key}`.",
    },
    "zh": {
        "names": {"trajectory_return": "每一步都用 R(τ)（原笔记的 D8）",
                  "reward_to_go": "未来回报 R̂ₜ",
                  "reward_to_go_baseline": "未来回报减基线 R̂ₜ − bₜ"},
        "steps": "环境步数", "return": "回合回报\n（{n} 个回合的平均）",
        "threshold": "解决：475", "median": "{k} 个种子的中位数", "spread": "最低到最高的种子",
        "seed": "单个种子",
        "curve_title": "CartPole-v1 上的 REINFORCE\n（未来回报减基线）",
        "curve_alt": ("{k} 个种子的回合回报随环境步数变化的折线图。中位数从约 {start:.0f} 开始，"
                      "大约在 {cross} 步时越过 475 的虚线；到 {steps} 步时中位数为 {end:.0f}。"),
        "curve_cap": ("每次更新的 {n} 个回合的平均回报随环境步数的变化：{k} 个种子（细线）、它们的中位数（粗线）"
                      "以及最低与最高种子之间的范围（阴影）。数据来自本次构建的训练。"),
        "est_title": "同样的对数概率，三种权重",
        "est_alt": ("{k} 个种子的三条中位数学习曲线。{steps} 步时的中位数分别为：{finals}。"
                    "最近 100 个回合平均回报达到 475 所需步数的中位数：{solves}。"),
        "est_cap": ("用三种估计量做同样的训练：{k} 个种子的中位数（线）以及最低与最高种子之间的范围（阴影）。"
                    "唯一的差别是 log πθ(aₜ|sₜ) 的权重 wₜ。"),
        "not_solved": "{steps} 步内未达到",
        "var_title": "固定策略下单次梯度估计的方差",
        "var_axis": "总方差 tr Cov[ĝ]\n（对数坐标）",
        "var_group": "更新 {u} 次后\n（回报 {r:.0f}）",
        "var_alt": "对数坐标的柱状图，三组、每组三根柱（每组对应一个固定策略）。{rows}",
        "var_row": "更新 {u} 次后：{values}。",
        "var_cap": ("每根柱：{m} 个相互独立的估计 ĝ 的离散程度，每个估计用 {n} 个回合，三种估计量用的是同一批回合；"
                    "策略取自种子 0 训练中更新 0、4、8 次后的参数。误差线为实测方差的 ± 2 个标准误差。"),
        "pol_title": "训练好的策略做了什么\n（小车位于中央且静止）",
        "angle": "杆的角度 ϑ（弧度）", "velocity": "角速度 ϑ̇（弧度/秒）", "p": "πθ(向右推 | s)",
        "episode": "一个回合（{T} 步）",
        "pol_alt": ("向右推的概率随杆的角度与角速度变化的热力图：杆向右倾或向右转时接近 1，向左倾或向左转时接近 0，"
                    "分界线从左上延伸到右下。黑线画出一个 {T} 步的回合，其角度始终在 ±{a:.3f} 弧度以内，"
                    "角速度在 ±{w:.2f} 弧度/秒以内。"),
        "pol_cap": ("种子 0 的策略在 {u} 次更新后的 πθ(向右 | x = 0, ẋ = 0, ϑ, ϑ̇)，以及按该策略采样的一个回合中"
                    "杆的角度与角速度（{T} 步）。"),
        "table": ("| 种子 | 解决所需步数 | 解决所需回合数 | 更新次数 | 解决所用时间（秒） | 结束时最近 100 个回合的平均回报 |\n"
                  "|---:|---:|---:|---:|---:|---:|\n{rows}"),
        "never": "预算内未解决",
        "var_table": "| 策略 | 平均回报 | {names} |\n|---|---:|{cols}\n{rows}",
        "var_policy": "更新 {u} 次后",
        "var_note": "每格：tr Cov[ĝ] ± 其标准误差，括号内为与 R(τ) 估计量之比。",
        "cache": "这些运行的缓存键：`{key}`。",
    },
}
COLORS = {"trajectory_return": "#d62728", "reward_to_go": "#1f77b4", "reward_to_go_baseline": "#2ca02c"}


# --- figures --------------------------------------------------------------------------------------

def _on_grid(results, estimator, grid):
    """Each seed's batch-mean return, interpolated at the env-step counts of `grid`: (seeds, len(grid))."""
    curves = []
    for seed in results["experiment"]["seeds"]:
        log = results["runs"][f"{estimator}/{seed}"]["log"]
        curves.append(np.interp(grid, log["env_steps"], log["mean_return"]))
    return np.array(curves)


def _grid(results, points=101):
    return np.linspace(0, results["experiment"]["env_steps"], points)


def _solved_steps(results, estimator):
    return [run["solved"]["env_steps"] if run["solved"] else None
            for key, run in results["runs"].items() if key.startswith(estimator + "/")]


def learning_curve_figure(results, lang="en"):
    """Figure 1: the page's agent, every seed, median and range, the threshold 475."""
    t, n = TEXT[lang], rc.Config().episodes_per_update
    grid, k = _grid(results), len(results["experiment"]["seeds"])
    curves = _on_grid(results, "reward_to_go_baseline", grid)
    median = np.median(curves, axis=0)
    fig, ax = new_figure("agent-curve", lang)
    color = COLORS["reward_to_go_baseline"]
    for i, seed in enumerate(results["experiment"]["seeds"]):
        log = results["runs"][f"reward_to_go_baseline/{seed}"]["log"]
        ax.plot(log["env_steps"], log["mean_return"], color=color, lw=0.8, alpha=0.45,
                label=t["seed"] if i == 0 else None)
    ax.fill_between(grid, curves.min(axis=0), curves.max(axis=0), color=color, alpha=0.15, lw=0, label=t["spread"])
    ax.plot(grid, median, color=color, lw=2.4, label=t["median"].format(k=k))
    ax.axhline(475, color="black", ls="--", lw=1, label=t["threshold"])
    ax.set(xlabel=t["steps"], ylabel=t["return"].format(n=n), title=t["curve_title"],
           xlim=(0, grid[-1]), ylim=(0, 520))
    plain_tick_labels(ax.xaxis, bins=4)
    legend_below(fig)
    above = np.nonzero(median >= 475)[0]
    cross = f"{grid[above[0]]:,.0f}" if len(above) else "—"
    alt = t["curve_alt"].format(k=k, start=median[0], cross=cross, steps=f"{grid[-1]:,.0f}", end=median[-1])
    return svg_figure(fig, alt, t["curve_cap"].format(n=n, k=k))


def estimators_figure(results, lang="en"):
    """Figure 2: the notes' R(τ) against reward-to-go against reward-to-go with a baseline."""
    t = TEXT[lang]
    grid, k = _grid(results), len(results["experiment"]["seeds"])
    fig, ax = new_figure("agent-estimators", lang)
    finals, solves = [], []
    for name in results["experiment"]["estimators"]:
        curves = _on_grid(results, name, grid)
        median = np.median(curves, axis=0)
        ax.fill_between(grid, curves.min(axis=0), curves.max(axis=0), color=COLORS[name], alpha=0.12, lw=0)
        ax.plot(grid, median, color=COLORS[name], lw=2, label=t["names"][name])
        finals.append(f"{t['names'][name]} {median[-1]:.0f}")
        steps = [s if s is not None else np.inf for s in _solved_steps(results, name)]
        m = np.median(steps)
        solves.append(f"{t['names'][name]} " + (f"{m:,.0f}" if np.isfinite(m) else
                                                t["not_solved"].format(steps=f"{grid[-1]:,.0f}")))
    ax.axhline(475, color="black", ls="--", lw=1, label=t["threshold"])
    ax.set(xlabel=t["steps"], ylabel=t["return"].format(n=rc.Config().episodes_per_update),
           title=t["est_title"], xlim=(0, grid[-1]), ylim=(0, 520))
    plain_tick_labels(ax.xaxis, bins=4)
    legend_below(fig)
    sep = "; " if lang == "en" else "；"
    alt = t["est_alt"].format(k=k, steps=f"{grid[-1]:,.0f}", finals=sep.join(finals), solves=sep.join(solves))
    return svg_figure(fig, alt, t["est_cap"].format(k=k))


def variance_figure(results, lang="en"):
    """Figure 3: tr Cov[ĝ] of each estimator at three frozen policies, log scale."""
    t, e = TEXT[lang], results["experiment"]
    fig, ax = new_figure("agent-variance", lang)
    names = e["estimators"]
    width = 0.26
    rows = []
    for j, checkpoint in enumerate(e["checkpoints"]):
        v = results["variance"][str(checkpoint)]
        values = []
        for i, name in enumerate(names):
            ax.bar(j + (i - 1) * width, v[name]["total_variance"], width, color=COLORS[name],
                   yerr=2 * v[name]["standard_error"], capsize=3, error_kw={"lw": 1},
                   label=t["names"][name] if j == 0 else None)
            values.append(f"{t['names'][name]} {v[name]['total_variance']:.3g} ± {v[name]['standard_error']:.2g}")
        rows.append(t["var_row"].format(u=checkpoint, values=", ".join(values) if lang == "en" else "，".join(values)))
    ax.set_yscale("log")
    plain_tick_labels(ax.yaxis)
    ax.set_xticks(range(len(e["checkpoints"])),
                  [t["var_group"].format(u=c, r=results["variance"][str(c)]["mean_return"]) for c in e["checkpoints"]])
    ax.set(ylabel=t["var_axis"], title=t["var_title"])
    legend_below(fig)
    alt = t["var_alt"].format(rows=" ".join(rows))
    return svg_figure(fig, alt, t["var_cap"].format(m=e["variance_batches"], n=e["variance_episodes"]))


def policy_figure(results, lang="en"):
    """Figure 4: πθ(right | ϑ, ϑ̇) of the trained policy, and one episode's path through that plane."""
    t, pm, tr = TEXT[lang], results["policy_map"], results["trajectory"]
    fig, ax = new_figure("agent-policy", lang, size=(PLOT_SIZE[0], 4.6))
    angle, velocity = np.array(pm["angle"]), np.array(pm["angular_velocity"])
    image = ax.imshow(np.array(pm["p_right"]), origin="lower", aspect="auto", cmap="RdBu_r", vmin=0, vmax=1,
                      extent=(angle[0], angle[-1], velocity[0], velocity[-1]), interpolation="nearest")
    fig.colorbar(image, ax=ax, label=t["p"])
    T = len(tr["angle"])
    ax.plot(tr["angle"], tr["angular_velocity"], color="black", lw=0.8, label=t["episode"].format(T=T))
    ax.set(xlabel=t["angle"], ylabel=t["velocity"], title=t["pol_title"])
    legend_below(fig)
    updates = results["runs"]["reward_to_go_baseline/0"]["updates"]
    alt = t["pol_alt"].format(T=T, a=max(map(abs, tr["angle"])), w=max(map(abs, tr["angular_velocity"])))
    return svg_figure(fig, alt, t["pol_cap"].format(u=updates, T=T))


def summary_table(results, lang="en"):
    """The page's agent, seed by seed, as a Markdown table (steps, episodes, updates, wall time)."""
    from IPython.display import Markdown

    t, rows = TEXT[lang], []
    for seed in results["experiment"]["seeds"]:
        run = results["runs"][f"reward_to_go_baseline/{seed}"]
        s = run["solved"]
        last = run["log"]["recent_mean"][-1]
        if s:
            rows.append(f"| {seed} | {s['env_steps']:,} | {s['episodes']:,} | {s['update']} | {s['wall_s']:.1f} | {last:.1f} |")
        else:
            rows.append(f"| {seed} | {t['never']} | — | — | — | {last:.1f} |")
    return Markdown(t["table"].format(rows="\n".join(rows)) + "\n\n" + t["cache"].format(key=results["key"]))


def variance_table(results, lang="en"):
    """The measured variances as a Markdown table, with each estimator's ratio to the notes' R(τ)."""
    from IPython.display import Markdown

    t, e = TEXT[lang], results["experiment"]
    names = e["estimators"]
    rows = []
    for c in e["checkpoints"]:
        v = results["variance"][str(c)]
        ref = v["trajectory_return"]["total_variance"]
        cells = [f"{v[k]['total_variance']:,.4g} ± {v[k]['standard_error']:,.2g} (× {v[k]['total_variance'] / ref:.2f})"
                 for k in names]
        rows.append(f"| {t['var_policy'].format(u=c)} | {v['mean_return']:.0f} | " + " | ".join(cells) + " |")
    table = t["var_table"].format(names=" | ".join(t["names"][k] for k in names),
                                  cols="---:|" * len(names), rows="\n".join(rows))
    return Markdown(table + "\n\n" + t["var_note"])


if __name__ == "__main__":
    import sys
    import tempfile

    # The agent page's numbers without the page: the (cached) runs and the measured variances.
    if sys.argv[1:] == ["--smoke"]:
        with tempfile.TemporaryDirectory() as folder:
            results = load_or_run(SMOKE_EXPERIMENT, cache=Path(folder))
    else:
        results = load_or_run()
    print(summary_table(results).data)
    print()
    print(variance_table(results).data)
