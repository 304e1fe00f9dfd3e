"""Indexing: x[key], x[key] = value, and MXNet's views (contiguous basic indexing, reshape).

Golden values come from real MXNet 1.9.1 (golden/gen_core.py -> golden/core.json); random
keys are checked against NumPy, whose C-contiguity of `a[key]` is exactly MXNet's rule for
when basic indexing returns a view that writes through.
"""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mxjax as mx
from golden.gen_core import check_case, golden, params

nd = mx.nd
GOLD = golden()
SHAPE = (3, 4)


@pytest.mark.parametrize('name', params('indexing'))
def test_golden(name):
    check_case(name, mx, GOLD)


def _one(n):
    bound = st.none() | st.integers(-n - 1, n + 1)
    return st.integers(-n, n - 1) | st.builds(slice, bound, bound, st.sampled_from([None, 1, 2, -1, -2]))


basic_keys = st.one_of(_one(3), st.tuples(_one(3), _one(4)), st.tuples(st.just(Ellipsis), _one(4)),
                       st.tuples(_one(3), st.none(), _one(4)))


def _base():
    a = np.arange(12, dtype=np.float32).reshape(SHAPE)
    return a, nd.array(a)


def _mx_shape(np_result):
    # MXNet gives shape (1,) where NumPy gives a 0-d result.
    return np_result.shape or (1,)


@settings(max_examples=25, deadline=None)
@given(basic_keys)
def test_basic_get_matches_numpy(key):
    a, x = _base()
    got = x[key]
    want = a[key]
    assert got.shape == _mx_shape(np.asarray(want))
    np.testing.assert_array_equal(got.asnumpy().reshape(np.shape(want)), want)


@settings(max_examples=25, deadline=None)
@given(basic_keys)
def test_views_write_through_exactly_when_contiguous(key):
    a, x = _base()
    v = x[key]
    is_view = np.asarray(a[key]).flags['C_CONTIGUOUS']
    v[:] = -1
    want = a.copy()
    if is_view:
        want[key] = -1
    np.testing.assert_array_equal(x.asnumpy(), want)
    x[:] = 100  # and the other way: a write to the base shows in a view
    np.testing.assert_array_equal(v.asnumpy(), np.full(v.shape, 100 if is_view else -1, np.float32))


@settings(max_examples=25, deadline=None)
@given(basic_keys, st.data())
def test_basic_set_matches_numpy(key, data):
    a, x = _base()
    target = np.shape(a[key])
    kind = data.draw(st.sampled_from(['scalar', 'array', 'row']))
    if kind == 'scalar':
        value = np.float32(data.draw(st.integers(-50, 50)))
    elif kind == 'array':
        value = np.random.RandomState(0).randint(-50, 50, size=target).astype(np.float32)
    else:  # broadcast one trailing row over the rest
        value = np.arange(target[-1], dtype=np.float32) - 7 if target else np.float32(-7)
    x[key] = nd.array(value) if kind != 'scalar' else float(value)
    a[key] = value
    np.testing.assert_array_equal(x.asnumpy(), a)


adv_keys = st.one_of(
    st.lists(st.integers(-3, 2), min_size=1, max_size=4),
    st.tuples(st.lists(st.integers(-3, 2), min_size=1, max_size=3), st.just(slice(1, 3))),
    st.tuples(st.just(slice(None)), st.lists(st.integers(-4, 3), min_size=1, max_size=3)),
    st.integers(1, 3).flatmap(lambda n: st.tuples(st.lists(st.integers(0, 2), min_size=n, max_size=n),
                                                  st.lists(st.integers(0, 3), min_size=n, max_size=n))))


@settings(max_examples=25, deadline=None)
@given(adv_keys, st.booleans())
def test_advanced_get_and_set_match_numpy(key, as_ndarray):
    a, x = _base()
    mkey = key
    if as_ndarray:  # an NDArray index (float32, as nd.array makes it) works like a list
        mkey = tuple(nd.array(k) if isinstance(k, list) else k for k in key) if isinstance(key, tuple) \
            else nd.array(key)
    got = x[mkey]
    np.testing.assert_array_equal(got.asnumpy(), a[tuple(key) if isinstance(key, tuple) else key])
    got[:] = 0  # advanced indexing always copies
    np.testing.assert_array_equal(x.asnumpy(), a)
    x[mkey] = -5
    a[tuple(key) if isinstance(key, tuple) else key] = -5
    np.testing.assert_array_equal(x.asnumpy(), a)


@settings(max_examples=20, deadline=None)
@given(st.sampled_from([(12,), (4, 3), (2, 6), (2, 2, 3), (-1,), (0, -1), (-1, 2), (3, -1), (2, -1, 2)]))
def test_reshape_is_a_view_both_ways(shape):
    a, x = _base()
    r = x.reshape(shape)
    want_shape = a.reshape(tuple(SHAPE[i] if d == 0 else d for i, d in enumerate(shape))).shape
    assert r.shape == want_shape
    r[:] = r * 2
    np.testing.assert_array_equal(x.asnumpy(), a * 2)
    x[1] = -1
    np.testing.assert_array_equal(r.asnumpy().reshape(SHAPE)[1], [-1] * 4)


def test_errors_leave_array_unchanged():
    a, x = _base()
    for key, value, err in ((0, nd.ones((3,)), ValueError), ((slice(None), 1), nd.ones((3, 1)), ValueError),
                            (3, 1.0, IndexError), ([0, 7], 1.0, IndexError), ((0, 0, 0), 1.0, IndexError)):
        with pytest.raises(err):
            x[key] = value
        np.testing.assert_array_equal(x.asnumpy(), a)
    with pytest.raises(TypeError):
        x[:] = 'abc'
    with pytest.raises(IndexError):
        x['a']
    np.testing.assert_array_equal(x.asnumpy(), a)


def test_view_survives_base_rebinding_by_operators():
    x = nd.arange(6).reshape((2, 3))
    v = x[1]
    x += 1
    x *= nd.array([[1, 2, 3]])
    np.testing.assert_array_equal(v.asnumpy(), [4, 10, 18])
    nd.exp(nd.zeros((2, 3)), out=x)
    np.testing.assert_array_equal(v.asnumpy(), [1, 1, 1])
