"""Printing: str/repr of NDArrays exactly as MXNet 1.9.1 prints them.

Golden strings come from real MXNet (golden/gen_core.py -> golden/core.json).
"""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import mxjax as mx
from golden.gen_core import check_case, golden, params

nd = mx.nd
GOLD = golden()


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


# MXNet prints str(asnumpy()) between a newline and its footer; NumPy's str is the oracle.
@settings(max_examples=25, deadline=None)
@given(hnp.arrays(st.sampled_from([np.float32, np.int32, np.float64]),
                  hnp.array_shapes(min_dims=1, max_dims=3, max_side=5),
                  elements=st.integers(-1000, 1000)))
def test_repr_matches_numpy_str(a):
    x = nd.array(a, dtype=a.dtype)
    footer = '<NDArray %s @cpu(0)>' % 'x'.join(str(s) for s in a.shape)
    assert repr(x) == '\n%s\n%s' % (str(a), footer)
    assert str(x) == repr(x)
