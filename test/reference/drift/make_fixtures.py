#!/usr/bin/python3
"""Reference values for ML Lab's drift statistics (src/core/stats), computed with scipy.

Writes fixtures.json beside this script: two-sample KS tests (scipy.stats.ks_2samp, two-sided, method
'auto' -- small samples take the exact path, samples over 10,000 values the asymptotic one), the
one-sample two-sided KS survival function (scipy.stats.kstwo.sf) and the one-sided Smirnov survival
function (scipy.special.smirnov) over a grid that visits every branch, chi-square tests of homogeneity
(scipy.stats.chi2_contingency, correction=False) with Cramer's V (scipy.stats.contingency.association),
and chi-square tail probabilities (scipy.stats.chi2.sf).

Run: /usr/bin/python3 test/reference/drift/make_fixtures.py   (seeded: the output is the same every run)
"""
import json
import os

import numpy as np
import scipy
from scipy import special, stats
from scipy.stats.contingency import association

rng = np.random.default_rng(20261128)


def ks_case(name, a, b):
    r = stats.ks_2samp(a, b, alternative='two-sided', method='auto')
    method = 'exact' if max(len(a), len(b)) <= 10000 else 'asymptotic'
    def plain(xs):
        return [int(x) if float(x).is_integer() else float(x) for x in xs]
    return {'name': name, 'a': plain(a), 'b': plain(b),
            'statistic': float(r.statistic), 'pValue': float(r.pvalue), 'method': method}


def rounded(x, digits):
    return np.round(x, digits)


ks = [
    ks_case('tiny 5 vs 7', rounded(rng.normal(0, 1, 5), 4), rounded(rng.normal(0.5, 1, 7), 4)),
    ks_case('equal sizes 20 vs 20', rounded(rng.normal(0, 1, 20), 4), rounded(rng.normal(0.8, 1, 20), 4)),
    ks_case('equal sizes 300 vs 300, same law', rounded(rng.normal(0, 1, 300), 4), rounded(rng.normal(0, 1, 300), 4)),
    ks_case('37 vs 53 shifted', rounded(rng.normal(0, 1, 37), 4), rounded(rng.normal(1, 1, 53), 4)),
    ks_case('ties: small integers 40 vs 60', rng.integers(0, 5, 40), rng.integers(0, 6, 60)),
    ks_case('ties: identical samples', np.array([1, 2, 2, 3, 3, 3]), np.array([3, 3, 3, 2, 2, 1])),
    ks_case('disjoint 12 vs 18', rounded(rng.uniform(0, 1, 12), 4), rounded(rng.uniform(2, 3, 18), 4)),
    ks_case('1000 vs 700 scale change', rounded(rng.normal(0, 1, 1000), 3), rounded(rng.normal(0, 1.3, 700), 3)),
    ks_case('exact edge 10000 vs 400', rng.integers(0, 1000, 10000), rng.integers(20, 1000, 400)),
    ks_case('asymptotic 12000 vs 150 (m = 148)', rng.integers(0, 1000, 12000), rng.integers(0, 1000, 150)),
    ks_case('asymptotic 12000 vs 3000 small gap', rng.integers(0, 2000, 12000), rng.integers(0, 2000, 3000)),
    ks_case('asymptotic 12000 vs 3000 shifted', rng.integers(0, 2000, 12000), rng.integers(40, 2040, 3000)),
    ks_case('asymptotic 15000 vs 15000 same law', rng.integers(0, 5000, 15000), rng.integers(0, 5000, 15000)),
]

kstwo = []
for n in [1, 2, 3, 5, 10, 37, 100, 140, 141, 480, 1000, 2500, 7500, 20000, 100000, 100001, 250000]:
    for x in [0.3 / n, 0.75 / n, 1.5 / n, 0.01, 0.03, 0.05, 0.08, 0.12, 0.2, 0.35, 0.5, 0.6, 0.9, 1 - 0.5 / n]:
        if 0 < x < 1:
            kstwo.append({'n': n, 'x': float(x), 'sf': float(stats.kstwo.sf(x, n))})
    for z in [0.3, 0.6, 0.85, 1.0, 1.2, 1.48, 1.6, 2.0, 3.0, 5.0]:
        x = z / np.sqrt(n)
        if 0 < x < 1:
            kstwo.append({'n': n, 'x': float(x), 'sf': float(stats.kstwo.sf(x, n))})

smirnov = []
for n in [1, 2, 5, 20, 100, 1000, 50000, 999999, 1000001]:
    for x in [0.5 / n, 1.0 / n, 0.01, 0.05, 0.1, 0.3, 0.5, 0.9, 2.0 / np.sqrt(n)]:
        # x = 1/n exactly sits on a branch boundary scipy decides in double-double arithmetic (n*x
        # rounds either way in doubles); beyond a million it picks a different formula on each side.
        if 0 < x < 1 and not (n > 1000000 and x == 1.0 / n):
            smirnov.append({'n': n, 'x': float(x), 'sf': float(special.smirnov(n, x))})


def chi2_case(name, table):
    t = np.asarray(table)
    stat, p, dof, _ = stats.chi2_contingency(t, correction=False)
    return {'name': name, 'table': t.tolist(), 'statistic': float(stat), 'pValue': float(p), 'dof': int(dof),
            'cramersV': float(association(t, method='cramer', correction=False))}


chi2 = [
    chi2_case('2 x 2 (no Yates correction)', [[30, 10], [20, 25]]),
    chi2_case('2 x 3 same mix', [[50, 30, 20], [101, 59, 40]]),
    chi2_case('2 x 4 shifted mix', [[400, 300, 200, 100], [100, 200, 300, 400]]),
    chi2_case('2 x 6 sparse', [[1, 0, 3, 12, 2, 1], [0, 2, 1, 9, 5, 1]]),
    chi2_case('2 x 5 large n, tiny shift', [[20000, 15000, 10000, 3000, 2000], [20400, 14800, 9900, 2950, 1950]]),
    chi2_case('2 x 3 huge statistic', [[5000, 5000, 0 + 1], [10, 20, 9000]]),
    chi2_case('2 x 12 random', rng.integers(1, 60, size=(2, 12)).tolist()),
]

chi2sf = []
for dof in [1, 2, 3, 5, 10, 29, 100, 999]:
    for x in [1e-6, 0.01, 0.5, 1, 2, 3.84, 7.5, 15, 40, 100, 300, 1000, 1400]:
        chi2sf.append({'x': x, 'dof': dof, 'sf': float(stats.chi2.sf(x, dof))})

# One end-to-end case for checkDrift: two small files (numeric x with gaps, categorical c with gaps and a
# value the reference lacks); scipy's KS on x's present values and chi-square on c's category counts with
# the missing cells as one more category.
def with_gaps(values, every):
    return [None if i % every == 0 else v for i, v in enumerate(values)]


ref_x = with_gaps([float(v) for v in np.round(rng.normal(0, 1, 800), 3)], 17)
cur_x = with_gaps([float(v) for v in np.round(rng.normal(0.15, 1.1, 600), 3)], 9)
ref_c = with_gaps([str(v) for v in rng.choice(['north', 'south', 'east', 'west'], 800, p=[.4, .3, .2, .1])], 23)
cur_c = with_gaps([str(v) for v in rng.choice(['north', 'south', 'east', 'west', 'up'], 600, p=[.35, .3, .2, .1, .05])], 13)


def counts(values, categories):
    return [sum(1 for v in values if v == c) for c in categories] + [sum(1 for v in values if v is None)]


cats = ['north', 'south', 'east', 'west', 'up']
table = [counts(ref_c, cats), counts(cur_c, cats)]
ks_files = stats.ks_2samp([v for v in ref_x if v is not None], [v for v in cur_x if v is not None])
chi_stat, chi_p, chi_dof, _ = stats.chi2_contingency(np.array(table), correction=False)
drift_files = {
    'reference': {'x': ref_x, 'c': ref_c},
    'current': {'x': cur_x, 'c': cur_c},
    'ks': {'statistic': float(ks_files.statistic), 'pValue': float(ks_files.pvalue)},
    'chi2': {'statistic': float(chi_stat), 'pValue': float(chi_p), 'dof': int(chi_dof),
             'cramersV': float(association(np.array(table), method='cramer', correction=False))},
}

out = {
    'generator': 'test/reference/drift/make_fixtures.py',
    'scipy': scipy.__version__,
    'numpy': np.__version__,
    'ks2samp': ks,
    'kstwoSf': kstwo,
    'smirnovSf': smirnov,
    'chi2Contingency': chi2,
    'chi2Sf': chi2sf,
    'driftFiles': drift_files,
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures.json')
with open(path, 'w') as f:
    json.dump(out, f, separators=(',', ':'))
    f.write('\n')
print(f'wrote {path}: {len(ks)} ks_2samp, {len(kstwo)} kstwo.sf, {len(smirnov)} smirnov, {len(chi2)} chi2_contingency, {len(chi2sf)} chi2.sf')
