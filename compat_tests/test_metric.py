"""mx.metric against MXNet 1.9.1 (golden/metric.json): every metric's values, global values,
names, printed form and errors along a sequence of updates and resets, and create/register."""
import json
import math
import os
import re
import sys
import warnings

import pytest

import mxjax as mx
import mxjax.metric  # noqa: F401  (mx.metric)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'golden'))
import gen_metric as gen  # noqa: E402

GOLD = json.load(open(gen.GOLDEN))
# MXNet sums float32 values in its own order (Perplexity, Loss): a few ulps of float32
RTOL, ATOL = 1e-6, 1e-9
_NUMBER = re.compile(r'-?\d+\.\d*(?:e[-+]?\d+)?|-?\d+e[-+]?\d+')


def _close(a, b):
    return math.isclose(a, b, rel_tol=RTOL, abs_tol=ATOL)


def assert_close(got, want, where=''):
    """Equal structure and strings; numbers (also inside strings, as str(metric) prints them) close."""
    if isinstance(want, float):
        assert isinstance(got, float) and _close(got, want), (where, got, want)
    elif isinstance(want, str):
        assert isinstance(got, str), (where, got, want)
        assert _NUMBER.split(got) == _NUMBER.split(want), (where, got, want)
        for g, w in zip(_NUMBER.findall(got), _NUMBER.findall(want)):
            assert _close(float(g), float(w)), (where, got, want)
    elif isinstance(want, dict):
        assert isinstance(got, dict) and sorted(got) == sorted(want), (where, got, want)
        for k in want:
            assert_close(got[k], want[k], '%s.%s' % (where, k))
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), (where, got, want)
        for i, (g, w) in enumerate(zip(got, want)):
            assert_close(g, w, '%s[%d]' % (where, i))
    else:
        assert got == want, (where, got, want)


@pytest.fixture(autouse=True)
def _quiet():
    # NaN correlations and re-registering the test's own metric warn, as in MXNet
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        yield


@pytest.mark.parametrize('name', list(gen.CASES))
def test_case_matches_mxnet(name):
    assert_close(gen.run(mx, gen.CASES[name]), GOLD['cases'][name], name)


@pytest.mark.parametrize('expr', gen.FACTS)
def test_fact_matches_mxnet(expr):
    assert_close(gen.fact(mx, expr), GOLD['facts'][expr], expr)


def test_golden_covers_every_case():
    assert sorted(GOLD['cases']) == sorted(gen.CASES) and sorted(GOLD['facts']) == sorted(gen.FACTS)


def test_public_names():
    # registry: MXNet's shared registry module; mxjax keeps one registry per module
    want = set(GOLD['names']) - {'registry'}
    assert want <= {n for n in dir(mx.metric) if not n.startswith('_')}


def test_values_are_python_floats():
    m = mx.metric.create(['acc', mx.metric.TopKAccuracy(2), 'f1', 'mcc', 'ce', 'nll_loss', 'pcc', 'loss'])
    m.update([mx.nd.array([0, 1, 1])], [mx.nd.array([[0.3, 0.7], [0, 1.], [0.4, 0.6]])])
    r = mx.metric.create(['mae', 'mse', 'rmse', 'pearsonr', mx.metric.PearsonCorrelation(average='micro')])
    r.update([mx.nd.array([0, 1, 3])], [mx.nd.array([0.5, 1, 2])])
    for name, value in m.get_name_value() + r.get_name_value():
        assert type(value) is float, (name, type(value))


def test_errors_name_the_value():
    with pytest.raises(AssertionError, match='nosuch is not registered'):
        mx.metric.create('NoSuch')
    with pytest.raises(ValueError, match=r'labels 1 does not match shape of predictions 2'):
        mx.metric.Accuracy().update([mx.nd.array([0])], [mx.nd.ones((1, 2))] * 2)
    with pytest.raises(AssertionError, match='top_k=1'):
        mx.metric.TopKAccuracy()
