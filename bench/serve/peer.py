# Peer for bench/serve: scikit-learn's HistGradientBoostingClassifier(max_iter=200) fitted on the same
# features ML Lab read (dates as epoch ms, categories as codes, NaN = missing), then predict_proba on
# 100,000 rows (the data tiled), best of 2, with the default threads and with 1 thread. Prints JSON.
import json
import os
import sys
import time

import numpy as np
from sklearn import __version__ as sklearn_version
from sklearn.ensemble import HistGradientBoostingClassifier
from threadpoolctl import threadpool_limits

data = json.load(open(sys.argv[1]))
X = np.array(data["columns"], dtype=np.float64).T
y = np.array(data["y"])
model = HistGradientBoostingClassifier(max_iter=200, early_stopping=False, categorical_features=np.array(data["categorical"]), random_state=1)
model.fit(X, y)
rows = 100_000
big = np.tile(X, (rows // X.shape[0] + 1, 1))[:rows]


def best_rate():
    model.predict_proba(big[:1000])
    best = float("inf")
    for _ in range(2):
        t0 = time.perf_counter()
        model.predict_proba(big)
        best = min(best, time.perf_counter() - t0)
    return rows / best


rate = best_rate()
with threadpool_limits(limits=1):
    rate1 = best_rate()
# Single-row latency in process (no HTTP): what a Python service would pay per request for the model alone.
one = X[:1]
model.predict_proba(one)
t0 = time.perf_counter()
for i in range(200):
    model.predict_proba(X[i : i + 1])
single_ms = (time.perf_counter() - t0) / 200 * 1000
print(json.dumps({
    "sklearn": sklearn_version,
    "trees": int(model.n_iter_),
    "rows": rows,
    "rowsPerSecond": rate,
    "rowsPerSecond1Thread": rate1,
    "threads": os.cpu_count(),
    "singleRowPredictProbaMs": single_ms,
}))
