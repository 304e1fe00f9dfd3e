"""mx.test_utils checked against independent computations: comparisons, check_consistency,
sparse-pattern generators, the distribution checks on nd.random, environment helpers and the
offline dataset helpers (tiny synthetic files in MXNet's formats; the network is never used)."""
import gzip
import math
import os
import socket
import statistics
import struct
import zipfile

import numpy as np
import pytest

import mxjax as mx

nd = mx.nd
ag = mx.autograd
tu = mx.test_utils


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """Work in tmp_path with every socket connection failing the test."""
    def refuse(*args, **kwargs):
        raise AssertionError('test_utils tried to use the network')
    monkeypatch.setattr(socket.socket, 'connect', refuse)
    monkeypatch.chdir(tmp_path)
    return tmp_path


# ------------------------------------------------------------------ assert_almost_equal
def test_assert_almost_equal_ndarray_shapes_must_match():
    with pytest.raises(mx.MXNetError, match=r'x.shape = \(2, 3\) and y.shape = \(3,\)'):
        tu.assert_almost_equal(nd.ones((2, 3)), nd.ones((3,)), names=('x', 'y'))
    tu.assert_almost_equal(np.ones((2, 3)), np.ones(3))  # NumPy arrays broadcast, as in MXNet
    with pytest.raises(ValueError, match='cannot be broadcast'):
        tu.assert_almost_equal(np.ones((2, 3)), np.ones((3, 2)))


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_assert_almost_equal_counts_nan_as_mismatch(dtype):
    a = np.array([[np.nan, 1.0], [2.0, np.nan]], dtype)
    b = np.array([[np.nan, 1.0], [2.5, 4.0]], dtype)
    with pytest.raises(AssertionError, match=r'mismatch 75\.0+%') as info:
        tu.assert_almost_equal(nd.array(a, dtype=dtype), nd.array(b, dtype=dtype))
    assert 'Location of maximum error: (0, 0)' in str(info.value)  # the first NaN, as MXNet reports
    with pytest.raises(AssertionError, match=r'mismatch 50\.0+%'):
        tu.assert_almost_equal(a, b, equal_nan=True)
    tu.assert_almost_equal(a, a, equal_nan=True)


def test_assert_almost_equal_scalars_and_empty_arrays():
    with pytest.raises(AssertionError, match=r'Error 33333\.33\d* exceeds tolerance rtol=1\.0+e-05'):
        tu.assert_almost_equal(1.0, 1.5)
    with pytest.raises(AssertionError, match=r'Error 769\.23\d* exceeds'):
        tu.assert_almost_equal(nd.array(2.0), 3)  # float32 vs int: float32's tolerances
    tu.assert_almost_equal(np.zeros((0, 3)), np.zeros((0, 3)))


def test_assert_almost_equal_with_err_message():
    a, b = np.zeros(10), np.zeros(10)
    b[[2, 7, 9]] = 1
    tu.assert_almost_equal_with_err(a, b, etol=0.31)
    with pytest.raises(AssertionError, match=r'mismatch 30\.0+%'):
        tu.assert_almost_equal_with_err(a, b, etol=0.29)


# ------------------------------------------------------------------ check_consistency
CTX_LIST = [{'ctx': mx.cpu(0), 'a': (2, 3), 'b': (2, 3), 'type_dict': {'a': np.float64, 'b': np.float64}},
            {'ctx': mx.cpu(0), 'a': (2, 3), 'b': (2, 3), 'type_dict': {'a': np.float32, 'b': np.float32}},
            {'ctx': mx.cpu(1), 'a': (2, 3), 'b': (2, 3), 'type_dict': {'a': np.float16, 'b': np.float16}}]


def _tanh_mul(a, b):
    return nd.tanh(a) * b


def test_check_consistency_returns_outputs_and_gradients():
    rng = np.random.RandomState(0)
    a, b = rng.randn(2, 3), rng.randn(2, 3)
    gt = tu.check_consistency(_tanh_mul, CTX_LIST, arg_params={'a': a, 'b': b})
    assert sorted(gt) == ['a', 'b', 'output0'] and gt['output0'].dtype == np.float64
    out = np.tanh(a) * b
    head = out.astype(np.float16).astype(np.float64)  # first entry's output cast to the narrowest dtype
    np.testing.assert_allclose(gt['output0'].asnumpy(), out, rtol=1e-12)
    np.testing.assert_allclose(gt['a'].asnumpy(), head * b * (1 - np.tanh(a) ** 2), rtol=1e-3)
    np.testing.assert_allclose(gt['b'].asnumpy(), head * np.tanh(a), rtol=1e-3)


def test_check_consistency_draws_inputs_and_several_outputs():
    np.random.seed(1)
    gt = tu.check_consistency(lambda x: [nd.exp(x), x.sum(axis=1)],
                              [{'ctx': mx.cpu(), 'x': (3, 2), 'type_dict': {'x': np.float64}},
                               {'ctx': mx.cpu(), 'x': (3, 2)}], scale=0.5, use_uniform=True)
    assert sorted(gt) == ['output0', 'output1', 'x']
    x = np.log(gt['output0'].asnumpy())
    assert np.all(np.abs(x) <= 0.92 * 0.5)
    # head gradients are the outputs themselves: d/dx [exp(x) . exp(x) + sum(x) . sum(x)]
    np.testing.assert_allclose(gt['x'].asnumpy(), np.exp(2 * x) + x.sum(axis=1, keepdims=True), rtol=1e-5)


def test_check_consistency_catches_a_dtype_dependent_difference(capsys):
    def wrong(a, b):
        return a * b + (0.05 if a.dtype == np.float32 else 0)
    with pytest.raises(AssertionError, match='exceeds tolerance'):
        tu.check_consistency(wrong, CTX_LIST[:2])
    tu.check_consistency(wrong, CTX_LIST[:2], raise_on_err=False)
    assert 'Predict Err: ctx 1 vs ctx 0 at output0' in capsys.readouterr().out
    tu.check_consistency(wrong, CTX_LIST[:2], atol=0.1)


def test_check_consistency_catches_a_wrong_gradient():
    class Square(ag.Function):
        def forward(self, x):
            self.save_for_backward(x)
            return x * x

        def backward(self, dy):
            x, = self.saved_tensors
            return dy * x * (2 if x.dtype == np.float64 else 3)
    ctx_list = [{'x': (4,), 'type_dict': {'x': np.float64}}, {'x': (4,), 'type_dict': {'x': np.float32}}]
    with pytest.raises(AssertionError):
        tu.check_consistency(lambda x: Square()(x), ctx_list)
    tu.check_consistency(lambda x: Square()(x), ctx_list, grad_req='null')  # outputs agree


def test_check_consistency_grad_req_and_ground_truth():
    a, b = np.ones((2, 3)), np.full((2, 3), 2.0)
    gt = tu.check_consistency(_tanh_mul, CTX_LIST[:2], grad_req={'a': 'write'}, arg_params={'a': a, 'b': b})
    assert gt['b'] is None and gt['a'] is not None
    truth = {'output0': nd.array(np.tanh(a) * b + 1)}
    with pytest.raises(AssertionError):
        tu.check_consistency(_tanh_mul, CTX_LIST[:2], grad_req='null', arg_params={'a': a, 'b': b},
                             ground_truth=truth)
    with pytest.raises(mx.MXNetError, match='function of NDArrays'):
        tu.check_consistency('conv', CTX_LIST[:2])
    with pytest.raises(mx.MXNetError, match='same arguments'):
        tu.check_consistency(_tanh_mul, [CTX_LIST[0], {'a': (2, 3)}])


# ------------------------------------------------------------------ sparse patterns, dense results
@pytest.mark.parametrize('dtype', [np.float32, np.float64])
def test_rand_sparse_csr_uniform(dtype):
    np.random.seed(4)
    arr, (indptr, indices, data) = tu.rand_sparse_ndarray((20, 30), 'csr', density=0.1, dtype=dtype)
    assert arr.stype == 'default' and arr.dtype == dtype and arr.shape == (20, 30)
    dense = arr.asnumpy()
    assert np.count_nonzero(dense) == 60 and dense.min() >= 0 and dense.max() < 1
    rows, cols = np.nonzero(dense)  # CSR parts of the dense array, computed independently
    np.testing.assert_array_equal(indptr.asnumpy(), np.searchsorted(rows, np.arange(21)))
    np.testing.assert_array_equal(indices.asnumpy(), cols)
    np.testing.assert_array_equal(data.asnumpy(), dense[rows, cols])
    filled = tu.create_sparse_array((4, 5), 'csr', data_init=3.0, density=0.5).asnumpy()
    assert np.count_nonzero(filled) == 10 and set(filled[filled != 0]) == {3.0}


def test_rand_sparse_row_sparse_density_and_dtype():
    np.random.seed(6)
    arr, (val, idx) = tu.rand_sparse_ndarray((2000, 2), 'row_sparse', density=0.3, dtype=np.float64)
    dense = arr.asnumpy()
    assert arr.dtype == np.float64 and abs(len(idx) / 2000 - 0.3) < 0.05
    np.testing.assert_array_equal(np.nonzero(dense.any(axis=1))[0], idx)
    np.testing.assert_array_equal(dense[idx], val)
    power, _ = tu.rand_sparse_ndarray((5, 16), 'csr', density=0.5, distribution='powerlaw', dtype=np.float64)
    nnz = np.count_nonzero(power.asnumpy(), axis=1)
    assert power.dtype == np.float64 and list(nnz[:4]) == [2, 4, 8, 16]  # each row twice the one before


def test_sparse_only_helpers_raise_clearly():
    with pytest.raises(mx.MXNetError, match='rand_sparse_ndarray'):
        tu.rand_ndarray((2, 2), stype='row_sparse')
    with pytest.raises(mx.MXNetError, match='CSRNDArray'):
        tu.shuffle_csr_column_indices(None)


# ------------------------------------------------------------------ structured matrices
def test_structured_matrices():
    np.random.seed(9)
    m = tu.new_matrix_with_real_eigvals_nd((3, 4, 4))
    for mat in m:
        ev = np.linalg.eigvals(mat)
        assert np.all(np.abs(ev.imag) < 1e-8) and np.all(np.abs(ev.real) < 10)
    s = tu.new_sym_matrix_with_real_eigvals_2d(5)
    np.testing.assert_allclose(s, s.T, atol=1e-12)
    assert np.all(np.abs(np.linalg.eigvalsh(s)) < 10)
    q = tu.new_orthonormal_matrix_2d(5)
    np.testing.assert_allclose(q @ q.T, np.eye(5), atol=1e-12)


# ------------------------------------------------------------------ distribution checks on nd.random
def test_chi_square_p_value_is_pearsons():
    samples = np.array([0.1, 0.2, 0.5, 0.6, 0.7, 0.9, 0.95, 0.3, 0.82, 0.85])
    p, obs, exp = tu.chi_square_check(lambda n: samples[:n], [(0.0, 0.4), (0.4, 0.8), (0.8, 1.0)],
                                      [0.3, 0.4, 0.3], nsamples=10)
    np.testing.assert_array_equal(obs, [3, 3, 4])
    np.testing.assert_array_equal(exp, [3, 4, 3])
    stat = 0 / 3 + 1 / 4 + 1 / 3
    assert math.isclose(p, math.exp(-stat / 2), rel_tol=1e-9)  # chi-square(2) survival is exp(-x/2)
    p, obs, _ = tu.chi_square_check(lambda n: np.array([0, 1, 1, 2, 2, 2]), [0, 1, 2], [1 / 6, 2 / 6, 3 / 6],
                                    nsamples=6)
    assert list(obs) == [1, 2, 3] and math.isclose(p, 1.0)


def test_verify_generator_accepts_nd_random_and_rejects_a_wrong_one():
    mx.random.seed(0)
    ppf = statistics.NormalDist(1.0, 2.0).inv_cdf
    buckets, probs = tu.gen_buckets_probs_with_ppf(lambda p: ppf(min(max(p, 1e-12), 1 - 1e-12)), 5)
    normal = lambda n: nd.random.normal(1.0, 2.0, shape=(n,)).asnumpy()  # noqa: E731
    p_values = tu.verify_generator(normal, buckets, probs, nsamples=20000, nrepeat=3)
    assert len(p_values) == 3
    uniform = lambda n: nd.random.uniform(-1, 3, shape=(n,), dtype='float64').asnumpy()  # noqa: E731
    with pytest.raises(AssertionError, match='Generator test fails'):
        tu.verify_generator(uniform, buckets, probs, nsamples=20000, nrepeat=3)
    ubuckets, uprobs = tu.gen_buckets_probs_with_ppf(lambda p: -1 + 4 * p, 4)
    tu.verify_generator(uniform, ubuckets, uprobs, nsamples=20000, nrepeat=3)
    assert tu.mean_check(normal, 1.0, 2.0, nsamples=20000) and tu.var_check(normal, 2.0, nsamples=20000)
    assert not tu.mean_check(normal, 1.2, 2.0, nsamples=20000)


# ------------------------------------------------------------------ environment, stderr, machine
def test_environment_decorator_and_setenv_reach_os_environ():
    @tu.environment({'MXJAX_TU_D': '7'})
    def body():
        assert os.environ['MXJAX_TU_D'] == '7'
        raise RuntimeError('inside')
    with pytest.raises(RuntimeError):
        body()
    assert 'MXJAX_TU_D' not in os.environ
    tu.setenv('MXJAX_TU_D', 'x')  # mxjax has no separate C runtime: os.environ is the environment
    assert os.environ.pop('MXJAX_TU_D') == 'x'


def test_discard_stderr(capfd):
    with tu.discard_stderr():
        os.write(2, b'hidden by discard_stderr\n')
    os.write(2, b'shown after\n')
    err = capfd.readouterr().err
    assert 'hidden' not in err and 'shown after' in err


def test_machine_queries():
    assert list(tu.list_gpus()) == list(range(mx.num_gpus()))
    assert tu.Features().is_enabled('CUDA') == (mx.num_gpus() > 0)
    with pytest.raises(ValueError, match='gpu context'):
        tu.get_cuda_compute_capability(mx.cpu())
    if mx.num_gpus():
        cc = tu.get_cuda_compute_capability(mx.gpu(0))
        assert isinstance(cc, int) and cc >= 30
    with pytest.raises(IOError, match='im2rec'):
        tu.get_im2rec_path('MXJAX_TU_NO_SUCH_HOME')


def test_check_speed_times_a_function():
    x = np.ones((4, 4), np.float32)
    assert tu.check_speed(lambda x: nd.dot(x, x), {'x': x}, N=3) > 0
    assert tu.check_speed(lambda x: nd.tanh(x), N=2, typ='forward', x=(3,)) > 0
    with pytest.raises(ValueError, match='typ'):
        tu.check_speed(lambda x: x, {'x': x}, typ='backward')


def test_same_symbol_structure_on_recorded_graphs():
    x = nd.ones((2,))
    x.attach_grad()
    with ag.record():
        y1, y2, y3 = nd.exp(x) * 2, nd.exp(x + 1) * 3, nd.tanh(x) * 2
    s1, s2, s3 = (ag.get_symbol(y) for y in (y1, y2, y3))
    assert tu.same_symbol_structure(s1, s1)
    assert not tu.same_symbol_structure(s1, s3)
    assert not tu.same_symbol_structure(s1, s2)


class _SGD:
    """Plain SGD with the optimizer interface compare_optimizer drives."""
    def __init__(self, lr):
        self.lr = lr

    def create_state_multi_precision(self, index, weight):
        return None

    def update_multi_precision(self, index, weight, grad, state):
        for w, g in (zip(weight, grad) if isinstance(index, list) else [(weight, grad)]):
            w[:] = w - self.lr * g


def test_compare_optimizer_with_optimizer_objects():
    tu.compare_optimizer(_SGD(0.1), _SGD(0.1), (3, 2), 'float32')
    tu.compare_optimizer(_SGD(0.1), _SGD(0.1), [(3,), (2, 2)], 'float64', ntensors=2)
    with pytest.raises(AssertionError):
        tu.compare_optimizer(_SGD(0.1), _SGD(0.5), (3, 2), 'float32')


# ------------------------------------------------------------------ datasets: local files only
def test_absent_files_name_the_file_and_url(offline):
    with pytest.raises(mx.MXNetError, match=r'train-labels-idx1-ubyte\.gz.*never downloads.*data\.mxnet\.io'):
        tu.get_mnist()
    with pytest.raises(mx.MXNetError, match=r'data/mnist\.zip'):
        tu.get_mnist_ubyte()
    with pytest.raises(mx.MXNetError, match=r'data/cifar10\.zip'):
        tu.get_cifar10()
    with pytest.raises(mx.MXNetError, match=r'data/mnist\.pkl\.gz'):
        tu.get_mnist_pkl()
    with pytest.raises(mx.MXNetError, match=r'resnet-18-symbol\.json'):
        tu.download_model('imagenet1k-resnet-18', dst_dir='models')
    with pytest.raises(mx.MXNetError, match='overwrite=True'):
        open('here.bin', 'w').close()
        tu.download('http://example.invalid/here.bin', overwrite=True)


def _write_idx(prefix, labels, images):
    with gzip.open('%s-labels-idx1-ubyte.gz' % prefix, 'wb') as f:
        f.write(struct.pack('>II', 2049, len(labels)) + np.asarray(labels, np.uint8).tobytes())
    with gzip.open('%s-images-idx3-ubyte.gz' % prefix, 'wb') as f:
        f.write(struct.pack('>IIII', 2051, len(labels), 28, 28) + images.astype(np.uint8).tobytes())


def test_get_mnist_reads_idx_files(offline):
    rng = np.random.RandomState(0)
    train, test = rng.randint(0, 256, (4, 28, 28)), rng.randint(0, 256, (2, 28, 28))
    _write_idx('train', [1, 2, 3, 9], train)
    _write_idx('t10k', [0, 8], test)
    d = tu.get_mnist()
    np.testing.assert_array_equal(d['train_label'], [1, 2, 3, 9])
    np.testing.assert_allclose(d['test_data'], test[:, None].astype(np.float32) / 255)
    assert d['train_data'].shape == (4, 1, 28, 28) and d['train_data'].dtype == np.float32


def test_mnist_iterator_needs_mx_io(offline):
    os.mkdir('data')
    for name in ('train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte',
                 't10k-labels-idx1-ubyte'):
        open(os.path.join('data', name), 'wb').close()
    with pytest.raises(mx.MXNetError, match=r'needs mx\.io\.MNISTIter, which mxjax does not have yet'):
        tu.get_mnist_iterator(2, (784,))


def test_cifar10_zip_is_extracted(offline):
    os.mkdir('data')
    record = bytes([3]) + bytes(range(256)) * 12  # CIFAR's binary layout: label byte, 3072 pixel bytes
    with zipfile.ZipFile('data/cifar10.zip', 'w') as zf:
        for name in ('train.rec', 'test.rec', 'train.lst', 'test.lst'):
            zf.writestr('cifar/' + name, record)
    tu.get_cifar10()
    with open('data/cifar/test.rec', 'rb') as f:
        assert f.read() == record


def test_bz2_data_with_relative_dir(offline):
    import bz2
    os.mkdir('rel')
    with bz2.open('rel/x.bz2', 'wb') as f:
        f.write(b'a\nb\n')
    tu.get_bz2_data('rel', 'x', 'http://example.invalid/x.bz2', 'x.bz2')
    assert open('rel/x').read() == 'a\nb\n' and not os.path.exists('rel/x.bz2')
