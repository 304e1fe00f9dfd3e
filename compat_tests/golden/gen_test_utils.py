"""Golden values of mx.test_utils: its public names and what its helpers return and raise.

Each case is a plain function `case(mx, tu, tmp)` (tu = mx.test_utils, tmp = an empty
directory that is also the working directory during the call) that runs unchanged on real
MXNet 1.9.1 and on mxjax. Regenerate with real MXNet:

    ~/mxref/bin/python compat_tests/golden/gen_test_utils.py

which writes test_utils.json beside this file: {"names": {name: kind}, "cases": {name:
{"phrase", "result"}}}. `names` is what `from mxnet.test_utils import *` gives; kind is
'module <name>', 'class', 'function' or 'None'. compat_tests/test_test_utils_golden.py runs
the same cases on mxjax and compares them with gen_core.compare.
"""
import bz2
import gzip
import json
import os
import struct
import sys
import tempfile
import types
import zipfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, 'test_utils.json')
try:
    from golden.gen_core import compare, encode  # noqa: F401  (the tests import this module)
except ImportError:
    sys.path.insert(0, HERE)
    from gen_core import compare, encode  # noqa: F401

CASES = {}  # name -> (fn, phrase)


def case(phrase=None):
    def deco(fn):
        assert fn.__name__ not in CASES, fn.__name__
        CASES[fn.__name__] = (fn, phrase)
        return fn
    return deco


def kind(v):
    if isinstance(v, types.ModuleType):
        return 'module ' + v.__name__
    if v is None:
        return 'None'
    return 'class' if isinstance(v, type) else 'function'


def star_names(module_name):
    ns = {}
    exec('from %s import *' % module_name, ns)
    return {k: kind(v) for k, v in ns.items() if k != '__builtins__'}


def run_case(name, mx):
    fn, _ = CASES[name]
    old = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)
        try:
            return encode(fn(mx, mx.test_utils, tmp))
        except Exception as e:  # the error is the result
            return encode(e)
        finally:
            os.chdir(old)


def _outcome(f, *args, **kwargs):
    """'pass', or the name of the exception f raises."""
    try:
        f(*args, **kwargs)
        return 'pass'
    except Exception as e:
        return type(e).__name__


def _dtype_table(d):
    return {np.dtype(k).name: v for k, v in d.items()}


# ------------------------------------------------------------------ tolerances
@case()
def tolerance_tables(mx, tu, tmp):
    return [_dtype_table(tu.default_rtols()), _dtype_table(tu.default_atols()),
            _dtype_table(tu.default_numeric_eps())]


@case()
def tolerance_lookup(mx, tu, tmp):
    nd = mx.nd
    f16, f32, f64 = (np.ones(2, dtype=t) for t in (np.float16, np.float32, np.float64))
    return [tu.get_tolerance(f16, None, tu.default_rtols()), tu.get_tolerance(f32, 0.25, tu.default_rtols()),
            tu.get_tolerance(f32, {np.dtype(np.float32): 0.5}, tu.default_atols()),
            tu.get_tolerance(f64, {np.dtype(np.float32): 0.5}, tu.default_atols()),
            tu.get_tolerance(np.ones(2, np.int32), None, tu.default_rtols()),
            tu.get_tols(f16, f64, None, None), tu.get_tols(f32, f64, None, None), tu.get_tols(1, 2.0, None, None),
            tu.get_tols(nd.ones(2), 2, None, 0.5), tu.get_tols(f32, f32, 0.1, None),
            tu.effective_dtype(nd.ones(2, dtype='float16')).name, tu.effective_dtype(f64).name,
            tu.get_etol(), tu.get_etol(0.1), tu.get_rtol(), tu.get_atol(), tu.get_rtol(dtype=np.dtype(np.float16)),
            tu.get_atol(0.5)]


# ------------------------------------------------------------------ comparisons
@case()
def assert_almost_equal_shapes_and_nan(mx, tu, tmp):
    nd = mx.nd
    nan = np.array([1., np.nan, 3.])
    return [_outcome(tu.assert_almost_equal, np.ones((2, 3)), np.ones(3)),
            _outcome(tu.assert_almost_equal, nd.ones((2, 3)), nd.ones(3)),
            _outcome(tu.assert_almost_equal, nd.ones((2, 3)), nd.ones((3, 2))),
            _outcome(tu.assert_almost_equal, np.ones((2, 3)), np.ones((3, 2))),
            _outcome(tu.assert_almost_equal, np.ones((2, 3)), np.ones(3), use_broadcast=False),
            _outcome(tu.assert_almost_equal, nan, nan),
            _outcome(tu.assert_almost_equal, nan, nan, equal_nan=True),
            _outcome(tu.assert_almost_equal, nd.array(nan), nd.array(nan)),
            _outcome(tu.assert_almost_equal, nd.array(nan), nd.array(nan), equal_nan=True),
            _outcome(tu.assert_almost_equal, nan, np.array([1., 2., 3.]), equal_nan=True),
            _outcome(tu.assert_almost_equal, np.array([True, False]), np.array([True, False])),
            _outcome(tu.assert_almost_equal, np.array([True, False]), np.array([True, True])),
            _outcome(tu.assert_almost_equal, nd.ones((2, 2), dtype='float64'), nd.ones((2,))),
            _outcome(tu.assert_allclose, nan, nan), _outcome(tu.assert_allclose, np.ones(2), np.ones(2) + 1e-6)]


@case()
def assert_almost_equal_nan_report(mx, tu, tmp):
    nan = np.array([1., np.nan, 3.])
    try:
        tu.assert_almost_equal(nan, nan)
    except AssertionError as e:
        msg = str(e)
        return ['mismatch 33.333333%' in msg, 'Location of maximum error: (1,), a=nan, b=nan' in msg]


@case(phrase='Location of maximum error: (1, 0), mine=3.00000000, ref=3.50000000')
def assert_almost_equal_names(mx, tu, tmp):
    tu.assert_almost_equal(np.array([[1.0], [3.0]]), np.array([[1.0], [3.5]]), names=('mine', 'ref'))


@case()
def assert_almost_equal_with_err_verdicts(mx, tu, tmp):
    a = np.array([1.0, 2.0, 3.0, 4.0], np.float32)
    b = np.array([1.0, 2.5, 3.0, 4.0], np.float32)
    return [_outcome(tu.assert_almost_equal_with_err, a, b, etol=0.3),
            _outcome(tu.assert_almost_equal_with_err, a, b, etol=0.2),
            _outcome(tu.assert_almost_equal_with_err, a, b),
            _outcome(tu.assert_almost_equal_with_err, a, b, rtol=0.3, etol=0.1),
            _outcome(tu.assert_almost_equal_with_err, mx.nd.array(a), mx.nd.array(b), etol=0.25),
            _outcome(tu.assert_almost_equal_with_err, a, a, etol=0.1)]


@case()
def assert_almost_equal_ignore_nan_verdicts(mx, tu, tmp):
    return [_outcome(tu.assert_almost_equal_ignore_nan, np.array([1., np.nan, 3.]), np.array([1., 5., 3.])),
            _outcome(tu.assert_almost_equal_ignore_nan, np.array([1., 2., np.nan]), np.array([1., 5., 3.])),
            _outcome(tu.assert_almost_equal_ignore_nan, np.array([np.nan, 2.]), np.array([7., np.nan]))]


@case()
def assert_exception_verdicts(mx, tu, tmp):
    def raise_value():
        raise ValueError('x')
    return [_outcome(tu.assert_exception, raise_value, ValueError),
            _outcome(tu.assert_exception, raise_value, Exception),
            _outcome(tu.assert_exception, raise_value, TypeError),
            _outcome(tu.assert_exception, lambda: 1, ValueError),
            _outcome(tu.assert_exception, lambda x, y=0: x / y, ZeroDivisionError, 1, y=0)]


@case()
def shapes_and_locations(mx, tu, tmp):
    a, b = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0, 2.5], [3.0, 4.0]])
    return [tu.locationError(a, b, (0, 1), ('x', 'y')), tu.locationError(a, b, (1, 1), ('p', 'q'), maxError=True),
            _outcome(tu.checkShapes, a, b), _outcome(tu.checkShapes, a, b[0]),
            _outcome(tu.almost_equal, a, b[0], use_broadcast=False), tu.almost_equal(a, a[0:1]),
            tu.same(a, a.copy()), tu.same(a, b)]


@case()
def compare_ndarray_tuple_verdicts(mx, tu, tmp):
    nd = mx.nd
    return [_outcome(tu.compare_ndarray_tuple, (nd.ones(2), (nd.zeros(3), None)), (nd.ones(2), (nd.zeros(3), 5))),
            _outcome(tu.compare_ndarray_tuple, (nd.ones(2), nd.zeros(3)), (nd.ones(2), nd.ones(3))),
            _outcome(tu.compare_ndarray_tuple, nd.ones(2), nd.ones(2) * 1.05, rtol=0.1),
            _outcome(tu.compare_ndarray_tuple, None, nd.ones(2))]


# ------------------------------------------------------------------ NumPy helpers
@case()
def np_reduce_and_collapse(mx, tu, tmp):
    x = np.arange(24, dtype=np.float64).reshape(2, 3, 4)
    return [tu.np_reduce(x, None, False, np.sum), tu.np_reduce(x, 1, True, np.max),
            tu.np_reduce(x, [0, 2], False, np.sum), tu.np_reduce(x, (2, 0), True, np.min),
            tu.collapse_sum_like(x, (3, 1)), tu.collapse_sum_like(x, (2, 1, 4)), tu.collapse_sum_like(x, (4,)),
            tu.collapse_sum_like(x, (2, 3, 4)), tu.collapse_sum_like(np.ones((2, 0)), (1, 0))]


@case()
def assign_each_values(mx, tu, tmp):
    x = np.array([[1.0, -2.0], [3.5, 0.0]], np.float32)
    y = np.array([[2.0, 1.0], [-1.0, 4.0]], np.float32)
    return [tu.assign_each(x, lambda v: v * v + 1), tu.assign_each(x, None),
            tu.assign_each2(x, y, lambda u, v: u - 2 * v), tu.assign_each2(x, y, None)]


@case()
def large_tensor_helpers(mx, tu, tmp):
    return [tu.create_vector(5), tu.create_vector(3, dtype=np.float32), tu.create_2d_tensor(3, 4),
            tu.create_2d_tensor(2, 3, dtype=np.float64), tu.get_identity_mat(3), tu.get_identity_mat_batch(2)]


# ------------------------------------------------------------------ random data (NumPy's legacy RNG)
@case()
def random_draws(mx, tu, tmp):
    np.random.seed(11)
    u = tu.random_uniform_arrays((2, 3), (4,), low=-1, high=2, dtype=np.float64)
    u2 = tu.random_uniform_arrays((3,))
    s = tu.random_sample(list(range(10)), 4)
    c = tu.rand_coord_2d(0, 5, 10, 20)
    r = tu.random_arrays((2,), ())
    shapes = [tu.rand_shape_2d(), tu.rand_shape_3d(2, 3, 4), tu.rand_shape_nd(3, 5)]
    return [u, u2, s, [int(v) for v in c], r, [[int(d) for d in t] for t in shapes],
            _outcome(tu.random_uniform_arrays, (2,), foo=1), _outcome(tu.random_sample, [1, 2], 3)]


def _dense(a):
    return a.tostype('default') if a.stype != 'default' else a


@case()
def rand_sparse_row_sparse(mx, tu, tmp):
    np.random.seed(5)
    arr, (val, idx) = tu.rand_sparse_ndarray((6, 3), 'row_sparse', density=0.5)
    arr2, (val2, idx2) = tu.rand_sparse_ndarray((4, 2), 'row_sparse', density=0.3, dtype=np.float64,
                                                rsp_indices=np.array([3, 0]), data_init=2.0)
    arr3, (val3, idx3) = tu.rand_sparse_ndarray((5, 2), 'row_sparse', density=0.9,
                                                modifier_func=lambda v: v * 10)
    arr4, (val4, _) = tu.rand_sparse_ndarray((4, 2), 'row_sparse', density=0.0)
    return [_dense(arr), val, idx.astype(np.int64), _dense(arr2), val2, idx2.astype(np.int64),
            _dense(arr3), val3, idx3.astype(np.int64), _dense(arr4), val4.shape, arr.dtype.__name__]


@case()
def create_sparse_arrays(mx, tu, tmp):
    np.random.seed(2)
    a = tu.create_sparse_array((5, 3), 'row_sparse', data_init=1.5, rsp_indices=[3, 1])
    b = tu.create_sparse_array_zd((5, 2), 'row_sparse', density=0.9, rsp_indices=[4, 0], data_init=-1.0)
    c = tu.create_sparse_array_zd((4, 2), 'row_sparse', density=0.9)
    return [_dense(a), _dense(b), _dense(c), _outcome(tu.create_sparse_array, (2, 2), 'dense')]


@case()
def rand_sparse_csr_powerlaw(mx, tu, tmp):
    np.random.seed(8)
    arr, (indptr, indices, data) = tu.rand_sparse_ndarray((5, 16), 'csr', density=0.5, distribution='powerlaw')
    arr2, _ = tu.rand_sparse_ndarray((3, 4), 'csr', density=0.9, distribution='powerlaw')
    return [_dense(arr), indptr, indices, data, _dense(arr2)]


@case()
def rand_sparse_errors(mx, tu, tmp):
    return [_outcome(tu.rand_sparse_ndarray, (3, 4), 'csr', density=1.5),
            _outcome(tu.rand_sparse_ndarray, (3, 4), 'csr', density=0.1, distribution='powerlaw'),
            _outcome(tu.rand_sparse_ndarray, (3, 4), 'csr', density=0.5, distribution='zipf'),
            _outcome(tu.rand_sparse_ndarray, (3, 4), 'row_sparse', density=0.5, distribution='powerlaw'),
            _outcome(tu.rand_sparse_ndarray, (3, 4), 'blocked', density=0.5),
            _outcome(tu.rand_sparse_ndarray, (3, 4, 2), 'csr', density=0.5)]


@case()
def structured_matrices(mx, tu, tmp):
    np.random.seed(3)
    m = tu.new_matrix_with_real_eigvals_nd((2, 3, 3))
    s = tu.new_sym_matrix_with_real_eigvals_nd((2, 2, 4, 4))
    q = tu.new_orthonormal_matrix_2d(4)
    return [m.shape, m.dtype.name, s.shape, q.shape, tu.new_matrix_with_real_eigvals_2d(2).shape,
            tu.new_sym_matrix_with_real_eigvals_2d(3).shape]


# ------------------------------------------------------------------ distribution checks
@case()
def distribution_checks(mx, tu, tmp):
    buckets, probs = tu.gen_buckets_probs_with_ppf(lambda p: 2 * p - 1, 4)
    rng = np.random.RandomState(4)

    def normal(n):
        return rng.normal(0.5, 2.0, size=n)
    return [buckets, probs, tu.mean_check(normal, 0.5, 2.0, nsamples=20000),
            tu.mean_check(normal, 0.6, 2.0, nsamples=20000), tu.var_check(normal, 2.0, nsamples=20000),
            tu.var_check(normal, 2.3, nsamples=20000), _outcome(tu.gen_buckets_probs_with_ppf, lambda p: p, 0)]


# ------------------------------------------------------------------ environment and machine
@case()
def environment_scopes(mx, tu, tmp):
    os.environ.pop('MXJAX_TU_A', None)
    os.environ['MXJAX_TU_B'] = 'old'
    seen = []
    with tu.environment('MXJAX_TU_A', '1'):
        seen.append(os.environ.get('MXJAX_TU_A'))
    seen.append(os.environ.get('MXJAX_TU_A'))
    with tu.environment({'MXJAX_TU_A': 'x', 'MXJAX_TU_B': None}):
        seen.append([os.environ.get('MXJAX_TU_A'), os.environ.get('MXJAX_TU_B')])
    seen.append([os.environ.get('MXJAX_TU_A'), os.environ.get('MXJAX_TU_B')])
    try:
        with tu.environment('MXJAX_TU_B', 'during'):
            raise KeyError('boom')
    except KeyError:
        seen.append(os.environ.get('MXJAX_TU_B'))

    @tu.environment('MXJAX_TU_A', 'deco')
    def body():
        return os.environ.get('MXJAX_TU_A')
    seen += [body(), os.environ.get('MXJAX_TU_A'), _outcome(lambda: tu.environment('A', 'b', 'c').__enter__())]
    with tu.environment('CD_JOB', '1'):
        seen.append(tu.is_cd_run())
    with tu.environment('CD_JOB', None):
        seen.append(tu.is_cd_run())
    del os.environ['MXJAX_TU_B']
    return seen


@case()
def getenv_setenv(mx, tu, tmp):
    os.environ.pop('MXJAX_TU_C', None)
    seen = [tu.getenv('MXJAX_TU_C')]
    tu.setenv('MXJAX_TU_C', 'v1')
    seen.append(tu.getenv('MXJAX_TU_C'))
    tu.setenv('MXJAX_TU_C', None)
    seen.append(tu.getenv('MXJAX_TU_C'))
    return seen


@case()
def machine_queries(mx, tu, tmp):
    return [list(tu.list_gpus()), tu.has_tvm_ops(), tu.is_op_runnable(), tu.is_aarch64_run(),
            tu.Features().is_enabled('TVM_OP'), tu.Features().is_enabled('tvm_op'), list(tu.Features()),
            _outcome(tu.Features().is_enabled, 'NOT_A_FEATURE'),
            _outcome(tu.get_cuda_compute_capability, mx.cpu())]


@case(phrase='Expecting a gpu context to get cuda compute capability')
def cuda_capability_of_cpu(mx, tu, tmp):
    tu.get_cuda_compute_capability(mx.cpu())


@case()
def dummy_iter(mx, tu, tmp):
    class Batches:
        provide_data, provide_label, batch_size = [('data', (2, 3))], [('label', (2,))], 2

        def __init__(self):
            self.items = iter(['b0', 'b1'])

        def __next__(self):
            return next(self.items)
    it = tu.DummyIter(Batches())
    return [next(it), it.next(), next(iter(it)), [b for b, _ in zip(it, range(3))], it.batch_size,
            it.provide_data[0][0], it.provide_label[0][1]]


# ------------------------------------------------------------------ data files (present: no network)
def _idx_images(n):
    return struct.pack('>IIII', 2051, n, 28, 28) + bytes((np.arange(n * 784) * 7 % 256).astype(np.uint8))


def _idx_labels(labels):
    return struct.pack('>II', 2049, len(labels)) + bytes(np.array(labels, np.uint8))


@case()
def mnist_from_local_files(mx, tu, tmp):
    for prefix, labels in (('train', [5, 0, 4]), ('t10k', [7, 2])):
        with gzip.open('%s-labels-idx1-ubyte.gz' % prefix, 'wb') as f:
            f.write(_idx_labels(labels))
        with gzip.open('%s-images-idx3-ubyte.gz' % prefix, 'wb') as f:
            f.write(_idx_images(len(labels)))
    d = tu.get_mnist()
    return [sorted(d), d['train_label'], d['test_label'], d['train_data'].shape, d['test_data'].dtype.name,
            float(d['train_data'].sum()), d['test_data'][1, 0, 27, 20:28]]


@case()
def mnist_ubyte_from_local_zip(mx, tu, tmp):
    os.mkdir('data')
    with zipfile.ZipFile('data/mnist.zip', 'w') as zf:
        for name in ('train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte',
                     't10k-labels-idx1-ubyte'):
            zf.writestr(name, b'content of ' + name.encode())
    tu.get_mnist_ubyte()
    with open('data/t10k-labels-idx1-ubyte', 'rb') as f:
        first = f.read()
    with open('data/train-images-idx3-ubyte', 'w') as f:
        f.write('kept')  # present files are not extracted again
    tu.get_mnist_ubyte()
    with open('data/train-images-idx3-ubyte') as f:
        kept = f.read()
    return [sorted(os.listdir('data')), first.decode(), kept]


@case()
def cifar10_from_local_zip(mx, tu, tmp):
    os.mkdir('data')
    with zipfile.ZipFile('data/cifar10.zip', 'w') as zf:
        for name in ('train.rec', 'test.rec', 'train.lst', 'test.lst'):
            zf.writestr('cifar/' + name, name)
    return [tu.get_cifar10(), sorted(os.listdir('data/cifar'))]


@case()
def mnist_pkl_present(mx, tu, tmp):
    os.mkdir('data')
    open('data/mnist.pkl.gz', 'wb').close()
    return [tu.get_mnist_pkl(), sorted(os.listdir('data'))]


@case()
def download_present_files(mx, tu, tmp):
    os.mkdir('d')
    for name in ('f.bin', 'd/g.txt', 'm1-symbol.json', 'm1-0000.params'):
        with open(name, 'w') as f:
            f.write('x')
    meta = {'m1': {'symbol': 'http://example.invalid/s.json', 'params': 'http://example.invalid/p.params'}}
    return [tu.download('http://example.invalid/a/f.bin'), tu.download('http://example.invalid/g.txt', dirname='d'),
            tu.download('http://example.invalid/zz', fname='d/g.txt'), tu.download_model('no-such-model'),
            tu.download_model('m1', dst_dir='.', meta_info=meta),
            _outcome(tu.download, 'http://x.invalid/f', retries=-1)]


@case()
def zip_and_bz2_data(mx, tu, tmp):
    os.mkdir('zd')
    with zipfile.ZipFile('zd/pack.zip', 'w') as zf:
        zf.writestr('inner/a.txt', 'alpha')
    zipped = tu.get_zip_data(os.path.join(tmp, 'zd'), 'http://example.invalid/pack.zip', 'pack.zip')
    os.mkdir('bd')
    with bz2.open('bd/data.t.bz2', 'wb') as f:
        f.write(b'line one\nline two\n')
    unzipped = tu.get_bz2_data(os.path.join(tmp, 'bd'), 'data.t', 'http://example.invalid/data.t.bz2',
                               'data.t.bz2')
    with open('bd/data.t') as f:
        text = f.read()
    return [zipped, sorted(os.listdir('zd')), unzipped, sorted(os.listdir('bd')), text]


def main():
    import mxnet as mx
    assert mx.__version__ == '1.9.1', mx.__version__
    out = {'names': star_names('mxnet.test_utils'), 'cases': {}}
    for name, (_, phrase) in CASES.items():
        res = run_case(name, mx)
        if phrase is not None:
            assert isinstance(res, dict) and res.get('t') == 'error' and phrase in res['message'], (name, res)
        out['cases'][name] = {'phrase': phrase, 'result': res}
        print(name, json.dumps(res)[:300])
    with open(GOLDEN, 'w') as f:
        json.dump(out, f, indent=1, sort_keys=True)


if __name__ == '__main__':
    main()
