"""Reference values for src/core/ml/metrics.ts and evaluation.ts, computed once with scikit-learn.

Run: /usr/bin/python3 test/reference/sklearn_metrics.py
Writes test/fixtures/ml/metrics/reference.json: small fixed prediction sets (inputs included) and what
scikit-learn says about them. The unit tests read the JSON; CI need not run python.
"""
import json
import os

import numpy as np
import sklearn
from sklearn import metrics as m
from sklearn.calibration import calibration_curve
from sklearn.preprocessing import label_binarize

rng = np.random.default_rng(20261128)


def classification_case(name, y, proba, classes):
    pred = proba.argmax(axis=1)
    labels = list(range(classes))
    present = sorted(set(y.tolist()))
    out = {
        "name": name,
        "task": "binary" if classes == 2 else "multiclass",
        "classes": classes,
        "y": y.tolist(),
        "proba": proba.ravel().tolist(),
        "expected": {
            "accuracy": m.accuracy_score(y, pred),
            "balanced_accuracy": m.balanced_accuracy_score(y, pred),
            "log_loss": m.log_loss(y, proba, labels=labels),
        },
    }
    for avg in ("macro", "weighted"):
        out["expected"][f"precision_{avg}"] = m.precision_score(y, pred, average=avg, zero_division=0)
        out["expected"][f"recall_{avg}"] = m.recall_score(y, pred, average=avg, zero_division=0)
        out["expected"][f"f1_{avg}"] = m.f1_score(y, pred, average=avg, zero_division=0)
    if len(present) == classes:
        if classes == 2:
            out["expected"]["roc_auc"] = m.roc_auc_score(y, proba[:, 1])
            out["expected"]["pr_auc"] = m.average_precision_score(y, proba[:, 1])
        else:
            out["expected"]["roc_auc"] = m.roc_auc_score(y, proba, multi_class="ovr", average="macro")
            # scikit-learn 1.2 takes multiclass AP only as an indicator matrix: one-vs-rest, macro.
            out["expected"]["pr_auc"] = m.average_precision_score(label_binarize(y, classes=labels), proba, average="macro")
    out["confusion"] = m.confusion_matrix(y, pred, labels=labels).tolist()
    return out


def binary_curves(y, score):
    fpr, tpr, thr = m.roc_curve(y, score, drop_intermediate=False)
    fpr_d, tpr_d, _ = m.roc_curve(y, score, drop_intermediate=True)
    precision, recall, pthr = m.precision_recall_curve(y, score)
    prob_true, prob_pred = calibration_curve(y, score, n_bins=10, strategy="uniform")
    return {
        # thresholds[0] is max(score) + 1 in scikit-learn 1.2 (later versions use inf)
        "roc": {"fpr": fpr.tolist(), "tpr": tpr.tolist(), "thresholds": thr.tolist()},
        "rocDropIntermediate": {"fpr": fpr_d.tolist(), "tpr": tpr_d.tolist()},
        # scikit-learn orders these by increasing threshold, ending at (recall 0, precision 1)
        "pr": {"precision": precision.tolist(), "recall": recall.tolist(), "thresholds": pthr.tolist()},
        "calibration": {"probTrue": prob_true.tolist(), "probPred": prob_pred.tolist()},
    }


# Binary: probabilities on a 0.05 grid, so many ties; a few exact 0/1 to exercise log-loss clipping.
n = 60
y_bin = rng.integers(0, 2, n)
p1 = np.clip(0.5 + 0.35 * (2 * y_bin - 1) * rng.random(n) + rng.normal(0, 0.2, n), 0, 1)
p1 = np.round(p1 * 20) / 20
p1[:3] = [0.0, 1.0, 1.0]
proba_bin = np.column_stack([1 - p1, p1])
binary = classification_case("binary_ties", y_bin, proba_bin, 2)
binary["curves"] = binary_curves(y_bin, p1)

# Multiclass: 4 classes, Dirichlet probabilities nudged towards the true class, rounded (ties, argmax ties).
n = 80
y_mc = rng.integers(0, 4, n)
raw = rng.dirichlet(np.ones(4), n) + 0.6 * np.eye(4)[y_mc] * rng.random((n, 1))
raw = np.round(raw / raw.sum(axis=1, keepdims=True), 1)
raw[raw.sum(axis=1) == 0] = 0.25
proba_mc = raw / raw.sum(axis=1, keepdims=True)
multiclass = classification_case("multiclass", y_mc, proba_mc, 4)
multiclass["curves"] = [binary_curves((y_mc == c).astype(int), proba_mc[:, c]) for c in range(4)]

# A class (3) absent from y and never predicted: macro averages run over classes 0..2 only.
n = 30
y_abs = rng.integers(0, 3, n)
raw = rng.dirichlet(np.ones(3), n) + 0.5 * np.eye(3)[y_abs]
proba_abs = np.column_stack([raw / raw.sum(axis=1, keepdims=True) * 0.98, np.full(n, 0.02)])
absent = classification_case("multiclass_absent_class", y_abs, proba_abs, 4)


def regression_case(name, y, pred):
    return {
        "name": name,
        "task": "regression",
        "y": y.tolist(),
        "pred": pred.tolist(),
        "expected": {
            "rmse": float(np.sqrt(m.mean_squared_error(y, pred))),
            "mae": m.mean_absolute_error(y, pred),
            "r2": m.r2_score(y, pred),
            "mape": m.mean_absolute_percentage_error(y, pred),
        },
    }


n = 50
y_reg = rng.normal(10, 3, n)
pred_reg = y_reg + rng.normal(0, 1.5, n)
regression = regression_case("regression", y_reg, pred_reg)
y_zero = np.array([0.0, 1.0, -2.0, 3.5, 0.0, 4.0])
pred_zero = np.array([0.5, 1.0, -1.0, 3.0, 0.0, 5.0])
regression_zero = regression_case("regression_zero_target", y_zero, pred_zero)
regression_const = regression_case("regression_constant_target", np.full(5, 2.0), np.array([2.0, 2.5, 1.5, 2.0, 2.0]))

out = {
    "sklearn": sklearn.__version__,
    "classification": [binary, multiclass, absent],
    "regression": [regression, regression_zero, regression_const],
}
path = os.path.join(os.path.dirname(__file__), "..", "fixtures", "ml", "metrics", "reference.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print("wrote", os.path.normpath(path), os.path.getsize(path), "bytes")
