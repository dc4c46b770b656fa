"""Reference for test/unit/ml/preprocess.test.ts: scikit-learn's dense preprocessing of penguins.

Writes test/fixtures/ml/preprocess/penguins.csv (vega-datasets penguins, rows shuffled with a fixed seed,
one validation-only island "Atlantis" added) and penguins.json: the output of
  numeric:     SimpleImputer(median) -> StandardScaler, plus MissingIndicator(features='missing-only')
  categorical: SimpleImputer(most_frequent) -> OneHotEncoder(min_frequency=5, handle_unknown='ignore')
fitted on the first 200 rows and applied to every row, with columns named the way ML Lab names them
("col", "col (missing)", "col=cat", "col=(other)").

Run once: /usr/bin/python3 test/reference/sklearn_preprocess.py
"""
import json
import os

import numpy as np
import pandas as pd
import sklearn
from sklearn.impute import MissingIndicator, SimpleImputer
from sklearn.preprocessing import OneHotEncoder, StandardScaler

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
OUT = os.path.join(ROOT, "test", "fixtures", "ml", "preprocess")
TRAIN_ROWS = 200

rows = json.load(open(os.path.join(ROOT, "node_modules", "vega-datasets", "data", "penguins.json")))
order = np.random.RandomState(7).permutation(len(rows))
frame = pd.DataFrame([rows[i] for i in order])
frame.loc[250, "Island"] = "Atlantis"  # a category only validation rows have
csv_path = os.path.join(OUT, "penguins.csv")
frame.to_csv(csv_path, index=False)

data = pd.read_csv(csv_path)
numeric = ["Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)", "Body Mass (g)"]
categorical = ["Island", "Sex"]
train = data.iloc[:TRAIN_ROWS]

columns = {}
imputer = SimpleImputer(strategy="median").fit(train[numeric])
scaler = StandardScaler().fit(imputer.transform(train[numeric]))
scaled = scaler.transform(imputer.transform(data[numeric]))
for j, name in enumerate(numeric):
    columns[name] = scaled[:, j]
indicator = MissingIndicator(features="missing-only").fit(train[numeric])
flags = indicator.transform(data[numeric])
for k, j in enumerate(indicator.features_):
    columns[f"{numeric[j]} (missing)"] = flags[:, k].astype(float)
for name in categorical:
    mode = SimpleImputer(strategy="most_frequent").fit(train[[name]])
    encoder = OneHotEncoder(min_frequency=5, handle_unknown="ignore", sparse_output=False).fit(mode.transform(train[[name]]))
    encoded = encoder.transform(mode.transform(data[[name]]))
    infrequent = encoder.infrequent_categories_[0]
    infrequent = [] if infrequent is None else list(infrequent)
    names = [f"{name}={c}" for c in encoder.categories_[0] if c not in infrequent]
    if infrequent:
        names.append(f"{name}=(other)")
    assert len(names) == encoded.shape[1]
    for k, n in enumerate(names):
        columns[n] = encoded[:, k]

json.dump(
    {
        "sklearn": sklearn.__version__,
        "trainRows": TRAIN_ROWS,
        "rows": len(data),
        "columns": {name: [float(v) for v in values] for name, values in columns.items()},
    },
    open(os.path.join(OUT, "penguins.json"), "w"),
)
print(list(columns))
