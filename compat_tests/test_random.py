"""nd.random / mx.random: MXNet's shapes, dtypes, contexts and errors (golden/random.json), the
samplers' distributions (tolerances from the sample size) and seeding."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import mxjax as mx

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'golden'))
import gen_random  # noqa: E402

GOLD = json.load(open(os.path.join(os.path.dirname(gen_random.__file__), 'random.json')))
N = 200_000


@pytest.mark.parametrize('call', sorted(GOLD))
def test_golden_facts(call):
    assert gen_random.describe(mx, call) == GOLD[call]


def test_uniform_distribution():
    a = mx.nd.random.uniform(-2, 5, shape=(N,)).asnumpy().astype(np.float64)
    assert a.min() >= -2 and a.max() < 5
    # mean of U(a, b): (a+b)/2, sd (b-a)/sqrt(12); 6 standard errors.
    assert abs(a.mean() - 1.5) < 6 * 7 / np.sqrt(12 * N)
    assert abs(a.std() - 7 / np.sqrt(12)) < 0.01 * 7 / np.sqrt(12)


def test_normal_distribution():
    a = mx.nd.random.normal(3, 2, shape=(N,)).asnumpy().astype(np.float64)
    assert abs(a.mean() - 3) < 6 * 2 / np.sqrt(N)
    assert abs(a.std() - 2) < 6 * 2 / np.sqrt(2 * N)
    assert abs(np.mean(np.abs(a - 3) < 2) - 0.6827) < 0.005


def test_randint_distribution():
    a = mx.nd.random.randint(-3, 4, shape=(N,)).asnumpy()
    assert a.dtype == np.int32 and a.min() == -3 and a.max() == 3
    counts = np.bincount(a + 3, minlength=7)
    expected = N / 7
    chi2 = ((counts - expected) ** 2 / expected).sum()
    assert chi2 < 30  # 6 degrees of freedom: p ~ 4e-5


def test_seed_repeats_and_streams_advance():
    mx.random.seed(123)
    a = mx.nd.random.uniform(shape=(5,)).asnumpy()
    b = mx.nd.random.uniform(shape=(5,)).asnumpy()
    mx.random.seed(123)
    assert (mx.nd.random.uniform(shape=(5,)).asnumpy() == a).all()
    assert (mx.nd.random.uniform(shape=(5,)).asnumpy() == b).all()
    assert not (a == b).all()


def test_seed_same_across_processes_per_context():
    # per-device streams (as MXNet's): one context repeats across processes, contexts differ
    code = ('import mxjax as mx\nfor i in (0, 1):\n    mx.random.seed(7)\n'
            '    print(mx.nd.random.normal(shape=(4,), ctx=mx.cpu(i)).asnumpy().tolist())')
    cpu0, cpu1 = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                                check=True).stdout.splitlines()[-2:]
    mx.random.seed(7)
    assert cpu0 == str(mx.nd.random.normal(shape=(4,), ctx=mx.cpu(0)).asnumpy().tolist())
    assert cpu0 != cpu1


def test_bad_arguments():
    with pytest.raises(mx.MXNetError, match='valid values are: float16, float32, float64'):
        mx.nd.random.uniform(shape=(2,), dtype='int32')
    with pytest.raises(mx.MXNetError, match='smaller than high'):
        mx.nd.random.randint(5, 5, shape=(2,))
    with pytest.raises(ValueError, match='seed_state'):
        mx.random.seed('abc')
