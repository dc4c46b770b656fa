"""Reference for test/unit/ml/folds.test.ts: how many rows of each class scikit-learn's StratifiedKFold
(shuffle=True) puts in each validation fold, and each fold's size. The counts do not depend on the
shuffle seed (checked below over two seeds); only which rows are picked does.

Run once: /usr/bin/python3 test/reference/sklearn_folds.py > test/fixtures/ml/folds/stratified.json
"""
import json

import numpy as np
import sklearn
from sklearn.model_selection import StratifiedKFold

cases = []
rng = np.random.RandomState(0)
for name, counts, k in [
    ("three classes 50/30/7, k=5", [50, 30, 7], 5),
    ("binary 13/9, k=4", [13, 9], 4),
    ("four classes 11/5/23/8, k=3 (class 1 first appears last)", [11, 5, 23, 8], 3),
    ("binary 100/3, k=3", [100, 3], 3),
]:
    y = np.concatenate([np.full(c, i) for i, c in enumerate(counts)])
    rng.shuffle(y)
    if "appears last" in name:
        # Move every class-1 row after the others, so first-appearance order differs from code order.
        y = np.concatenate([y[y != 1], y[y == 1]])
    per_seed = []
    for seed in (1, 2):
        folds = []
        for _, test in StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).split(np.zeros(len(y)), y):
            folds.append([int((y[test] == c).sum()) for c in range(len(counts))])
        per_seed.append(folds)
    assert per_seed[0] == per_seed[1]
    cases.append({"name": name, "k": k, "labels": [int(v) for v in y], "foldClassCounts": per_seed[0]})

print(json.dumps({"sklearn": sklearn.__version__, "cases": cases}))
