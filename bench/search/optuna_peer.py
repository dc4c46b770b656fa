"""The peer for bench/search: Optuna's TPE (python3-optuna, Debian) on the same surrogate as problem.ts.

Usage:
  python3 optuna_peer.py run --seeds 20 --trials 200 [--multivariate]   -> JSON: per seed, the loss of each trial
  python3 optuna_peer.py eval < configs.json                            -> JSON: the loss of each config
The conditional space is written the way Optuna recommends: the model is a categorical, and each model's
params are suggested only inside its branch, under names prefixed with the model so that no two models share
a param (gbdt's and the forest's minSamplesLeaf have different ranges).
"""
import argparse
import json
import math
import sys

import optuna


def loss(model, p):
    if model == "gbdt":
        a = math.log(p["learningRate"] / 0.05)
        b = math.log2(p["maxLeafNodes"] / 31)
        c = math.log10(p["minSamplesLeaf"] / 20)
        d = math.log10(p["l2"]) + 1
        e = p["subsample"] - 0.8
        capacity = a + 0.5 * b - 0.4 * c - 0.15 * d
        return (0.3 + 0.02 * capacity ** 2 + 0.004 * a ** 2 + 0.003 * c ** 2 + 0.002 * d ** 2 + 0.05 * e ** 2
                + 0.0015 * (1 + math.sin(3.1 * a + 2.3 * b + 1.7 * c)))
    if model == "randomForest":
        return (0.315 + 0.04 * (p["maxFeatures"] - 0.4) ** 2 + 0.004 * math.log10(p["minSamplesLeaf"] / 2) ** 2
                + 0.01 * (50 / p["trees"]) + 0.00005 * (p["maxDepth"] - 20) ** 2)
    penalty = 0.002 if p["penalty"] == "l1" else 0.001 if p["penalty"] == "elasticnet" else 0
    return 0.345 + 0.003 * (math.log10(p["alpha"]) + 0.5) ** 2 + penalty


def objective(trial):
    model = trial.suggest_categorical("model", ["gbdt", "randomForest", "linear"])
    if model == "gbdt":
        p = {
            "learningRate": trial.suggest_float("gbdt_learningRate", 0.005, 0.5, log=True),
            "maxLeafNodes": trial.suggest_int("gbdt_maxLeafNodes", 4, 256, log=True),
            "minSamplesLeaf": trial.suggest_int("gbdt_minSamplesLeaf", 1, 200, log=True),
            "l2": trial.suggest_float("gbdt_l2", 1e-4, 10, log=True),
            "subsample": trial.suggest_float("gbdt_subsample", 0.5, 1),
        }
    elif model == "randomForest":
        p = {
            "trees": trial.suggest_int("rf_trees", 50, 1000, log=True),
            "maxFeatures": trial.suggest_float("rf_maxFeatures", 0.1, 1),
            "minSamplesLeaf": trial.suggest_int("rf_minSamplesLeaf", 1, 50, log=True),
            "maxDepth": trial.suggest_int("rf_maxDepth", 4, 32),
        }
    else:
        p = {
            "alpha": trial.suggest_float("linear_alpha", 1e-4, 100, log=True),
            "penalty": trial.suggest_categorical("linear_penalty", ["l1", "l2", "elasticnet"]),
        }
    return loss(model, p)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["run", "eval"])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--multivariate", action="store_true")
    args = parser.parse_args()
    if args.mode == "eval":
        configs = json.load(sys.stdin)
        print(json.dumps([loss(c["model"], c["params"]) for c in configs]))
        return
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    out = []
    for seed in range(1, args.seeds + 1):
        if args.multivariate:
            sampler = optuna.samplers.TPESampler(seed=seed, multivariate=True, group=True)
        else:
            sampler = optuna.samplers.TPESampler(seed=seed)
        study = optuna.create_study(direction="minimize", sampler=sampler)
        study.optimize(objective, n_trials=args.trials)
        out.append([t.value for t in study.trials])
    print(json.dumps({"optuna": optuna.__version__, "losses": out}))


if __name__ == "__main__":
    main()
