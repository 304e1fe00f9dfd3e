"""Every MXNet random name: shapes, dtypes and errors vs MXNet 1.9.1 (golden/random_ops.json),
densities and their gradients vs MXNet's values, the samplers' distributions checked
statistically against their textbook moments, and the per-device streams."""
import json
import os
import sys

import numpy as np
import pytest

import mxjax as mx
from mxjax import autograd

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'golden'))
import gen_random_ops as gen  # noqa: E402

GOLD = json.load(open(os.path.join(os.path.dirname(gen.__file__), 'random_ops.json')))
nd = mx.nd
N = 100_000


@pytest.mark.parametrize('call', sorted(GOLD['facts']))
def test_golden_facts(call):
    assert gen.describe(mx, call) == GOLD['facts'][call]


# ---------------------------------------------------------------- densities vs MXNet
# float32 densities and float64 log-densities: every formula in both dtypes and both modes,
# at half the compiles of all four combinations (the golden file holds all four)
@pytest.mark.parametrize('case', sorted(c for c in GOLD['pdf'] if c.endswith(('float32/0', 'float64/1'))))
def test_pdf_values_and_gradients(case):
    name, dtype, is_log = case.split('/')
    inputs = dict(gen.PDF)[name]
    got = gen.run_pdf(mx, name, inputs, dtype, bool(int(is_log)))
    want = GOLD['pdf'][case]
    # MXNet's own digamma and float32 constants limit its accuracy (float64 normal pdf is off by
    # 1.4e-8 relative, digamma-based gradients by 1e-7 in float64 and 4e-5 in float32)
    tol = dict(rtol=1e-4, atol=1e-6) if dtype == 'float32' else dict(rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(got['out'], want['out'], **tol)
    for k in want['grads']:
        np.testing.assert_allclose(got['grads'][k], want['grads'][k], err_msg=k, **tol)


def test_pdf_errors():
    with pytest.raises(mx.MXNetError, match='does not match'):
        nd.random_pdf_normal(nd.ones((3, 2)), nd.zeros((2,)), nd.ones((2,)))
    with pytest.raises(mx.MXNetError, match='same shape'):
        nd.random_pdf_normal(nd.ones((2, 2)), nd.zeros((2,)), nd.ones((1,)))
    with pytest.raises(mx.MXNetError, match='dtype'):
        nd.random_pdf_exponential(nd.ones((2, 2)), nd.ones((2,), dtype='float64'))


# ---------------------------------------------------------------- gradients of the samplers
@pytest.mark.parametrize('name', sorted(GOLD['sample_grads']))
def test_sampler_gradients_match_mxnet(name):
    # MXNet 1.9.1's _sample_* ops give zero gradients to their parameters (no reparameterization)
    params = [nd.array(v) for v in dict(gen.SAMPLE_GRADS)[name]]
    for p in params:
        p.attach_grad()
    with autograd.record():
        y = getattr(nd, name)(*params, shape=(3,))
    y.backward()
    assert [p.grad.asnumpy().tolist() for p in params] == GOLD['sample_grads'][name]


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_multinomial_log_prob_gradient(dtype):
    probs = np.array(gen.MULTI_P)
    seen = set()
    for _ in range(8):
        p = nd.array(probs, dtype=dtype)
        p.attach_grad()
        with autograd.record():
            s, logp = nd.random.multinomial(p, get_prob=True)
        logp.backward()
        assert s.dtype == np.int32 and logp.dtype == np.dtype(dtype)
        for r in range(2):
            k = int(s.asnumpy()[r])
            seen.add((r, k))
            np.testing.assert_allclose(logp.asnumpy()[r], np.log(probs[r, k]), rtol=1e-6)
            np.testing.assert_allclose(p.grad.asnumpy()[r], GOLD['multinomial_grad'][r][str(k)], rtol=1e-6)
    assert len(seen) > 2


# ---------------------------------------------------------------- distributions
def _moments(a):
    a = a.asnumpy().astype(np.float64).ravel()
    return a, a.mean(), a.var()


# (call, mean, variance, standardized fourth moment bound) from the textbook formulas.
# Mean within 6 standard errors (sqrt(var/N)); variance within 6 standard errors of the
# sample variance, sqrt((kurtosis - 1) / N) * var, with a generous kurtosis bound per law.
MOMENTS = [
    ("nd.random.exponential(2, shape=N)", 2.0, 4.0, 9),                      # scale 2
    ("nd.random.gamma(2, 3, shape=N)", 6.0, 18.0, 6),                        # shape 2, scale 3
    ("nd.random.poisson(3, shape=N)", 3.0, 3.0, 4),
    ("nd.random.negative_binomial(3, 0.4, shape=N)", 4.5, 11.25, 6),        # k(1-p)/p, k(1-p)/p^2
    ("nd.random.generalized_negative_binomial(2, 0.5, shape=N)", 2.0, 4.0, 8),   # mu, mu + alpha mu^2
    ("nd.random.generalized_negative_binomial(2, 0, shape=N)", 2.0, 2.0, 4),     # the Poisson limit
    ("nd.random.randn(N, loc=1, scale=2)", 1.0, 4.0, 3),
    ("nd.random.normal(-1, 0.5, shape=N, dtype='float64')", -1.0, 0.25, 3),
    ("nd.random.uniform_like(nd.zeros((N,)), low=-1, high=3)", 1.0, 16 / 12, 2),
    ("nd.random.normal_like(nd.zeros((N,)), loc=2, scale=3)", 2.0, 9.0, 3),
    ("nd.random.exponential_like(nd.zeros((N,)), lam=4)", 0.25, 1 / 16, 9),    # lam is the rate
    ("nd.random.gamma_like(nd.zeros((N,)), alpha=0.5, beta=2)", 1.0, 2.0, 15),
    ("nd.random.poisson_like(nd.zeros((N,)), lam=0.5)", 0.5, 0.5, 6),
    ("nd.random.negative_binomial_like(nd.zeros((N,)), k=2, p=0.5)", 2.0, 4.0, 7),
    ("nd.random.generalized_negative_binomial_like(nd.zeros((N,)), mu=3, alpha=0.2)", 3.0, 4.8, 6),
    ("nd.random_gamma(4, 0.5, shape=(N,))", 2.0, 1.0, 5),
    ("nd.random_exponential(0.5, shape=(N,))", 2.0, 4.0, 9),                  # lam is the rate
]


@pytest.mark.parametrize('call,mean,var,kurt', MOMENTS)
def test_moments(call, mean, var, kurt):
    _, m, v = _moments(eval(call))
    assert abs(m - mean) < 6 * np.sqrt(var / N)
    assert abs(v - var) < 6 * np.sqrt((kurt - 1) / N) * var


@pytest.mark.parametrize('alpha', [2.0, 0.5])
def test_gamma_kolmogorov_smirnov(alpha):
    # exact CDFs: Gamma(2, 1) is 1 - e^-x (1 + x); Gamma(1/2, 1) is erf(sqrt(x))
    from math import erf
    x = np.sort(nd.random.gamma(alpha, 1, shape=N).asnumpy().astype(np.float64))
    cdf = 1 - np.exp(-x) * (1 + x) if alpha == 2 else np.vectorize(erf)(np.sqrt(x))
    ecdf = np.arange(1, N + 1) / N
    d = max(np.abs(ecdf - cdf).max(), np.abs(ecdf - 1 / N - cdf).max())
    assert d < 1.95 / np.sqrt(N)   # the KS statistic's 0.1% critical value


def test_poisson_chi_square():
    from math import exp, factorial
    a = nd.random.poisson(2.5, shape=N).asnumpy().astype(int)
    counts = np.bincount(np.minimum(a, 8), minlength=9)
    pmf = [exp(-2.5) * 2.5 ** k / factorial(k) for k in range(8)]
    expected = N * np.array(pmf + [1 - sum(pmf)])
    assert ((counts - expected) ** 2 / expected).sum() < 37   # 8 degrees of freedom: p ~ 1e-5


def test_multinomial_chi_square():
    probs = np.array(gen.MULTI_P)
    s = nd.random.multinomial(nd.array(probs), shape=N // 2).asnumpy()
    assert s.shape == (2, N // 2)
    for r in range(2):
        counts = np.bincount(s[r], minlength=3)
        expected = probs[r] * (N // 2)
        assert ((counts - expected) ** 2 / expected).sum() < 23   # 2 degrees of freedom: p ~ 1e-5


def test_multinomial_unnormalized_rows():
    # outcome j is the first whose cumulative mass exceeds a uniform draw, so a row summing
    # above 1 never draws outcomes past it (MXNet: [.5, .9] draws 0 and 1 half the time each)
    s = nd.random.multinomial(nd.array([0.5, 0.9]), shape=N // 2).asnumpy()
    assert abs(s.mean() - 0.5) < 6 * 0.5 / np.sqrt(N // 2)


def test_sample_per_element_parameters():
    low, high = nd.array([0, 10]), nd.array([1, 20])
    u = nd.random.uniform(low, high, shape=N // 2).asnumpy().astype(np.float64)
    assert u.shape == (2, N // 2)
    assert u[0].min() >= 0 and u[0].max() < 1 and u[1].min() >= 10 and u[1].max() < 20
    assert abs(u[1].mean() - 15) < 6 * 10 / np.sqrt(12 * N / 2)
    g = nd.sample_normal(nd.array([[0, 5]]), nd.array([[1, 0.5]]), shape=(N // 2,), dtype='float64').asnumpy()
    assert g.shape == (1, 2, N // 2) and g.dtype == np.float64
    assert abs(g[0, 1].mean() - 5) < 6 * 0.5 / np.sqrt(N / 2)
    assert abs(g[0, 1].std() - 0.5) < 0.02
    e = nd.random.exponential(nd.array([0.5, 4.0]), shape=N // 2).asnumpy()   # scales, as MXNet
    assert abs(e[1].mean() - 4) < 6 * 4 / np.sqrt(N / 2)
    lam = nd.sample_exponential(nd.array([0.5, 4.0]), shape=N // 2).asnumpy()  # rates
    assert abs(lam[1].mean() - 0.25) < 6 * 0.25 / np.sqrt(N / 2)


def test_shuffle():
    x = nd.arange(N)
    y = nd.random.shuffle(x)
    a = y.asnumpy()
    assert (np.sort(a) == np.arange(N)).all() and (x.asnumpy() == np.arange(N)).all()
    # a uniform permutation: position and value are uncorrelated (sd of r ~ 1/sqrt(N))
    assert abs(np.corrcoef(a, np.arange(N))[0, 1]) < 6 / np.sqrt(N)
    rows = nd.array(np.arange(12).reshape(6, 2))
    out = nd.zeros((6, 2))
    r = nd.shuffle(rows, out=out)
    assert r is out
    got = out.asnumpy()
    assert sorted(map(tuple, got)) == [tuple(v) for v in np.arange(12).reshape(6, 2)]


def test_randint_bounds_and_int64():
    a = nd.random.randint(-(2 ** 40), 2 ** 40, shape=(1000,), dtype='int64').asnumpy()
    assert a.dtype == np.int64 and np.abs(a).max() > 2 ** 31
    b = nd.random_randint(5, 8, shape=(1000,)).asnumpy()
    assert b.dtype == np.int32 and set(np.unique(b)) == {5, 6, 7}


def test_errors_name_the_argument():
    with pytest.raises(mx.MXNetError, match='low=2 must be less or equal to high=1'):
        nd.random.uniform(2, 1, shape=2)
    with pytest.raises(mx.MXNetError, match='scale=-1 must be positive'):
        nd.random.normal(scale=-1, shape=2)
    with pytest.raises(mx.MXNetError, match=r'out= has shape \(3,\)'):
        nd.random.uniform(shape=2, out=nd.zeros((3,)))
    with pytest.raises(mx.MXNetError, match='low=0.5'):
        nd.random.randint(0.5, 3, shape=2)
    with pytest.raises(mx.MXNetError, match='every dimension must be positive'):
        nd.random.uniform(shape=(-1, 2))
    with pytest.raises(mx.MXNetError, match="valid values are: float16, float32, float64, int32, uint8"):
        nd.random.multinomial(nd.array([0.5, 0.5]), dtype='int64')
    with pytest.raises(mx.MXNetError, match="cannot find argument 'foo'"):
        nd.random.uniform(shape=2, foo=1)


# ---------------------------------------------------------------- names
def test_mx_random_names():
    names = ['seed', 'uniform', 'normal', 'randn', 'poisson', 'exponential', 'gamma', 'multinomial',
             'negative_binomial', 'generalized_negative_binomial', 'shuffle', 'randint']
    assert set(names) <= set(dir(mx.random))
    ns = {}
    exec('from mxjax.random import *', ns)
    assert set(names) <= set(ns)
    assert ns['randn'] is nd.random.randn


# ---------------------------------------------------------------- per-device streams
def _u(ctx):
    return nd.random.uniform(shape=(4,), ctx=ctx).asnumpy()


def test_stream_repeats_per_context_and_differs_across_devices():
    mx.random.seed(5)
    a0, a1 = _u(mx.cpu(0)), _u(mx.cpu(1))
    mx.random.seed(5)
    assert (_u(mx.cpu(1)) == a1).all() and (_u(mx.cpu(0)) == a0).all()   # order does not matter
    assert not (a0 == a1).any()


def test_seed_one_context_leaves_the_others_alone():
    mx.random.seed(5)
    first, second = _u(mx.cpu(0)), _u(mx.cpu(0))
    mx.random.seed(5)
    assert (_u(mx.cpu(0)) == first).all()
    mx.random.seed(99, ctx=mx.cpu(1))
    assert (_u(mx.cpu(0)) == second).all()
    # seeding with ctx uses the device type but not its id (MXNet: same stream on gpu(0), gpu(1))
    mx.random.seed(99, ctx=mx.cpu(0))
    b0 = _u(mx.cpu(0))
    mx.random.seed(99, ctx=mx.cpu(1))
    assert (_u(mx.cpu(1)) == b0).all()
    with pytest.raises(mx.MXNetError, match='device_type'):
        mx.random.seed(1, ctx='gpu0')


def test_dropout_masks_differ_across_devices():
    mx.random.seed(3)
    masks = []
    for ctx in (mx.cpu(0), mx.cpu(1)):
        x = nd.ones((64,), ctx=ctx)
        with autograd.train_mode():
            masks.append(nd.Dropout(x, p=0.5).asnumpy())
    assert not (masks[0] == masks[1]).all()


def test_initializer_stream_is_device_independent():
    def init(ctx, draw_first):
        mx.random.seed(9)
        if draw_first:
            _u(ctx)   # device draws do not move the initializers' stream
        arr = nd.zeros((3, 4), ctx=ctx)
        mx.init.Uniform(1.0)(mx.init.InitDesc('w_weight'), arr)
        return arr.asnumpy()
    a = init(mx.cpu(0), False)
    assert (init(mx.cpu(1), False) == a).all() and (init(mx.cpu(1), True) == a).all()
