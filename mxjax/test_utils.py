"""mx.test_utils: the helpers MXNet users' own tests import.

assert_almost_equal / almost_equal / same compare NDArrays, NumPy arrays and numbers with
MXNet's per-dtype default tolerances. check_numeric_gradient takes a Python function of
NDArrays (mxjax has no Symbol executor) and compares autograd's gradients with central
finite differences.
"""
import functools
import numbers

import numpy as np

from . import autograd
from .base import MXNetError
from .context import Context, current_context
from .ndarray.ndarray import NDArray, array

# MXNet's default tolerances per dtype (rtol, atol), used when rtol/atol are None.
_RTOL = {np.dtype(np.float16): 1e-2, np.dtype(np.float32): 1e-4, np.dtype(np.float64): 1e-5}
_ATOL = {np.dtype(np.float16): 1e-1, np.dtype(np.float32): 1e-3, np.dtype(np.float64): 1e-20}
# Finite-difference steps: powers of two, so x + eps/2 loses no bits.
_NUMERIC_EPS = {np.dtype(np.float16): 1.0 / 2 ** 6, np.dtype(np.float32): 1.0 / 2 ** 9,
                np.dtype(np.float64): 1.0 / 2 ** 14}


def default_context():
    """The context tests run on: the current context."""
    return current_context()


def set_default_context(ctx):
    """Make `ctx` the current context of this thread (what default_context() returns)."""
    if not isinstance(ctx, Context):
        raise TypeError('set_default_context expects a Context, got %s' % type(ctx).__name__)
    Context._local.value = ctx


def default_dtype():
    return np.float32


def get_rtol(rtol=None, dtype=np.dtype(np.float64)):
    return _RTOL.get(np.dtype(dtype), 0) if rtol is None else rtol


def get_atol(atol=None, dtype=np.dtype(np.float64)):
    return _ATOL.get(np.dtype(dtype), 0) if atol is None else atol


def _tol(x, tol, table):
    if isinstance(tol, numbers.Number):
        return tol
    dt = np.dtype(getattr(x, 'dtype', np.asarray(x).dtype))
    tol = {} if tol is None else {np.dtype(k): v for k, v in tol.items()}
    return tol.get(dt, table.get(dt, 0))


def get_tols(x, y, rtol, atol):
    """The (rtol, atol) to compare x and y: given numbers, or the larger dtype default of the two."""
    return (max(_tol(x, rtol, _RTOL), _tol(y, rtol, _RTOL)),
            max(_tol(x, atol, _ATOL), _tol(y, atol, _ATOL)))


def _np(a):
    return a.asnumpy() if isinstance(a, NDArray) else np.asarray(a)


def same(a, b):
    """True when a and b have equal shapes and elements."""
    return np.array_equal(_np(a), _np(b))


def same_array(array1, array2):
    """True when the two NDArrays share memory (writing one shows in the other)."""
    if array1.shape != array2.shape or array1.size == 0:
        return array1.shape == array2.shape and array1.size == 0
    old = array1.asnumpy()
    probe = np.where(old == 0, 1, old * 2 + 1).astype(old.dtype)
    array1[:] = probe
    shared = same(array1, array2)
    array1[:] = old
    return shared and not np.array_equal(probe, old)


def almost_equal(a, b, rtol=None, atol=None, equal_nan=False, use_broadcast=True):
    """np.allclose on a and b with MXNet's default tolerances (rtol 1e-5, atol 1e-20)."""
    a, b = _np(a), _np(b)
    if not use_broadcast and a.shape != b.shape:
        return False
    return bool(np.allclose(a, b, rtol=get_rtol(rtol), atol=get_atol(atol), equal_nan=equal_nan))


def assert_almost_equal(a, b, rtol=None, atol=None, names=('a', 'b'), equal_nan=False,
                        use_broadcast=True, mismatches=(10, 10)):
    """Raise AssertionError unless |a - b| <= atol + rtol * |b| elementwise.

    rtol/atol: a number, a {dtype: tol} dict, or None for MXNet's defaults by dtype
    (float16 1e-2/1e-1, float32 1e-4/1e-3, float64 1e-5/1e-20, integers exact).
    The message names the arrays, the worst element and how many elements differ.
    """
    rtol, atol = get_tols(a, b, rtol, atol)
    a, b = _np(a), _np(b)
    if not use_broadcast and a.shape != b.shape:
        raise AssertionError('%s.shape = %s and %s.shape = %s are not equal' % (names[0], a.shape, names[1], b.shape))
    if a.dtype == np.bool_ and b.dtype == np.bool_:
        np.testing.assert_equal(a, b)
        return
    try:
        a, b = np.broadcast_arrays(a, b)
    except ValueError:
        raise AssertionError('%s.shape = %s and %s.shape = %s cannot be broadcast together'
                             % (names[0], a.shape, names[1], b.shape)) from None
    if np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan):
        return
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    diff = np.where(a64 == b64, 0, np.abs(a64 - b64))
    if equal_nan:
        diff = np.where(np.isnan(a64) & np.isnan(b64), 0, diff)
    diff = np.where(np.isnan(diff), np.inf, diff)
    violation = diff / (atol + rtol * np.abs(b64) + 1e-20)
    bad = violation > 1
    worst = tuple(int(i) for i in np.unravel_index(np.argmax(violation), violation.shape))
    lines = ['Error %f exceeds tolerance rtol=%e, atol=%e (mismatch %f%%).'
             % (violation[worst], rtol, atol, 100.0 * bad.sum() / max(bad.size, 1)),
             'Location of maximum error: %s, %s=%.8f, %s=%.8f'
             % (worst, names[0], a64[worst], names[1], b64[worst])]
    for idx in list(zip(*np.nonzero(bad)))[:mismatches[0]]:
        lines.append('  at %s: %s=%.8f, %s=%.8f' % (tuple(int(i) for i in idx), names[0], a64[idx],
                                                     names[1], b64[idx]))
    with np.printoptions(threshold=8, suppress=True):
        lines += [' %s: %s' % (names[0], a), ' %s: %s' % (names[1], b)]
    raise AssertionError('\n'.join(lines))


def assert_allclose(a, b, rtol=1e-07, atol=0, equal_nan=True):
    assert_almost_equal(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)


def assert_exception(f, exception_type, *args, **kwargs):
    """Assert that f(*args, **kwargs) raises exception_type."""
    try:
        f(*args, **kwargs)
    except exception_type:
        return
    raise AssertionError('%s did not raise %s' % (getattr(f, '__name__', f), exception_type.__name__))


def retry(n):
    """Decorator: rerun a flaky (random) test up to n times before letting it fail."""
    assert n > 0

    def deco(f):
        @functools.wraps(f)
        def wrapper(*args, **kwargs):
            for i in range(n):
                try:
                    return f(*args, **kwargs)
                except AssertionError:
                    if i == n - 1:
                        raise
        return wrapper
    return deco


def random_arrays(*shapes):
    """Standard-normal float32 NumPy arrays of the given shapes (one array unless several)."""
    arrays = [np.array(np.random.randn(), dtype=default_dtype()) if len(s) == 0
              else np.random.randn(*s).astype(default_dtype()) for s in shapes]
    return arrays[0] if len(arrays) == 1 else arrays


def rand_ndarray(shape, stype='default', density=None, dtype=None, modifier_func=None,
                 shuffle_csr_indices=False, distribution=None, ctx=None):
    """A standard-normal NDArray (float32 unless dtype says) drawn from NumPy's global RNG.

    Only stype='default' exists: mxjax arrays are dense (density is ignored, as in MXNet).
    """
    if stype != 'default':
        raise MXNetError("rand_ndarray: stype=%r is not supported; mxjax arrays are dense (valid: 'default')"
                         % (stype,))
    arr = array(random_arrays(tuple(shape)), ctx=ctx or default_context(), dtype=dtype)
    return modifier_func(arr) if modifier_func is not None else arr


def rand_shape_2d(dim0=10, dim1=10, allow_zero_size=False):
    low = 0 if allow_zero_size else 1
    return np.random.randint(low, dim0 + 1), np.random.randint(low, dim1 + 1)


def rand_shape_3d(dim0=10, dim1=10, dim2=10, allow_zero_size=False):
    low = 0 if allow_zero_size else 1
    return np.random.randint(low, dim0 + 1), np.random.randint(low, dim1 + 1), np.random.randint(low, dim2 + 1)


def rand_shape_nd(num_dim, dim=10, allow_zero_size=False):
    """A random shape of num_dim axes, each in [1, dim] ([0, dim] with allow_zero_size)."""
    low = 0 if allow_zero_size else 1
    return tuple(int(d) for d in np.random.randint(low, dim + 1, size=num_dim))


def _parse_location(location, dtype):
    """location -> (names, list of float NumPy arrays, keyword call?)."""
    if isinstance(location, dict):
        names = list(location)
        values = [location[k] for k in names]
        keyword = True
    elif isinstance(location, (list, tuple)):
        names = list(range(len(location)))
        values = list(location)
        keyword = False
    else:
        names, values, keyword = [0], [location], False
    return names, [_np(v).astype(dtype) for v in values], keyword


def check_numeric_gradient(sym, location, aux_states=None, numeric_eps=None, rtol=None, atol=None,
                           grad_nodes=None, use_forward_train=True, ctx=None, grad_stype_dict=None,
                           dtype=np.float32):
    """Check autograd's gradients of `sym` against central finite differences.

    Differs from MXNet: `sym` is a Python function of NDArrays returning one NDArray (mxjax
    has no Symbol executor), e.g. `lambda x, w: nd.dot(x, w)`. `location` is a list of
    arrays (positional arguments) or a dict {name: array} (keyword arguments). grad_nodes
    names the arguments to check (default: all; a dict {name: 'write'|'add'|'null'} also
    sets each one's grad_req); the others are held constant. As in MXNet, the output is
    projected on a fixed random tensor so one backward checks every element.
    aux_states and grad_stype_dict are accepted for signature compatibility and unused.
    """
    dtype = np.dtype(dtype)
    if dtype.type not in (np.float16, np.float32, np.float64):
        raise MXNetError('check_numeric_gradient: dtype=%s is not valid; valid: float16, float32, float64'
                         % dtype.name)
    ctx = ctx or default_context()
    names, values, keyword = _parse_location(location, dtype)
    if grad_nodes is None:
        reqs = {k: 'write' for k in names}
    elif isinstance(grad_nodes, dict):
        reqs = dict(grad_nodes)
    else:
        reqs = {k: 'write' for k in grad_nodes}
    unknown = [k for k in reqs if k not in names]
    if unknown:
        raise MXNetError('check_numeric_gradient: grad_nodes %s are not arguments; arguments: %s'
                         % (unknown, names))
    eps = numeric_eps if numeric_eps is not None else _NUMERIC_EPS[dtype]

    def call(arrays):
        if keyword:
            return sym(**dict(zip(names, arrays)))
        return sym(*arrays)

    def forward_np(vals):
        with autograd.train_mode() if use_forward_train else autograd.predict_mode():
            out = call([array(v, ctx=ctx, dtype=dtype) for v in vals])
        if not isinstance(out, NDArray):
            raise MXNetError('check_numeric_gradient: the function must return one NDArray, got %s'
                             % type(out).__name__)
        return out.asnumpy().astype(np.float64)

    out_shape = forward_np(values).shape
    rng = np.random.RandomState(1234)
    proj = rng.rand(*out_shape) + 0.1  # not too small, or finite differences lose precision

    # Autograd: backward of sum(out * proj) is backward with head gradient proj.
    inputs = [array(v, ctx=ctx, dtype=dtype) for v in values]
    initial = {}
    for k, x in zip(names, inputs):
        if k in reqs:
            x.attach_grad(grad_req=reqs[k])
            if reqs[k] == 'add':
                initial[k] = rng.normal(0, 0.01, size=x.shape).astype(dtype)
                x.grad[:] = initial[k]
    with autograd.record(train_mode=use_forward_train):
        out = call(inputs)
    out.backward(array(proj, ctx=ctx, dtype=out.dtype))

    for i, (k, x) in enumerate(zip(names, inputs)):
        if k not in reqs:
            continue
        label = ('NUMERICAL_%s' % k, 'BACKWARD_%s' % k)
        if reqs[k] == 'null':
            if x.grad is not None and np.any(x.grad.asnumpy()):
                raise AssertionError('%s has grad_req null but received a gradient' % (k,))
            continue
        numeric = np.zeros(values[i].shape, np.float64)
        flat = values[i].reshape(-1)  # a view: edits move the evaluation point
        for j in range(flat.size):
            old = flat[j]
            flat[j] = old + eps / 2
            f_plus = (forward_np(values) * proj).sum()
            flat[j] = old - eps / 2
            f_minus = (forward_np(values) * proj).sum()
            flat[j] = old
            numeric.reshape(-1)[j] = (f_plus - f_minus) / eps
        got = x.grad.asnumpy().astype(np.float64)
        if reqs[k] == 'add':
            got = got - initial[k]
        assert_almost_equal(numeric.astype(dtype), got.astype(dtype), rtol, atol, label)
