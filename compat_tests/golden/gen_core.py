"""Golden values of the core: printing, the NDArray API, indexing/views, autograd, Function.

Each case below is a plain function `case(mx, nd, ag)` that runs unchanged on real MXNet
1.9.1 and on mxjax; it returns a value (arrays, strings, numbers, nested in tuples/lists)
or raises. Regenerate the golden file with real MXNet:

    ~/mxref/bin/python compat_tests/golden/gen_core.py

which writes core.json beside this file: {name: {"group", "phrase", "result"}}. The tests
(test_printing.py, test_ndarray_api.py, test_indexing.py, test_autograd.py,
test_function.py, test_test_utils.py, test_examples.py) run the same functions on mxjax
and compare with `compare()`.

An error result is {"t": "error", "type", "message"}; where a case names a `phrase`, the
generator checks that MXNet's message contains it and the test checks mxjax's does too.
"""
import json
import os
import re
import sys
import threading

import numpy as np

CASES = {}  # name -> (group, fn, phrase)
HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, 'core.json')


def case(group, phrase=None):
    def deco(fn):
        assert fn.__name__ not in CASES, fn.__name__
        CASES[fn.__name__] = (group, fn, phrase)
        return fn
    return deco


# ------------------------------------------------------------------ encoding results
def encode(v):
    """A JSON-able description of a result, the same for MXNet and mxjax objects."""
    tn = type(v).__name__
    if tn == 'NDArray':
        a = v.asnumpy()
        return {'t': 'nd', 'dtype': a.dtype.name, 'shape': list(a.shape), 'ctx': str(v.context),
                'data': _data(a)}
    if isinstance(v, np.ndarray):
        return {'t': 'np', 'dtype': v.dtype.name, 'shape': list(v.shape), 'data': _data(v)}
    if isinstance(v, np.generic):
        return {'t': 'npscalar', 'dtype': v.dtype.name, 'value': _data(np.asarray(v))}
    if tn == 'Context':
        return {'t': 'ctx', 'str': str(v)}
    if isinstance(v, type):
        return {'t': 'type', 'name': v.__name__}
    if isinstance(v, BaseException):
        return {'t': 'error', 'type': type(v).__name__, 'message': str(v)[-600:]}
    if isinstance(v, tuple):
        return {'t': 'tuple', 'items': [encode(x) for x in v]}
    if isinstance(v, list):
        return [encode(x) for x in v]
    if isinstance(v, dict):
        return {'t': 'dict', 'items': {str(k): encode(x) for k, x in v.items()}}
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    raise TypeError('cannot encode %r of type %s' % (v, tn))


def _data(a):
    a = np.asarray(a)
    if a.dtype.kind == 'f':
        return [None if np.isnan(x) else (str(x) if np.isinf(x) else float(x)) for x in a.ravel().tolist()]
    return a.ravel().tolist()


def run_case(name, mx):
    group, fn, phrase = CASES[name]
    try:
        res = fn(mx, mx.nd, mx.autograd)
        if hasattr(mx.nd, 'waitall'):
            mx.nd.waitall()
        return encode(res)
    except Exception as e:  # the error is the result
        return encode(e)


def compare(got, want, path='result'):
    """Assert that encoded result `got` (mxjax) matches golden `want` (MXNet)."""
    if isinstance(want, dict) and want.get('t') in ('nd', 'np', 'npscalar'):
        assert isinstance(got, dict) and got.get('t') == want['t'], '%s: got %r, MXNet gives %r' % (path, got, want)
        assert got['dtype'] == want['dtype'], '%s: dtype %s, MXNet gives %s' % (path, got['dtype'], want['dtype'])
        if want['t'] != 'npscalar':
            assert got['shape'] == want['shape'], '%s: shape %s, MXNet gives %s' % (path, got['shape'], want['shape'])
        if want['t'] == 'nd':
            assert got['ctx'] == want['ctx'], '%s: context %s, MXNet gives %s' % (path, got['ctx'], want['ctx'])
        key = 'value' if want['t'] == 'npscalar' else 'data'
        g, w = _decode(got[key], want['dtype']), _decode(want[key], want['dtype'])
        if np.dtype(want['dtype']).kind == 'f':
            tol = 1e-3 if want['dtype'] == 'float16' else 1e-5
            np.testing.assert_allclose(g, w, rtol=tol, atol=tol * 1e-1, equal_nan=True, err_msg=path)
        else:
            np.testing.assert_array_equal(g, w, err_msg=path)
        return
    if isinstance(want, dict) and want.get('t') == 'error':
        assert isinstance(got, dict) and got.get('t') == 'error', \
            '%s: expected %s(%r), got %r' % (path, want['type'], want['message'][-200:], got)
        assert got['type'] == want['type'], '%s: raised %s(%r), MXNet raises %s(%r)' % (
            path, got['type'], got['message'], want['type'], want['message'][-200:])
        return
    if isinstance(want, dict):
        assert isinstance(got, dict) and got.get('t') == want.get('t'), '%s: got %r, MXNet gives %r' % (path, got, want)
        if want['t'] in ('tuple',):
            compare(got['items'], want['items'], path)
        elif want['t'] == 'dict':
            assert sorted(got['items']) == sorted(want['items']), path
            for k in want['items']:
                compare(got['items'][k], want['items'][k], '%s[%r]' % (path, k))
        else:
            assert got == want, '%s: got %r, MXNet gives %r' % (path, got, want)
        return
    if isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), '%s: got %r, MXNet gives %r' % (path, got, want)
        for i, (g, w) in enumerate(zip(got, want)):
            compare(g, w, '%s[%d]' % (path, i))
        return
    if isinstance(want, float):
        assert isinstance(got, float), '%s: got %r, MXNet gives %r' % (path, got, want)
        np.testing.assert_allclose(got, want, rtol=1e-6, err_msg=path)
        return
    assert type(got) is type(want) and got == want, '%s: got %r, MXNet gives %r' % (path, got, want)


def _decode(data, dtype):
    if np.dtype(dtype).kind == 'f':
        return np.array([np.nan if x is None else float(x) for x in data], dtype=np.float64)
    return np.array(data, dtype=dtype)


def golden():
    with open(GOLDEN) as f:
        return json.load(f)


def check_case(name, mx, gold):
    """Run case `name` on mxjax (module `mx`) and compare with the golden entry."""
    entry = gold[name]
    got = run_case(name, mx)
    compare(got, entry['result'])
    phrase = entry.get('phrase')
    if phrase is not None:
        assert phrase in got['message'], 'message %r lacks MXNet\'s phrase %r' % (got['message'], phrase)


def names(group):
    return [n for n, (g, _, _) in CASES.items() if g == group]


def params(group, xfail=None, skip=()):
    """pytest params for a group's cases; `xfail` maps a name to the core bug it hits."""
    import pytest
    xfail = xfail or {}
    return [pytest.param(n, id=n, marks=[pytest.mark.xfail(strict=True, reason=xfail[n])] if n in xfail else [])
            for n in names(group) if n not in skip]


# ================================================================== printing
def _reprs(*arrays):
    return [repr(a) for a in arrays] + [str(a) for a in arrays]


@case('printing')
def print_0d(mx, nd, ag):
    return _reprs(nd.array(5), nd.array(-2.5))


@case('printing')
def print_1d_float32(mx, nd, ag):
    return _reprs(nd.array([1.5, -2.25, 3]), nd.array([3.14159265]), nd.ones((2,)))


@case('printing')
def print_2d_3d_4d(mx, nd, ag):
    return _reprs(nd.array([[1, 2], [3, 4]]), nd.arange(24).reshape((2, 3, 4)),
                  nd.arange(16).reshape((2, 2, 2, 2)) - 8)


@case('printing')
def print_dtypes(mx, nd, ag):
    return _reprs(nd.array([1 / 3, 2 / 3, -7], dtype='float64'),
                  nd.array([1 / 3, 1000.5, -2], dtype='float16'),
                  nd.array([1, -2, 3], dtype='int32'),
                  nd.array([[1, 2 ** 40], [-5, 0]], dtype='int64'),
                  nd.array([0, 255, 7], dtype='uint8'),
                  nd.array([[1.5, 2]], dtype='int8'))


@case('printing')
def print_large_small_negative(mx, nd, ag):
    return _reprs(nd.array([1e10, 1, -1e-3]), nd.array([1e-8, 2e-9]), nd.array([-1, -0.5, 0]),
                  nd.array([123456789.0, 0.5]), nd.array([1e-4, 1e4]), nd.array([1e16, -1e-16]),
                  nd.array([[0.1, 0.25], [100, -3.75]]))


@case('printing')
def print_nan_inf(mx, nd, ag):
    return _reprs(nd.array([np.nan, np.inf, -np.inf, 1]))


@case('printing')
def print_summarised(mx, nd, ag):
    return _reprs(nd.arange(2000), nd.arange(3000).reshape((3, 1000)), nd.arange(1000),
                  nd.ones((2, 20, 30), dtype='int32'))


@case('printing')
def print_in_list(mx, nd, ag):
    return [str([nd.ones((2,)), nd.zeros((1,), dtype='int32')]), repr((nd.array([1, 2]),)),
            str({'a': nd.array([7])})]


@case('printing')
def print_context(mx, nd, ag):
    return _reprs(nd.ones((1,), ctx=mx.cpu(1)), nd.zeros((2, 2), ctx=mx.cpu(3)))


@case('printing')
def print_doc_grad_example(mx, nd, ag):
    x = nd.ones((2,))
    x.attach_grad()
    with ag.record():
        z = nd.elemwise_add(nd.exp(x), x)
    dx = ag.grad(z, [x], create_graph=True)
    return [str(dx), repr(dx[0])]


# ================================================================== NDArray API: creation
@case('ndarray_api')
def create_from_lists(mx, nd, ag):
    return [nd.array([1, 2, 3]), nd.array([[1.5, 2], [3, 4]]), nd.array([True, False]),
            nd.array([1.7, -1.7, 2.5], dtype='int32'), nd.array([1, 2], dtype=np.float64),
            nd.array([255, 0, 2.9], dtype='uint8'), nd.array(range(4)), nd.array((1, 2))]


@case('ndarray_api')
def create_from_numpy(mx, nd, ag):
    return [nd.array(np.array([1, 2], dtype=np.int64)), nd.array(np.array([0.5], dtype=np.float64)),
            nd.array(np.arange(6, dtype=np.int32).reshape(2, 3)), nd.array(np.array(2.5)),
            nd.array(np.array([1, 2], dtype=np.int64), dtype='int64'),
            nd.array(np.array([1.5, 2.5], dtype=np.float16))]


@case('ndarray_api')
def create_from_ndarray(mx, nd, ag):
    a = nd.array([1.5, 2.5, -3.5])
    b = nd.array(a)
    b[0] = 100  # a copy, not a view
    i = nd.array([1, 2], dtype='int32')
    return [a, b, nd.array(a, dtype='int32'), nd.array(i), nd.array(i, dtype='float64')]


@case('ndarray_api')
def create_zeros_ones_full_empty(mx, nd, ag):
    e = nd.empty((2, 3))
    e2 = nd.empty((4,), dtype='int32')
    return [nd.zeros((2, 3)), nd.zeros(3, dtype='int32'), nd.ones((2,), dtype='float64'),
            nd.ones((1, 2, 1)), nd.full((2, 2), 7), nd.full((3,), 2.5, dtype='int32'),
            nd.full((2,), -1.5, dtype='float16'), nd.zeros((2,), dtype=np.uint8),
            e.shape, e.dtype, e2.shape, e2.dtype]


@case('ndarray_api')
def create_arange(mx, nd, ag):
    return [nd.arange(5), nd.arange(1, 4, 0.5), nd.arange(3, repeat=2), nd.arange(0, 5, dtype='int32'),
            nd.arange(5, 0, -1), nd.arange(2, 8, 2, repeat=3), nd.arange(0.5, 2.6),
            nd.arange(3, dtype='float64'), nd.arange(0, -3, -0.5)]


@case('ndarray_api', phrase='Invalid range')
def create_arange_empty_range(mx, nd, ag):
    return nd.arange(4, 2)


@case('ndarray_api')
def create_like(mx, nd, ag):
    a = nd.array([[1, 2, 3]], dtype='int32')
    b = nd.array([1.5], dtype='float64')
    return [nd.zeros_like(a), nd.ones_like(a), nd.zeros_like(b), nd.ones_like(b),
            a.zeros_like(), b.ones_like()]


@case('ndarray_api', phrase='source_array must be array like object')
def create_bad_source(mx, nd, ag):
    return nd.array('abc')


# ================================================================== NDArray API: attributes
@case('ndarray_api')
def attributes(mx, nd, ag):
    a = nd.arange(6).reshape((2, 3))
    b = nd.array([1, 2], dtype='int64')
    c = nd.array(3)
    return [a.shape, a.dtype, a.size, a.ndim, a.context, a.ctx, a.stype, a.T, len(a),
            b.shape, b.dtype, b.size, b.ndim, c.shape, c.size, c.ndim, nd.ones((4,)).T]


@case('ndarray_api')
def attributes_T_3d(mx, nd, ag):
    return nd.ones((2, 3, 4)).T.shape


# ================================================================== NDArray API: conversion
@case('ndarray_api')
def convert_asnumpy_asscalar(mx, nd, ag):
    a = nd.array([[1, 2], [3, 4]])
    n = a.asnumpy()
    n[0, 0] = 100  # a copy
    return [n, a, nd.array([7.5]).asscalar(), nd.array([3], dtype='int32').asscalar(),
            nd.array([[2]], dtype='float64').asscalar(), nd.array(4.5).asscalar(),
            float(nd.array([2.5])), int(nd.array([3.7]))]


@case('ndarray_api', phrase='The current array is not a scalar')
def convert_asscalar_error(mx, nd, ag):
    return nd.array([1, 2]).asscalar()


@case('ndarray_api')
def convert_astype(mx, nd, ag):
    a = nd.array([1.7, -2.5, 300.2])
    same = a.astype('float32', copy=False)
    other = a.astype('float32')
    return [a.astype('int32'), a.astype('float16'), a.astype(np.float64), nd.array([1.7, 250.5]).astype('uint8'),
            nd.array([1, 0, 2], dtype='int32').astype('float32'), same is a, other is a,
            nd.array([1, 2]).astype('int64')]


@case('ndarray_api')
def convert_copy_copyto(mx, nd, ag):
    a = nd.array([1, 2, 3])
    b = a.copy()
    b[0] = 9
    t = nd.zeros((3,))
    r = a.copyto(t)
    c = a.copyto(mx.cpu(2))
    ti = nd.zeros((3,), dtype='int32')
    a.copyto(ti)
    return [a, b, t, r is t, c, c.context, ti]


@case('ndarray_api')
def convert_copyto_bad_shape(mx, nd, ag):
    a = nd.array([1, 2, 3])
    t = nd.zeros((2,))
    try:
        a.copyto(t)
    except Exception as e:
        return type(e).__name__, t
    return 'no error', t


@case('ndarray_api')
def convert_as_in_context(mx, nd, ag):
    a = nd.array([1, 2])
    b = a.as_in_context(mx.cpu(0))
    c = a.as_in_context(mx.cpu(1))
    c[0] = 5
    return [b is a, c.context, c, a, a.tostype('default'), a.copyto(mx.cpu()).context]


# ================================================================== NDArray API: contexts
@case('ndarray_api')
def contexts(mx, nd, ag):
    return [mx.cpu(1) == mx.cpu(1), mx.cpu(1) == mx.cpu(0), mx.cpu() == mx.cpu(0), mx.cpu(0) == mx.gpu(0),
            str(mx.cpu(1)), repr(mx.cpu(1)), str(mx.gpu(0)), str(mx.gpu(2)), mx.cpu(1).device_type,
            mx.cpu(1).device_id, mx.gpu(3).device_type, mx.Context('cpu', 2), str(mx.Context(mx.gpu(1))),
            mx.current_context(), mx.cpu(1) != mx.cpu(2)]


@case('ndarray_api')
def contexts_with(mx, nd, ag):
    out = [mx.current_context()]
    with mx.cpu(1):
        out.append(mx.current_context())
        out.append(nd.zeros((1,)).context)
        with mx.cpu(2):
            out.append(nd.array([1]).context)
        out.append(nd.ones((1,)).context)
    out.append(mx.current_context())
    out.append(nd.zeros((1,)).context)
    return out


@case('ndarray_api')
def contexts_gpu_request(mx, nd, ag):
    # Asking for a GPU that is not there fails with MXNetError (this machine has none).
    out = []
    for make in (lambda: nd.zeros((2,), ctx=mx.gpu(0)), lambda: nd.array([1, 2], ctx=mx.gpu(0)),
                 lambda: nd.ones((2,)).as_in_context(mx.gpu(0)), lambda: nd.ones((2,)).copyto(mx.gpu(1))):
        try:
            make().wait_to_read()
            out.append('no error')
        except Exception as e:
            out.append(type(e).__name__)
    return out


# ================================================================== NDArray API: operators
def _ab(nd):
    return nd.array([[1, -2, 3], [-4.5, 5, 6]]), nd.array([[2, 3, -4], [1.5, -2, 2.5]])


@case('ndarray_api')
def op_arith_arrays(mx, nd, ag):
    a, b = _ab(nd)
    return [a + b, a - b, a * b, a / b, a % b, b % a, nd.abs(a) ** b, -a, abs(a)]


@case('ndarray_api')
def op_arith_scalars(mx, nd, ag):
    a, _ = _ab(nd)
    return [a + 2, 2 + a, a - 2, 2 - a, a * 3, 3 * a, a / 4, 4 / a, a % 2.5, 7 % a, a ** 2, 2 ** a,
            a % -2, (-a) % 3, a + True]


@case('ndarray_api')
def op_broadcast(mx, nd, ag):
    a = nd.arange(6).reshape((2, 3))
    return [a + nd.array([[10, 20, 30]]), a * nd.array([[2], [3]]), a - nd.array([1]),
            nd.array([[1], [2]]) / nd.array([[1, 2, 4]])]


@case('ndarray_api', phrase='operands could not be broadcast together')
def op_broadcast_mismatch(mx, nd, ag):
    return nd.ones((2, 3)) + nd.ones((2, 2))


@case('ndarray_api')
def op_comparisons(mx, nd, ag):
    a = nd.array([1, 2, 3, 4])
    b = nd.array([4, 2, 1, 4])
    return [a == b, a != b, a < b, a <= b, a > b, a >= b, a == 2, a != 2, a < 2.5, a <= 2, a > 3,
            a >= 3, 2 < a, 3 == a]


@case('ndarray_api')
def op_comparisons_int(mx, nd, ag):
    a = nd.array([1, 2, 3], dtype='int32')
    return [a == 2, a > 1.5, a < nd.array([3, 2, 1], dtype='int32'), a >= 2]


@case('ndarray_api')
def op_inplace(mx, nd, ag):
    a = nd.array([1, 2, 3])
    ident = a
    out = []
    a += 1
    out.append(a.copy())
    a -= nd.array([1, 1, 1])
    out.append(a.copy())
    a *= 2
    out.append(a.copy())
    a /= nd.array([2, 4, 8])
    out.append(a.copy())
    a %= 0.4
    out.append(a.copy())
    out.append(a is ident)
    b = nd.array([[1, 2], [3, 4]])
    b += nd.array([[10, 20]])
    out.append(b)
    return out


@case('ndarray_api')
def op_inplace_bad_broadcast(mx, nd, ag):
    a = nd.array([1, 2])
    try:
        a += nd.array([[1, 2], [3, 4]])
    except Exception as e:
        return type(e).__name__, a
    return 'no error', a


@case('ndarray_api')
def op_int_with_float_scalars(mx, nd, ag):
    # MXNet casts the scalar to the array's dtype first: int32 + 0.7 stays int32.
    x = nd.array([1, 2, 3, -4], dtype='int32')
    y = nd.array([5, 7, 9], dtype='int32')
    return [x + 0.7, x * 1.5, x / 2.0, x - 0.5, 0.5 + x, 10 / y, y / 2, y % 4, y ** 2, 2.5 * x, x * -1.5]


@case('ndarray_api')
def op_int_inplace_float(mx, nd, ag):
    x = nd.array([1, 2, 3], dtype='int32')
    x += 1.9
    y = nd.array([5, 7, 9], dtype='int32')
    y /= 2
    z = nd.array([5, 7, 9], dtype='int64')
    z *= 2.5
    return [x, y, z]


@case('ndarray_api')
def op_mixed_dtypes(mx, nd, ag):
    a = nd.array([1, 2], dtype='float32')
    out = []
    for b in (nd.array([1, 2], dtype='float64'), nd.array([1, 2], dtype='int32')):
        try:
            out.append(a + b)
        except Exception as e:
            out.append(type(e).__name__)
    return out


@case('ndarray_api')
def op_float_dtypes(mx, nd, ag):
    h = nd.array([1.5, 2.5], dtype='float16')
    d = nd.array([1.5, 2.5], dtype='float64')
    return [h * 2, h + h, d / 3, d ** 0.5, -h, d > 2]


@case('ndarray_api')
def op_bad_operand(mx, nd, ag):
    return nd.ones((2,)) + 'a'


@case('ndarray_api')
def op_truth_value(mx, nd, ag):
    out = [bool(nd.array([1])), bool(nd.array([0])), bool(nd.array([[2.5]]))]
    try:
        bool(nd.array([1, 2]))
    except Exception as e:
        out.append(type(e).__name__)
    return out


# ================================================================== indexing: get
def _x(nd):
    return nd.arange(12).reshape((3, 4))


@case('indexing')
def get_basic_int_slice(mx, nd, ag):
    x = _x(nd)
    return [x[1], x[-1], x[1:3], x[:, 1], x[1, 2], x[::2], x[1:2, ::-1], x[:, -1:], x[-2:, 1:3],
            x[0:0], x[5:], x[:, ::3], x[2, ::-2]]


@case('indexing')
def get_basic_newaxis_ellipsis(mx, nd, ag):
    x = _x(nd)
    y = nd.arange(24).reshape((2, 3, 4))
    return [x[None], x[..., 0], x[:, None, 1], y[..., 1:3], y[1, ..., 2], y[:, 1], y[1, 2], y[1, 2, 3],
            x[()]]


@case('indexing')
def get_basic_1d(mx, nd, ag):
    v = nd.array([5, 6, 7, 8])
    return [v[0], v[-1], v[1:3], v[::-1], v[2:2]]


@case('indexing', phrase='out of bounds')
def get_basic_out_of_range(mx, nd, ag):
    return _x(nd)[3]


@case('indexing', phrase='too many indices')
def get_too_many_indices(mx, nd, ag):
    return _x(nd)[1, 2, 3]


@case('indexing')
def get_advanced(mx, nd, ag):
    x = _x(nd)
    return [x[[0, 2]], x[nd.array([0, 2])], x[[0, 1], [1, 2]], x[np.array([1, 0])],
            x[:, [0, 2]], x[[[0], [1]], [1, 2]], x[nd.array([2, 0], dtype='int32'), 1:3],
            x[1, [3, 0]], x[[-1, 0]], x[nd.array([[0, 1], [2, 2]])]]


@case('indexing', phrase='out of bounds')
def get_advanced_out_of_range(mx, nd, ag):
    return _x(nd)[[0, 5]]


@case('indexing')
def get_int_array_dtypes(mx, nd, ag):
    x = nd.array([1, 2, 3], dtype='int32')
    return [x[1], x[[2, 0]], x[1:], nd.array([1, 2], dtype='float64')[0]]


# ================================================================== indexing: set
@case('indexing')
def set_scalars(mx, nd, ag):
    out = []
    for key in (slice(None), 1, (slice(None), 1), (1, 2), slice(0, 2), (slice(1, 3), slice(1, 2)),
                slice(None, None, 2), (Ellipsis, 0), -1, (slice(None), slice(None, None, -2))):
        x = _x(nd)
        x[key] = -1
        out.append(x)
    return out


@case('indexing')
def set_arrays_broadcast(mx, nd, ag):
    out = []
    for key, val in ((1, nd.array([9, 8, 7, 6])), (slice(0, 2), nd.array([1, 2, 3, 4])),
                     (slice(None), nd.array([[1], [2], [3]])), ((slice(None), 1), nd.array([5, 6, 7])),
                     ((slice(None), slice(1, 3)), nd.array([[1, 2]])), (slice(None), 2.5),
                     (0, [1, 2, 3, 4]), (slice(None), np.arange(12).reshape(3, 4) * 10),
                     ((1, slice(0, 2)), np.array([-1, -2])), ((slice(None), slice(0, 1)), nd.array([[7], [8], [9]])),
                     (slice(0, 1), nd.array([[3, 3, 3, 3]])), ((0, 1), nd.array([42])),
                     (slice(None), nd.array([1, 2, 3, 4], dtype='int32'))):
        x = _x(nd)
        x[key] = val
        out.append(x)
    return out


@case('indexing')
def set_advanced(mx, nd, ag):
    out = []
    for key, val in (([0, 2], 9), ([0, 2], nd.array([[1, 2, 3, 4], [5, 6, 7, 8]])),
                     (([0, 1], [1, 2]), nd.array([-5, -6])), ((slice(None), [0, 3]), 0),
                     (nd.array([1]), nd.array([1, 1, 1, 1])), ((1, [0, 2]), nd.array([10, 20])),
                     (np.array([2, 1]), 3)):
        x = _x(nd)
        x[key] = val
        out.append(x)
    return out


@case('indexing')
def set_dtype_cast(mx, nd, ag):
    x = nd.zeros((3,), dtype='int32')
    x[:] = 2.7
    y = nd.zeros((3,), dtype='int32')
    y[1] = nd.array([5.9])
    z = nd.zeros((2,), dtype='float16')
    z[:] = nd.array([1 / 3, 2 / 3], dtype='float64')
    u = nd.zeros((3,))
    u[:] = nd.array([1, 2, 3], dtype='int64')
    return [x, y, z, u]


@case('indexing')
def set_wrong_shape(mx, nd, ag):
    x = _x(nd)
    try:
        x[0] = nd.array([1, 2, 3])
    except Exception as e:
        return type(e).__name__, x
    return 'no error', x


@case('indexing', phrase='could not be broadcast')
def set_wrong_shape_message(mx, nd, ag):
    x = _x(nd)
    x[0] = nd.array([1, 2, 3])


@case('indexing')
def set_wrong_shape_full(mx, nd, ag):
    x = _x(nd)
    try:
        x[:] = nd.ones((2, 4))
    except Exception as e:
        return type(e).__name__, x
    return 'no error', x


@case('indexing')
def set_out_of_range(mx, nd, ag):
    x = _x(nd)
    try:
        x[3] = 1
    except Exception as e:
        return type(e).__name__, x
    return 'no error', x


# ================================================================== indexing: views
@case('indexing')
def view_row_writes_through(mx, nd, ag):
    x = _x(nd)
    v = x[1]
    v[:] = 7
    a = x.copy()
    x[1] = nd.array([1, 2, 3, 4])
    b = v.copy()
    x[:] = 0
    c = v.copy()
    return [a, b, c, v.shape]


@case('indexing')
def view_slice_writes_through(mx, nd, ag):
    x = _x(nd)
    v = x[0:2]
    v += 1
    a = x.copy()
    v[1, 1] = 100
    b = x.copy()
    x += 1  # in-place on the base shows in the view
    c = v.copy()
    return [a, b, c]


@case('indexing')
def view_row_slice_writes_through(mx, nd, ag):
    x = _x(nd)
    v = x[1, 0:2]
    v[:] = 100
    a = x.copy()
    x[1, 1] = -5
    b = v.copy()
    return [a, b, v.shape]


@case('indexing')
def view_column_slice_is_copy(mx, nd, ag):
    x = _x(nd)
    c = x[:, 0:1]
    c[:] = 5
    a = x.copy()
    x[0, 0] = 99
    return [a, c, x[::2].copy()]


@case('indexing')
def view_strided_is_copy(mx, nd, ag):
    x = _x(nd)
    s = x[::2]
    s[:] = 1
    return [x, s]


@case('indexing')
def view_reshape_writes_through(mx, nd, ag):
    x = _x(nd)
    r = x.reshape((4, 3))
    r[0] = 1
    a = x.copy()
    x[:] = 0
    b = r.copy()
    r2 = x.reshape((-1,))
    r2[5] = 42
    c = x.copy()
    r3 = x.reshape(2, 6)
    r3[1, 0] = 8
    return [a, b, c, x, r3.shape]


@case('indexing')
def view_chains(mx, nd, ag):
    x = _x(nd)
    x[1][2] = 50
    x[0:2][1][3] = 60
    x[2].reshape((2, 2))[1] = nd.array([-1, -2])
    w = x[1:3]
    w2 = w[1]
    w2[0] = 77
    return [x, w, w2]


@case('indexing')
def view_of_int_index_scalar(mx, nd, ag):
    x = nd.array([1, 2, 3])
    v = x[1]
    v[:] = 9
    return [x, v]


@case('indexing')
def view_then_assign_base_slices(mx, nd, ag):
    x = _x(nd)
    v = x[2]
    x[1:3] = nd.array([[0, 0, 0, 0], [1, 1, 1, 1]])
    y = x.copy()
    y[:] = 3
    return [v, x, y]


# ================================================================== autograd
def _canon_symbol(s):
    """(list_arguments, list_outputs, tojson) with MXNet's process-wide name counters removed.

    MXNet names graph nodes var<k>/null<k> and node_<k> from counters that run over the whole
    process; here each number becomes its rank within the graph (var/null share one counter).
    """
    text = s.tojson() + ' ' + ' '.join(s.list_arguments() + s.list_outputs())
    args = sorted({int(m.group(2)) for m in re.finditer(r'"(var|null)(\d+)"', text)})
    nodes = sorted({int(m.group(1)) for m in re.finditer(r'node_(\d+)', text)})
    amap = {k: i for i, k in enumerate(args)}
    nmap = {k: i for i, k in enumerate(nodes)}

    def canon(t):
        t = re.sub(r'\b(var|null)(\d+)\b', lambda m: '%s%d' % (m.group(1), amap[int(m.group(2))]), t)
        return re.sub(r'node_(\d+)', lambda m: 'node_%d' % nmap[int(m.group(1))], t)
    return [[canon(a) for a in s.list_arguments()], [canon(o) for o in s.list_outputs()], canon(s.tojson())]


@case('autograd')
def ag_state_setters(mx, nd, ag):
    out = [ag.is_recording(), ag.is_training()]
    out.append(ag.set_recording(True))
    out.append(ag.set_recording(True))
    out.append(ag.is_recording())
    out.append(ag.set_recording(False))
    out.append(ag.set_training(True))
    out.append(ag.is_training())
    out.append(ag.set_training(False))
    out.append(ag.set_training(False))
    out.append((ag.is_recording(), ag.is_training()))
    return out


@case('autograd')
def ag_scopes_nesting(mx, nd, ag):
    def st():
        return ag.is_recording(), ag.is_training()
    out = [st()]
    with ag.record():
        out.append(st())
        with ag.pause():
            out.append(st())
            with ag.train_mode():
                out.append(st())
            out.append(st())
        with ag.predict_mode():
            out.append(st())
        out.append(st())
        with ag.pause(train_mode=True):
            out.append(st())
        with ag.record(train_mode=False):
            out.append(st())
        out.append(st())
    out.append(st())
    with ag.record(train_mode=False):
        out.append(st())
        with ag.train_mode():
            out.append(st())
    with ag.train_mode():
        out.append(st())
        with ag.predict_mode():
            out.append(st())
        out.append(st())
    out.append(st())
    return out


@case('autograd')
def ag_scope_restores_after_error(mx, nd, ag):
    try:
        with ag.record():
            raise KeyError('boom')
    except KeyError:
        pass
    return ag.is_recording(), ag.is_training()


@case('autograd')
def ag_state_per_thread(mx, nd, ag):
    seen = []
    with ag.record():
        t = threading.Thread(target=lambda: seen.append((ag.is_recording(), ag.is_training())))
        t.start()
        t.join()
        seen.append((ag.is_recording(), ag.is_training()))
    return seen


@case('autograd')
def ag_backward_basic(mx, nd, ag):
    x = nd.array([[1, 2], [3, 4]])
    x.attach_grad()
    with ag.record():
        y = x * x + 2 * x
        z = (y * x).sum()
    z.backward()
    return [z, z.shape, x.grad, (x * x).sum().shape]


@case('autograd')
def ag_grad_req_write_add_null(mx, nd, ag):
    out = []
    for req in ('write', 'add'):
        x = nd.array([1, 2, 3])
        w = nd.array([4, 5, 6])
        x.attach_grad(grad_req=req)
        w.attach_grad()
        for _ in range(2):
            with ag.record():
                y = (x * w * x).sum()
            y.backward()
        out.append((x.grad, w.grad))
    return out


@case('autograd')
def ag_grad_req_null(mx, nd, ag):
    # MXNet: a 'null' variable keeps its zero buffer until a backward reaches it; then .grad is None.
    x = nd.array([1, 2, 3])
    w = nd.array([4, 5, 6])
    x.attach_grad(grad_req='null')
    w.attach_grad()
    out = [x.grad]
    with ag.record():
        y = (x * w * x).sum()
    out.append(x.grad)
    y.backward()
    out += [w.grad, x.grad is None]
    return out


@case('autograd', phrase='does not require gradient')
def ag_grad_wrt_null_variable(mx, nd, ag):
    x = nd.array([1., 2.])
    x.attach_grad(grad_req='null')
    w = nd.array([3., 4.])
    w.attach_grad()
    with ag.record():
        y = x * w
    ag.grad(y, [x])


@case('autograd')
def ag_grad_leaves_null_variable_none(mx, nd, ag):
    x = nd.array([1., 2.])
    x.attach_grad(grad_req='null')
    w = nd.array([3., 4.])
    w.attach_grad()
    with ag.record():
        y = x * w
    g = ag.grad(y, [w])
    return [g[0], x.grad is None, w.grad]


@case('autograd')
def ag_grad_req_add_reset(mx, nd, ag):
    x = nd.array([1, 2])
    x.attach_grad(grad_req='add')
    with ag.record():
        y = x * 3
    y.backward()
    x.grad[:] = 0
    with ag.record():
        y = x * 5
    y.backward()
    return x.grad


@case('autograd', phrase='There are no inputs in computation graph that require gradients')
def ag_only_null_raises(mx, nd, ag):
    x = nd.array([1, 2])
    x.attach_grad(grad_req='null')
    with ag.record():
        y = x * 2
    y.backward()
    return x.grad


@case('autograd', phrase='sum')
def ag_bad_grad_req(mx, nd, ag):
    x = nd.array([1, 2])
    x.attach_grad(grad_req='sum')
    return x.grad


@case('autograd')
def ag_attach_grad_resets(mx, nd, ag):
    x = nd.array([1, 2])
    x.attach_grad()
    with ag.record():
        y = x * x
    y.backward()
    before = x.grad.copy()
    x.attach_grad()
    return [before, x.grad]


@case('autograd')
def ag_grad_none_before_attach(mx, nd, ag):
    x = nd.array([1, 2])
    return x.grad is None


@case('autograd')
def ag_grad_reset_through_handle(mx, nd, ag):
    x = nd.array([1, 2])
    x.attach_grad()
    with ag.record():
        y = x * x
    y.backward()
    g = x.grad
    x.grad[:] = 0
    after_zero = x.grad.copy()
    with ag.record():
        y = x * 4
    y.backward()
    return [after_zero, g, x.grad]


@case('autograd')
def ag_fresh_grad(mx, nd, ag):
    x = nd.array([1, 2])
    x.attach_grad()
    out = [x._fresh_grad]
    with ag.record():
        y = x * 2
    out.append(x._fresh_grad)
    y.backward()
    out.append(x._fresh_grad)
    x._fresh_grad = False
    out.append(x._fresh_grad)
    x._fresh_grad = True
    out.append(x._fresh_grad)
    return out


@case('autograd')
def ag_mark_variables(mx, nd, ag):
    x = nd.array([1, 2, 3])
    w = nd.array([2, 2, 2])
    gx = nd.zeros((3,))
    gw = nd.ones((3,))
    ag.mark_variables([x, w], [gx, gw], grad_reqs=['write', 'add'])
    with ag.record():
        y = (x * w).sum()
    y.backward()
    return [gx, gw, x.grad, w.grad]


@case('autograd')
def ag_mark_variables_single(mx, nd, ag):
    x = nd.array([1, 2])
    g = nd.zeros((2,))
    ag.mark_variables(x, g)
    with ag.record():
        y = nd.exp(x)
    y.backward()
    return g


@case('autograd')
def ag_mark_variables_null_req(mx, nd, ag):
    x = nd.array([1, 2])
    w = nd.array([3, 4])
    gx, gw = nd.ones((2,)), nd.ones((2,))
    ag.mark_variables([x, w], [gx, gw], grad_reqs='null')
    w.attach_grad()
    with ag.record():
        y = x * w
    y.backward()
    return [gx, w.grad]


@case('autograd')
def ag_head_grads(mx, nd, ag):
    x = nd.array([1, 2, 3])
    x.attach_grad()
    with ag.record():
        y = x * x
    y.backward(nd.array([1, 0.5, -1]))
    a = x.grad.copy()
    with ag.record():
        y1 = x * 2
        y2 = nd.exp(x)
    ag.backward([y1, y2], [nd.array([1, 1, 1]), nd.array([0, 1, 2])])
    b = x.grad.copy()
    with ag.record():
        y = x * x * x
    g = ag.grad(y, [x], head_grads=nd.array([2, 2, 2]))
    with ag.record():
        y1 = x * 2
        y2 = x * 3
    ag.backward([y1, y2])
    return [a, b, g, x.grad]


@case('autograd', phrase='Cannot differentiate node because it is not in a computational graph')
def ag_backward_twice_freed(mx, nd, ag):
    x = nd.array([1, 2])
    x.attach_grad()
    with ag.record():
        y = x * x
    y.backward()
    y.backward()
    return x.grad


@case('autograd')
def ag_backward_retain_graph(mx, nd, ag):
    x = nd.array([1, 2])
    x.attach_grad(grad_req='add')
    with ag.record():
        y = x * x
    y.backward(retain_graph=True)
    y.backward(retain_graph=True)
    y.backward()
    return x.grad


@case('autograd')
def ag_grad_retain_default(mx, nd, ag):
    # grad's retain_graph defaults to create_graph: without create_graph the graph is freed.
    x = nd.array([1, 2])
    x.attach_grad()
    with ag.record():
        y = x * x
    g1 = ag.grad(y, [x])
    try:
        ag.grad(y, [x])
        second = 'no error'
    except Exception as e:
        second = type(e).__name__
    with ag.record():
        y = x * x
    h1 = ag.grad(y, [x], create_graph=True)
    h2 = ag.grad(y, [x], create_graph=True)
    with ag.record():
        y = x * x
    k1 = ag.grad(y, [x], retain_graph=True)
    k2 = ag.grad(y, [x])
    return [g1, second, h1, h2, k1, k2, type(g1).__name__]


@case('autograd', phrase='Cannot differentiate node because it is not in a computational graph')
def ag_backward_nothing_attached(mx, nd, ag):
    x = nd.array([1, 2])
    with ag.record():
        y = x * 2
    y.backward()


@case('autograd', phrase='Cannot differentiate node because it is not in a computational graph')
def ag_backward_not_recorded(mx, nd, ag):
    x = nd.array([1, 2])
    x.attach_grad()
    y = x * 2
    y.backward()


@case('autograd', phrase='Assigning to NDArrays that are already in a computational graph')
def ag_inplace_in_record(mx, nd, ag):
    x = nd.array([1, 2])
    x.attach_grad()
    with ag.record():
        y = x * 2
        y += 1
    return y


@case('autograd', phrase='Assigning to NDArrays that are already in a computational graph')
def ag_setitem_in_record(mx, nd, ag):
    x = nd.array([1, 2])
    x.attach_grad()
    with ag.record():
        y = x * 2
        y[0] = 5
    return y


@case('autograd', phrase='Assigning to NDArrays that are already in a computational graph')
def ag_out_in_record(mx, nd, ag):
    x = nd.array([1, 2])
    x.attach_grad()
    with ag.record():
        y = x * 2
        nd.exp(x, out=y)
    return y


@case('autograd')
def ag_inplace_on_variable_in_record(mx, nd, ag):
    # (MXNet raises but has already written 5 into x; mxjax leaves x unchanged.)
    x = nd.array([1, 2])
    x.attach_grad()
    out = []
    for write in (lambda: x.__setitem__(slice(None), 5), lambda: x.__iadd__(1),
                  lambda: x.__setitem__(0, nd.array([7]))):
        with ag.record():
            try:
                write()
                out.append('no error')
            except Exception as e:
                out.append(type(e).__name__)
    return out


@case('autograd')
def ag_inplace_outside_record(mx, nd, ag):
    # Not recording: in-place writes to graph arrays are allowed.
    x = nd.array([1, 2])
    x.attach_grad()
    with ag.record():
        y = x * 2
    y += 1
    y[0] = 10
    return y


@case('autograd', phrase='unreachable')
def ag_grad_unreachable(mx, nd, ag):
    x = nd.array([1, 2])
    z = nd.array([3, 4])
    x.attach_grad()
    z.attach_grad()
    with ag.record():
        y = x * 2
    return ag.grad(y, [z])


@case('autograd')
def ag_grad_returns_list(mx, nd, ag):
    x = nd.array([1, 2])
    w = nd.array([3, 4])
    x.attach_grad()
    w.attach_grad()
    with ag.record():
        y = x * w + x
    g = ag.grad(y, x)
    with ag.record():
        y = x * w + x
    g2 = ag.grad(y, [w, x])
    return [type(g).__name__, g, g2, x.grad, w.grad]


@case('autograd', phrase='variables cannot be an empty list')
def ag_grad_empty_variables(mx, nd, ag):
    x = nd.array([1, 2])
    x.attach_grad()
    with ag.record():
        y = x * 2
    return ag.grad(y, [])


@case('autograd')
def ag_grad_create_graph_doc(mx, nd, ag):
    x = nd.ones((2,))
    x.attach_grad()
    with ag.record():
        z = nd.elemwise_add(nd.exp(x), x)
    dx = ag.grad(z, [x], create_graph=True)
    dx[0].backward()
    return [dx, x.grad]


@case('autograd')
def ag_second_order(mx, nd, ag):
    x = nd.array([0.5, 1, 2])
    x.attach_grad()
    with ag.record():
        y = x * x * x + nd.sin(x)
        dy = ag.grad(y, [x], create_graph=True)[0]
        z = (dy * dy).sum()
    z.backward()
    return [dy, x.grad]


@case('autograd')
def ag_variable_used_twice(mx, nd, ag):
    x = nd.array([1, 2, 3])
    x.attach_grad()
    with ag.record():
        y = x * x + x
        z = y * y
    z.backward()
    return x.grad


@case('autograd')
def ag_detach(mx, nd, ag):
    x = nd.array([1, 2, 3])
    x.attach_grad()
    with ag.record():
        y = x * x
        z = y.detach() * x
    z.backward()
    d = y.detach()
    return [x.grad, d, d.grad is None]


@case('autograd')
def ag_stop_gradient(mx, nd, ag):
    x = nd.array([1, 2, 3])
    x.attach_grad()
    with ag.record():
        y = nd.stop_gradient(x * x) * x + nd.BlockGrad(x)
    y.backward()
    return x.grad


@case('autograd')
def ag_views_in_graph(mx, nd, ag):
    x = nd.arange(6).reshape((2, 3))
    x.attach_grad()
    with ag.record():
        y = x[1] * 2 + x.reshape((3, 2))[0].sum()
    y.backward()
    return [y, x.grad]


@case('autograd')
def ag_advanced_index_in_graph(mx, nd, ag):
    x = nd.arange(6).reshape((2, 3))
    x.attach_grad()
    with ag.record():
        y = x[[0, 1, 1], [2, 0, 0]] * nd.array([1, 2, 3])
    y.backward()
    return [y, x.grad]


@case('autograd')
def ag_int_outputs_no_grad(mx, nd, ag):
    x = nd.array([3, 1, 2])
    x.attach_grad()
    with ag.record():
        i = nd.argmax(x, axis=0)
        y = x * 2
    y.backward()
    return [i, x.grad]


@case('autograd')
def ag_training_flag_in_backward(mx, nd, ag):
    x = nd.ones((4,))
    x.attach_grad()
    with ag.record(train_mode=False):
        y = nd.Dropout(x, p=0.5)
    y.backward()
    return [y, x.grad]


@case('autograd')
def ag_dropout_train_predict(mx, nd, ag):
    mx.random.seed(0)
    x = nd.ones((200,))
    x.attach_grad()
    with ag.record():
        y = nd.Dropout(x, p=0.5)
    y.backward()
    vals = sorted(set(y.asnumpy().tolist()))
    mask_matches = bool((x.grad.asnumpy() == y.asnumpy()).all())
    with ag.predict_mode():
        p = nd.Dropout(x, p=0.5)
    with ag.record(train_mode=False):
        q = nd.Dropout(x, p=0.5)
    with ag.predict_mode():
        a = nd.Dropout(x, p=0.5, mode='always')
    avals = sorted(set(a.asnumpy().tolist()))
    r = nd.Dropout(nd.ones((3,)), p=0.3)
    with ag.train_mode():
        t = nd.Dropout(nd.ones((1000,)), p=0.3)
    tvals = sorted(set(t.asnumpy().tolist()))
    return [vals, mask_matches, p, q, avals, r, tvals]


@case('autograd')
def ag_dropout_scale(mx, nd, ag):
    out = []
    with ag.train_mode():
        for p in (0.1, 0.3, 0.7, 0.8, 0.95):
            out.append(sorted(set(nd.Dropout(nd.ones((500,)), p=p).asnumpy().tolist())))
    return out


@case('autograd')
def ag_get_symbol(mx, nd, ag):
    x = nd.array([[1, 2], [3, 4]])
    x.attach_grad()
    with ag.record():
        y = nd.exp(x) + x * 2
        z = (y * nd.ones((2, 2))).sum()
    return _canon_symbol(ag.get_symbol(z))


@case('autograd')
def ag_get_symbol_record_order(mx, nd, ag):
    # Names follow creation order, while the JSON lists nodes depth-first from the head.
    a = nd.array([1, 2])
    b = nd.array([3, 4])
    a.attach_grad()
    b.attach_grad()
    with ag.record():
        y = a * nd.array([5, 6])
        z = nd.exp(b) - 1
        w = (z + y) * nd.array([7, 8])
    return _canon_symbol(ag.get_symbol(w))


@case('autograd')
def ag_get_symbol_multi_output(mx, nd, ag):
    x = nd.arange(6).reshape((3, 2))
    x.attach_grad()
    with ag.record():
        parts = nd.split(x, num_outputs=3, axis=0)
        y = parts[1] + nd.relu(x).sum()
    return [_canon_symbol(ag.get_symbol(y)), _canon_symbol(ag.get_symbol(parts[2])),
            _canon_symbol(ag.get_symbol(x))]


@case('autograd')
def ag_backward_train_mode_flag(mx, nd, ag):
    # backward(train_mode=...) sets is_training while the backward runs.
    x = nd.ones((3,))
    x.attach_grad()
    out = []

    class Probe(ag.Function):
        def forward(self, a):
            return a * 1

        def backward(self, dy):
            out.append(ag.is_training())
            return dy
    for tm in (True, False):
        with ag.record():
            y = Probe()(x)
        y.backward(train_mode=tm)
        nd.waitall()
    return out


# ================================================================== Function
def _sigmoid_cls(ag, nd):
    class Sigmoid(ag.Function):
        def forward(self, x):
            y = 1 / (1 + nd.exp(-x))
            self.save_for_backward(y)
            return y

        def backward(self, dy):
            y, = self.saved_tensors
            return dy * y * (1 - y)
    return Sigmoid


@case('function')
def fn_sigmoid(mx, nd, ag):
    Sigmoid = _sigmoid_cls(ag, nd)
    x = nd.array([-2, -0.5, 0, 1, 3])
    x.attach_grad()
    with ag.record():
        y = Sigmoid()(x)
        z = y * 3
    z.backward()
    return [y, x.grad]


@case('function')
def fn_sigmoid_head_grads_and_grad(mx, nd, ag):
    Sigmoid = _sigmoid_cls(ag, nd)
    x = nd.array([[0.5, -1], [2, 0]])
    x.attach_grad()
    with ag.record():
        y = Sigmoid()(x)
    y.backward(nd.array([[1, 2], [3, 4]]))
    a = x.grad.copy()
    with ag.record():
        y = Sigmoid()(x * 2)
    g = ag.grad(y, [x])
    return [a, g]


@case('function')
def fn_saved_tensors(mx, nd, ag):
    class Mul(ag.Function):
        def forward(self, a, b):
            self.save_for_backward(a, b)
            return a * b

        def backward(self, dy):
            a, b = self.saved_tensors
            return dy * b, dy * a
    a, b = nd.array([1, 2, 3]), nd.array([4, 5, 6])
    a.attach_grad()
    b.attach_grad()
    f = Mul()
    with ag.record():
        y = f(a, b)
    y.backward()
    return [y, a.grad, b.grad, len(f.saved_tensors)]


@case('function', phrase='Each Function instance can only be called once')
def fn_single_use(mx, nd, ag):
    Sigmoid = _sigmoid_cls(ag, nd)
    f = Sigmoid()
    x = nd.array([1, 2])
    x.attach_grad()
    with ag.record():
        f(x)
        f(x)


@case('function')
def fn_tuple_outputs(mx, nd, ag):
    class Two(ag.Function):
        def forward(self, x):
            return x * 2, x * x

        def backward(self, d1, d2):
            x = self.x
            return d1 * 2 + d2 * 2 * x
    x = nd.array([1, 2, 3])
    x.attach_grad()
    f = Two()
    f.x = x
    with ag.record():
        a, b = f(x)
        y = a + b * 3
    y.backward()
    g1 = x.grad.copy()
    f2 = Two()
    f2.x = x
    with ag.record():
        a, b = f2(x)
    b.backward()
    return [a, b, g1, x.grad]


@case('function')
def fn_is_training_in_forward(mx, nd, ag):
    seen = []

    class Probe(ag.Function):
        def forward(self, x):
            seen.append((ag.is_recording(), ag.is_training()))
            return x * 1

        def backward(self, dy):
            seen.append(('bw', ag.is_recording(), ag.is_training()))
            return dy
    x = nd.ones((2,))
    x.attach_grad()
    with ag.record():
        y = Probe()(x)
    y.backward()
    nd.waitall()  # MXNet runs a Function's backward on its engine thread
    with ag.record(train_mode=False):
        y = Probe()(x)
    y.backward(train_mode=False)
    nd.waitall()
    Probe()(x)
    with ag.train_mode():
        Probe()(x)
    return seen


def _bad_backward_outcome(ag, nd, bad_backward):
    """Record x*2 through a Function whose backward is `bad_backward`; the error class, if any."""
    class Bad(ag.Function):
        def forward(self, x):
            return x * 2

        def backward(self, dy):
            return bad_backward(dy)
    x = nd.array([1, 2])
    x.attach_grad()
    with ag.record():
        y = Bad()(x)
    try:
        y.backward()
        x.grad.asnumpy()
        return 'no error'
    except Exception as e:
        return type(e).__name__


@case('function')
def fn_wrong_count(mx, nd, ag):
    return _bad_backward_outcome(ag, nd, lambda dy: (dy, dy))


@case('function')
def fn_wrong_shape(mx, nd, ag):
    return _bad_backward_outcome(ag, nd, lambda dy: nd.ones((3,)))


@case('function')
def fn_grad_req_add(mx, nd, ag):
    # MXNet 1.9.1 leaves zero in an 'add' input's gradient; mxjax accumulates (see docs/autograd.md).
    Sigmoid = _sigmoid_cls(ag, nd)
    x = nd.array([0.0, 1.0])
    x.attach_grad(grad_req='add')
    for _ in range(2):
        with ag.record():
            y = Sigmoid()(x)
        y.backward()
    return x.grad


@case('function')
def fn_outside_record(mx, nd, ag):
    Sigmoid = _sigmoid_cls(ag, nd)
    x = nd.array([0.0, 1.0])
    x.attach_grad()
    y = Sigmoid()(x)
    try:
        y.backward()
        err = 'no error'
    except Exception as e:
        err = type(e).__name__
    return [y, err]


@case('function')
def fn_composed_with_ops(mx, nd, ag):
    Sigmoid = _sigmoid_cls(ag, nd)
    x = nd.array([[0.5, -1], [2, 0]])
    w = nd.array([[1, 2], [3, 4]])
    x.attach_grad()
    w.attach_grad()
    with ag.record():
        h = nd.dot(x, w)
        y = Sigmoid()(h)
        z = (y * y).sum()
    z.backward()
    return [z, x.grad, w.grad]


@case('function')
def fn_unattached_input(mx, nd, ag):
    class Mul(ag.Function):
        def forward(self, a, b):
            self.save_for_backward(a, b)
            return a * b

        def backward(self, dy):
            a, b = self.saved_tensors
            return dy * b, dy * a
    a, b = nd.array([1, 2]), nd.array([3, 4])
    a.attach_grad()
    with ag.record():
        y = Mul()(a, b)
    y.backward()
    return [a.grad, b.grad is None]


@case('function')
def fn_get_symbol(mx, nd, ag):
    Sigmoid = _sigmoid_cls(ag, nd)
    x = nd.array([1, 2])
    x.attach_grad()
    with ag.record():
        y = Sigmoid()(x * 2)
    return _canon_symbol(ag.get_symbol(y))


# ================================================================== mx.test_utils
@case('test_utils')
def tu_assert_almost_equal(mx, nd, ag):
    tu = mx.test_utils
    pairs = [
        (nd.array([1, 2]), nd.array([1, 2.0001])), (nd.array([1, 2]), nd.array([1, 2.01])),
        (np.array([1, 2], np.float32), np.array([1, 2.0005], np.float32)),
        (np.array([1.0, 2.0]), np.array([1.0, 2.0001])), (np.array([1.0, 2.0]), np.array([1.0, 2.00001])),
        (nd.array([1, 2], dtype='float16'), nd.array([1.01, 2.05], dtype='float16')),
        (nd.array([1, 2], dtype='int32'), nd.array([1, 3], dtype='int32')),
        (nd.array([0, 0]), nd.array([0.0009, -0.0009])), (nd.array([0, 0]), nd.array([0.002, 0])),
        (nd.array([np.nan, 1]), nd.array([np.nan, 1])), (nd.ones((2, 3)), np.ones((1, 3), np.float32)),
        (nd.array([1, 2]), np.array([1, 2.0001], np.float64)), (nd.array([3]), 3.0001),
    ]
    out = []
    for a, b in pairs:
        try:
            tu.assert_almost_equal(a, b)
            out.append('pass')
        except AssertionError:
            out.append('fail')
    for a, b, kw in ((nd.array([1, 2]), nd.array([1, 2.01]), dict(rtol=1e-2)),
                     (nd.array([1, 2]), nd.array([1, 2.01]), dict(rtol=1e-5, atol=0.02)),
                     (nd.array([np.nan, 1]), nd.array([np.nan, 1]), dict(equal_nan=True)),
                     (np.array([1.0, 2.0]), np.array([1.0, 2.0001]), dict(rtol={np.dtype(np.float64): 1e-3})),
                     (nd.array([1, 2]), nd.array([1, 2.01]), dict(atol=1e-8, rtol=1e-8))):
        try:
            tu.assert_almost_equal(a, b, **kw)
            out.append('pass')
        except AssertionError:
            out.append('fail')
    return out


@case('test_utils')
def tu_almost_equal_same(mx, nd, ag):
    tu = mx.test_utils
    a = np.array([1.0, 2.0])
    return [tu.almost_equal(a, a + 1e-6), tu.almost_equal(a, a + 1e-4), tu.almost_equal(a, a + 1e-4, rtol=1e-3),
            tu.almost_equal(np.array([np.nan]), np.array([np.nan])),
            tu.almost_equal(np.array([np.nan]), np.array([np.nan]), equal_nan=True),
            tu.same(a, a.copy()), tu.same(a, a + 1e-9), tu.same(np.array([1, 2]), np.array([[1, 2]])),
            tu.get_rtol(), tu.get_atol(), tu.get_rtol(0.5), tu.get_atol(dtype=np.dtype(np.float32))]


@case('test_utils', phrase='Location of maximum error')
def tu_assert_message(mx, nd, ag):
    mx.test_utils.assert_almost_equal(nd.array([1, 2]), nd.array([1, 3]), names=('x', 'y'))


@case('test_utils')
def tu_rand(mx, nd, ag):
    tu = mx.test_utils
    np.random.seed(0)
    a = tu.rand_ndarray((2, 3))
    b = tu.rand_ndarray((4,), dtype='float64')
    c = tu.rand_ndarray((2, 2), density=0.5, ctx=mx.cpu(1))
    s = tu.rand_shape_nd(4, dim=3)
    s2 = tu.rand_shape_2d()
    return [a, b, a.shape, a.dtype, b.dtype, c.context, c.stype, len(s), all(1 <= d <= 3 for d in s), len(s2),
            tu.default_context(), a.context]


# ================================================================== examples
TOUR = os.path.join(HERE, '..', '..', 'examples', 'autograd_tour.py')


# ================================================================== core gaps (issue 6, part 5)
@case('core_gaps')
def int_scalar_arithmetic_wraps(mx, nd, ag):
    u8 = nd.array([0, 5, 250], dtype='uint8')
    i8 = nd.array([100, -100, 7], dtype='int8')
    y = nd.array([0, 5, 250], dtype='uint8')
    y -= 1
    return [u8 - 1, -u8, u8 + 300, u8 * 2.7, u8 - 1.5, i8 + 100, i8 * -3, -i8, y,
            nd.array([7, -7], dtype='int32') / 2, nd.array([2 ** 40], dtype='int64') + 3]


@case('core_gaps')
def float_to_int_casts_wrap(mx, nd, ag):
    x = nd.array([-1, 300, 2.7, -2.7, 255.9, 256])
    big = nd.array([3e9, -3e9, 1e10], dtype='float64')
    return [x.astype('uint8'), x.astype('int8'), x.astype('int32'), big.astype('int32'),
            nd.array([-1, 300], dtype='int32').astype('uint8'), nd.array([200], dtype='int32').astype('int8')]


@case('core_gaps')
def array_from_out_of_range_ints_wraps(mx, nd, ag):
    return [nd.array([200], dtype='int8'), nd.array([-1, 256, 300], dtype='uint8'),
            nd.array([2 ** 31], dtype='int32')]


@case('core_gaps')
def setitem_out_of_range_wraps(mx, nd, ag):
    u8 = nd.zeros((4,), dtype='uint8')
    u8[:] = -1
    a = u8.copy()
    u8[1] = 300
    u8[2:4] = -2
    return [a, u8]


@case('core_gaps')
def bool_array_with_scalar_promotes(mx, nd, ag):
    b = nd.array([1, 0, 1], dtype='bool')
    return [b + 1, b * 2.5, b == 1, b - 1, b / 2, 1 + b, b > 0]


@case('core_gaps')
def negative_zero_scalar_keeps_sign(mx, nd, ag):
    x = nd.array([1.0, -2.0, 0.0])
    a = x * 0.0
    b = x * -0.0
    c = x + -0.0
    return [np.signbit(a.asnumpy()), np.signbit(b.asnumpy()), np.signbit(c.asnumpy()),
            np.signbit((x * -0.0).asnumpy())]


@case('core_gaps')
def nan_scalar(mx, nd, ag):
    x = nd.array([1.0, -2.0])
    return [x + float('nan'), x * float('nan'), nd.maximum(x, float('nan')), x + float('inf')]


@case('core_gaps')
def arange_integer_dtype_steps(mx, nd, ag):
    return [nd.arange(0, 10, 2.5, dtype='int64'), nd.arange(0, 5, 1.5, dtype='int32'),
            nd.arange(-3, 3, 1.7, dtype='int64'), nd.arange(0.5, 4, dtype='int32'),
            nd.arange(10, 0, -2.5, dtype='int32')]


@case('core_gaps')
def asscalar_shapes(mx, nd, ag):
    return [nd.array([[3]]).asscalar(), nd.array([[[4]]], dtype='int32').asscalar(),
            nd.array([5]).asscalar()]


@case('core_gaps')
def asscalar_not_scalar(mx, nd, ag):
    return nd.array([1, 2]).asscalar()


@case('core_gaps')
def context_default_ctx(mx, nd, ag):
    return [mx.Context.default_ctx, mx.context.Context.default_ctx, mx.current_context()]


@case('core_gaps')
def detach_shares_memory(mx, nd, ag):
    x = nd.array([1, 2, 3])
    y = x.detach()
    y[:] = 5
    a = x.copy()
    x[1] = 7
    return [a, y, x]


@case('core_gaps')
def detach_of_view_shares_memory(mx, nd, ag):
    x = nd.array([[1, 2], [3, 4]])
    y = x[1].detach()
    y[:] = 9
    return [x, y]


@case('core_gaps')
def array_of_ndarray_under_record_keeps_gradient(mx, nd, ag):
    x = nd.array([1.0, 2.0])
    x.attach_grad()
    with ag.record():
        y = nd.array(x) * 3
        z = nd.array(x, dtype='float64') * 2
        w = (y + z.astype('float32')).sum()
    w.backward()
    return [y, z, x.grad]


@case('core_gaps')
def numpy_float_of_reduction(mx, nd, ag):
    # the "Dive into Deep Learning" idiom: float() of a shape-(1,) reduction's asnumpy()
    x = nd.array([[1.0, 2.0], [3.0, 5.0]])
    m = x.mean()
    return [m.shape, float(m.asnumpy()), int(x.sum().astype('int32').asnumpy()),
            float(x.max().asnumpy()), float(nd.array([[2.5]]).asnumpy())]


@case('core_gaps')
def np_array_of_ndarray_is_writable(mx, nd, ag):
    a = nd.array([1.0, 2.0]).asnumpy()
    a[0] = 5
    return [a, a.flags.writeable]


@case('core_gaps')
def reshape_view_sees_later_writes(mx, nd, ag):
    x = nd.arange(6)
    v = x.reshape((2, 3))
    x[:] = 1
    w = x.reshape((3, 2))
    w[0] = 9
    return [v, x]


@case('core_gaps', phrase='Inplace operations')
def inplace_add_of_recorded_value_raises(mx, nd, ag):
    x = nd.ones((2,))
    v = nd.ones((2,))
    v.attach_grad()
    with ag.record():
        w = v * 2
        x += w
    return x


@case('core_gaps')
def save_writes_each_contexts_id(mx, nd, ag):
    import tempfile
    d = tempfile.mkdtemp()
    nd.save(os.path.join(d, 'a'), [nd.ones((2,), ctx=mx.cpu(1)), nd.ones((1,), ctx=mx.cpu(3))])
    with open(os.path.join(d, 'a'), 'rb') as f:
        return f.read().hex()


@case('core_gaps')
def norm_out_dtype_equal_to_the_input(mx, nd, ag):
    return [nd.norm(nd.array([[1., 2.], [3., 4.]]), out_dtype='float32'),
            nd.norm(nd.array([[1., 2.]], dtype='float64'), out_dtype='float64')]


@case('core_gaps')
def dlpack_round_trips(mx, nd, ag):
    x = nd.array([[1, 2, 3], [4, 5, 6]])
    r = nd.from_dlpack(x.to_dlpack_for_read())
    w = nd.from_dlpack(x.to_dlpack_for_write())
    w += 1
    y = nd.array([7, 8], dtype='int32')
    r2 = nd.from_dlpack(nd.to_dlpack_for_read(y))
    return [r.shape, w, x, r2]


@case('core_gaps')
def softmax_temperatures(mx, nd, ag):
    # temperature is a traced operand in mxjax: values, gradients and the recorded attribute
    x = nd.array([[1., 2., 4.], [0.5, -1., 3.]])
    x.attach_grad()
    outs = []
    for t in (None, 2.0, 0.5, 3):
        with ag.record():
            y = (nd.softmax(x, temperature=t) * nd.log_softmax(x, temperature=t)
                 + nd.softmin(x, axis=0, temperature=t))
        sym = _canon_symbol(ag.get_symbol(y))
        y.backward(nd.array([[1., 2., 3.], [-1., 0.5, 2.]]))
        outs += [y, x.grad.copy(), sym]
    try:
        ag.get_symbol(y)  # the graph is gone after backward
    except Exception as e:
        outs.append(type(e).__name__)
    return outs


@case('core_gaps')
def unknown_op_arguments(mx, nd, ag):
    # an op without parameters ignores unknown keyword arguments; one with parameters rejects them
    a, b = nd.array([[1., -2., 3.], [4., 5., -6.]]), nd.ones((2, 1))
    outs = [nd.relu(a, foo=1), nd.broadcast_add(a, b, axis=1), nd.sigmoid(a, axis=0), nd.negative(a, foo=1),
            nd.elemwise_add(a, a, foo=1)]
    for f in (lambda: nd.sum(a, foo=1), lambda: nd.Activation(a, act_type='relu', foo=1),
              lambda: nd.dot(a, a.T, foo=1), lambda: nd.ones((3,)).reshape((2, 2)),
              lambda: nd.ones((6,)).reshape((4,))):
        try:
            outs.append(f())
        except Exception as e:  # noqa: BLE001 -- the error type is the fact
            outs.append(type(e).__name__)
    return outs


@case('core_gaps')
def repeated_heads_take_the_last_head_gradient(mx, nd, ag):
    x = nd.array([1., 2.])
    x.attach_grad()
    outs = []
    with ag.record():
        y = x * 3
    ag.backward([y, y], [nd.array([10., 10.]), nd.array([1., 1.])])
    outs.append(x.grad.copy())
    with ag.record():
        y = x * 3
        z = y * 1
    ag.backward([y, z], [nd.array([10., 10.]), nd.array([1., 1.])])
    outs.append(x.grad.copy())
    with ag.record():
        y = x * 3
    outs.append(ag.grad([y, y], [x], head_grads=[nd.array([10., 10.]), nd.array([1., 1.])])[0])
    return outs


def load_tour(mx):
    """examples/autograd_tour.py as a module whose `import mxjax as mx` binds the module `mx`."""
    import importlib.util
    saved = sys.modules.get('mxjax')
    sys.modules['mxjax'] = mx  # for MXNet: the tour's own code, unchanged, runs on mxnet
    try:
        spec = importlib.util.spec_from_file_location('autograd_tour_%s' % mx.__name__, TOUR)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
    finally:
        if saved is None:
            del sys.modules['mxjax']
        else:
            sys.modules['mxjax'] = saved
    return mod


@case('examples')
def example_tour(mx, nd, ag):
    return load_tour(mx).tour()


def main():
    import mxnet as mx
    assert mx.__version__ == '1.9.1', mx.__version__
    out = {}
    for name, (group, _, phrase) in CASES.items():
        res = run_case(name, mx)
        if phrase is not None:
            assert isinstance(res, dict) and res.get('t') == 'error' and phrase in res['message'], \
                '%s: MXNet gave %r, not an error with %r' % (name, res, phrase)
        out[name] = {'group': group, 'phrase': phrase, 'result': res}
    with open(GOLDEN, 'w') as f:
        json.dump(out, f, indent=0, sort_keys=True)
        f.write('\n')
    print('wrote %d cases to %s (%d bytes)' % (len(out), GOLDEN, os.path.getsize(GOLDEN)), file=sys.stderr)


if __name__ == '__main__':
    main()
