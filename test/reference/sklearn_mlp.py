# Held-out accuracy of scikit-learn's MLPClassifier for test/unit/ml/mlp.test.ts, on iris and penguins with
# fixed train/test splits. Run once: /usr/bin/python3 test/reference/sklearn_mlp.py
# (writes test/fixtures/ml/mlp/reference.json)
#
# The fixture holds the prepared matrices (dense layout: numeric columns standardised with the training
# rows' mean and std, categoricals one-hot; penguins rows with a missing value dropped) so the test feeds
# ML Lab the same numbers. scikit-learn runs the same architecture and training settings as the test's
# ML Lab configuration, over 5 seeds, with and without early stopping; the test compares mean accuracies.
import json
import os
import numpy as np
import sklearn
from sklearn.datasets import load_iris
from sklearn.neural_network import MLPClassifier

root = os.path.join(os.path.dirname(__file__), "..", "..")
rng = np.random.default_rng(20261128)


def split(n, test_share=0.25):
    order = rng.permutation(n)
    cut = int(round(n * test_share))
    return np.sort(order[cut:]), np.sort(order[:cut])


def standardise(train, test):
    mean, std = train.mean(axis=0), train.std(axis=0)
    return (train - mean) / std, (test - mean) / std


def iris():
    d = load_iris()
    tr, te = split(len(d.target))
    a, b = standardise(d.data[tr], d.data[te])
    return a, d.target[tr], b, d.target[te]


def penguins():
    with open(os.path.join(root, "node_modules", "vega-datasets", "data", "penguins.json")) as f:
        rows = json.load(f)
    numeric = ["Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)", "Body Mass (g)"]
    rows = [r for r in rows if all(r[c] is not None for c in numeric) and r["Sex"] in ("MALE", "FEMALE")]
    species = sorted({r["Species"] for r in rows})
    islands = sorted({r["Island"] for r in rows})
    num = np.array([[r[c] for c in numeric] for r in rows], dtype=float)
    cat = np.array([[1.0 if r["Island"] == i else 0.0 for i in islands] + [1.0 if r["Sex"] == "MALE" else 0.0] for r in rows])
    y = np.array([species.index(r["Species"]) for r in rows])
    tr, te = split(len(rows))
    a, b = standardise(num[tr], num[te])
    return np.hstack([a, cat[tr]]), y[tr], np.hstack([b, cat[te]]), y[te]


# The ML Lab configuration the test runs, spelled in scikit-learn.
settings = {"layers": 1, "units": 64, "activation": "relu", "learningRate": 0.003, "batchSize": 32, "epochs": 200, "l2": 1e-5}
datasets = {}
for name, make in (("iris", iris), ("penguins", penguins)):
    Xtr, ytr, Xte, yte = make()
    accs, plain = [], []
    for seed, early in [(seed, early) for early in (True, False) for seed in range(5)]:
        m = MLPClassifier(
            hidden_layer_sizes=(settings["units"],) * settings["layers"],
            activation=settings["activation"],
            solver="adam",
            learning_rate_init=settings["learningRate"],
            batch_size=settings["batchSize"],
            max_iter=settings["epochs"],
            alpha=settings["l2"],
            early_stopping=early,
            validation_fraction=0.1,
            n_iter_no_change=10,
            random_state=seed,
        ).fit(Xtr, ytr)
        (accs if early else plain).append(float((m.predict(Xte) == yte).mean()))
    datasets[name] = {
        "train": {"X": np.round(Xtr, 6).tolist(), "y": ytr.tolist()},
        "test": {"X": np.round(Xte, 6).tolist(), "y": yte.tolist()},
        "classes": int(max(ytr.max(), yte.max()) + 1),
        # With early stopping on 10% of the training rows (as ML Lab does), and without (stopping when the
        # training loss stalls): scikit-learn's early stopping scores accuracy on that small split, and on
        # iris it stops too soon.
        "sklearnAccuracy": accs,
        "sklearnAccuracyNoEarlyStopping": plain,
    }
    print(name, Xtr.shape, Xte.shape, "accuracy", np.round(accs, 3), "mean", round(float(np.mean(accs)), 4), "without early stopping", np.round(plain, 3), round(float(np.mean(plain)), 4))

path = os.path.join(root, "test", "fixtures", "ml", "mlp", "reference.json")
os.makedirs(os.path.dirname(path), exist_ok=True)
with open(path, "w") as f:
    json.dump({"sklearn": sklearn.__version__, "settings": settings, "datasets": datasets}, f)
