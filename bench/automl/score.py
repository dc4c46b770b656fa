#!/usr/bin/python3
"""The one scorer of bench/automl: reads the test file's target and any number of predictions files (in the
shape `mllab predict` writes: `prediction`, plus `proba_<class>` for classification, rows in test-file order)
and scores each with scikit-learn's metrics, so both sides are scored by the same code.

Prints one JSON object: {"scores": [{"file", "score", "secondary": {...}} | {"file", "error"}]}.
Usage: score.py --test X.csv --target COL --task T --metric roc_auc|accuracy|rmse [--positive CLASS] PRED.csv...
"""
import argparse
import json
import math

import numpy as np
import pandas as pd
from sklearn import metrics


def read(path, dtype=None):
    return pd.read_csv(path, keep_default_na=False, na_values=[''], dtype=dtype)


def label(value):
    """Class labels compared as text; a number-looking label written as 1.0 by one side and 1 by the other is the same."""
    s = str(value).strip()
    try:
        f = float(s)
        return repr(int(f)) if f.is_integer() else repr(f)
    except ValueError:
        return s


def score_one(path, y, args):
    pred = read(path, dtype=str if args.task != 'regression' else None)
    if len(pred) != len(y):
        raise ValueError(f'{len(pred)} predictions for {len(y)} test rows')
    if 'prediction' not in pred.columns:
        raise ValueError('no prediction column')
    secondary = {}
    if args.task == 'regression':
        p = pred['prediction'].astype(float).to_numpy()
        if not np.all(np.isfinite(p)):
            raise ValueError('non-finite predictions')
        yt = y.astype(float).to_numpy()
        main = math.sqrt(metrics.mean_squared_error(yt, p))
        secondary = {'mae': metrics.mean_absolute_error(yt, p), 'r2': metrics.r2_score(yt, p)}
    else:
        yt = np.array([label(v) for v in y])
        yp = np.array([label(v) for v in pred['prediction']])
        proba_cols = {label(c[len('proba_'):]): c for c in pred.columns if c.startswith('proba_')}
        secondary['accuracy'] = metrics.accuracy_score(yt, yp)
        secondary['balanced_accuracy'] = metrics.balanced_accuracy_score(yt, yp)
        if args.task == 'binary':
            pos = label(args.positive)
            if pos not in proba_cols:
                raise ValueError(f'no proba_{args.positive} column (have: {", ".join(pred.columns)})')
            main_auc = metrics.roc_auc_score(yt == pos, pred[proba_cols[pos]].astype(float))
            main = main_auc if args.metric == 'roc_auc' else secondary['accuracy']
            secondary['roc_auc'] = main_auc
        else:
            main = secondary['accuracy']
        classes = sorted(set(yt))
        if proba_cols and all(c in proba_cols for c in classes):
            p = np.column_stack([pred[proba_cols[c]].astype(float) for c in classes])
            p = np.clip(p, 1e-15, 1)
            p = p / p.sum(axis=1, keepdims=True)
            secondary['log_loss'] = metrics.log_loss(yt, p, labels=classes)
    return {'file': path, 'score': float(main), 'secondary': {k: float(v) for k, v in secondary.items()}}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--test', required=True)
    ap.add_argument('--target', required=True)
    ap.add_argument('--task', required=True, choices=['binary', 'multiclass', 'regression'])
    ap.add_argument('--metric', required=True, choices=['roc_auc', 'accuracy', 'rmse'])
    ap.add_argument('--positive')
    ap.add_argument('predictions', nargs='+')
    args = ap.parse_args()
    if args.task == 'binary' and args.metric == 'roc_auc' and args.positive is None:
        ap.error('--positive is needed for roc_auc')
    test = read(args.test, dtype={args.target: str} if args.task != 'regression' else None)
    y = test[args.target]
    out = []
    for path in args.predictions:
        try:
            out.append(score_one(path, y, args))
        except (OSError, ValueError, KeyError) as err:
            out.append({'file': path, 'error': str(err)})
    print(json.dumps({'scores': out}))


if __name__ == '__main__':
    main()
