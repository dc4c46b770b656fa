# Reference coefficients of scikit-learn's linear models for test/unit/ml/linear.test.ts.
# Run once: /usr/bin/python3 test/reference/sklearn_linear.py  (writes test/fixtures/ml/linear/reference.json)
#
# ML Lab's linear family minimises, over coefficients w and an unpenalised intercept b,
#   classification: (1/n) * sum_i logloss_i      + alpha * (l1Ratio * |w|_1 + (1 - l1Ratio) / 2 * |w|_2^2)
#   regression:     (1/(2n)) * sum_i residual_i^2 + the same penalty
# (penalty 'l2' is l1Ratio = 0, 'l1' is l1Ratio = 1, 'none' is alpha = 0). scikit-learn's equivalents:
#   LogisticRegression(C) minimises C * sum_i logloss_i + penalty(l1_ratio) with weight 1   => C = 1 / (alpha * n)
#   Ridge(alpha_sk) minimises |r|^2 + alpha_sk * |w|^2                                    => alpha_sk = n * alpha
#   Lasso / ElasticNet(alpha, l1_ratio) minimise exactly our regression objective          => same alpha
# Solvers run to tight tolerances, and each solution's optimality (KKT) residual on our objective is checked
# here, so the fixture holds the optimum, not a solver's early stop.
import json
import os
import numpy as np
import sklearn
from sklearn.datasets import load_iris
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, LogisticRegression, Ridge

rng = np.random.default_rng(20261128)


def standardise(X):
    return (X - X.mean(axis=0)) / X.std(axis=0)


# Binary: 160 rows, 5 features (two correlated), labels drawn from a logistic model (not separable).
n_b = 160
Xb = rng.normal(size=(n_b, 5))
Xb[:, 4] = 0.7 * Xb[:, 0] + 0.3 * rng.normal(size=n_b)
Xb = np.round(standardise(Xb), 6)
zb = 0.3 + 1.2 * Xb[:, 0] - 0.8 * Xb[:, 1] + 0.05 * Xb[:, 2] + 0.4 * Xb[:, 4]
yb = (rng.uniform(size=n_b) < 1 / (1 + np.exp(-zb))).astype(int)

# Multiclass: iris, standardised (3 classes, 150 rows).
iris = load_iris()
Xi = np.round(standardise(iris.data), 6)
yi = iris.target.astype(int)

# Regression: 120 rows, 6 features, correlated pair, some useless features.
n_r = 120
Xr = rng.normal(size=(n_r, 6))
Xr[:, 5] = 0.8 * Xr[:, 1] + 0.2 * rng.normal(size=n_r)
Xr = np.round(standardise(Xr), 6)
yr = np.round(1.5 + 2.0 * Xr[:, 0] - 1.0 * Xr[:, 1] + 0.1 * Xr[:, 3] + 0.5 * Xr[:, 5] + 0.5 * rng.normal(size=n_r), 6)

# One-hot: 240 rows, a 12-level categorical one-hot encoded in full (every level has a column, so the block
# sums to the intercept's column, as ML Lab's dense layout writes it) + 2 numeric; 3 non-zeros in 14 columns,
# so ML Lab's solver reads these rows as sparse rows. Binary and 3-class labels from a linear model.
n_o = 240
levels = rng.integers(0, 12, size=n_o)
Xo = np.zeros((n_o, 14))
Xo[np.arange(n_o), levels] = 1.0
Xo[:, 12:] = np.round(standardise(rng.normal(size=(n_o, 2))), 6)
effect = rng.normal(size=12)
zo = effect[levels] + 0.9 * Xo[:, 12] - 0.6 * Xo[:, 13]
yo = (rng.uniform(size=n_o) < 1 / (1 + np.exp(-zo))).astype(int)
yo3 = np.digitize(zo + 0.5 * rng.normal(size=n_o), np.quantile(zo, [1 / 3, 2 / 3])).astype(int)


def softmax(Z):
    Z = Z - Z.max(axis=1, keepdims=True)
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)


def kkt(X, y, coef, intercept, task, alpha, l1_ratio):
    """Largest violation of our objective's optimality conditions (subgradient for the L1 part)."""
    n = X.shape[0]
    if task == "regression":
        r = X @ coef[0] + intercept[0] - y
        G = (X.T @ r / n)[None, :]
        gb = np.array([r.mean()])
    elif coef.shape[0] == 1:
        p = 1 / (1 + np.exp(-(X @ coef[0] + intercept[0])))
        G = (X.T @ (p - y) / n)[None, :]
        gb = np.array([(p - y).mean()])
    else:
        P = softmax(X @ coef.T + intercept)
        Y = np.eye(coef.shape[0])[y]
        G = (P - Y).T @ X / n
        gb = (P - Y).mean(axis=0)
    G = G + alpha * (1 - l1_ratio) * coef
    l1 = alpha * l1_ratio
    viol = np.where(coef != 0, np.abs(G + l1 * np.sign(coef)), np.maximum(np.abs(G) - l1, 0))
    return float(max(viol.max(), np.abs(gb).max()))


cases = []


def add(name, data, task, params, coef, intercept, X, y):
    coef = np.atleast_2d(np.asarray(coef, dtype=float))
    intercept = np.atleast_1d(np.asarray(intercept, dtype=float))
    if coef.shape[0] > 1:
        # Softmax is unchanged by a shift of every class's intercept; fix the sum at 0 (ML Lab does too).
        intercept = intercept - intercept.mean()
    alpha = params.get("alpha", 0.0) if params["penalty"] != "none" else 0.0
    l1_ratio = {"l2": 0.0, "l1": 1.0, "none": 0.0}.get(params["penalty"], params.get("l1Ratio", 0.5))
    v = kkt(X, y, coef, intercept, task, alpha, l1_ratio)
    assert v < 1e-6, (name, v)
    cases.append({"name": name, "data": data, "task": task, "params": params, "coef": coef.tolist(), "intercept": intercept.tolist(), "kkt": v})


def logistic(X, y, **kw):
    return LogisticRegression(tol=1e-12, max_iter=200000, **kw).fit(X, y)


for alpha in (0.001, 0.05):
    m = logistic(Xb, yb, penalty="l2", C=1 / (alpha * n_b), solver="newton-cg")
    add(f"binary l2 alpha={alpha}", "binary", "binary", {"penalty": "l2", "alpha": alpha}, m.coef_, m.intercept_, Xb, yb)
m = logistic(Xb, yb, penalty=None, solver="newton-cg")
add("binary none", "binary", "binary", {"penalty": "none"}, m.coef_, m.intercept_, Xb, yb)
m = logistic(Xb, yb, penalty="l1", C=1 / (0.03 * n_b), solver="saga")
add("binary l1 alpha=0.03", "binary", "binary", {"penalty": "l1", "alpha": 0.03}, m.coef_, m.intercept_, Xb, yb)
m = logistic(Xb, yb, penalty="elasticnet", C=1 / (0.04 * n_b), l1_ratio=0.5, solver="saga")
add("binary elasticnet alpha=0.04 l1Ratio=0.5", "binary", "binary", {"penalty": "elasticnet", "alpha": 0.04, "l1Ratio": 0.5}, m.coef_, m.intercept_, Xb, yb)

n_i = Xi.shape[0]
m = logistic(Xi, yi, penalty="l2", C=1 / (0.01 * n_i), solver="newton-cg", multi_class="multinomial")
add("iris l2 alpha=0.01", "iris", "multiclass", {"penalty": "l2", "alpha": 0.01}, m.coef_, m.intercept_, Xi, yi)
m = logistic(Xi, yi, penalty="l1", C=1 / (0.02 * n_i), solver="saga", multi_class="multinomial")
add("iris l1 alpha=0.02", "iris", "multiclass", {"penalty": "l1", "alpha": 0.02}, m.coef_, m.intercept_, Xi, yi)

m = logistic(Xo, yo, penalty="l2", C=1 / (0.002 * n_o), solver="newton-cg")
add("onehot binary l2 alpha=0.002", "onehot", "binary", {"penalty": "l2", "alpha": 0.002}, m.coef_, m.intercept_, Xo, yo)
m = logistic(Xo, yo, penalty="l1", C=1 / (0.01 * n_o), solver="saga")
add("onehot binary l1 alpha=0.01", "onehot", "binary", {"penalty": "l1", "alpha": 0.01}, m.coef_, m.intercept_, Xo, yo)
m = logistic(Xo, yo3, penalty="l2", C=1 / (0.005 * n_o), solver="newton-cg", multi_class="multinomial")
add("onehot 3-class l2 alpha=0.005", "onehot3", "multiclass", {"penalty": "l2", "alpha": 0.005}, m.coef_, m.intercept_, Xo, yo3)

m = LinearRegression().fit(Xr, yr)
add("regression none", "regression", "regression", {"penalty": "none"}, m.coef_, m.intercept_, Xr, yr)
m = Ridge(alpha=n_r * 0.1).fit(Xr, yr)
add("regression l2 alpha=0.1", "regression", "regression", {"penalty": "l2", "alpha": 0.1}, m.coef_, m.intercept_, Xr, yr)
m = Lasso(alpha=0.05, tol=1e-14, max_iter=1000000).fit(Xr, yr)
add("regression l1 alpha=0.05", "regression", "regression", {"penalty": "l1", "alpha": 0.05}, m.coef_, m.intercept_, Xr, yr)
m = ElasticNet(alpha=0.08, l1_ratio=0.3, tol=1e-14, max_iter=1000000).fit(Xr, yr)
add("regression elasticnet alpha=0.08 l1Ratio=0.3", "regression", "regression", {"penalty": "elasticnet", "alpha": 0.08, "l1Ratio": 0.3}, m.coef_, m.intercept_, Xr, yr)

out = {
    "sklearn": sklearn.__version__,
    "datasets": {
        "binary": {"X": Xb.tolist(), "y": yb.tolist()},
        "iris": {"X": Xi.tolist(), "y": yi.tolist()},
        "regression": {"X": Xr.tolist(), "y": yr.tolist()},
        "onehot": {"X": Xo.tolist(), "y": yo.tolist()},
        "onehot3": {"X": Xo.tolist(), "y": yo3.tolist()},
    },
    "cases": cases,
}
path = os.path.join(os.path.dirname(__file__), "..", "fixtures", "ml", "linear", "reference.json")
os.makedirs(os.path.dirname(path), exist_ok=True)
with open(path, "w") as f:
    json.dump(out, f)
for c in cases:
    print(f"{c['name']:45s} kkt={c['kkt']:.1e} coef={np.round(c['coef'], 4).tolist()}")
