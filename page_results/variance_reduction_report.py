"""Build-time table and plots of the variance-reduction and short-corridor pages (not shown on them).

Every number comes from snippets/variance_reduction.py and snippets/short_corridor.py. The learning
curves (about 12 s of numpy on one core) are cached under .cache/variance-reduction/, keyed on a
hash of short_corridor.py (and any snippet it imports), the code below that runs it and the
configuration: a new caption redraws the figures without running the learners again.
"""
from __future__ import annotations

import sys
from pathlib import Path

# Run as a script (python page_results/<file>.py), only this folder is on the path: the code the pages
# show, which the results come from, is in snippets/.
if str(Path(__file__).resolve().parent.parent / "snippets") not in sys.path:
    sys.path.insert(1, str(Path(__file__).resolve().parent.parent / "snippets"))

import html
import io
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

import short_corridor as sc
from _cache import cache_key, code_files, write_atomically
from _page_tools import legend_below, new_figure, report_progress, svg_figure, usable_cores, wait_reporting
import variance_reduction as vr

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "variance-reduction"

TEXT = {
    "en": {
        "estimator": "Estimator", "bias": "Bias, largest component (measured ± SE)",
        "exact_bias": "Bias, largest |component| (exact)", "var": "Variance Σ Var (measured)", "exact_var": "Variance (exact)",
        "ratio": "Variance / vanilla",
        "rows": ["Vanilla R(τ) (D8)", "Reward-to-go (G1)", "Constant baseline b = mean return (G3)",
                 "Optimal constant baseline b*ₖ (G4)", "Reward-to-go − v̂(sₜ) (G5)",
                 "Discounted, γ = 0.9 (G6)", "Discounted, γ = 0.5 (G6)"],
        "caption": ("Gradient estimates of the 2-state, 2-action, 5-step problem at a fixed policy: {n} trajectories, "
                    "the same ones for every row; baselines fitted on {m} other trajectories. Exact columns: all "
                    "512 trajectories enumerated. Bias is measured against the exact undiscounted gradient."),
        "gamma": "discount factor γ", "sq": "squared error", "bias2": "bias² ‖E[ĝ] − ∇J‖²",
        "varn": "variance / n, n = {n}", "mse": "mean squared error of the n-sample mean",
        "gamma_title": "Discounting trades bias for variance",
        "gamma_alt": ("Line plot over the discount factor from 0 to 1: the squared bias falls to zero at γ = 1, "
                      "the variance term rises; their sum, the error of a {n}-trajectory estimate, is smallest at "
                      "γ = {best:.2f}."),
        "gamma_cap": ("Exact, by enumeration: squared bias and variance of the discounted reward-to-go estimator "
                      "(G6) against the undiscounted gradient, for a batch of n = {n} trajectories. The best γ "
                      "here is {best:.2f}; with more trajectories the variance term shrinks and the best γ moves to 1."),
        "p": "probability of right, p", "J": "J(p) = v(s₁)", "J_title": "Short corridor with switched actions",
        "opt": "optimum: p* = {p:.4f}, J = {J:.3f}", "book": "book: p ≈ 0.59, J ≈ −11.6",
        "eps": "ε-greedy left / right (ε = 0.05)",
        "J_alt": ("Curve of the start-state value J(p) for p from 0.01 to 0.99. It rises from far below −100 to a "
                  "maximum of {J:.3f} at p = {p:.4f}, then falls again; the ε-greedy points at p = 0.05 and 0.95 "
                  "have values −82.1 and −44.2."),
        "J_cap": ("J(p) from the closed form (G7); the star is the exact optimum p* = 2 − √2, J(p*) = −(6 + 4√2). "
                  "Sutton & Barto (Example 13.1) give p ≈ 0.59 and J ≈ −11.6."),
        "episode": "episode", "G0": "total reward on episode, G₀\n(mean of {runs} runs)",
        "fig1_title": "REINFORCE (as in S&B Figure 13.1)", "fig2_title": "REINFORCE with baseline\n(as in S&B Figure 13.2)",
        "vstar": "v*(s₁) = −11.66", "alpha": "α = 2{e}", "with_bl": "with baseline, αᶿ = 2⁻⁹, αʷ = 2⁻⁶",
        "without_bl": "without baseline, α = 2⁻¹³",
        "fig1_alt": ("Learning curves of REINFORCE for three step sizes over {episodes} episodes, each the mean "
                     "of {runs} runs: all start near −82; mean G₀ over the last 100 episodes: {finals}."),
        "fig1_cap": ("REINFORCE on the short corridor, γ = 1, step sizes 2⁻¹², 2⁻¹³, 2⁻¹⁴, mean of {runs} runs, "
                     "started at the ε-greedy-left policy p = 0.05. The dashed line is the optimal value; every 4th episode is plotted."),
        "fig2_alt": ("Two learning curves over {episodes} episodes, mean of {runs} runs: with a baseline the "
                     "mean G₀ of episodes 1-100 is {bl100:.1f}, without it {nobl100:.1f}; over the last 100 "
                     "episodes {bl_last:.1f} and {nobl_last:.1f}."),
        "fig2_cap": "REINFORCE with and without a learned baseline v̂(s, w) = w, the book's step sizes, mean of {runs} runs; every 4th episode is plotted.",
        "summary": ("| step size | mean G₀, all episodes | mean G₀, last 100 episodes |\n|---|---|---|\n{rows}\n\n"
                    "Best step size over the whole run (as the book reports for its Figure 13.1, 2⁻¹³ is best): "
                    "**2{best}**."),
    },
    "zh": {
        "estimator": "估计量", "bias": "偏差，最大分量（实测 ± 标准误差）",
        "exact_bias": "偏差，最大分量绝对值（精确）", "var": "方差 Σ Var（实测）", "exact_var": "方差（精确）",
        "ratio": "方差 / 朴素估计量",
        "rows": ["朴素估计量 R(τ)（D8）", "未来回报（G1）", "常数基线 b = 平均回报（G3）",
                 "最优常数基线 b*ₖ（G4）", "未来回报 − v̂(sₜ)（G5）",
                 "折扣，γ = 0.9（G6）", "折扣，γ = 0.5（G6）"],
        "caption": ("在固定策略下，对 2 个状态、2 个动作、5 步的小问题估计梯度：每一行用的是同一批 {n} 条轨迹；"
                    "基线在另外 {m} 条轨迹上拟合。“精确”列枚举了全部 512 条轨迹。偏差相对于精确的无折扣梯度计算。"),
        "gamma": "折扣因子 γ", "sq": "平方误差", "bias2": "偏差² ‖E[ĝ] − ∇J‖²",
        "varn": "方差 / n，n = {n}", "mse": "n 条轨迹平均值的均方误差",
        "gamma_title": "折扣：用偏差换方差",
        "gamma_alt": ("折线图，横轴为折扣因子，从 0 到 1：偏差的平方在 γ = 1 处降到零，方差项随 γ 上升；"
                      "两者之和，即 {n} 条轨迹估计的误差，在 γ = {best:.2f} 处最小。"),
        "gamma_cap": ("枚举得到的精确值：带折扣的未来回报估计量（G6）相对于无折扣梯度的偏差平方与方差，批量为 n = {n} 条轨迹。"
                      "这里最好的 γ 是 {best:.2f}；轨迹越多，方差项越小，最好的 γ 就越接近 1。"),
        "p": "向右的概率 p", "J": "J(p) = v(s₁)", "J_title": "动作互换的短走廊",
        "opt": "最优点：p* = {p:.4f}，J = {J:.3f}", "book": "书中：p ≈ 0.59，J ≈ −11.6",
        "eps": "ε-贪心向左 / 向右（ε = 0.05）",
        "J_alt": ("起始状态价值 J(p) 的曲线，p 从 0.01 到 0.99：从远低于 −100 处上升，在 p = {p:.4f} 处达到最大值 {J:.3f}，"
                  "随后再次下降；p = 0.05 与 0.95 处的 ε-贪心策略价值分别为 −82.1 与 −44.2。"),
        "J_cap": ("由闭式解（G7）画出的 J(p)；星号是精确最优点 p* = 2 − √2，J(p*) = −(6 + 4√2)。"
                  "Sutton 与 Barto（例 13.1）给出的是 p ≈ 0.59、J ≈ −11.6。"),
        "episode": "回合", "G0": "每回合总奖励 G₀\n（{runs} 次运行的平均）",
        "fig1_title": "REINFORCE（对应书中图 13.1）", "fig2_title": "带基线的 REINFORCE（对应书中图 13.2）",
        "vstar": "v*(s₁) = −11.66", "alpha": "α = 2{e}", "with_bl": "带基线，αᶿ = 2⁻⁹，αʷ = 2⁻⁶",
        "without_bl": "不带基线，α = 2⁻¹³",
        "fig1_alt": ("REINFORCE 在三种步长下 {episodes} 个回合的学习曲线，每条是 {runs} 次运行的平均："
                     "都从 −82 附近开始；最后 100 个回合的平均 G₀：{finals}。"),
        "fig1_cap": ("短走廊上的 REINFORCE，γ = 1，步长 2⁻¹²、2⁻¹³、2⁻¹⁴，{runs} 次运行的平均，"
                     "从 ε-贪心向左的策略 p = 0.05 出发。虚线是最优价值；图中每 4 个回合画一个点。"),
        "fig2_alt": ("{episodes} 个回合的两条学习曲线，{runs} 次运行的平均：带基线时第 1-100 回合的平均 G₀ 为 {bl100:.1f}，"
                     "不带基线为 {nobl100:.1f}；最后 100 个回合分别为 {bl_last:.1f} 与 {nobl_last:.1f}。"),
        "fig2_cap": "带与不带学习基线 v̂(s, w) = w 的 REINFORCE，采用书中的步长，{runs} 次运行的平均；图中每 4 个回合画一个点。",
        "summary": ("| 步长 | 全部回合的平均 G₀ | 最后 100 个回合的平均 G₀ |\n|---|---|---|\n{rows}\n\n"
                    "整个运行中表现最好的步长（书中图 13.1 报告的是 2⁻¹³）：**2{best}**。"),
    },
}


# --- the table ------------------------------------------------------------------------------------


def superscript(exponent):
    """2 and an exponent as plain text for plots and tables: superscript(-13) -> "⁻¹³"."""
    return str(exponent).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))

def estimator_rows(n=2000, m=1000, seed=0):
    """Measured and exact bias and variance of each estimator, all rows on the same n trajectories."""
    J, grad = vr.enumerated_objective_and_gradient(vr.THETA_SMALL, vr.P_SMALL, vr.R_SMALL, vr.HORIZON)
    rng = np.random.default_rng(seed)
    pilot = vr.sample_batch(m, rng)                        # fits the baselines
    batch = vr.sample_batch(n, rng)                        # measures every estimator
    g_pilot = np.array([scores.sum(axis=0) for _, scores, _ in pilot])
    R_pilot = np.array([rewards.sum() for *_, rewards in pilot])
    b_mean = R_pilot.mean()
    b_star = vr.optimal_constant_baseline(g_pilot, R_pilot)
    V = vr.fit_state_value(pilot, vr.N_STATES, vr.HORIZON)
    estimators = [
        lambda s, g, r: vr.vanilla_estimate(g, r),
        lambda s, g, r: vr.reward_to_go_estimate(g, r),
        lambda s, g, r: vr.baseline_estimate(g, r, b_mean),
        lambda s, g, r: vr.baseline_estimate(g, r, b_star),
        lambda s, g, r: vr.value_baseline_estimate(g, r, s, V),
        lambda s, g, r: vr.discounted_estimate(g, r, 0.9),
        lambda s, g, r: vr.discounted_estimate(g, r, 0.5),
    ]
    rows = []
    for est in estimators:
        G = np.array([est(*traj) for traj in batch])       # (n, d)
        se = G.std(axis=0, ddof=1) / np.sqrt(n)
        mean_exact, var_exact = vr.exact_moments(est)
        rows.append({
            "bias": float((G.mean(axis=0) - grad)[k := np.argmax(np.abs(G.mean(axis=0) - grad))]),
            "se": float(se[k]),                               # the largest component of ḡ − ∇J, ± its SE
            "exact_bias": float(np.abs(mean_exact - grad).max()),
            "var": float(G.var(axis=0, ddof=1).sum()), "exact_var": float(var_exact.sum()),
        })
    for row in rows:
        row["ratio"] = row["var"] / rows[0]["var"]
    return rows, {"n": n, "m": m, "b_mean": b_mean, "b_star": b_star}


def estimator_table(lang="en"):
    from IPython.display import HTML

    t = TEXT[lang]
    rows, info = estimator_rows()
    head = "".join(f"<th>{t[k]}</th>" for k in ("estimator", "bias", "exact_bias", "var", "exact_var", "ratio"))
    body = ""
    for name, row in zip(t["rows"], rows):
        body += (f"<tr><td>{html.escape(name)}</td><td>{row['bias']:+.4f} ± {row['se']:.4f}</td>"
                 f"<td>{row['exact_bias']:.4f}</td><td>{row['var']:.3f}</td><td>{row['exact_var']:.3f}</td>"
                 f"<td>{row['ratio']:.4f}</td></tr>")
    caption = t["caption"].format(n=info["n"], m=info["m"])
    return HTML(f'<table class="vr-table"><caption>{html.escape(caption)}</caption>'
                f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


# --- figures --------------------------------------------------------------------------------------

def discount_tradeoff(n=1000, gammas=np.linspace(0.0, 1.0, 21)):
    J, grad = vr.enumerated_objective_and_gradient(vr.THETA_SMALL, vr.P_SMALL, vr.R_SMALL, vr.HORIZON)
    bias2, var = [], []
    for gamma in gammas:
        mean, v = vr.exact_moments(lambda s, g, r, gm=gamma: vr.discounted_estimate(g, r, gm))
        bias2.append(float(((mean - grad) ** 2).sum()))
        var.append(float(v.sum()))
    return np.asarray(gammas), np.array(bias2), np.array(var)


def discount_figure(lang="en", n=1000):
    t = TEXT[lang]
    gammas, bias2, var = discount_tradeoff(n)
    mse = bias2 + var / n
    best = gammas[np.argmin(mse)]
    fig, ax = new_figure("variance-reduction", lang)
    ax.plot(gammas, bias2, marker="o", ms=3, label=t["bias2"])
    ax.plot(gammas, var / n, marker="s", ms=3, label=t["varn"].format(n=n))
    ax.plot(gammas, mse, color="black", lw=2, label=t["mse"])
    ax.axvline(best, color="gray", ls=":")
    ax.set_xlabel(t["gamma"]); ax.set_ylabel(t["sq"]); ax.set_title(t["gamma_title"])
    legend_below(fig)
    return svg_figure(fig, t["gamma_alt"].format(n=n, best=best), t["gamma_cap"].format(n=n, best=best))


def corridor_value_figure(lang="en"):
    t = TEXT[lang]
    p = np.linspace(0.01, 0.99, 197)
    fig, ax = new_figure("variance-reduction", lang)
    ax.plot(p, sc.corridor_J(p), color="tab:red")
    ax.plot([sc.P_STAR], [sc.J_STAR], marker="*", ms=14, color="tab:green", ls="none",
            label=t["opt"].format(p=sc.P_STAR, J=sc.J_STAR))
    ax.plot([sc.BOOK_P_STAR], [sc.BOOK_J_STAR], marker="+", ms=12, mew=2, color="black", ls="none", label=t["book"])
    ax.plot([0.05, 0.95], sc.corridor_J(np.array([0.05, 0.95])), marker="o", color="tab:blue", ls="none", label=t["eps"])
    ax.set_ylim(-105, 0)
    ax.set_xlabel(t["p"]); ax.set_ylabel(t["J"]); ax.set_title(t["J_title"])
    legend_below(fig)
    return svg_figure(fig, t["J_alt"].format(p=sc.P_STAR, J=sc.J_STAR), t["J_cap"])


LEARNING = {"episodes": 1000, "runs": 100, "seed": 2018, "alphas_13_1": [-12, -13, -14],
            "alpha_theta": -9, "alpha_w": -6, "alpha_no_baseline": -13}


def _mean_curve(alpha_theta, alpha_w, config, seed):
    """Mean G_0 per episode over the runs of one learner, in a worker process."""
    rng = np.random.default_rng(seed)
    return sc.reinforce_corridor(alpha_theta, config["episodes"], config["runs"], rng, alpha_w=alpha_w).mean(axis=0)


def learning_curves(config=LEARNING):
    """Mean G_0 per episode over the runs, for Figures 13.1 and 13.2; cached on code + config.

    The four learners are independent, each with its own random stream, so they run in worker
    processes side by side (one per core) and give the same curves however many cores there are.
    """
    key = cache_key(config, code_files(sc), functions=(learning_curves, _mean_curve))
    path = CACHE / f"learning-{key}.npz"
    if path.exists():
        return dict(np.load(path))
    learners = {f"a{-e}": (2.0**e, None) for e in config["alphas_13_1"]}
    learners["baseline"] = (2.0 ** config["alpha_theta"], 2.0 ** config["alpha_w"])
    streams = np.random.SeedSequence(config["seed"]).spawn(len(learners))
    workers = min(len(learners), usable_cores())
    start = time.perf_counter()
    report_progress(f"short-corridor page: {len(learners)} REINFORCE learners ({config['runs']} runs × "
                    f"{config['episodes']} episodes each) on {workers} processes; the curves are stored in "
                    ".cache/variance-reduction/ for later builds")
    # spawn, not fork: the notebook kernel that calls this runs threads of its own
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {name: pool.submit(_mean_curve, alpha_theta, alpha_w, config, stream)
                   for (name, (alpha_theta, alpha_w)), stream in zip(learners.items(), streams)}
        wait_reporting(list(futures.values()), "short-corridor page: learners", start)
        curves = {name: future.result() for name, future in futures.items()}
    data = io.BytesIO()
    np.savez(data, **curves)
    write_atomically(path, data.getvalue())  # a concurrent build never loads half a file
    return curves


def learning_summary(lang="en", config=LEARNING):
    from IPython.display import Markdown

    t = TEXT[lang]
    curves = learning_curves(config)
    rows, means = [], {}
    for e in config["alphas_13_1"]:
        c = curves[f"a{-e}"]
        means[e] = c.mean()
        rows.append(f"| 2{superscript(e)} | {c.mean():.2f} | {c[-100:].mean():.2f} |")
    c = curves["baseline"]
    rows.append(f"| {t['with_bl']} | {c.mean():.2f} | {c[-100:].mean():.2f} |")
    best = max(means, key=means.get)
    return Markdown(t["summary"].format(rows="\n".join(rows), best=superscript(best)))


def figure_13_1(lang="en", config=LEARNING):
    t = TEXT[lang]
    curves = learning_curves(config)
    episodes = np.arange(1, config["episodes"] + 1)
    fig, ax = new_figure("variance-reduction", lang)
    finals = []
    for e in config["alphas_13_1"]:
        c = curves[f"a{-e}"]
        ax.plot(episodes[::4], c[::4], lw=1, label=t["alpha"].format(e=superscript(e)))     # every 4th episode: a lighter SVG
        finals.append(f"2{superscript(e)}: {c[-100:].mean():.1f}")
    ax.axhline(sc.J_STAR, color="gray", ls="--", label=t["vstar"])
    ax.set_ylim(-90, -5)
    ax.set_xlabel(t["episode"]); ax.set_ylabel(t["G0"].format(runs=config["runs"])); ax.set_title(t["fig1_title"])
    legend_below(fig)
    alt = t["fig1_alt"].format(episodes=config["episodes"], runs=config["runs"], finals=", ".join(finals))
    return svg_figure(fig, alt, t["fig1_cap"].format(runs=config["runs"]))


def figure_13_2(lang="en", config=LEARNING):
    t = TEXT[lang]
    curves = learning_curves(config)
    episodes = np.arange(1, config["episodes"] + 1)
    bl, nobl = curves["baseline"], curves[f"a{-config['alpha_no_baseline']}"]
    fig, ax = new_figure("variance-reduction", lang)
    ax.plot(episodes[::4], bl[::4], lw=1, color="tab:green", label=t["with_bl"])
    ax.plot(episodes[::4], nobl[::4], lw=1, color="tab:red", label=t["without_bl"])
    ax.axhline(sc.J_STAR, color="gray", ls="--", label=t["vstar"])
    ax.set_ylim(-90, -5)
    ax.set_xlabel(t["episode"]); ax.set_ylabel(t["G0"].format(runs=config["runs"])); ax.set_title(t["fig2_title"])
    legend_below(fig)
    alt = t["fig2_alt"].format(episodes=config["episodes"], runs=config["runs"], bl100=bl[:100].mean(),
                               nobl100=nobl[:100].mean(), bl_last=bl[-100:].mean(), nobl_last=nobl[-100:].mean())
    return svg_figure(fig, alt, t["fig2_cap"].format(runs=config["runs"]))


if __name__ == "__main__":
    # The variance-reduction page's table without the page: every estimator at the same fixed policy.
    rows, info = estimator_rows()
    print(f"{'estimator':<42}{'bias ± se':>22}{'exact bias':>12}{'var':>10}{'exact var':>11}{'ratio':>9}")
    for name, row in zip(TEXT["en"]["rows"], rows):
        print(f"{name:<42}{row['bias']:+12.4f} ± {row['se']:.4f}{row['exact_bias']:12.4f}"
              f"{row['var']:10.3f}{row['exact_var']:11.3f}{row['ratio']:9.4f}")
    print(f"({info['n']} trajectories per estimate, {info['m']} estimates)")
