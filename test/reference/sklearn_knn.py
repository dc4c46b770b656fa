# Reference outputs of scikit-learn's KNeighborsClassifier / KNeighborsRegressor (algorithm='brute') for
# test/unit/ml/knn.test.ts. Run once: /usr/bin/python3 test/reference/sklearn_knn.py
# Data: seeded continuous values rounded to 6 decimals (exactly representable in JSON both ways), so no two
# training rows tie on distance to a query; a few queries copy training rows to exercise distance 0.
import json
import os
import numpy as np
import sklearn
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor

rng = np.random.default_rng(20261128)
n, m, d = 200, 40, 5
X = np.round(rng.normal(size=(n, d)), 6)
# Classes depend on the features, so neighbours agree more than chance.
score = X[:, 0] + 0.5 * X[:, 1] - X[:, 2] + rng.normal(scale=0.7, size=n)
y_class = np.digitize(score, [-0.7, 0.7]).astype(int)
y_reg = np.round(2 * X[:, 0] - X[:, 3] + 0.3 * rng.normal(size=n), 6)
Q = np.round(rng.normal(size=(m, d)), 6)
Q[:4] = X[[3, 17, 50, 199]]  # exact copies: distance 0

cases = []
for k in (1, 5, 15):
    for weights in ("uniform", "distance"):
        for metric in ("euclidean", "manhattan"):
            clf = KNeighborsClassifier(n_neighbors=k, weights=weights, metric=metric, algorithm="brute").fit(X, y_class)
            reg = KNeighborsRegressor(n_neighbors=k, weights=weights, metric=metric, algorithm="brute").fit(X, y_reg)
            cases.append({
                "neighbours": k,
                "weights": weights,
                "metric": metric,
                "proba": clf.predict_proba(Q).ravel().tolist(),
                "regression": reg.predict(Q).tolist(),
            })

out = {
    "sklearn": sklearn.__version__,
    "rows": n,
    "cols": d,
    "queries": m,
    "classes": 3,
    "X": X.ravel().tolist(),
    "yClass": y_class.tolist(),
    "yReg": y_reg.tolist(),
    "Q": Q.ravel().tolist(),
    "cases": cases,
}
path = os.path.join(os.path.dirname(__file__), "..", "fixtures", "ml", "knn", "sklearn_knn.json")
with open(path, "w") as f:
    json.dump(out, f, separators=(",", ":"))
print("wrote", path)
