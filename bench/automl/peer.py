#!/usr/bin/python3
"""The peer of ML Lab's sweep in bench/automl: scikit-learn tuned by Optuna, written the way a data scientist
would for a tabular task with a wall budget.

- Search: Optuna TPE (multivariate, grouped, so each model's parameters are modelled only from that model's
  trials) over a conditional space: the model family first, then its own hyperparameters. The first trials are
  the usual defaults of HistGradientBoosting, RandomForest and the linear model (ML Lab also starts from its
  families' defaults).
- Families: HistGradientBoosting, RandomForest, ExtraTrees, LogisticRegression / Ridge, kNN, GaussianNB
  (classification only).
- Preprocessing inside a Pipeline (so it is fitted per fold on train rows only): HistGradientBoosting gets
  ordinal codes with native categorical support and native NaN; the forests (no NaN support in sklearn 1.2)
  get median imputation with missing indicators and ordinal codes; linear, kNN and naive Bayes get median
  imputation + missing indicators + standardisation and one-hot encoding (categories seen < 5 times pooled).
- Evaluation: 5-fold cross-validation (stratified for classification, shuffled, seeded), folds run on
  --threads worker processes (the idiomatic cross_validate(n_jobs=...)); the best configuration is refit on
  all training rows and predicts the test file.
- Budget: Optuna's `timeout` (no new trial starts after --budget seconds of search); the fold workers are
  started just before the search, the refit comes after; the summary gives each part's seconds.

Output: a predictions CSV in the shape `mllab predict` writes (`prediction`, plus `proba_<class>` for
classification) and, as the last stdout line, a JSON summary.
Usage: peer.py --train T.csv --test X.csv --target COL --task binary|multiclass|regression
               --metric roc_auc|accuracy|rmse --budget SECONDS --out PRED.csv [--seed S] [--threads N]
"""
import argparse
import json
import logging
import math
import os
import sys
import time
import warnings

# One OpenMP / BLAS thread per process: the parallelism is --threads fold workers (processes), as ML Lab runs
# one single-threaded trial per core. HistGradientBoosting with as many OpenMP threads as cores was 7x slower
# on this shared, loaded 2-core machine (threads spin-wait on each other). Set before numpy / sklearn load.
for _var in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'):
    os.environ[_var] = '1'

import numpy as np
import optuna
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import (ExtraTreesClassifier, ExtraTreesRegressor, HistGradientBoostingClassifier,
                              HistGradientBoostingRegressor, RandomForestClassifier, RandomForestRegressor)
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import KFold, StratifiedKFold, cross_validate
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler
from joblib import Parallel, delayed
from threadpoolctl import threadpool_limits

SCORING = {'roc_auc': 'roc_auc', 'accuracy': 'accuracy', 'rmse': 'neg_root_mean_squared_error'}
FOLDS = 5
# sklearn 1.2's HistGradientBoosting takes categorical codes below max_bins (255) only; a wider categorical is
# given to it as ordinal codes (numeric), which is what one does by hand.
MAX_NATIVE_CATEGORIES = 255
ONE_HOT_MIN_FREQUENCY = 5


def read_csv(path, target, classification):
    # Only the empty cell is missing: prepare.mjs writes every missing value that way, and pandas' default
    # list would also read a category spelled "None" or "NA" as missing.
    dtype = {target: str} if classification else None
    return pd.read_csv(path, keep_default_na=False, na_values=[''], dtype=dtype)


def column_kinds(frame):
    numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
    categorical = [c for c in frame.columns if c not in numeric]
    return numeric, categorical


def preprocessing(layout, numeric, categorical, seed):
    if layout == 'native':  # HistGradientBoosting
        return ColumnTransformer([
            ('num', 'passthrough', numeric),
            ('cat', OrdinalEncoder(handle_unknown='use_encoded_value', unknown_value=np.nan), categorical),
        ])
    if layout == 'imputed':  # forests
        return ColumnTransformer([
            ('num', SimpleImputer(strategy='median', add_indicator=True), numeric),
            ('cat', make_pipeline(SimpleImputer(strategy='constant', fill_value='(missing)'),
                                  OrdinalEncoder(handle_unknown='use_encoded_value', unknown_value=-1)), categorical),
        ])
    return ColumnTransformer([  # dense: linear, kNN, naive Bayes
        ('num', make_pipeline(SimpleImputer(strategy='median', add_indicator=True), StandardScaler()), numeric),
        ('cat', make_pipeline(SimpleImputer(strategy='constant', fill_value='(missing)'),
                              OneHotEncoder(handle_unknown='infrequent_if_exist', min_frequency=ONE_HOT_MIN_FREQUENCY,
                                            sparse_output=False)), categorical),
    ])


def families(task):
    base = ['hgb', 'random_forest', 'extra_trees', 'linear', 'knn']
    return base + ['naive_bayes'] if task != 'regression' else base


def build(params, task, numeric, categorical, native_categorical, seed):
    """The pipeline for one configuration (params as Optuna reports them)."""
    cls = task != 'regression'
    m = params['model']
    if m == 'hgb':
        mask = [False] * len(numeric) + [c in native_categorical for c in categorical]
        kw = dict(learning_rate=params['hgb_learning_rate'], max_leaf_nodes=params['hgb_max_leaf_nodes'],
                  min_samples_leaf=params['hgb_min_samples_leaf'], l2_regularization=params['hgb_l2'],
                  max_iter=params['hgb_max_iter'], categorical_features=mask if any(mask) else None,
                  random_state=seed)
        model = HistGradientBoostingClassifier(**kw) if cls else HistGradientBoostingRegressor(**kw)
        layout = 'native'
    elif m in ('random_forest', 'extra_trees'):
        p = 'rf' if m == 'random_forest' else 'et'
        kw = dict(n_estimators=params[f'{p}_trees'], max_features=params[f'{p}_max_features'],
                  min_samples_leaf=params[f'{p}_min_samples_leaf'], n_jobs=1, random_state=seed)
        if m == 'random_forest':
            model = RandomForestClassifier(**kw) if cls else RandomForestRegressor(**kw)
        else:
            model = ExtraTreesClassifier(**kw) if cls else ExtraTreesRegressor(**kw)
        layout = 'imputed'
    elif m == 'linear':
        model = (LogisticRegression(C=params['linear_c'], max_iter=2000) if cls
                 else Ridge(alpha=params['linear_alpha']))
        layout = 'dense'
    elif m == 'knn':
        kw = dict(n_neighbors=params['knn_neighbours'], weights=params['knn_weights'], p=params['knn_p'])
        model = KNeighborsClassifier(**kw) if cls else KNeighborsRegressor(**kw)
        layout = 'dense'
    elif m == 'naive_bayes':
        model = GaussianNB(var_smoothing=params['nb_var_smoothing'])
        layout = 'dense'
    else:
        raise ValueError(f'unknown model {m}')
    return Pipeline([('prep', preprocessing(layout, numeric, categorical, seed)), ('model', model)])


def suggest(trial, task, train_rows):
    """The conditional space: a family's parameters are drawn only when it is chosen."""
    m = trial.suggest_categorical('model', families(task))
    if m == 'hgb':
        trial.suggest_float('hgb_learning_rate', 0.01, 0.3, log=True)
        trial.suggest_int('hgb_max_leaf_nodes', 4, 128, log=True)
        trial.suggest_int('hgb_min_samples_leaf', 2, 100, log=True)
        trial.suggest_float('hgb_l2', 1e-8, 10.0, log=True)
        trial.suggest_int('hgb_max_iter', 30, 1000, log=True)
    elif m in ('random_forest', 'extra_trees'):
        p = 'rf' if m == 'random_forest' else 'et'
        trial.suggest_int(f'{p}_trees', 50, 500, log=True)
        trial.suggest_float(f'{p}_max_features', 0.1, 1.0)
        trial.suggest_int(f'{p}_min_samples_leaf', 1, 20, log=True)
    elif m == 'linear':
        if task == 'regression':
            trial.suggest_float('linear_alpha', 1e-4, 1e3, log=True)
        else:
            trial.suggest_float('linear_c', 1e-4, 1e2, log=True)
    elif m == 'knn':
        trial.suggest_int('knn_neighbours', 1, max(1, min(50, int(train_rows * (FOLDS - 1) / FOLDS) - 1)), log=True)
        trial.suggest_categorical('knn_weights', ['uniform', 'distance'])
        trial.suggest_categorical('knn_p', [1, 2])
    elif m == 'naive_bayes':
        trial.suggest_float('nb_var_smoothing', 1e-12, 1e-1, log=True)
    return trial.params


def default_trials(task):
    """The defaults a data scientist tries first (sklearn's own defaults, a 200-tree forest, C = 1 / alpha = 1)."""
    linear = {'model': 'linear', ('linear_alpha' if task == 'regression' else 'linear_c'): 1.0}
    return [
        {'model': 'hgb', 'hgb_learning_rate': 0.1, 'hgb_max_leaf_nodes': 31, 'hgb_min_samples_leaf': 20,
         'hgb_l2': 1e-8, 'hgb_max_iter': 100},
        {'model': 'random_forest', 'rf_trees': 200, 'rf_max_features': 0.5 if task == 'regression' else 0.3,
         'rf_min_samples_leaf': 1},
        linear,
    ]


def _warm_worker():
    import sklearn.ensemble  # noqa: F401  (the import is the point)
    return os.getpid()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--train', required=True)
    ap.add_argument('--test', required=True)
    ap.add_argument('--target', required=True)
    ap.add_argument('--task', required=True, choices=['binary', 'multiclass', 'regression'])
    ap.add_argument('--metric', required=True, choices=sorted(SCORING))
    ap.add_argument('--budget', type=float, required=True, help='seconds of search')
    ap.add_argument('--out', required=True, help='predictions CSV')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--threads', type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    started = time.perf_counter()

    warnings.filterwarnings('ignore', category=ConvergenceWarning)
    warnings.filterwarnings('ignore', category=optuna.exceptions.ExperimentalWarning)
    warnings.filterwarnings('ignore', category=UserWarning)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    # Worker processes inherit this: it keeps their warnings off the benchmark's output too.
    os.environ['PYTHONWARNINGS'] = 'ignore'

    cls = args.task != 'regression'
    train = read_csv(args.train, args.target, cls)
    test = read_csv(args.test, args.target, cls)
    if args.target not in train.columns:
        sys.exit(f'peer: no column {args.target!r} in {args.train}')
    y = train.pop(args.target).to_numpy()
    x = train
    x_test = test.drop(columns=[args.target], errors='ignore')[x.columns]
    numeric, categorical = column_kinds(x)
    native = {c for c in categorical if x[c].nunique(dropna=True) < MAX_NATIVE_CATEGORIES}
    splitter = (StratifiedKFold(FOLDS, shuffle=True, random_state=args.seed) if cls
                else KFold(FOLDS, shuffle=True, random_state=args.seed))
    folds = list(splitter.split(x, y))

    sampler = optuna.samplers.TPESampler(seed=args.seed, multivariate=True, group=True)
    study = optuna.create_study(direction='maximize', sampler=sampler)
    for params in default_trials(args.task):
        study.enqueue_trial(params)

    def objective(trial):
        params = suggest(trial, args.task, len(x))
        pipe = build(params, args.task, numeric, categorical, native, args.seed)
        res = cross_validate(pipe, x, y, cv=folds, scoring=SCORING[args.metric], n_jobs=args.threads,
                             error_score='raise')
        score = float(np.mean(res['test_score']))
        if not math.isfinite(score):
            raise ValueError('non-finite cross-validation score')
        return score

    # Start the fold workers (and their imports) before the search clock: a few seconds on this loaded machine
    # that would otherwise eat a short budget's first trial. The reported wall time still includes it.
    if args.threads > 1:
        Parallel(n_jobs=args.threads)(delayed(_warm_worker)() for _ in range(args.threads))

    search_started = time.perf_counter()
    with threadpool_limits(limits=1):
        study.optimize(objective, timeout=args.budget, catch=(Exception,))
        search_seconds = time.perf_counter() - search_started
        done = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
        if not done:
            sys.exit('peer: no trial finished within the budget')
        best = study.best_trial
        refit_started = time.perf_counter()
        pipe = build(best.params, args.task, numeric, categorical, native, args.seed)
        pipe.fit(x, y)
        pred = pipe.predict(x_test)
        out = pd.DataFrame({'prediction': pred})
        if cls:
            proba = pipe.predict_proba(x_test)
            for j, c in enumerate(pipe.classes_):
                out[f'proba_{c}'] = proba[:, j]
        refit_seconds = time.perf_counter() - refit_started
    out.to_csv(args.out, index=False)

    by_model = {}
    seconds_by_model = {}
    for t in done:
        m = t.params['model']
        by_model[m] = by_model.get(m, 0) + 1
        seconds_by_model[m] = seconds_by_model.get(m, 0.0) + t.duration.total_seconds()
    mean_seconds = {m: round(seconds_by_model[m] / by_model[m], 3) for m in by_model}
    cv = best.value if args.metric != 'rmse' else -best.value
    summary = {
        'tool': 'sklearn+optuna', 'sklearn': __import__('sklearn').__version__, 'optuna': optuna.__version__,
        'threads': args.threads, 'trials': len(done), 'failedTrials': sum(t.state == optuna.trial.TrialState.FAIL for t in study.trials),
        'trialsByModel': by_model, 'meanTrialSecondsByModel': mean_seconds, 'bestModel': best.params['model'], 'bestParams': best.params,
        'bestCvScore': cv, 'setupSeconds': round(search_started - started, 3), 'searchSeconds': round(search_seconds, 3), 'refitSeconds': round(refit_seconds, 3),
        'wallSeconds': round(time.perf_counter() - started, 3), 'predictions': args.out,
    }
    print(json.dumps(summary))


if __name__ == '__main__':
    logging.getLogger('optuna').setLevel(logging.WARNING)
    main()
