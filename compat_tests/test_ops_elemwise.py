"""Elementwise, scalar and broadcast operators: golden values from MXNet 1.9.1
(golden/gen_ops_elemwise.py) and independent checks against jax.grad and finite differences."""
import os
import sys

import pytest

import mxjax as mx

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'golden'))
import gen_ops_elemwise as golden  # noqa: E402

CASES, ARRAYS = golden.load()


@pytest.mark.parametrize('i,case', [pytest.param(i, c, id='%d-%s' % (i, c['expr'])) for i, c in CASES])
def test_golden(i, case):
    golden.check(mx, i, case, ARRAYS)


# ---------------------------------------------------------------- independent references
import functools  # noqa: E402
import math  # noqa: E402

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from hypothesis import given, settings, strategies as st  # noqa: E402
from jax.scipy import special as jsp  # noqa: E402
from scipy import special as ssp  # noqa: E402

nd = mx.nd
ag = mx.autograd

# name -> (a plain formula from the math, not the jnp function mxjax calls (erf/erfinv are
# jax.scipy's: test_float64_precision_where_mxnet_1_9_1_is_not checks them against SciPy);
# domain: (lo, hi), or 'nz' for both signs with 0.3 <= |x| <= 2)
UNARY = {
    'exp': (lambda x: math.e ** x, (-2, 2)),
    'expm1': (lambda x: jnp.exp(x) - 1, (-2, 2)),
    'log': (lambda x: jnp.log2(x) * math.log(2), (0.3, 3)),
    'log2': (lambda x: jnp.log(x) / math.log(2), (0.3, 3)),
    'log10': (lambda x: jnp.log(x) / math.log(10), (0.3, 3)),
    'log1p': (lambda x: jnp.log(1 + x), (-0.5, 2)),
    'sqrt': (lambda x: x ** 0.5, (0.3, 3)),
    'rsqrt': (lambda x: x ** -0.5, (0.3, 3)),
    'cbrt': (lambda x: jnp.sign(x) * jnp.abs(x) ** (1 / 3), 'nz'),
    'rcbrt': (lambda x: jnp.sign(x) * jnp.abs(x) ** (-1 / 3), 'nz'),
    'square': (lambda x: x * x, (-2, 2)),
    'reciprocal': (lambda x: 1 / x, 'nz'),
    'abs': (lambda x: jnp.sqrt(x * x), 'nz'),
    'sin': (lambda x: jnp.imag(jnp.exp(1j * x)), (-3, 3)),
    'cos': (lambda x: jnp.real(jnp.exp(1j * x)), (-3, 3)),
    'tan': (lambda x: jnp.sin(x) / jnp.cos(x), (-1.2, 1.2)),
    'arcsin': (lambda x: jnp.arctan(x / jnp.sqrt(1 - x * x)), (-0.95, 0.95)),
    'arccos': (lambda x: math.pi / 2 - jnp.arctan(x / jnp.sqrt(1 - x * x)), (-0.95, 0.95)),
    'arctan': (lambda x: jnp.arcsin(x / jnp.sqrt(1 + x * x)), (-3, 3)),
    'sinh': (lambda x: (jnp.exp(x) - jnp.exp(-x)) / 2, (-2, 2)),
    'cosh': (lambda x: (jnp.exp(x) + jnp.exp(-x)) / 2, (-2, 2)),
    'tanh': (lambda x: (1 - jnp.exp(-2 * x)) / (1 + jnp.exp(-2 * x)), (-2, 2)),
    'arcsinh': (lambda x: jnp.log(x + jnp.sqrt(x * x + 1)), (-2, 2)),
    'arccosh': (lambda x: jnp.log(x + jnp.sqrt(x * x - 1)), (1.05, 3)),
    'arctanh': (lambda x: 0.5 * jnp.log((1 + x) / (1 - x)), (-0.95, 0.95)),
    'radians': (lambda x: x * (math.pi / 180), (-200, 200)),
    'degrees': (lambda x: x * (180 / math.pi), (-3, 3)),
    'relu': (lambda x: (x + jnp.sqrt(x * x)) / 2, 'nz'),
    'sigmoid': (lambda x: 1 / (1 + jnp.exp(-x)), (-4, 4)),
    'negative': (lambda x: 0 - x, (-2, 2)),
    'erf': (jsp.erf, (-2, 2)),
    'erfinv': (jsp.erfinv, (-0.95, 0.95)),
    'gamma': (lambda x: jnp.exp(jsp.gammaln(x)), (0.3, 4)),
    'gammaln': (lambda x: jnp.log(jnp.abs(jsp.gamma(x))), (0.3, 4)),
    'softsign': (lambda x: x / (1 + jnp.sqrt(x * x)), 'nz'),
    'sign': (lambda x: x / jnp.sqrt(x * x), 'nz'),
    'floor': (lambda x: x - jnp.mod(x, 1), (-3, 3)),
    'ceil': (lambda x: -jnp.floor(-x), (-3, 3)),
    'trunc': (lambda x: jnp.sign(x) * jnp.floor(jnp.abs(x)), (-3, 3)),
    'fix': (lambda x: jnp.sign(x) * jnp.floor(jnp.abs(x)), (-3, 3)),
}


def _sample(rs, domain, shape):
    if domain == 'nz':
        return rs.uniform(0.3, 2.0, shape) * rs.choice([-1.0, 1.0], shape)
    return rs.uniform(domain[0], domain[1], shape)


def _fd(f, x, w, h=1e-6):
    """Central finite difference of sum(w * f(x)) for an elementwise f (float64)."""
    return w * (f(x + h) - f(x - h)) / (2 * h)


@functools.lru_cache(maxsize=None)
def _value_and_vjp(ref):
    """ref's value and vector-Jacobian product, jitted: one compile instead of one per primitive."""
    def f(*args):
        *xs, w = args
        y, pull = jax.vjp(ref, *xs)
        return (y,) + pull(w)
    return jax.jit(f)


def _check_unary(name, xv, w):
    x = nd.array(xv, dtype='float64')
    x.attach_grad()
    with ag.record():
        y = getattr(nd, name)(x)
    y.backward(nd.array(w, dtype='float64'))
    want, grad = _value_and_vjp(UNARY[name][0])(xv, w)
    assert y.dtype == np.float64 and x.grad.dtype == np.float64
    np.testing.assert_allclose(y.asnumpy(), want, rtol=1e-12, atol=1e-13, err_msg=name)
    np.testing.assert_allclose(x.grad.asnumpy(), grad, rtol=1e-11, atol=1e-12, err_msg=name)
    fwd = lambda v: getattr(nd, name)(nd.array(v, dtype='float64')).asnumpy()  # noqa: E731
    np.testing.assert_allclose(x.grad.asnumpy(), _fd(fwd, xv, w), rtol=2e-6, atol=2e-7, err_msg=name)


def _unary_input(rs, name, shape):
    xv = _sample(rs, UNARY[name][1], shape)
    if name in ('floor', 'ceil', 'trunc', 'fix'):
        xv = np.where(np.abs(xv - np.round(xv)) < 0.01, xv + 0.1, xv)  # off the jumps
    return xv


# Shape (2, 3) float64 is what the golden cases compiled already: these reuse those programs.
@pytest.mark.parametrize('name', sorted(UNARY))
def test_unary_float64_vs_jax_and_finite_differences(name):
    rs = np.random.RandomState(sorted(UNARY).index(name))
    _check_unary(name, _unary_input(rs, name, (2, 3)), rs.randn(2, 3))


@settings(max_examples=3, deadline=None)
@given(st.lists(st.sampled_from(sorted(UNARY)), min_size=3, max_size=3, unique=True),
       st.lists(st.integers(1, 3), min_size=1, max_size=3).map(tuple), st.integers(0, 2 ** 31 - 1))
def test_unary_any_shape(names, shape, seed):
    rs = np.random.RandomState(seed)
    for name in names:
        _check_unary(name, _unary_input(rs, name, shape), rs.randn(*shape))


# name -> (formula, lhs domain, rhs domain)
BINARY = {
    'broadcast_add': (lambda a, b: a + b, (-2, 2), (-2, 2)),
    'broadcast_sub': (lambda a, b: a - b, (-2, 2), (-2, 2)),
    'broadcast_mul': (lambda a, b: a * b, (-2, 2), (-2, 2)),
    'broadcast_div': (lambda a, b: a * b ** -1, (-2, 2), 'nz'),
    'broadcast_power': (lambda a, b: jnp.exp(b * jnp.log(a)), (0.3, 3), (-2, 2)),
    'broadcast_hypot': (lambda a, b: jnp.sqrt(a * a + b * b), 'nz', 'nz'),
    'broadcast_maximum': (lambda a, b: (a + b + jnp.abs(a - b)) / 2, (-2, 2), (-2, 2)),
    'broadcast_minimum': (lambda a, b: (a + b - jnp.abs(a - b)) / 2, (-2, 2), (-2, 2)),
    'broadcast_mod': (lambda a, b: a - b * jnp.floor(a / b), (-5, 5), 'nz'),
}


def _check_binary(name, ls, rsh, rs):
    ref, ld, rd = BINARY[name]
    av, bv = _sample(rs, ld, ls), _sample(rs, rd, rsh)
    if name == 'broadcast_mod':  # keep a / b off the integers, where mod jumps
        q = av / bv
        av = np.where(np.abs(q - np.round(q)) < 0.05, av + 0.2 * bv, av)
    a, b = nd.array(av, dtype='float64'), nd.array(bv, dtype='float64')
    a.attach_grad()
    b.attach_grad()
    with ag.record():
        y = getattr(nd, name)(a, b)
    w = rs.randn(*y.shape)
    y.backward(nd.array(w, dtype='float64'))
    want, ga, gb = _value_and_vjp(ref)(av, bv, w)
    np.testing.assert_allclose(y.asnumpy(), want, rtol=1e-12, atol=1e-13, err_msg=name)
    np.testing.assert_allclose(a.grad.asnumpy(), ga, rtol=1e-10, atol=1e-12, err_msg=name)
    np.testing.assert_allclose(b.grad.asnumpy(), gb, rtol=1e-10, atol=1e-12, err_msg=name)
    # finite differences, one input element at a time (the shapes are tiny)
    f, h = getattr(nd, name), 1e-6
    for v, grad, call in [(av, a.grad, lambda t: f(t, b)), (bv, b.grad, lambda t: f(a, t))]:
        for i in range(v.size):
            e = np.zeros(v.size)
            e[i] = h
            e = e.reshape(v.shape)
            d = (call(nd.array(v + e, dtype='float64')) - call(nd.array(v - e, dtype='float64'))).asnumpy()
            np.testing.assert_allclose(grad.asnumpy().reshape(-1)[i], np.sum(w * d) / (2 * h),
                                       rtol=1e-5, atol=1e-7, err_msg=name)


@pytest.mark.parametrize('name', sorted(BINARY))
def test_broadcast_binary_float64_vs_jax_and_finite_differences(name):
    _check_binary(name, (1, 3), (2, 1), np.random.RandomState(sorted(BINARY).index(name)))


@st.composite
def broadcast_shapes(draw):
    out = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
    lhs = [d if draw(st.booleans()) else 1 for d in out]
    rhs = [d if draw(st.booleans()) else 1 for d in out][draw(st.integers(0, len(out) - 1)):]
    return tuple(lhs), tuple(rhs)


@settings(max_examples=3, deadline=None)
@given(st.lists(st.sampled_from(sorted(BINARY)), min_size=2, max_size=2, unique=True), broadcast_shapes(),
       st.integers(0, 2 ** 31 - 1))
def test_broadcast_binary_any_shapes(names, shapes, seed):
    rs = np.random.RandomState(seed)
    for name in names:
        _check_binary(name, shapes[0], shapes[1], rs)


# ---------------------------------------------------------------- higher order (MXNet cannot)
# (mxjax function of x, plain formula, domain); float64, derivatives 1 to 3 elementwise
HIGHER = [
    (nd.arcsinh, lambda x: jnp.log(x + jnp.sqrt(x * x + 1)), (-2, 2)),   # MXNet: wrong sign of f''
    (nd.arccosh, lambda x: jnp.log(x + jnp.sqrt(x * x - 1)), (1.1, 3)),  # MXNet: wrong sign of f''
    (nd.gamma, lambda x: jnp.exp(jsp.gammaln(x)), (0.5, 3)),
    (nd.gammaln, jsp.gammaln, (0.5, 3)),
    (nd.erfinv, jsp.erfinv, (-0.9, 0.9)),
    (nd.rcbrt, lambda x: x ** (-1 / 3), (0.3, 3)),
    (nd.softsign, lambda x: x / (1 + jnp.abs(x)), 'nz'),
    (nd.arctanh, lambda x: 0.5 * jnp.log((1 + x) / (1 - x)), (-0.9, 0.9)),
    (lambda x: x ** 3.5, lambda x: x ** 3.5, (0.3, 2)),
    (lambda x: 2.0 ** x, lambda x: jnp.exp(x * math.log(2)), (-2, 2)),
    (lambda x: nd.hypot(x, 1.5), lambda x: jnp.sqrt(x * x + 2.25), (-2, 2)),
]


@pytest.mark.parametrize('k', range(len(HIGHER)))
def test_second_and_third_derivatives_vs_nested_jax_grad(k):
    f_mx, f, domain = HIGHER[k]
    xv = _sample(np.random.RandomState(k), domain, (2, 3))
    x = nd.array(xv, dtype='float64')
    x.attach_grad()
    with ag.record():
        y = f_mx(x)
        d1 = ag.grad(y, [x], create_graph=True)[0]
        d2 = ag.grad(d1, [x], create_graph=True)[0]
    d2.backward()

    @jax.jit
    def derivatives(v):  # f elementwise: the gradient of sum(f) is f' elementwise, and so on
        f1 = jax.grad(lambda u: jnp.sum(f(u)))
        f2 = jax.grad(lambda u: jnp.sum(f1(u)))
        f3 = jax.grad(lambda u: jnp.sum(f2(u)))
        return f1(v), f2(v), f3(v)
    for got, want in zip([d1, d2, x.grad], derivatives(xv)):
        np.testing.assert_allclose(got.asnumpy(), want, rtol=1e-9, atol=1e-10)


def test_second_derivative_of_arcsinh_arccosh_has_the_true_sign():
    # MXNet 1.9.1 returns +x/(x^2+1)^1.5 for arcsinh''; the true value is -x/(x^2+1)^1.5.
    for f, xv, want in [(nd.arcsinh, 0.5, -0.5 / 1.25 ** 1.5), (nd.arccosh, 2.0, -2.0 / 3.0 ** 1.5)]:
        x = nd.array([xv], dtype='float64')
        x.attach_grad()
        with ag.record():
            d1 = ag.grad(f(x), [x], create_graph=True)[0]
        d1.backward()
        np.testing.assert_allclose(x.grad.asnumpy(), [want], rtol=1e-12)


# ---------------------------------------------------------------- float64 where MXNet is imprecise
def test_float64_precision_where_mxnet_1_9_1_is_not():
    rs = np.random.RandomState(7)
    xv = rs.uniform(0.3, 4.0, 6)
    w = rs.randn(6)
    uv = rs.uniform(-0.9, 0.9, 6)
    cases = [  # (op, input, d/dx in scipy/NumPy float64)
        (nd.gamma, xv, ssp.gamma(xv) * ssp.digamma(xv)),        # MXNet: digamma ~1e-7 off
        (nd.gammaln, xv, ssp.digamma(xv)),
        (nd.erf, uv, 2 / np.sqrt(np.pi) * np.exp(-uv ** 2)),    # MXNet: float32 2/sqrt(pi)
        (nd.erfinv, uv, np.sqrt(np.pi) / 2 * np.exp(ssp.erfinv(uv) ** 2)),
        (nd.degrees, uv, np.full(6, 180 / np.pi)),             # MXNet: float32 180/pi
        (nd.radians, uv, np.full(6, np.pi / 180)),
    ]
    for f, v, deriv in cases:
        x = nd.array(v, dtype='float64')
        x.attach_grad()
        with ag.record():
            y = f(x)
        y.backward(nd.array(w, dtype='float64'))
        np.testing.assert_allclose(x.grad.asnumpy(), w * deriv, rtol=1e-13, atol=1e-14, err_msg=f.__name__)
    np.testing.assert_allclose(nd.degrees(nd.array(uv, dtype='float64')).asnumpy(), np.degrees(uv), rtol=1e-15)
    np.testing.assert_allclose(nd.radians(nd.array(xv, dtype='float64')).asnumpy(), np.radians(xv), rtol=1e-15)
    np.testing.assert_allclose(nd.gamma(nd.array(xv, dtype='float64')).asnumpy(), ssp.gamma(xv), rtol=1e-13)


# ---------------------------------------------------------------- grad_req='add' where MXNet overwrites
@pytest.mark.parametrize('f,clipped', [(lambda x: nd.clip(x, -1.0, 1.0), True), (lambda x: x.clip(-1, 1), True),
                                       (lambda x: x.astype('float64'), False),
                                       (lambda x: x.astype('float32'), False)],
                         ids=['clip', 'clip-method', 'astype-float64', 'astype-same'])
def test_grad_req_add_accumulates(f, clipped):
    # MXNet 1.9.1 overwrites a leaf's 'add' gradient in clip's backward and in astype (copyto),
    # so three passes leave one pass's gradient there; nd.Cast and the other ops accumulate.
    xv = np.array([-2.0, -1.0, -0.5, 0.5, 1.0, 2.0], np.float32)
    hg = np.array([1, 2, 3, 4, 5, 6], np.float32)
    x = nd.array(xv)
    x.attach_grad(grad_req='add')
    for _ in range(3):
        with ag.record():
            y = f(x)
        y.backward(nd.array(hg, dtype=y.dtype))
    one = hg * ((xv >= -1) & (xv <= 1)) if clipped else hg  # clip passes the gradient at the bounds
    np.testing.assert_array_equal(x.grad.asnumpy(), 3 * one)


# ---------------------------------------------------------------- integer semantics and extensions
def test_integer_division_power_and_rounding_rules():
    # What MXNet 1.9.1 returns, except b ** 19 (it rounds through float32: 3**19 -> 1162261504)
    a = nd.array([-7, -6, -1, 0, 1, 6, 7], dtype='int32')
    assert (a / 2).asnumpy().tolist() == [-3, -3, 0, 0, 0, 3, 3]       # truncates toward zero
    assert (a / -2.9).asnumpy().tolist() == [3, 3, 0, 0, 0, -3, -3]    # the scalar becomes -2 first
    assert (a % 3).asnumpy().tolist() == [2, 0, 2, 0, 1, 0, 1]         # sign of the divisor
    assert (a % -3).asnumpy().tolist() == [-1, 0, -1, 0, -2, 0, -2]
    b = nd.array([-3, -2, -1, 1, 2, 3], dtype='int32')
    assert (b ** -1).asnumpy().tolist() == [0, 0, -1, 1, 0, 0]         # trunc of the real power
    assert (b ** -2).asnumpy().tolist() == [0, 0, 1, 1, 0, 0]
    assert nd.power(b, nd.array([-1, 3, -3, -5, 10, 2], dtype='int32')).asnumpy().tolist() == \
        [0, -8, -1, 1, 1024, 9]
    assert (b ** 19).asnumpy().tolist() == [v ** 19 for v in [-3, -2, -1, 1, 2, 3]]  # exact (MXNet: float32)
    h = nd.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.3, -0.7])
    assert nd.round(h).asnumpy().tolist() == [-3, -2, -1, 1, 2, 3, 0, -1]   # half away from zero
    assert nd.rint(h).asnumpy().tolist() == [-3, -2, -1, 0, 1, 2, 0, -1]    # half toward -inf
    assert nd.fix(h).asnumpy().tolist() == nd.trunc(h).asnumpy().tolist() == [-2, -1, 0, 0, 1, 2, 0, 0]


def test_floor_divide_and_hypot_extensions_match_numpy():
    # x // y and nd.hypot are mxjax extensions (MXNet 1.9.1's NDArray has neither).
    av = np.array([[-7.5, -3.0, 2.0, 7.25]])
    bv = np.array([[2.0], [-3.0]])
    a, b = nd.array(av, dtype='float64'), nd.array(bv, dtype='float64')
    np.testing.assert_array_equal((a // b).asnumpy(), np.floor_divide(av, bv))
    np.testing.assert_array_equal((a // 2).asnumpy(), np.floor_divide(av, 2))
    np.testing.assert_array_equal((10 // b).asnumpy(), np.floor_divide(10, bv))
    ia = nd.array([-7, -6, 5, 7], dtype='int32')
    np.testing.assert_array_equal((ia // 2).asnumpy(), np.array([-4, -3, 2, 3], np.int32))
    np.testing.assert_allclose(nd.hypot(a, b).asnumpy(), np.hypot(av, bv), rtol=1e-15)
    np.testing.assert_allclose(nd.hypot(3.0, a).asnumpy(), np.hypot(3.0, av), rtol=1e-15)
    assert nd.hypot(3, 4) == 5.0
