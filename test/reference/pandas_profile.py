#!/usr/bin/python3
"""Independent reference for ML Lab's profile: the same statistics computed by pandas.

Usage: pandas_profile.py FILE [--sep ,] [--na TOKEN ...] [--sorted | --sorted-dir DIR]
Prints one JSON object: rows, duplicateRows, columns[] with missing, distinct and, for numeric
columns, min/max/mean/std (ddof=1)/skew/quantiles/zeros/negatives; for the others, value counts.
--sorted adds each numeric column's sorted values, so a caller can check quantile ranks; --sorted-dir
writes them instead as DIR/<column index>.f64 (little-endian float64), which is much faster for big files.
"""
import argparse
import json
import math
import os
import sys

import pandas as pd

QUANTILES = {'p1': 0.01, 'p5': 0.05, 'p25': 0.25, 'p50': 0.5, 'p75': 0.75, 'p95': 0.95, 'p99': 0.99}


def num(x):
    """JSON has no NaN: undefined statistics become null."""
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) or math.isinf(x) else x


# Year-first dates and date-times (ISO-8601, or with slashes); other layouts are left as text.
DATE_RE = r'^\d{4}[-/]\d{2}[-/]\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$'


def iso_range(s):
    """min/max as ISO-8601 when every value is a year-first date; else None."""
    if len(s) == 0 or not s.str.match(DATE_RE).all():
        return None
    try:
        d = pd.to_datetime(s.str.replace('/', '-', regex=False), errors='raise')
    except (ValueError, TypeError):
        return None
    if d.isna().any() or len(d) == 0:
        return None
    return {'min': d.min().isoformat(), 'max': d.max().isoformat()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('file')
    ap.add_argument('--sep', default=',')
    ap.add_argument('--na', nargs='*', default=None, help='missing tokens (default: pandas defaults)')
    ap.add_argument('--sorted', action='store_true')
    ap.add_argument('--sorted-dir')
    a = ap.parse_args()

    if a.na is None:
        na = {}
    else:
        # Only the given tokens are missing, like ML Lab; pandas' own list would add e.g. 'n/a', '-NaN'.
        na = {'na_values': a.na, 'keep_default_na': False}
    df = pd.read_csv(a.file, sep=a.sep, **na)
    # Value counts of the text as written: a bool column would otherwise print 'true' as 'True'.
    raw = pd.read_csv(a.file, sep=a.sep, dtype=str, **na)

    out = {
        'pandas': pd.__version__,
        'rows': int(len(df)),
        'duplicateRows': int(df.duplicated().sum()),
        'columns': [],
    }
    for index, name in enumerate(df.columns):
        s = df[name]
        present = s.dropna()
        col = {
            'name': str(name),
            'dtype': str(s.dtype),
            'missing': int(s.isna().sum()),
            'distinct': int(s.nunique(dropna=True)),
        }
        if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            x = present.astype('float64')
            col.update({
                'numeric': True,
                'min': num(x.min()) if len(x) else None,
                'max': num(x.max()) if len(x) else None,
                'mean': num(x.mean()) if len(x) else None,
                'std': num(x.std(ddof=1)) if len(x) > 1 else None,
                'skew': num(x.skew()) if len(x) > 2 else None,
                'quantiles': {k: num(x.quantile(q)) for k, q in QUANTILES.items()} if len(x) else None,
                'zeros': int((x == 0).sum()),
                'negatives': int((x < 0).sum()),
            })
            if a.sorted:
                col['sorted'] = [float(v) for v in x.sort_values().tolist()]
            if a.sorted_dir:
                x.sort_values().to_numpy(dtype='<f8').tofile(os.path.join(a.sorted_dir, f'{index}.f64'))
        else:
            col['numeric'] = False
            text = raw[name].dropna()
            col['distinct'] = int(text.nunique())
            vc = text.value_counts()
            col['top'] = [{'value': str(v), 'count': int(c)} for v, c in vc.items()]
            col['dates'] = iso_range(text)
        out['columns'].append(col)
    json.dump(out, sys.stdout, allow_nan=False)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
