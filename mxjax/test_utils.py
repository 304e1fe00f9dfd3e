"""mx.test_utils: the helpers MXNet users' own tests import.

`from mxjax.test_utils import *` gives the same names as `from mxnet.test_utils import *`
(`mx` is mxjax, `np` NumPy). assert_almost_equal / almost_equal / same compare NDArrays,
NumPy arrays and numbers with MXNet's per-dtype default tolerances. mxjax has no Symbol
executor, so check_numeric_gradient, check_consistency and check_speed take a Python
function of NDArrays instead of a Symbol; the helpers that only make sense for Symbols,
sparse storage, mx.io or Gluon raise MXNetError naming the missing piece. The dataset
helpers never use the network: they read the files where MXNet would have downloaded them.
"""
# The standard modules MXNet's test_utils imports are part of what `import *` gives.
import time
import gzip
import struct
import traceback
import numbers
import sys
import os
import platform
import errno  # noqa: F401  (MXNet's test_utils exports it)
import logging
import bz2
import zipfile
import json
from contextlib import contextmanager
from collections import OrderedDict
import functools as _functools
import importlib as _importlib

import numpy as np
import numpy.testing as npt
import numpy.random as rnd

import mxjax as mx
from . import autograd as _autograd
from .base import MXNetError as _MXNetError
from .context import Context, current_context, num_gpus as _num_gpus
from .ndarray.ndarray import NDArray as _NDArray, array


def _open(name, needs, instead=None):
    """The MXNetError of a name whose MXNet behaviour needs a piece mxjax does not have yet."""
    msg = '%s needs %s, which mxjax does not have yet' % (name, needs)
    return _MXNetError(msg + ('; %s' % instead if instead else ''))


# ------------------------------------------------------------------ names MXNet re-exports
class Symbol:
    """Placeholder for mx.sym.Symbol: nothing is a Symbol in mxjax (isinstance checks are False)."""

    def __init__(self, *args, **kwargs):
        raise _open('Symbol', 'mx.sym')


class np_symbol(Symbol):
    """Placeholder for mx.sym.np._Symbol."""

    def __init__(self, *args, **kwargs):
        raise _open('np_symbol', 'mx.sym.np')


def use_np(func):
    """MXNet's decorator switching a function or class to mx.np semantics."""
    raise _open('use_np', 'mx.np (NumPy-compatible arrays)')


def getenv(name):
    """The value of environment variable `name`, or None. mxjax has no separate C runtime, so
    this is os.environ (MXNet reads the backend's copy)."""
    return os.environ.get(name)


def setenv(name, value):
    """Set environment variable `name` to the string `value`, or unset it when value is None.
    Differs from MXNet: it sets os.environ (MXNet sets only the backend's C runtime copy)."""
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


_FEATURE_NAMES = ('CUDA', 'CUDNN', 'NCCL', 'CUDA_RTC', 'TENSORRT', 'CPU_SSE', 'CPU_SSE2', 'CPU_SSE3',
                  'CPU_SSE4_1', 'CPU_SSE4_2', 'CPU_SSE4A', 'CPU_AVX', 'CPU_AVX2', 'OPENMP', 'SSE', 'F16C',
                  'JEMALLOC', 'BLAS_OPEN', 'BLAS_ATLAS', 'BLAS_MKL', 'BLAS_APPLE', 'LAPACK', 'MKLDNN',
                  'OPENCV', 'CAFFE', 'PROFILER', 'DIST_KVSTORE', 'CXX14', 'INT64_TENSOR_SIZE',
                  'SIGNAL_HANDLER', 'DEBUG', 'TVM_OP')


class Features(OrderedDict):
    """mx.runtime.Features: MXNet's build features as mxjax has them (CUDA when JAX sees a GPU,
    INT64_TENSOR_SIZE always; the others are MXNet build options and are off)."""

    def __init__(self):
        super().__init__()
        on = {'CUDA': _num_gpus() > 0, 'INT64_TENSOR_SIZE': True}
        for name in _FEATURE_NAMES:
            self[name] = on.get(name, False)

    def is_enabled(self, feature_name):
        name = feature_name.upper()
        if name not in self:
            raise RuntimeError("Feature '%s' is unknown, known features are: %s" % (feature_name, list(self)))
        return self[name]


def get_cuda_compute_capability(ctx):
    """The CUDA compute capability of a gpu context as an int (e.g. 80 for sm_80)."""
    if ctx.device_type != 'gpu':
        raise ValueError('Expecting a gpu context to get cuda compute capability, while received ctx %s' % ctx)
    cc = getattr(ctx.jax_device, 'compute_capability', None)
    if not cc:
        raise OSError('%s has no CUDA compute capability (JAX device %s)' % (ctx, ctx.jax_device))
    major, minor = str(cc).split('.')[:2]
    return int(major) * 10 + int(minor)


_LAZY = {'ss': 'scipy.stats', 'requests': 'requests'}


def __getattr__(name):
    # Optional and slow to import: bound on first use (a star import), None if not installed.
    if name not in _LAZY:
        raise AttributeError('module %r has no attribute %r' % (__name__, name))
    try:
        mod = _importlib.import_module(_LAZY[name])
    except ImportError:
        mod = None
    globals()[name] = mod
    return mod


# ------------------------------------------------------------------ contexts, dtypes, tolerances
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


_INT_TYPES = (np.bool_, np.int8, np.uint8, np.int32, np.uint32, np.int64, np.uint64)


def default_rtols():
    """Relative tolerance per dtype (a fresh dict, as MXNet's)."""
    return {np.dtype(np.float16): 1e-2, np.dtype(np.float32): 1e-4, np.dtype(np.float64): 1e-5,
            **{np.dtype(t): 0 for t in _INT_TYPES}}


def default_atols():
    """Absolute tolerance per dtype (a fresh dict, as MXNet's)."""
    return {np.dtype(np.float16): 1e-1, np.dtype(np.float32): 1e-3, np.dtype(np.float64): 1e-20,
            **{np.dtype(t): 0 for t in _INT_TYPES}}


def default_numeric_eps():
    """Finite-difference step per float dtype: powers of two, so x + eps/2 loses no bits."""
    return {np.dtype(np.float16): 1.0 / 2 ** 6, np.dtype(np.float32): 1.0 / 2 ** 9,
            np.dtype(np.float64): 1.0 / 2 ** 14}


def effective_dtype(dat):
    """The dtype whose tolerance fits `dat`: float16 for float32 data on a GPU of compute
    capability >= 8.0 (TF32 matmuls and convolutions keep about float16's mantissa), else its dtype."""
    dtype = np.dtype(dat.dtype)
    ctx = getattr(dat, 'ctx', None)
    if dtype == np.float32 and isinstance(ctx, Context) and ctx.device_type == 'gpu' \
            and os.environ.get('NVIDIA_TF32_OVERRIDE') != '0':
        try:
            if get_cuda_compute_capability(ctx) >= 80:
                return np.dtype(np.float16)
        except (ValueError, OSError, _MXNetError):
            pass
    return dtype


def get_tolerance(dat, tol, default_tol):
    """`tol` if a number, else the entry for dat's effective dtype in `tol` (a {dtype: tol}
    dict or None), falling back to `default_tol`. Differs from MXNet: dict keys may be
    dtype-likes (np.float32, 'float32'), and a dtype missing from both dicts gets 0, not KeyError."""
    if isinstance(tol, numbers.Number):
        return tol
    dtype = effective_dtype(dat)
    tol = {} if tol is None else {np.dtype(k): v for k, v in tol.items()}
    return tol.get(dtype, default_tol.get(dtype, 0))


def get_tols(x, y, rtol, atol):
    """The (rtol, atol) to compare x and y: given numbers, or the larger dtype default of the two."""
    x = np.array(x) if isinstance(x, numbers.Number) else x
    y = np.array(y) if isinstance(y, numbers.Number) else y
    if not hasattr(x, 'dtype'):
        x = np.asarray(x)
    if not hasattr(y, 'dtype'):
        y = np.asarray(y)
    return (max(get_tolerance(x, rtol, default_rtols()), get_tolerance(y, rtol, default_rtols())),
            max(get_tolerance(x, atol, default_atols()), get_tolerance(y, atol, default_atols())))


def get_atol(atol=None, dtype=np.dtype(np.float64)):
    return default_atols()[np.dtype(dtype)] if atol is None else atol


def get_rtol(rtol=None, dtype=np.dtype(np.float64)):
    return default_rtols()[np.dtype(dtype)] if rtol is None else rtol


def get_etol(etol=None):
    """The tolerated fraction of mismatching elements (assert_almost_equal_with_err): 0 by default."""
    return 0 if etol is None else etol


# ------------------------------------------------------------------ comparisons
def _np(a):
    return a.asnumpy() if isinstance(a, _NDArray) else np.asarray(a)


def same(a, b):
    """True when a and b have equal shapes and elements."""
    return np.array_equal(_np(a), _np(b))


def checkShapes(a, b):
    """Raise AssertionError unless a and b have the same shape."""
    if a.shape != b.shape:
        raise AssertionError(npt.build_err_msg([_np(a), _np(b)], err_msg='a.shape = %s and b.shape = %s are not equal'
                                               % (a.shape, b.shape)))


def almost_equal(a, b, rtol=None, atol=None, equal_nan=False, use_broadcast=True):
    """np.allclose on a and b with MXNet's default tolerances (rtol 1e-5, atol 1e-20)."""
    if not use_broadcast:
        checkShapes(a, b)
    return bool(np.allclose(_np(a), _np(b), rtol=get_rtol(rtol), atol=get_atol(atol), equal_nan=equal_nan))


def locationError(a, b, index, names, maxError=False):
    """The line naming the element at `index` of a and b."""
    return 'Location of %serror: %s, %s=%.8f, %s=%.8f' % ('maximum ' if maxError else '', str(index),
                                                          names[0], a[index], names[1], b[index])


def _mismatch_error(a, b, rtol, atol, names, equal_nan, mismatches):
    """The AssertionError describing where a and b (broadcast NumPy arrays) differ."""
    bad = ~np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    with np.errstate(invalid='ignore'):
        violation = np.where(a64 == b64, 0, np.abs(a64 - b64)) / (atol + rtol * np.abs(b64) + 1e-20)
    # argmax picks the first NaN, as MXNet's report does; elements that pass are never the worst.
    worst = np.unravel_index(np.argmax(np.where(bad, violation, -np.inf)), a.shape)
    worst = tuple(int(i) for i in worst)
    if a.ndim == 0:
        lines = ['Error %f exceeds tolerance rtol=%e, atol=%e.' % (violation[()], rtol, atol)]
    else:
        lines = ['Error %f exceeds tolerance rtol=%e, atol=%e (mismatch %f%%).'
                 % (violation[worst], rtol, atol, 100.0 * bad.sum() / bad.size),
                 locationError(a64, b64, worst, names, maxError=True)]
        for idx in np.argwhere(bad)[:mismatches[0]]:
            lines.append('  ' + locationError(a64, b64, tuple(int(i) for i in idx), names))
    with np.printoptions(threshold=4, suppress=True):
        return AssertionError(npt.build_err_msg([a, b], err_msg='\n'.join(lines), names=tuple(names)))


def assert_almost_equal(a, b, rtol=None, atol=None, names=('a', 'b'), equal_nan=False,
                        use_broadcast=True, mismatches=(10, 10)):
    """Raise AssertionError unless |a - b| <= atol + rtol * |b| elementwise.

    rtol/atol: a number, a {dtype: tol} dict, or None for MXNet's defaults by dtype
    (float16 1e-2/1e-1, float32 1e-4/1e-3, float64 1e-5/1e-20, integers exact).
    As in MXNet, NumPy arrays broadcast, while two NDArrays of one context and dtype must
    have equal shapes (MXNetError); NaN never equals NaN unless equal_nan=True.
    The message names the arrays, the worst element and the share of elements that differ.
    """
    if not use_broadcast:
        checkShapes(a, b)
    rtol, atol = get_tols(a, b, rtol, atol)
    if isinstance(a, _NDArray) and isinstance(b, _NDArray) and a.context == b.context \
            and a.dtype == b.dtype and a.shape != b.shape:
        raise _MXNetError('assert_almost_equal: %s.shape = %s and %s.shape = %s differ; NDArrays of the same '
                          'context and dtype must have equal shapes' % (names[0], a.shape, names[1], b.shape))
    a, b = _np(a), _np(b)
    if a.dtype == np.bool_ and b.dtype == np.bool_:
        np.testing.assert_equal(a, b)
        return
    try:
        a, b = np.broadcast_arrays(a, b)
    except ValueError:
        raise ValueError('assert_almost_equal: %s.shape = %s and %s.shape = %s cannot be broadcast together'
                         % (names[0], a.shape, names[1], b.shape)) from None
    if np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan):
        return
    raise _mismatch_error(a, b, rtol, atol, names, equal_nan, mismatches)


def assert_allclose(a, b, rtol=1e-07, atol=0, equal_nan=True):
    assert_almost_equal(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)


def assert_almost_equal_with_err(a, b, rtol=None, atol=None, etol=None, names=('a', 'b'), equal_nan=False,
                                 mismatches=(10, 10)):
    """Like assert_almost_equal, but passes while at most a fraction `etol` of the elements
    differ (etol None or 0: none may differ). As in MXNet, with etol > 0 NaN counts as a mismatch."""
    etol = get_etol(etol)
    if etol <= 0:
        assert_almost_equal(a, b, rtol=rtol, atol=atol, names=names, equal_nan=equal_nan, mismatches=mismatches)
        return
    rtol, atol = get_tols(a, b, rtol, atol)
    a, b = np.broadcast_arrays(_np(a), _np(b))
    close = np.isclose(a, b, rtol=rtol, atol=atol)
    if 1 - np.count_nonzero(close) / close.size > etol:
        raise _mismatch_error(a, b, rtol, atol, names, False, mismatches)


def assert_almost_equal_ignore_nan(a, b, rtol=None, atol=None, names=('a', 'b')):
    """assert_almost_equal after zeroing every element that is NaN in a or in b."""
    a, b = np.copy(_np(a)), np.copy(_np(b))
    nan_mask = np.logical_or(np.isnan(a), np.isnan(b))
    a[nan_mask] = 0
    b[nan_mask] = 0
    assert_almost_equal(a, b, rtol, atol, names)


def assert_exception(f, exception_type, *args, **kwargs):
    """Assert that f(*args, **kwargs) raises exception_type.

    Differs from MXNet: when f raises nothing this always fails (MXNet's check passes when
    exception_type is AssertionError or a base of it)."""
    try:
        f(*args, **kwargs)
    except exception_type:
        return
    raise AssertionError('%s did not raise %s' % (getattr(f, '__name__', f), exception_type.__name__))


def compare_ndarray_tuple(t1, t2, rtol=None, atol=None):
    """assert_almost_equal over two (nested) tuples of arrays; None on either side is skipped."""
    if t1 is None or t2 is None:
        return
    if isinstance(t1, tuple):
        for s1, s2 in zip(t1, t2):
            compare_ndarray_tuple(s1, s2, rtol, atol)
    else:
        assert_almost_equal(t1, t2, rtol=rtol, atol=atol)


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


def retry(n):
    """Decorator: rerun a flaky (random) test up to n times before letting it fail."""
    assert n > 0

    def deco(f):
        @_functools.wraps(f)
        def wrapper(*args, **kwargs):
            for i in range(n):
                try:
                    return f(*args, **kwargs)
                except AssertionError:
                    if i == n - 1:
                        raise
        return wrapper
    return deco


def np_reduce(dat, axis, keepdims, numpy_reduce_func):
    """Reduce NumPy array `dat` with numpy_reduce_func (np.sum, np.max, ...) over `axis`
    (None, an int or a list of ints), one axis at a time, keeping reduced axes if keepdims."""
    axes = [axis] if isinstance(axis, int) else list(range(dat.ndim) if axis is None else axis)
    ret = dat
    for i in sorted(axes, reverse=True):
        ret = numpy_reduce_func(ret, axis=i)
    if keepdims:
        shape = list(dat.shape)
        for i in axes:
            shape[i] = 1
        ret = ret.reshape(tuple(shape))
    return ret


def collapse_sum_like(a, shape):
    """Sum NumPy array `a` over the axes that broadcasting `shape` to a.shape added or stretched."""
    assert len(a.shape) >= len(shape)
    if np.prod(shape) == 0 or a.size == 0:
        return np.zeros(shape, dtype=a.dtype)
    lead = len(a.shape) - len(shape)
    axes = list(range(lead))
    for i, s in enumerate(shape):
        if s != a.shape[lead + i]:
            assert s == 1
            axes.append(lead + i)
    return np.sum(a, axis=tuple(axes)).reshape(shape)


# ------------------------------------------------------------------ random data
def random_arrays(*shapes):
    """Standard-normal float32 NumPy arrays of the given shapes (one array unless several)."""
    arrays = [np.array(np.random.randn(), dtype=default_dtype()) if len(s) == 0
              else np.random.randn(*s).astype(default_dtype()) for s in shapes]
    return arrays[0] if len(arrays) == 1 else arrays


def random_uniform_arrays(*shapes, **kwargs):
    """A list of NumPy arrays drawn uniformly from [low, high) (default [0, 1), float32)."""
    low = kwargs.pop('low', 0.0)
    high = kwargs.pop('high', 1.0)
    dtype = kwargs.pop('dtype', default_dtype())
    if kwargs:
        raise TypeError('Got unexpected argument/s : ' + str(kwargs.keys()))
    return [np.random.uniform(low, high, size=s).astype(dtype) for s in shapes]


def random_sample(population, k):
    """k elements of the list `population` in random order (NumPy's global RNG)."""
    assert 0 <= k <= len(population)
    population_copy = population[:]
    np.random.shuffle(population_copy)
    return population_copy[0:k]


def rand_shape_2d(dim0=10, dim1=10, allow_zero_size=False):
    low = 0 if allow_zero_size else 1
    return rnd.randint(low, dim0 + 1), rnd.randint(low, dim1 + 1)


def rand_shape_3d(dim0=10, dim1=10, dim2=10, allow_zero_size=False):
    low = 0 if allow_zero_size else 1
    return rnd.randint(low, dim0 + 1), rnd.randint(low, dim1 + 1), rnd.randint(low, dim2 + 1)


def rand_shape_nd(num_dim, dim=10, allow_zero_size=False):
    """A random shape of num_dim axes, each in [1, dim] ([0, dim] with allow_zero_size)."""
    low = 0 if allow_zero_size else 1
    return tuple(int(d) for d in rnd.randint(low, dim + 1, size=num_dim))


def rand_coord_2d(x_low, x_high, y_low, y_high):
    """A random integer point (x, y) with x in [x_low, x_high), y in [y_low, y_high)."""
    x = np.random.randint(x_low, x_high, dtype=np.int64)
    y = np.random.randint(y_low, y_high, dtype=np.int64)
    return x, y


def rand_ndarray(shape, stype='default', density=None, dtype=None, modifier_func=None,
                 shuffle_csr_indices=False, distribution=None, ctx=None):
    """A standard-normal NDArray (float32 unless dtype says) drawn from NumPy's global RNG.

    Only stype='default' exists here: mxjax arrays are dense. rand_sparse_ndarray gives a
    dense array with MXNet's sparsity pattern.
    """
    if stype != 'default':
        raise _MXNetError("rand_ndarray: stype=%r is not supported; mxjax arrays are dense (valid: 'default'); "
                          "rand_sparse_ndarray gives a dense array with a sparse pattern" % (stype,))
    arr = array(random_arrays(tuple(shape)), ctx=ctx or default_context(), dtype=dtype)
    return modifier_func(arr) if modifier_func is not None else arr


def shuffle_csr_column_indices(csr):
    raise _open('shuffle_csr_column_indices', 'CSRNDArray (sparse storage)')


def assign_each(the_input, function):
    """A float64 NumPy array of function(x) for each element x of the_input (a copy if function is None)."""
    if function is None:
        return np.array(the_input)
    out = np.zeros(the_input.shape)
    for idx, val in np.ndenumerate(the_input):
        out[idx] = function(val)
    return out


def assign_each2(input1, input2, function):
    """A float64 NumPy array of function(x, y) over the elements of two equal-shape arrays."""
    if function is None:
        return np.array(input1)
    assert input1.shape == input2.shape
    out = np.zeros(input1.shape)
    for idx, val in np.ndenumerate(input1):
        out[idx] = function(val, input2[idx])
    return out


def _check_sparse_args(shape, density, distribution):
    if not 0 <= density <= 1:
        raise ValueError('density has to be between 0 and 1')
    if shape[0] <= 0 or (len(shape) > 1 and shape[1] <= 0):
        raise ValueError('num_rows or num_cols should be greater than 0')
    if distribution == 'powerlaw' and int(shape[0] * shape[1] * density) < 2 * shape[0]:
        raise ValueError('not supported for this density: %s for this shape (%s, %s) Please keep : '
                         'num_rows * num_cols * density >= 2 * num_rows' % (density, shape[0], shape[1]))


def _uniform_csr(shape, density, dtype, data_init):
    """Exactly round(density * rows * cols) nonzeros, uniform in [0, 1), at distinct random places."""
    rows, cols = shape
    out = np.zeros(rows * cols, dtype=dtype)
    nnz = int(round(density * rows * cols))
    places = rnd.choice(rows * cols, size=nnz, replace=False)
    out[places] = rnd.uniform(size=nnz) if data_init is None else data_init
    return out.reshape(shape)


def _powerlaw_csr(shape, density, dtype):
    """Row i gets about twice the nonzeros of row i-1 (every row starts with one), values in (1, 3)."""
    rows, cols = shape
    out = np.zeros(shape, dtype=dtype)
    left = int(rows * cols * density)
    for row in range(rows):
        out[row, 0] = 1 + rnd.uniform(0.001, 2)
        left -= 1
        if left <= 0:
            return out
    width = 2
    for row in range(rows):
        limit = min(cols, width)
        if limit == cols and left > limit:  # the row fills completely: one value for all of it
            out[row] = 1 + rnd.uniform(0.001, 2)
            left -= limit - 1
            if left <= 0:
                return out
            continue
        for col in range(1, limit):
            out[row, col] = 1 + rnd.uniform(0.001, 2)
            left -= 1
            if left <= 0:
                return out
        width *= 2
    if left > 0:
        raise ValueError('not supported for this density: %s for this shape (%s,%s)' % (density, rows, cols))
    return out


def _csr_parts(dense):
    """(indptr, indices, data) of a dense 2-D NumPy array, as NDArrays (CSRNDArray's aux data)."""
    rows, cols = np.nonzero(dense)
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=dense.shape[0]))])
    return array(indptr, dtype='int64'), array(cols, dtype='int64'), array(dense[rows, cols], dtype=dense.dtype)


def rand_sparse_ndarray(shape, stype, density=None, dtype=None, distribution=None, data_init=None,
                        rsp_indices=None, modifier_func=None, shuffle_csr_indices=False, ctx=None):
    """A random array with MXNet's sparsity pattern, returned DENSE (stype 'default'): mxjax has
    no sparse storage. Returns (array, aux) as MXNet does:

    - stype='row_sparse': each row is nonzero with probability `density` (or the rows
      `rsp_indices`), its values uniform in [0, 1) (or data_init, then modifier_func);
      aux = (values of those rows, their indices) as NumPy arrays.
    - stype='csr' (2-D): distribution 'uniform' puts round(density * size) values uniform in
      [0, 1) (or data_init) at distinct random places; 'powerlaw' gives row i about twice
      the nonzeros of row i-1; aux = (indptr, indices, data) NDArrays of the nonzeros.
    density defaults to a uniform draw; all randomness comes from NumPy's global RNG.
    shuffle_csr_indices has no effect (a dense array has no index order).
    """
    ctx = ctx if ctx else default_context()
    density = rnd.rand() if density is None else density
    dtype = np.dtype(default_dtype() if dtype is None else dtype)
    distribution = 'uniform' if distribution is None else distribution
    if stype == 'row_sparse':
        if distribution != 'uniform':
            raise AssertionError("rand_sparse_ndarray: distribution=%r is not supported for row_sparse (valid: "
                                 "'uniform')" % (distribution,))
        if rsp_indices is not None:
            indices = np.asarray(rsp_indices)
            assert len(indices) <= shape[0]
        else:
            indices = np.argwhere(rnd.rand(shape[0]) < density).flatten()
        dense = np.zeros(shape, dtype=dtype)
        if indices.shape[0] == 0:
            return array(dense, ctx=ctx, dtype=dtype), (np.array([], dtype=dtype), np.array([]))
        val = rnd.rand(indices.shape[0], *shape[1:]).astype(dtype)
        if data_init is not None:
            val.fill(data_init)
        if modifier_func is not None:
            val = assign_each(val, modifier_func)
        dense[indices] = val
        return array(dense, ctx=ctx, dtype=dtype), (val, indices)
    if stype == 'csr':
        if len(shape) != 2:
            raise AssertionError('rand_sparse_ndarray: csr needs a 2-D shape, got %s' % (shape,))
        _check_sparse_args(shape, density, distribution)
        if distribution == 'uniform':
            dense = _uniform_csr(shape, density, dtype, data_init)
        elif distribution == 'powerlaw':
            dense = _powerlaw_csr(shape, density, dtype)
        else:
            raise AssertionError("rand_sparse_ndarray: distribution=%r is not valid (valid: 'uniform', 'powerlaw')"
                                 % (distribution,))
        return array(dense, ctx=ctx, dtype=dtype), _csr_parts(dense)
    raise AssertionError("rand_sparse_ndarray: stype=%r is not valid (valid: 'row_sparse', 'csr')" % (stype,))


def create_sparse_array(shape, stype, data_init=None, rsp_indices=None, dtype=None, modifier_func=None,
                        density=.5, shuffle_csr_indices=False):
    """rand_sparse_ndarray's (dense) array alone; row_sparse rsp_indices are sorted first."""
    if stype not in ('row_sparse', 'csr'):
        raise AssertionError('Unknown storage type: ' + stype)
    if stype == 'row_sparse' and rsp_indices is not None:
        rsp_indices = np.sort(np.asarray(rsp_indices))
    return rand_sparse_ndarray(shape, stype, density=density, data_init=data_init,
                               rsp_indices=rsp_indices if stype == 'row_sparse' else None, dtype=dtype,
                               modifier_func=modifier_func, shuffle_csr_indices=shuffle_csr_indices)[0]


def create_sparse_array_zd(shape, stype, density, data_init=None, rsp_indices=None, dtype=None,
                           modifier_func=None, shuffle_csr_indices=False):
    """create_sparse_array where, for row_sparse, only rsp_indices decide the nonzero rows."""
    if stype == 'row_sparse':
        density = 0.0
        if rsp_indices is not None:
            assert len(rsp_indices) <= shape[0]
    return create_sparse_array(shape, stype, data_init=data_init, rsp_indices=rsp_indices, dtype=dtype,
                               modifier_func=modifier_func, density=density,
                               shuffle_csr_indices=shuffle_csr_indices)


# For tests of large tensors (more than 2**32 elements).
def create_2d_tensor(rows, columns, dtype=np.int64):
    """A (rows, columns) NDArray whose row i is all i."""
    return mx.nd.broadcast_to(mx.nd.arange(0, rows, dtype=dtype).reshape((rows, 1)), shape=(rows, columns))


def create_vector(size, dtype=np.int64):
    """nd.arange(0, size) of dtype (int64 by default)."""
    return mx.nd.arange(0, size, dtype=dtype)


def get_identity_mat(size):
    """The float32 (size, size) identity NDArray."""
    return mx.nd.array(np.eye(size, dtype=np.float32))


def get_identity_mat_batch(size):
    """Two stacked float32 (size, size) identities: shape (2, size, size)."""
    return mx.nd.array(np.stack([np.eye(size, dtype=np.float32)] * 2))


def new_matrix_with_real_eigvals_2d(n):
    """A well-conditioned (n, n) float64 matrix Q^-1 D Q with real eigenvalues D in (-10, 10)."""
    while True:  # Q = Householder reflection times a diagonal: real, cond(Q) < 3
        v = np.random.uniform(-1., 1., (n, 1))
        q = (np.eye(n) - 2 * (v @ v.T) / (v.T @ v)) @ np.diag(np.random.uniform(-1.0, 1.0, n))
        if np.linalg.cond(q, 2) < 3:
            break
    return np.linalg.inv(q) @ np.diag(np.random.uniform(-10.0, 10.0, n)) @ q


def new_matrix_with_real_eigvals_nd(shape):
    """new_matrix_with_real_eigvals_2d(shape[-1]) for each matrix of a batch of `shape`."""
    count = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return np.array([new_matrix_with_real_eigvals_2d(shape[-1]) for _ in range(count)]).reshape(shape)


def new_orthonormal_matrix_2d(n):
    """A random (n, n) orthonormal float64 matrix."""
    x = np.random.randn(n, n)
    return np.linalg.qr(x.T @ x)[0]


def new_sym_matrix_with_real_eigvals_2d(n):
    """A random symmetric (n, n) float64 matrix Q^T D Q with eigenvalues D in (-10, 10)."""
    q = new_orthonormal_matrix_2d(n)
    return q.T @ np.diag(np.random.uniform(-10.0, 10.0, n)) @ q


def new_sym_matrix_with_real_eigvals_nd(shape):
    """new_sym_matrix_with_real_eigvals_2d(shape[-1]) for each matrix of a batch of `shape`."""
    count = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return np.array([new_sym_matrix_with_real_eigvals_2d(shape[-1]) for _ in range(count)]).reshape(shape)
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
        raise _MXNetError('check_numeric_gradient: dtype=%s is not valid; valid: float16, float32, float64'
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
        raise _MXNetError('check_numeric_gradient: grad_nodes %s are not arguments; arguments: %s'
                         % (unknown, names))
    eps = numeric_eps if numeric_eps is not None else default_numeric_eps()[dtype]

    def call(arrays):
        if keyword:
            return sym(**dict(zip(names, arrays)))
        return sym(*arrays)

    def forward_np(vals):
        with _autograd.train_mode() if use_forward_train else _autograd.predict_mode():
            out = call([array(v, ctx=ctx, dtype=dtype) for v in vals])
        if not isinstance(out, _NDArray):
            raise _MXNetError('check_numeric_gradient: the function must return one NDArray, got %s'
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
    with _autograd.record(train_mode=use_forward_train):
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


def _outputs(out, who):
    outs = list(out) if isinstance(out, (list, tuple)) else [out]
    if not outs or not all(isinstance(o, _NDArray) for o in outs):
        raise _MXNetError('%s: the function must return an NDArray or a list of NDArrays, got %s'
                          % (who, type(out).__name__))
    return outs


def _itemsize(dt):
    return np.dtype(dt).itemsize


def check_consistency(sym, ctx_list, scale=1.0, grad_req='write', arg_params=None, aux_params=None,
                      rtol=None, atol=None, raise_on_err=True, ground_truth=None, equal_nan=False,
                      use_uniform=False, rand_type=np.float64):
    """Check that a computation gives the same outputs and gradients on every context/dtype.

    Differs from MXNet: `sym` is a Python function of NDArrays (called with keyword
    arguments) returning an NDArray or a list of them, or a list of such functions, one per
    entry of ctx_list (mxjax has no Symbol executor). Each ctx_list entry is a dict
    {'ctx': ctx, '<arg>': shape, ..., 'type_dict': {'<arg>': dtype}} naming EVERY argument's
    shape (nothing infers them); arguments missing from type_dict are float32.

    As in MXNet: inputs not in arg_params are drawn (sorted by name) from N(0, scale) (or
    uniform in +-0.92*scale) and cast to rand_type; the entry whose first output has the
    widest dtype is the reference; every other entry's predict-mode outputs, then its
    train-mode outputs and input gradients (backward with the first entry's outputs as head
    gradients, cast to the narrowest output dtype) must match it within the tolerance of the
    less precise of the two dtypes (rtol/atol override). grad_req is 'write', 'add', 'null'
    or a dict/list per argument. aux_params is unused. Returns the reference results as a
    dict {'output0', 'output1', ...: outputs, '<arg>': gradient}; ground_truth, given, is
    compared instead (same keys).
    """
    assert len(ctx_list) > 1
    funcs = list(sym) if isinstance(sym, (list, tuple)) else [sym] * len(ctx_list)
    if len(funcs) != len(ctx_list) or not all(callable(f) for f in funcs):
        raise _MXNetError('check_consistency: sym must be a function of NDArrays or a list of %d of them '
                          '(mxjax has no Symbol executor), got %r' % (len(ctx_list), sym))
    names = sorted(k for k in ctx_list[0] if k not in ('ctx', 'type_dict'))
    for entry in ctx_list:
        if sorted(k for k in entry if k not in ('ctx', 'type_dict')) != names:
            raise _MXNetError('check_consistency: every ctx_list entry must name the same arguments %s, got %s'
                              % (names, sorted(entry)))
    if isinstance(grad_req, str):
        reqs = {n: grad_req for n in names}
    elif isinstance(grad_req, dict):
        reqs = {n: grad_req.get(n, 'null') for n in names}
    else:
        reqs = dict(zip(names, grad_req))
    arg_params = {} if arg_params is None else arg_params
    for n in names:  # sorted: the same draws for the same seed
        if n not in arg_params:
            shape = ctx_list[0][n]
            if use_uniform:
                arg_params[n] = np.random.uniform(-0.92 * scale, 0.92 * scale, size=shape).astype(rand_type)
            else:
                arg_params[n] = np.random.normal(size=shape, scale=scale).astype(rand_type)

    def inputs(entry):
        types = entry.get('type_dict', {})
        ctx = entry.get('ctx', default_context())
        return {n: array(np.asarray(arg_params[n]), ctx=ctx, dtype=types.get(n, np.float32)) for n in names}

    def compare(what, i, name, arr, ref, rt, at):
        try:
            assert_almost_equal(arr, ref, rtol=rt, atol=at, equal_nan=equal_nan)
        except AssertionError as e:
            print('%s Err: ctx %d vs ctx %d at %s' % (what, i, gt_idx, name))
            traceback.print_exc()
            if raise_on_err:
                raise e
            print(str(e))

    with _autograd.predict_mode():
        preds = [_outputs(f(**inputs(entry)), 'check_consistency') for f, entry in zip(funcs, ctx_list)]
    out_names = ['output%d' % j for j in range(len(preds[0]))]
    dtypes = [np.dtype(p[0].dtype) for p in preds]
    gt_idx = max(range(len(dtypes)), key=lambda i: (_itemsize(dtypes[i]), -i))

    # train: outputs and gradients
    trains, grads = [], []
    if any(r != 'null' for r in reqs.values()):
        for f, entry in zip(funcs, ctx_list):
            args = inputs(entry)
            for n, x in args.items():
                x.attach_grad(grad_req=reqs[n])
            with _autograd.record(train_mode=True):
                outs = _outputs(f(**args), 'check_consistency')
            trains.append((outs, args))
        narrow = [min((t[0][j].dtype for t in trains), key=_itemsize) for j in range(len(out_names))]
        heads = [o.asnumpy().astype(dt) for o, dt in zip(trains[0][0], narrow)]
        for outs, args in trains:
            _autograd.backward(outs, [array(h, ctx=o.context, dtype=o.dtype) for h, o in zip(heads, outs)])
            grads.append({n: (x.grad if reqs[n] != 'null' else None) for n, x in args.items()})

    gt = ground_truth
    if gt is None:
        gt = dict(zip(out_names, trains[gt_idx][0] if trains else preds[gt_idx]))
        if trains:
            gt.update(grads[gt_idx])
    pred_gt = dict(zip(out_names, preds[gt_idx])) if ground_truth is None else ground_truth
    for i, outs in enumerate(preds):
        if i == gt_idx:
            continue
        for name, arr in zip(out_names, outs):
            compare('Predict', i, name, arr, pred_gt[name], rtol, atol)
    for i, (outs, args) in enumerate(trains):
        if i == gt_idx:
            continue
        for name, arr in list(zip(out_names, outs)) + list(grads[i].items()):
            if gt.get(name) is None:
                assert arr is None, name
                continue
            ref = gt[name]
            # a float32 gradient of a float16 computation gets float16's tolerance
            narrow_arr = min(arr.dtype, dtypes[i], key=_itemsize)
            narrow_ref = min(ref.dtype, dtypes[gt_idx], key=_itemsize)
            rt, at = rtol, atol
            if narrow_arr != arr.dtype or narrow_ref != ref.dtype:
                rt, at = get_tols(arr.astype(narrow_arr), ref.astype(narrow_ref), rtol, atol)
            compare('Train', i, name, arr, ref, rt, at)
    return gt


def check_speed(sym, location=None, ctx=None, N=20, grad_req=None, typ='whole', **kwargs):
    """Seconds per call of `sym` averaged over N calls (after one warm-up call).

    Differs from MXNet: `sym` is a Python function of NDArrays (a Symbol needs mx.sym);
    `location` is a dict {name: array} of its keyword arguments, or None to draw
    standard-normal float32 inputs of the shapes given as keyword arguments (name=shape).
    typ='forward' times the call alone; 'whole' times record + call + backward."""
    if not callable(sym):
        raise _open('check_speed with a Symbol', 'mx.sym', 'pass a Python function of NDArrays')
    ctx = ctx or default_context()
    if location is None:
        location = {k: np.random.normal(size=s, scale=1.0).astype(np.float32) for k, s in kwargs.items()}
    args = {k: array(_np(v), ctx=ctx, dtype=getattr(v, 'dtype', np.float32)) for k, v in location.items()}
    if typ not in ('whole', 'forward'):
        raise ValueError('typ can only be "whole" or "forward".')
    if typ == 'whole':
        reqs = grad_req if isinstance(grad_req, dict) else {k: grad_req or 'write' for k in args}
        for k, x in args.items():
            x.attach_grad(grad_req=reqs.get(k, 'write'))

    def step():
        if typ == 'forward':
            outs = _outputs(sym(**args), 'check_speed')
        else:
            with _autograd.record():
                outs = _outputs(sym(**args), 'check_speed')
            _autograd.backward(outs)
        for o in outs:
            o.wait_to_read()
    step()
    tic = time.time()
    for _ in range(N):
        step()
    return (time.time() - tic) / N


# ------------------------------------------------------------------ Symbol-only helpers
def simple_forward(sym, ctx=None, is_train=False, **inputs):
    raise _open('simple_forward', 'mx.sym (a Symbol executor)', 'call your function on NDArrays')


def numeric_grad(executor, location, aux_states=None, eps=1e-4, use_forward_train=True, dtype=default_dtype()):
    raise _open('numeric_grad', 'mx.sym (a Symbol executor)', 'check_numeric_gradient takes a function of NDArrays')


def check_symbolic_forward(sym, location, expected, rtol=None, atol=None, aux_states=None, ctx=None,
                           equal_nan=False, dtype=default_dtype()):
    raise _open('check_symbolic_forward', 'mx.sym (a Symbol executor)',
                'compare your function of NDArrays with assert_almost_equal')


def check_symbolic_backward(sym, location, out_grads, expected, rtol=None, atol=None, aux_states=None,
                            grad_req='write', ctx=None, grad_stypes=None, equal_nan=False, dtype=default_dtype()):
    raise _open('check_symbolic_backward', 'mx.sym (a Symbol executor)',
                'record your function with autograd and compare the .grad arrays with assert_almost_equal')


def same_symbol_structure(sym1, sym2):
    """True when two graphs have the same operator at every node. Works on any objects with
    MXNet's tojson() (e.g. autograd.get_symbol's); Symbols need mx.sym."""
    if not (hasattr(sym1, 'tojson') and hasattr(sym2, 'tojson')):
        raise _open('same_symbol_structure', 'mx.sym (Symbols)')
    nodes1, nodes2 = json.loads(sym1.tojson())['nodes'], json.loads(sym2.tojson())['nodes']
    return all(n1['op'] == n2['op'] for n1, n2 in zip(nodes1, nodes2))


def check_gluon_hybridize_consistency(net_builder, data_l, numpy_func=None, test_grad=True, rtol=1E-4, atol=1E-4):
    raise _open('check_gluon_hybridize_consistency', 'mx.gluon and mx.np')


def compare_optimizer(opt1, opt2, shape, dtype, w_stype='default', g_stype='default', rtol=1e-4, atol=1e-5,
                      compare_states=True, ntensors=1):
    """Update the same random weight with opt1 and opt2 and compare weights (and states).
    Works with optimizers having create_state_multi_precision/update_multi_precision
    (mx.optimizer's); only dense ('default') storage exists in mxjax."""
    for opt in (opt1, opt2):
        if not (hasattr(opt, 'create_state_multi_precision') and hasattr(opt, 'update_multi_precision')):
            raise _open('compare_optimizer', 'mx.optimizer (an Optimizer with update_multi_precision)')
    if w_stype != 'default' or g_stype != 'default':
        raise _MXNetError("compare_optimizer: w_stype=%r, g_stype=%r: mxjax has only 'default' storage"
                          % (w_stype, g_stype))
    ctx = default_context()

    def draw(s):
        return mx.nd.random.uniform(shape=s, ctx=ctx, dtype=dtype)
    if not isinstance(shape, list):
        assert ntensors == 1
        w2, g2 = draw(shape), draw(shape)
        w1, g1 = w2.copy(), g2.copy()
        state1 = opt1.create_state_multi_precision(0, w1)
        state2 = opt2.create_state_multi_precision(0, w2)
        if compare_states:
            compare_ndarray_tuple(state1, state2)
        opt1.update_multi_precision(0, w1, g1, state1)
        opt2.update_multi_precision(0, w2, g2, state2)
        if compare_states:
            compare_ndarray_tuple(state1, state2, rtol=rtol, atol=atol)
        assert_almost_equal(w1, w2, rtol=rtol, atol=atol)
        return
    # opt1 one tensor at a time (reference), opt2 all tensors in one call
    w1 = tuple(draw(s) for s in shape)
    g1 = tuple(draw(s) for s in shape)
    w2, g2 = tuple(w.copy() for w in w1), tuple(g.copy() for g in g1)
    state2 = [opt2.create_state_multi_precision(0, w2[i]) for i in range(ntensors)]
    opt2.update_multi_precision(list(range(ntensors)), w2, g2, state2)
    for i in range(ntensors):
        state1 = opt1.create_state_multi_precision(i, w1[i])
        opt1.update_multi_precision(i, w1[i], g1[i], state1)
        if compare_states:
            compare_ndarray_tuple(state1, state2[i], rtol, atol)
        compare_ndarray_tuple(w1[i], w2[i], rtol, atol)


# ------------------------------------------------------------------ machine and environment
def list_gpus():
    """range(number of GPUs JAX sees)."""
    return range(_num_gpus())


def is_cd_run():
    """True when the environment variable CD_JOB is '1' (a continuous-delivery run)."""
    return os.environ.get('CD_JOB', 0) == '1'


def is_aarch64_run():
    return platform.machine() == 'aarch64'


def has_tvm_ops():
    """False: mxjax has no TVM-generated operators."""
    return False


def is_op_runnable():
    """True: every mxjax operator runs on every context JAX supports (no TVM ops)."""
    return True


def get_im2rec_path(home_env='MXNET_HOME'):
    """The path of MXNet's tools/im2rec.py under $MXNET_HOME (mxjax does not ship it): IOError if absent."""
    root = os.environ.get(home_env, os.path.dirname(mx.__file__))
    for path in (os.path.join(root, 'tools', 'im2rec.py'), os.path.join(root, '..', '..', 'tools', 'im2rec.py')):
        if os.path.isfile(path):
            return path
    raise IOError('Could not find path to tools/im2rec.py (looked under %s=%s; mxjax does not ship it)'
                  % (home_env, root))


@contextmanager
def environment(*args):
    """Set environment variables for the body of a `with` (or a function it decorates) and
    restore them after, even on error: environment(name, value) or environment({name: value}).
    A value of None unsets the variable."""
    if len(args) == 1 and isinstance(args[0], dict):
        env_vars = args[0]
    else:
        assert len(args) == 2, 'Expecting one dict arg or two args: env var name and value'
        env_vars = {args[0]: args[1]}
    snapshot = {name: os.environ.get(name) for name in env_vars}
    try:
        for name, value in env_vars.items():
            setenv(name, value)
        yield
    finally:
        mx.nd.waitall()
        for name, value in snapshot.items():
            setenv(name, value)


@contextmanager
def discard_stderr():
    """Send what is written to stderr in the body to /dev/null: file descriptor 2 (where C
    libraries write) and sys.stderr's own descriptor when it has another."""
    fds = {2}
    try:
        fds.add(sys.stderr.fileno())
    except (AttributeError, ValueError, OSError):  # sys.stderr replaced by an object without one
        pass
    sys.stderr.flush()
    with open(os.devnull, 'w') as bit_bucket:
        saved = {fd: os.dup(fd) for fd in fds}
        try:
            for fd in fds:
                os.dup2(bit_bucket.fileno(), fd)
            yield
        finally:
            sys.stderr.flush()
            for fd, old in saved.items():
                os.dup2(old, fd)
                os.close(old)


class DummyIter:
    """A data iterator that returns the first batch of `real_iter` forever (for speed tests).
    Works over any iterator with provide_data, provide_label and batch_size (mx.io's DataIter
    interface); it never raises StopIteration."""

    def __init__(self, real_iter):
        self.real_iter = real_iter
        self.provide_data = real_iter.provide_data
        self.provide_label = real_iter.provide_label
        self.batch_size = real_iter.batch_size
        self.the_batch = next(real_iter)

    def __iter__(self):
        return self

    def reset(self):
        pass

    def next(self):
        return self.the_batch

    __next__ = next


# ------------------------------------------------------------------ data files (never downloaded)
def download(url, fname=None, dirname=None, overwrite=False, retries=5):
    """The local path MXNet would download `url` to (fname, else the url's last part, under
    dirname). Differs from MXNet: mxjax never uses the network. When the file is there (and
    overwrite is False) its path is returned, as MXNet does; otherwise MXNetError names the
    file and the url to fetch it from by hand."""
    assert retries >= 0, 'Number of retries should be at least 0'
    if fname is None:
        fname = url.split('/')[-1]
    if dirname is None:
        dirname = os.path.dirname(fname)
    else:
        fname = os.path.join(dirname, fname)
    if dirname and not os.path.exists(dirname):
        os.makedirs(dirname, exist_ok=True)
    if not overwrite and os.path.exists(fname):
        logging.info('%s exists, skipping download', fname)
        return fname
    raise _MXNetError('download: %s is not there and mxjax never downloads (overwrite=%s); fetch %s and put it '
                      'at %s' % (fname, overwrite, url, os.path.abspath(fname)))


_MODEL_URL = 'http://data.mxnet.io/models/'
_MODELS = {  # model name -> (directory under _MODEL_URL, file prefix, params epoch file suffix)
    'imagenet1k-inception-bn': ('imagenet/inception-bn/', 'Inception-BN', '0126'),
    'imagenet1k-resnet-18': ('imagenet/resnet/18-layers/', 'resnet-18', '0000'),
    'imagenet1k-resnet-34': ('imagenet/resnet/34-layers/', 'resnet-34', '0000'),
    'imagenet1k-resnet-50': ('imagenet/resnet/50-layers/', 'resnet-50', '0000'),
    'imagenet1k-resnet-101': ('imagenet/resnet/101-layers/', 'resnet-101', '0000'),
    'imagenet1k-resnet-152': ('imagenet/resnet/152-layers/', 'resnet-152', '0000'),
    'imagenet1k-resnext-50': ('imagenet/resnext/50-layers/', 'resnext-50', '0000'),
    'imagenet1k-resnext-101': ('imagenet/resnext/101-layers/', 'resnext-101', '0000'),
    'imagenet1k-resnext-101-64x4d': ('imagenet/resnext/101-layers/', 'resnext-101-64x4d', '0000'),
    'imagenet11k-resnet-152': ('imagenet-11k/resnet-152/', 'resnet-152', '0000'),
    'imagenet11k-place365ch-resnet-152': ('imagenet-11k-place365-ch/', 'resnet-152', '0000'),
    'imagenet11k-place365ch-resnet-50': ('imagenet-11k-place365-ch/', 'resnet-50', '0000'),
}


def download_model(model_name, dst_dir='./', meta_info=None):
    """(dst_dir/model_name, 0) once dst_dir holds <model_name>-symbol.json and
    <model_name>-0000.params (MXNet's names for the files of meta_info or its model list);
    (None, 0) for an unknown model. Missing files raise MXNetError (see download)."""
    if meta_info is None:
        meta_info = {name: {'symbol': '%s%s%s-symbol.json' % (_MODEL_URL, d, p),
                            'params': '%s%s%s-%s.params' % (_MODEL_URL, d, p, e)}
                     for name, (d, p, e) in _MODELS.items()}
    meta_info = dict(meta_info)
    if model_name not in meta_info:
        return (None, 0)
    if not os.path.isdir(dst_dir):
        os.mkdir(dst_dir)
    meta = dict(meta_info[model_name])
    assert 'symbol' in meta, 'missing symbol url'
    model_name = os.path.join(dst_dir, model_name)
    download(meta['symbol'], model_name + '-symbol.json')
    assert 'params' in meta, 'mssing parameter file url'
    download(meta['params'], model_name + '-0000.params')
    return (model_name, 0)


_MNIST_URL = 'http://data.mxnet.io/data/mnist/'


def get_mnist():
    """MNIST from the four idx files train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz,
    t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz in the current directory (where
    MXNet downloads them): {'train_data': float32 (N, 1, 28, 28) in [0, 1], 'train_label':
    int8 (N,), 'test_data', 'test_label'}."""
    def read_data(label_name, image_name):
        with gzip.open(download(_MNIST_URL + label_name)) as flbl:
            struct.unpack('>II', flbl.read(8))
            label = np.frombuffer(flbl.read(), dtype=np.int8)
        with gzip.open(download(_MNIST_URL + image_name), 'rb') as fimg:
            _, _, rows, cols = struct.unpack('>IIII', fimg.read(16))
            image = np.frombuffer(fimg.read(), dtype=np.uint8).reshape(len(label), rows, cols)
        return label, image.reshape(image.shape[0], 1, 28, 28).astype(np.float32) / 255
    train_lbl, train_img = read_data('train-labels-idx1-ubyte.gz', 'train-images-idx3-ubyte.gz')
    test_lbl, test_img = read_data('t10k-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz')
    return {'train_data': train_img, 'train_label': train_lbl, 'test_data': test_img, 'test_label': test_lbl}


def get_mnist_pkl():
    """Ensure data/mnist.pkl.gz exists under the current directory (MXNetError if absent)."""
    os.makedirs('data', exist_ok=True)
    if not os.path.exists('data/mnist.pkl.gz'):
        download('http://deeplearning.net/data/mnist/mnist.pkl.gz', dirname='data')


_MNIST_UBYTE = ('train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte',
                't10k-labels-idx1-ubyte')


def get_mnist_ubyte():
    """Ensure data/{train,t10k}-{images-idx3,labels-idx1}-ubyte exist under the current
    directory, extracting data/mnist.zip when they do not (MXNetError if that is absent too)."""
    os.makedirs('data', exist_ok=True)
    if not all(os.path.exists(os.path.join('data', f)) for f in _MNIST_UBYTE):
        with zipfile.ZipFile(download('http://data.mxnet.io/mxnet/data/mnist.zip', dirname='data')) as zf:
            zf.extractall('data')


def get_cifar10():
    """Ensure data/cifar/{train,test}.{rec,lst} exist under the current directory, extracting
    data/cifar10.zip when they do not (MXNetError if that is absent too)."""
    os.makedirs('data', exist_ok=True)
    if not all(os.path.exists(os.path.join('data', 'cifar', f))
               for f in ('train.rec', 'test.rec', 'train.lst', 'test.lst')):
        with zipfile.ZipFile(download('http://data.mxnet.io/mxnet/data/cifar10.zip', dirname='data')) as zf:
            zf.extractall('data')


def get_mnist_iterator(batch_size, input_shape, num_parts=1, part_index=0):
    """Needs mx.io.MNISTIter (after get_mnist_ubyte has found the files)."""
    get_mnist_ubyte()
    raise _open('get_mnist_iterator', 'mx.io.MNISTIter', 'get_mnist() gives the arrays')


def get_zip_data(data_dir, url, data_origin_name):
    """Extract data_dir/data_origin_name (a zip file) into data_dir unless it was there before:
    as MXNet, a present zip is taken as already extracted. MXNetError if it is absent."""
    path = os.path.join(data_dir, data_origin_name)
    if not os.path.exists(path):
        download(url, dirname=data_dir, overwrite=False)
        with zipfile.ZipFile(path) as zf:
            zf.extractall(path=data_dir)


def get_bz2_data(data_dir, data_name, url, data_origin_name):
    """Ensure data_dir/data_name exists, decompressing (then deleting) data_dir/data_origin_name
    (bz2) when it does not. MXNetError if neither is there."""
    data_name = os.path.join(data_dir, data_name)
    data_origin_name = os.path.join(data_dir, data_origin_name)
    if not os.path.exists(data_name):
        # MXNet passes dirname=data_dir too, which doubles a relative data_dir in the path
        download(url, fname=data_origin_name, overwrite=False)
        with bz2.BZ2File(data_origin_name, 'rb') as bz_file, open(data_name, 'wb') as fout:
            for line in bz_file:
                fout.write(line)
        os.remove(data_origin_name)


# ------------------------------------------------------------------ checks of random generators
def gen_buckets_probs_with_ppf(ppf, nbuckets):
    """nbuckets equal-probability buckets [(ppf(i/n), ppf((i+1)/n))] and their probabilities (1/n each)."""
    assert nbuckets > 0
    probs = [1.0 / nbuckets for _ in range(nbuckets)]
    buckets = [(ppf(i / float(nbuckets)), ppf((i + 1) / float(nbuckets))) for i in range(nbuckets)]
    return buckets, probs


def mean_check(generator, mu, sigma, nsamples=1000000):
    """True when the mean of generator(nsamples) lies within mu +- 3 sigma / sqrt(nsamples)."""
    samples = _np(generator(nsamples))
    bound = 3 * sigma / np.sqrt(nsamples)
    return (samples.mean() > mu - bound) and (samples.mean() < mu + bound)


def var_check(generator, sigma, nsamples=1000000):
    """True when the sample variance of generator(nsamples) lies within
    sigma^2 +- 3 sqrt(2 sigma^4 / (nsamples - 1))."""
    samples = _np(generator(nsamples))
    bound = 3 * np.sqrt(2 * sigma ** 4 / (nsamples - 1))
    var = samples.var(ddof=1)
    return (var > sigma ** 2 - bound) and (var < sigma ** 2 + bound)


def _chi2_sf(stat, dof):
    """P(X > stat) for X ~ chi-square(dof): the regularized upper incomplete gamma function."""
    import jax.scipy.special as jsp  # only these checks need it
    return float(jsp.gammaincc(np.float64(dof) / 2, np.float64(stat) / 2))


def chi_square_check(generator, buckets, probs, nsamples=1000000):
    """Pearson's chi-square test of generator(nsamples) against the bucket probabilities.

    buckets: ascending, disjoint (low, high) ranges for a continuous generator, or the
    possible values of a discrete one. Returns (p value, observed counts, expected counts).
    Differs from MXNet: the p value needs no SciPy (it is computed with JAX)."""
    assert isinstance(buckets, list)
    samples = _np(generator(nsamples))
    assert len(probs) == len(buckets)
    continuous = isinstance(buckets[0], (list, tuple))
    if continuous:
        for i, (low, high) in enumerate(buckets):
            assert low <= high
            if i < len(buckets) - 1:
                assert high <= buckets[i + 1][0]
        edges = np.array(buckets, dtype=np.float32).reshape(-1)
        # as MXNet: [low_i, high_i) and the gap before it count as bucket i
        ids = np.searchsorted(edges, samples, side='right') // 2
        obs_freq = np.array([(ids == i).sum() for i in range(len(buckets))], dtype=np.int64)
    else:
        obs_freq = np.array([(samples == b).sum() for b in buckets], dtype=np.int64)
    expected_freq = (nsamples * np.array(probs, dtype=np.float32)).astype(np.int32)
    # scipy.stats.chisquare's statistic, with len(buckets) - 1 degrees of freedom
    stat = float(np.sum((obs_freq - expected_freq) ** 2 / expected_freq.astype(np.float64)))
    return _chi2_sf(stat, len(buckets) - 1), obs_freq, expected_freq


def verify_generator(generator, buckets, probs, nsamples=1000000, nrepeat=5, success_rate=0.2, alpha=0.05):
    """Run chi_square_check nrepeat times; AssertionError unless at least success_rate of the
    p values exceed alpha. Returns the p values."""
    results = [chi_square_check(generator=generator, buckets=buckets, probs=probs, nsamples=nsamples)
               for _ in range(nrepeat)]
    cs_ret_l = [r[0] for r in results]
    if (np.array(cs_ret_l) > alpha).sum() < nrepeat * success_rate:
        raise AssertionError('Generator test fails, Chi-square p=%s, obs_freq=%s, expected_freq=%s.\nbuckets=%s, '
                             'probs=%s' % (cs_ret_l, [r[1] for r in results], [r[2] for r in results], buckets, probs))
    return cs_ret_l


# `from mxjax.test_utils import *` gives MXNet's names: every public global, plus the lazy ones.
__all__ = sorted([_n for _n in globals() if _n.isidentifier() and not _n.startswith('_')] + list(_LAZY))
