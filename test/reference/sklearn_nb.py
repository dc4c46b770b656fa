# Reference outputs of scikit-learn's GaussianNB and CategoricalNB for test/unit/ml/naiveBayes.test.ts.
# Run once: /usr/bin/python3 test/reference/sklearn_nb.py
# - iris (bundled with scikit-learn): GaussianNB probabilities for two var_smoothing values.
# - seeded categorical data: CategoricalNB probabilities for two alphas (min_categories = the declared
#   category counts, as ML Lab's ColumnMatrix gives them, including a category never seen in training).
# - mixed numeric + categorical: one shared prior, so the joint log likelihood is GaussianNB's on the numeric
#   columns plus CategoricalNB's on the categorical ones minus one log prior.
import json
import os
import numpy as np
import sklearn
from sklearn.datasets import load_iris
from sklearn.naive_bayes import CategoricalNB, GaussianNB
from scipy.special import softmax

iris = load_iris()
Xi, yi = iris.data, iris.target
gaussian = []
for vs in (1e-9, 1e-2):
    m = GaussianNB(var_smoothing=vs).fit(Xi, yi)
    gaussian.append({"varSmoothing": vs, "proba": m.predict_proba(Xi).ravel().tolist()})

rng = np.random.default_rng(7)
n = 300
counts = [3, 4, 2, 5]
y = rng.integers(0, 3, size=n)
Xc = np.zeros((n, 4), dtype=int)
for j, k in enumerate(counts):
    # Class-dependent category frequencies; the last category of column 3 never occurs.
    usable = k - 1 if j == 3 else k
    for c in range(3):
        p = rng.dirichlet(np.ones(usable))
        rows = y == c
        Xc[rows, j] = rng.choice(usable, size=rows.sum(), p=p)
Qc = np.array([[a, b, c, d] for a in range(3) for b in range(4) for c in range(2) for d in range(5)])
categorical = []
for alpha in (1.0, 0.5):
    m = CategoricalNB(alpha=alpha, min_categories=counts).fit(Xc, y)
    categorical.append({"alpha": alpha, "proba": m.predict_proba(Qc).ravel().tolist()})

# Mixed, binary target.
yb = rng.integers(0, 2, size=n)
Xn = np.round(np.column_stack([rng.normal(loc=yb * 1.5, scale=1.0), rng.normal(loc=100 - 20 * yb, scale=15.0)]), 4)
Xk = np.column_stack([np.where(rng.random(n) < 0.3 + 0.4 * yb, 1, 0), rng.integers(0, 3, size=n)])
g = GaussianNB().fit(Xn, yb)
c = CategoricalNB(alpha=1.0, min_categories=[2, 3]).fit(Xk, yb)
jll = g._joint_log_likelihood(Xn) + c._joint_log_likelihood(Xk) - np.log(np.bincount(yb) / n)
mixed = softmax(jll, axis=1)

out = {
    "sklearn": sklearn.__version__,
    "iris": {"X": Xi.ravel().tolist(), "y": yi.tolist(), "cases": gaussian},
    "categorical": {"counts": counts, "X": Xc.ravel().tolist(), "y": y.tolist(), "Q": Qc.ravel().tolist(), "cases": categorical},
    "mixed": {"numeric": Xn.ravel().tolist(), "categorical": Xk.ravel().tolist(), "y": yb.tolist(), "proba": mixed.ravel().tolist()},
}
path = os.path.join(os.path.dirname(__file__), "..", "fixtures", "ml", "nb", "sklearn_nb.json")
with open(path, "w") as f:
    json.dump(out, f, separators=(",", ":"))
print("wrote", path)
