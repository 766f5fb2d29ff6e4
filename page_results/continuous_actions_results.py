"""The continuous-actions page's training runs, cached on disk, and its plots (not shown on the page).

Every number comes from snippets/continuous_actions.py, which imports the Gaussian score from
snippets/log_derivative.py. The runs are stored under .cache/continuous-actions/, in a file named after
a hash of everything that determines them: those two files, `run_experiment`, the experiment's settings,
the default Config and the versions of Python and NumPy. Captions and plots are not in it: a new caption
redraws the plots from the stored runs, in the page's language, at every build.
Run: python page_results/continuous_actions_results.py (the page's runs, cached), or with --smoke (a tiny
budget in a temporary folder, without touching .cache/).
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

import continuous_actions as ca
from _cache import cache_key as _hash, cached_json, code_files
from _page_tools import legend_below, new_figure, svg_figure

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "continuous-actions"

EXPERIMENT = {"seeds": [0, 1, 2, 3, 4], "updates": ca.Config().updates}
SMOKE_EXPERIMENT = EXPERIMENT | {"seeds": [0], "updates": 5}

CODE_FILES = code_files(ca)  # continuous_actions.py and the snippets it imports (log_derivative.py)


def cache_key(experiment=EXPERIMENT, code_files=CODE_FILES):
    """A hash of everything the cached numbers depend on; any change gives a new file (and new runs)."""
    return _hash({"experiment": experiment, "config": repr(ca.Config())}, code_files, functions=EXPERIMENT_CODE)


def run_experiment(experiment=EXPERIMENT):
    """Train one policy per seed. Each run is a few hundred NumPy steps (milliseconds): one after the
    other, in this process; a pool of worker processes would take longer to start than they run."""
    runs = {}
    for seed in experiment["seeds"]:
        run = ca.train(dataclasses.replace(ca.Config(), seed=seed, updates=experiment["updates"]))
        runs[str(seed)] = {name: values.tolist() for name, values in run.items()}
    return {"key": cache_key(experiment), "experiment": experiment, "runs": runs,
            "best_action": ca.BEST_ACTION, "reward_noise": ca.REWARD_NOISE}


# Every function of this file that the cached numbers come from: their source is in the cache key.
EXPERIMENT_CODE = (run_experiment,)


def load_or_run(experiment=EXPERIMENT, cache=CACHE):
    """The experiment's results: from .cache/continuous-actions/<key>.json if present, else computed and stored."""
    return cached_json(cache / f"results-{cache_key(experiment)}.json", lambda: run_experiment(experiment))


# --- text in the page's language ------------------------------------------------------------------

TEXT = {
    "en": {
        "update": "update k", "J": "expected reward J(θₖ)", "optimum": "optimum: J = 0 (a* = {a:g}, σ → 0)",
        "seed": "one seed", "median": "median of {k} seeds",
        "curve_title": "A Gaussian policy learns the bandit",
        "curve_alt": ("Line plot of the expected reward of the policy against the update, {k} seeds. All start at "
                      "{start:.0f}; the median passes {tenth:.2f} after {k10} updates and ends at {end:.3f} after "
                      "{updates} updates, just below the dashed optimum line at 0."),
        "curve_cap": ("J(θₖ) = −(μₖ − a*)² − σₖ², the exact expected reward of the policy after k updates, for "
                      "{k} seeds (thin) and their median (thick), drawn from this build's training runs. Each update "
                      "uses n = {n} actions."),
        "action": "action a", "band": "μₖ ± σₖ (seed {seed})", "means": "μₖ of the other seeds",
        "best": "best action a* = {a:g}",
        "policy_title": "The policy N(μₖ, σₖ²) during training",
        "policy_alt": ("Plot of the policy's mean and spread against the update. The band μ ± σ of seed {seed} starts "
                       "at 0 ± 1, moves up to the dashed line at a* = {a:g} within about {k10} updates and narrows; "
                       "after {updates} updates the means of the {k} seeds lie between {lo:.2f} and {hi:.2f} and "
                       "σ between {slo:.3f} and {shi:.3f}."),
        "policy_cap": ("The mean μₖ of the Gaussian policy (lines) and, for seed {seed}, the band μₖ ± σₖ in which "
                       "about two thirds of its actions fall. The band closes on the best action, a* = {a:g}."),
        "table": ("Each seed's policy after {u} updates, beside the optimum:\n\n"
                  "| seed | μ | σ | J(θ) |\n|---:|---:|---:|---:|\n{rows}\n| optimum | {a:g} | → 0 | 0 |"),
        "cache": "Cache key of these runs: `{key}`.",
    },
    "zh": {
        "update": "更新次数 k", "J": "期望奖励 J(θₖ)", "optimum": "最优值：J = 0（a* = {a:g}，σ → 0）",
        "seed": "单个种子", "median": "{k} 个种子的中位数",
        "curve_title": "高斯策略学会这个赌博机",
        "curve_alt": ("{k} 个种子的策略期望奖励随更新次数变化的折线图。全部从 {start:.0f} 出发；中位数在 {k10} 次更新后"
                      "超过 {tenth:.2f}，{updates} 次更新后为 {end:.3f}，略低于 0 处的最优值虚线。"),
        "curve_cap": ("J(θₖ) = −(μₖ − a*)² − σₖ²：第 k 次更新后策略的精确期望奖励。{k} 个种子（细线）及其中位数（粗线），"
                      "数据来自本次构建的训练。每次更新使用 n = {n} 个动作。"),
        "action": "动作 a", "band": "μₖ ± σₖ（种子 {seed}）", "means": "其余种子的 μₖ",
        "best": "最优动作 a* = {a:g}",
        "policy_title": "训练过程中的策略 N(μₖ, σₖ²)",
        "policy_alt": ("策略均值与标准差随更新次数变化的图。种子 {seed} 的 μ ± σ 带从 0 ± 1 出发，约 {k10} 次更新内"
                       "移到 a* = {a:g} 的虚线处并逐渐收窄；{updates} 次更新后，{k} 个种子的均值介于 {lo:.2f} 与 {hi:.2f} 之间，"
                       "σ 介于 {slo:.3f} 与 {shi:.3f} 之间。"),
        "policy_cap": ("高斯策略的均值 μₖ（线），以及种子 {seed} 的 μₖ ± σₖ 带：约三分之二的动作落在带内。"
                       "这条带收拢到最优动作 a* = {a:g} 上。"),
        "table": ("各种子的策略在 {u} 次更新后的参数，与最优解并列：\n\n"
                  "| 种子 | μ | σ | J(θ) |\n|---:|---:|---:|---:|\n{rows}\n| 最优 | {a:g} | → 0 | 0 |"),
        "cache": "这些运行的缓存键：`{key}`。",
    },
}
COLOR = "#1f77b4"


# --- figures --------------------------------------------------------------------------------------

def _minus(text):
    """Numbers as text with a real minus sign (−5, not -5)."""
    return text.replace("-", "\u2212")


def _curves(results, name):
    return np.array([results["runs"][str(seed)][name] for seed in results["experiment"]["seeds"]])


def _first_update_above(curve, level):
    return int(np.argmax(np.asarray(curve) >= level))


def learning_curve_figure(results, lang="en"):
    """Figure 1: the exact J(θₖ) of every seed's policy, their median, and the optimum J = 0."""
    t, a = TEXT[lang], results["best_action"]
    J = _curves(results, "expected_reward")
    median, k, updates = np.median(J, axis=0), len(J), J.shape[1] - 1
    fig, ax = new_figure("continuous-actions-curve", lang)
    for i, curve in enumerate(J):
        ax.plot(curve, color=COLOR, lw=0.8, alpha=0.45, label=t["seed"] if i == 0 else None)
    ax.plot(median, color=COLOR, lw=2.4, label=t["median"].format(k=k))
    ax.axhline(0, color="black", ls="--", lw=1, label=t["optimum"].format(a=a))
    ax.set(xlabel=t["update"], ylabel=t["J"], title=t["curve_title"], xlim=(0, updates), ylim=(median[0] - 0.3, 0.4))
    legend_below(fig)
    tenth = median[0] / 10                                 # a tenth of the starting gap to the optimum
    alt = _minus(t["curve_alt"].format(k=k, start=median[0], tenth=tenth, k10=_first_update_above(median, tenth),
                                       end=median[-1], updates=updates))
    return svg_figure(fig, alt, t["curve_cap"].format(k=k, n=ca.Config().batch))


def policy_figure(results, lang="en"):
    """Figure 2: μₖ of every seed, the band μₖ ± σₖ of the first seed, and the best action a*."""
    t, a = TEXT[lang], results["best_action"]
    theta = _curves(results, "theta")                       # (seeds, updates + 1, 2)
    mu, sigma = theta[..., 0], np.exp(theta[..., 1])
    seeds, updates = results["experiment"]["seeds"], theta.shape[1] - 1
    fig, ax = new_figure("continuous-actions-policy", lang)
    steps = np.arange(updates + 1)
    ax.fill_between(steps, mu[0] - sigma[0], mu[0] + sigma[0], color=COLOR, alpha=0.2, lw=0,
                    label=t["band"].format(seed=seeds[0]))
    for i in range(1, len(seeds)):
        ax.plot(steps, mu[i], color="#555555", lw=0.8, alpha=0.6, label=t["means"] if i == 1 else None)
    ax.plot(steps, mu[0], color=COLOR, lw=2)
    ax.axhline(a, color="black", ls="--", lw=1, label=t["best"].format(a=a))
    ax.set(xlabel=t["update"], ylabel=t["action"], title=t["policy_title"], xlim=(0, updates))
    legend_below(fig)
    J = _curves(results, "expected_reward")
    k10 = _first_update_above(np.median(J, axis=0), np.median(J, axis=0)[0] / 10)
    alt = t["policy_alt"].format(seed=seeds[0], a=a, k10=k10, updates=updates, k=len(seeds),
                                 lo=mu[:, -1].min(), hi=mu[:, -1].max(), slo=sigma[:, -1].min(), shi=sigma[:, -1].max())
    return svg_figure(fig, alt, t["policy_cap"].format(seed=seeds[0], a=a))


def summary_table(results, lang="en"):
    """Where each seed's policy ends, beside the known optimum, as a Markdown table."""
    from IPython.display import Markdown

    t, rows = TEXT[lang], []
    for seed in results["experiment"]["seeds"]:
        run = results["runs"][str(seed)]
        mu, log_sigma = run["theta"][-1]
        J = _minus(f"{run['expected_reward'][-1]:.4f}")
        rows.append(f"| {seed} | {mu:.3f} | {np.exp(log_sigma):.3f} | {J} |")
    table = t["table"].format(u=results["experiment"]["updates"], rows="\n".join(rows), a=results["best_action"])
    return Markdown(table + "\n\n" + t["cache"].format(key=results["key"]))


if __name__ == "__main__":
    import sys
    import tempfile

    if sys.argv[1:] == ["--smoke"]:
        with tempfile.TemporaryDirectory() as folder:
            results = load_or_run(SMOKE_EXPERIMENT, cache=Path(folder))
    else:
        results = load_or_run()
    print(summary_table(results).data)
