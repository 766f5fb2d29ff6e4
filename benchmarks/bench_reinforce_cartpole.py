"""Benchmark: REINFORCE (snippets/reinforce_cartpole.py, default Config) on CartPole-v1, seeds 0-4.

Each seed trains from scratch until the mean return of the last 100 finished episodes reaches 475,
or until the Config's budget of environment steps runs out. Prints, per seed and as medians, the
wall seconds and environment steps to solve (wall time of the training loop only, after imports),
then one JSON line:
  {"solved": 5, "seeds": 5, "median_wall_s": ..., "median_env_steps": ...}
Medians are over all seeds; a seed that does not solve counts as infinitely slow, and makes the
benchmark exit with status 1 (the test suite only runs a few updates: the full solve is checked here).
Run: python benchmarks/bench_reinforce_cartpole.py [--seeds 0 1 2 3 4]
"""
import argparse
import json
import math
import platform
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "snippets"))

import torch  # noqa: E402

import reinforce_cartpole as rc  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    args = parser.parse_args()
    config = rc.Config()
    print(f"{config}\npython {platform.python_version()}, torch {torch.__version__}, "
          f"{torch.get_num_threads()} torch threads before training (train() sets 1)")
    walls, steps, solved = [], [], 0
    for seed in args.seeds:
        result = rc.train(rc.Config(seed=seed))
        s = result["solved"]
        if s:
            solved += 1
            walls.append(s["wall_s"]), steps.append(s["env_steps"])
            print(f"seed {seed}: solved after {s['wall_s']:.2f} s, {s['env_steps']} env steps, "
                  f"{s['episodes']} episodes, {s['update']} updates")
        else:
            walls.append(math.inf), steps.append(math.inf)
            print(f"seed {seed}: NOT solved within {result['env_steps']} env steps ({result['wall_s']:.2f} s)")
    median_wall, median_steps = statistics.median(walls), statistics.median(steps)
    print(f"median: {median_wall:.2f} s, {median_steps:.0f} env steps")
    print(json.dumps({"solved": solved, "seeds": len(args.seeds),
                      "median_wall_s": round(median_wall, 2) if math.isfinite(median_wall) else None,
                      "median_env_steps": int(median_steps) if math.isfinite(median_steps) else None}))
    return 0 if solved == len(args.seeds) else 1


if __name__ == "__main__":
    sys.exit(main())
