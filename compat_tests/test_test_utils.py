"""mx.test_utils: tolerances and verdicts as MXNet 1.9.1's (golden), numeric gradient checks."""
import numpy as np
import pytest

import mxjax as mx
from golden.gen_core import check_case, golden, params

nd = mx.nd
ag = mx.autograd
tu = mx.test_utils
GOLD = golden()


@pytest.mark.parametrize('name', params('test_utils'))
def test_golden(name):
    check_case(name, mx, GOLD)


def test_assert_almost_equal_names_the_worst_element():
    with pytest.raises(AssertionError) as info:
        tu.assert_almost_equal(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0, 2.5], [3.0, 4.1]]),
                               names=('mine', 'ref'))
    msg = str(info.value)
    assert 'Location of maximum error: (0, 1)' in msg and 'mine=2.0' in msg and 'ref=2.5' in msg
    assert 'mismatch 50.0' in msg


def test_default_context_follows_set_default_context():
    old = tu.default_context()
    try:
        tu.set_default_context(mx.cpu(2))
        assert tu.default_context() == mx.cpu(2)
        assert nd.zeros((1,)).context == mx.cpu(2)
        assert tu.rand_ndarray((2,)).context == mx.cpu(2)
    finally:
        tu.set_default_context(old)
    assert mx.current_context() == old


def test_rand_helpers():
    np.random.seed(3)
    a = tu.rand_ndarray((3, 4), dtype='float64')
    assert a.shape == (3, 4) and a.dtype == np.float64 and a.stype == 'default'
    assert abs(float(a.asnumpy().std()) - 1) < 0.6  # standard normal draws
    with pytest.raises(mx.MXNetError, match='csr'):
        tu.rand_ndarray((3, 4), stype='csr', density=0.2)
    for _ in range(5):
        s = tu.rand_shape_nd(3, dim=4)
        assert len(s) == 3 and all(1 <= d <= 4 for d in s)
        assert all(0 <= d <= 2 for d in tu.rand_shape_nd(4, dim=2, allow_zero_size=True))


def test_same_array_detects_views():
    x = nd.arange(6).reshape((2, 3))
    assert tu.same_array(x, x.reshape((3, 2)).reshape((2, 3)))
    assert not tu.same_array(x, x.copy())
    np.testing.assert_array_equal(x.asnumpy(), np.arange(6).reshape(2, 3))  # probe restored


def test_check_numeric_gradient_passes_for_correct_gradients():
    rng = np.random.RandomState(0)
    tu.check_numeric_gradient(lambda x, w: nd.exp(x) * w + x * x, [rng.randn(3, 4), rng.randn(3, 4)])
    tu.check_numeric_gradient(lambda data: nd.tanh(data).sum(axis=1), {'data': rng.randn(2, 3)})
    tu.check_numeric_gradient(lambda x: nd.sigmoid(x), [rng.randn(5)], dtype=np.float64, rtol=1e-6, atol=1e-8)
    tu.check_numeric_gradient(lambda a, b: a / b, {'a': rng.randn(4), 'b': rng.rand(4) + 1},
                              grad_nodes={'a': 'add', 'b': 'write'})
    tu.check_numeric_gradient(lambda a, b: a * b, [rng.randn(4), rng.randn(4)], grad_nodes=[1])


def test_check_numeric_gradient_uses_train_mode_like_mxnet():
    seen = []

    def f(x):
        seen.append(ag.is_training())
        return x * x
    tu.check_numeric_gradient(f, [np.ones(2)])
    assert set(seen) == {True}
    seen.clear()
    tu.check_numeric_gradient(f, [np.ones(2)], use_forward_train=False)
    assert set(seen) == {False}


def test_check_numeric_gradient_catches_a_wrong_backward():
    class WrongSquare(ag.Function):
        def forward(self, x):
            self.save_for_backward(x)
            return x * x

        def backward(self, dy):
            x, = self.saved_tensors
            return dy * 3 * x  # should be 2 * x
    with pytest.raises(AssertionError, match='NUMERICAL_0'):
        tu.check_numeric_gradient(lambda x: WrongSquare()(x), [np.array([1.0, -2.0, 0.5])])


def test_check_numeric_gradient_rejects_bad_arguments():
    with pytest.raises(mx.MXNetError, match='grad_nodes'):
        tu.check_numeric_gradient(lambda x: x * 2, [np.ones(2)], grad_nodes=['y'])
    with pytest.raises(mx.MXNetError, match='dtype'):
        tu.check_numeric_gradient(lambda x: x * 2, [np.ones(2)], dtype=np.int32)
    with pytest.raises(mx.MXNetError, match='one NDArray'):
        tu.check_numeric_gradient(lambda x: [x, x], [np.ones(2)])
