# scikit-learn's HistGradientBoostingClassifier on the data bench/gbdt/run.mjs wrote: fit time, test
# accuracy and ROC AUC as one JSON line per repeat. Threads: set OMP_NUM_THREADS before starting this.
# Usage: OMP_NUM_THREADS=1 /usr/bin/python3 bench/gbdt/peer.py DATA_DIR ROUNDS LEAVES LR MIN_LEAF MAX_BINS REPEATS
import json
import os
import sys
import time

import numpy as np
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
from threadpoolctl import threadpool_info

data, rounds, leaves, lr, min_leaf, max_bins, repeats = sys.argv[1:8]
meta = json.load(open(os.path.join(data, "meta.json")))
d = meta["features"]


def load(name, rows):
    # run.mjs writes feature columns one after another (column-major float64, little-endian).
    return np.fromfile(os.path.join(data, name), dtype="<f8").reshape(d, rows).T.copy()


X_train = load("train.f64", meta["train"])
X_test = load("test.f64", meta["test"])
y_train = np.fromfile(os.path.join(data, "train.y"), dtype="<i4")
y_test = np.fromfile(os.path.join(data, "test.y"), dtype="<i4")
threads = [i.get("num_threads") for i in threadpool_info() if i.get("user_api") == "openmp"]
for _ in range(int(repeats)):
    est = HistGradientBoostingClassifier(max_iter=int(rounds), max_leaf_nodes=int(leaves), learning_rate=float(lr),
                                         min_samples_leaf=int(min_leaf), max_bins=int(max_bins), l2_regularization=0.0,
                                         early_stopping=False, random_state=0)
    t0 = time.perf_counter()
    c0 = time.process_time()
    est.fit(X_train, y_train)
    fit = time.perf_counter() - t0
    cpu = time.process_time() - c0
    proba = est.predict_proba(X_test)
    pred = proba.argmax(axis=1)
    auc = roc_auc_score(y_test, proba[:, 1]) if proba.shape[1] == 2 else roc_auc_score(y_test, proba, multi_class="ovr")
    print(json.dumps({"fit": fit, "cpu": cpu, "accuracy": float(np.mean(pred == y_test)), "auc": float(auc),
                      "trees": int(est.n_iter_), "openmpThreads": threads, "sklearn": sklearn.__version__}), flush=True)
