"""gluon.nn's convolution, pooling and padding layers and gluon.contrib.nn's pixel shuffles vs
MXNet 1.9.1 (golden/gen_gluon_conv.py -> golden/gluon_conv.json, gluon_conv.npz): outputs, input
and Parameter gradients, deferred shapes, names, reprs, summary and errors. Channel-last
convolutions, which MXNet's CPU build cannot compute, are checked against the channel-first
golden values transposed."""
import json
import os
import sys
import warnings

import numpy as np
import pytest

import mxjax as mx

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'golden'))
import gen_gluon_conv as gen  # noqa: E402
from gen_gluon import values  # noqa: E402

GOLD = json.load(open(os.path.join(gen.HERE, 'gluon_conv.json')))
ARRAYS = np.load(os.path.join(gen.HERE, 'gluon_conv.npz'))


def _close(got, want, what):
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6, err_msg=what)


def check(name, got):
    """A case's result against MXNet's: facts exactly, arrays to float32 precision."""
    facts = {k: v for k, v in got.items() if not isinstance(v, np.ndarray)}
    assert json.loads(json.dumps(facts)) == GOLD[name]
    want = {k.split('/', 1)[1]: ARRAYS[k] for k in ARRAYS.files if k.split('/', 1)[0] == name}
    arrays = {k: v for k, v in got.items() if isinstance(v, np.ndarray)}
    assert sorted(arrays) == sorted(want)
    for k, v in want.items():
        _close(arrays[k], v, '%s: %s' % (name, k))


@pytest.mark.parametrize('name', sorted(gen.CASES))
def test_golden(name):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        got = gen.CASES[name](mx)
    check(name, got)


@pytest.mark.parametrize('name', sorted(gen.CHANNEL_LAST))
def test_channel_last(name):
    """Shapes, names and reprs as MXNet infers them; values: the channel-first case's, transposed
    (the same numbers in channel-last order for the input, Parameters and head gradient)."""
    gold = dict(GOLD['channel_last_' + name])
    assert gold.pop('cpu error') == 'MXNetError'   # what MXNet's CPU build does instead
    assert gen.channel_last_facts(mx, name) == gold
    make, first = gen.CHANNEL_LAST[name]
    ref = 'layer_' + first
    gen.fresh(mx)
    block = gen.initialized(mx, make(mx), gen.to_last(values(gen.LAYERS[first][1], 7)))
    for i, (key, p) in enumerate(sorted(block.collect_params().items())):
        p.set_data(gen.to_last(values(GOLD[ref]['params'][key[len(block.prefix):]][0], i)))
    x = mx.nd.array(gen.to_last(values(gen.LAYERS[first][1], 7)))
    x.attach_grad()
    with mx.autograd.record():
        y = block(x)
    y.backward(mx.nd.array(gen.to_last(values(ARRAYS[ref + '/out'].shape, 99))))
    first_order = (0, y.ndim - 1) + tuple(range(1, y.ndim - 1))
    _close(y.asnumpy().transpose(first_order), ARRAYS[ref + '/out'], 'out')
    _close(x.grad.asnumpy().transpose(first_order), ARRAYS[ref + '/x_grad'], 'x_grad')
    for key, p in block.collect_params().items():
        g = p.grad().asnumpy()
        _close(g if g.ndim == 1 else g.transpose(first_order), ARRAYS[ref + '/grad:' + key[len(block.prefix):]], key)


def test_exported():
    """Every conv/pool/pad name of MXNet's gluon.nn and the pixel shuffles of gluon.contrib.nn."""
    assert all(hasattr(mx.gluon.nn, n) for n in GOLD['names']['conv_layers'])
    assert all(hasattr(mx.gluon.contrib.nn, n) for n in GOLD['names']['contrib'])
