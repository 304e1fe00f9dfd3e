"""Printing: str/repr of NDArrays exactly as MXNet 1.9.1 prints them, under any NumPy.

Golden strings come from real MXNet: golden/gen_core.py -> core.json (hand-written cases) and
golden/gen_printing.py -> printing.npz (several hundred seeded arrays of every dtype, shape
and magnitude, MXNet ops, and prints under user print options).
"""
import os
import sys
import threading

import numpy as np
import pytest

import mxjax as mx
from golden.gen_core import check_case, golden, params
from mxjax.ndarray import printing

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'golden'))
import gen_printing as gen  # noqa: E402

nd = mx.nd
GOLD = golden()
PRINTS = np.load(gen.GOLDEN)
ARRAYS = gen.unpack(PRINTS)
REPRS = dict(zip(ARRAYS, (str(r) for r in PRINTS['reprs'])))


def _same_options(a, b):
    assert a.keys() == b.keys()
    assert all(a[k] is b[k] or a[k] == b[k] for k in a), (a, b)


@pytest.mark.parametrize('name', params('printing'))
def test_golden(name):
    check_case(name, mx, GOLD)


def test_doc_example_prints_like_mxnet():
    x = nd.ones((2,))
    x.attach_grad()
    with mx.autograd.record():
        z = nd.elemwise_add(nd.exp(x), x)
    dx = mx.autograd.grad(z, [x], create_graph=True)
    assert str(dx[0]) == '\n[3.7182817 3.7182817]\n<NDArray 2 @cpu(0)>'


def test_print_shows_current_value_of_view_and_base():
    x = nd.arange(6).reshape((2, 3))
    v = x[1]
    x[1] = 9
    assert repr(v) == '\n[9. 9. 9.]\n<NDArray 3 @cpu(0)>'
    v[:] = 1
    assert repr(x) == '\n[[0. 1. 2.]\n [1. 1. 1.]]\n<NDArray 2x3 @cpu(0)>'


def test_golden_inputs_are_the_generators():
    assert list(ARRAYS) == list(gen.INPUTS)
    for name, a in gen.INPUTS.items():
        assert ARRAYS[name].dtype == a.dtype and ARRAYS[name].shape == a.shape, name
        np.testing.assert_array_equal(ARRAYS[name], a, err_msg=name)


@pytest.mark.parametrize('name', list(ARRAYS))
def test_prints_like_mxnet(name):
    a = ARRAYS[name]
    x = nd.array(a, dtype=a.dtype)
    assert repr(x) == REPRS[name]
    assert str(x) == REPRS[name]
    # the printed values are the array's: asnumpy() round-trips bit for bit (-0.0, nan, inf)
    b = x.asnumpy()
    assert b.dtype == a.dtype and b.shape == a.shape
    assert b.tobytes() == a.tobytes()


@pytest.mark.parametrize('i', range(len(gen.EXPRS)), ids=gen.EXPRS)
def test_op_results_print_like_mxnet(i):
    assert repr(eval(gen.EXPRS[i], {'nd': nd})) == str(PRINTS['expr_reprs'][i])


@pytest.mark.parametrize('i', range(len(gen.OPTION_CASES)),
                         ids=['%s-%s' % (n, sorted(o)) for n, o in gen.OPTION_CASES])
def test_user_print_options_are_honoured_and_kept(i):
    name, opts = gen.OPTION_CASES[i]
    x = nd.array(ARRAYS[name], dtype=ARRAYS[name].dtype)
    with np.printoptions(**opts):
        before = np.get_printoptions()
        assert repr(x) == str(PRINTS['opt_reprs'][i])
        _same_options(np.get_printoptions(), before)


def test_printing_leaves_global_print_options_unchanged():
    before = np.get_printoptions()
    for name in ('f32_12345678', 'f16_1000_1.5', 'f32_scalar_big', 'big_float32_40x26'):
        repr(nd.array(ARRAYS[name], dtype=ARRAYS[name].dtype))
    _same_options(np.get_printoptions(), before)
    # and the user's own numpy printing still uses the installed NumPy's rules
    assert str(np.array([12345678.0], np.float32)) == np.array2string(np.array([12345678.0], np.float32))


def test_threads_print_alike():
    # printing scopes its NumPy options to the call: concurrent prints do not disturb each other
    names = ['f32_12345678', 'f16_max', 'r1_float32_2x13', 'big_int64_1001'] * 5
    xs = [nd.array(ARRAYS[n], dtype=ARRAYS[n].dtype) for n in names]
    got = [None] * len(xs)

    def work(k):
        for _ in range(20):
            got[k] = repr(xs[k])
    threads = [threading.Thread(target=work, args=(k,)) for k in range(len(xs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == [REPRS[n] for n in names]


def test_array_str_is_numpy_str_where_numpy_agrees_with_1_23():
    # integers, bools and floats below the 1e3/1e6 switch print as any NumPy prints them
    for a in (np.arange(-3, 4, dtype=np.int8), np.array([True, False]), np.array([0.5, -2.25], np.float16)):
        assert printing.array_str(a) == str(a)
