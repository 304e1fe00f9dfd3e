"""nd.RNN and mx.gluon.rnn vs MXNet 1.9.1 (golden/gen_gluon_rnn.py -> golden/gluon_rnn.json/.npz):
the fused op for every mode x layers x direction x state_outputs (outputs and gradients), the
RNN/LSTM/GRU layers and every cell (outputs, states, gradients, names, reprs, unroll), errors.

What MXNet's CPU kernel ignores (sequence_length, dropout, the LSTM state clip) is checked against
MXNet runs of cut sequences, the p=0 values, and a NumPy LSTM."""
import json
import os
import sys
import warnings

import numpy as np
import pytest

import mxjax as mx
from mxjax import autograd

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'golden'))
import gen_gluon_rnn as gen  # noqa: E402

GOLD = json.load(open(os.path.join(gen.HERE, 'gluon_rnn.json')))
ARRAYS = np.load(os.path.join(gen.HERE, 'gluon_rnn.npz'))
nd, rnn = mx.nd, mx.gluon.rnn


def check(name, got):
    """Compare a case's result with MXNet's: facts exactly, arrays to float32 precision."""
    facts = {k: v for k, v in got.items() if not isinstance(v, np.ndarray)}
    assert json.loads(json.dumps(facts)) == GOLD[name]
    want = {k.split('/', 1)[1]: ARRAYS[k] for k in ARRAYS.files if k.split('/', 1)[0] == name}
    arrays = {k: v for k, v in got.items() if isinstance(v, np.ndarray)}
    assert sorted(arrays) == sorted(want)
    for k, v in want.items():
        np.testing.assert_allclose(arrays[k], v, rtol=1e-5, atol=1e-6, err_msg='%s: %s' % (name, k))


@pytest.mark.parametrize('name', sorted(gen.CASES))
def test_golden(name):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        got = gen.CASES[name](mx)
    check(name, got)


@pytest.mark.parametrize('name', sorted(gen.SEQLEN))
def test_sequence_length(name):
    """use_sequence_length: as if each sequence ran alone over its own length (MXNet runs of the cut
    sequences); padded outputs are 0 and get no gradient."""
    check(name, gen.seqlen_case(mx, name))


# ---------------------------------------------------------------- what MXNet's CPU kernel lacks
def test_projection_gradient_matches_finite_differences():
    """MXNet 1.9.1 has no CPU backward for projection_size; check ours numerically (the forward is golden)."""
    a = {'data': gen.values((gen.T, gen.N, gen.C), 1),
         'parameters': gen.values((gen.param_size('lstm', 2, True, proj=gen.PROJ),), 2),
         'state': gen.values((4, gen.N, gen.PROJ), 3), 'state_cell': gen.values((4, gen.N, gen.H), 4)}
    head = gen.values((gen.T, gen.N, 2 * gen.PROJ), 90)

    def loss(params):
        out = nd.RNN(nd.array(a['data']), params, nd.array(a['state']), nd.array(a['state_cell']),
                     state_size=gen.H, num_layers=2, bidirectional=True, mode='lstm', projection_size=gen.PROJ)
        return float((out.asnumpy().astype('float64') * head).sum())
    p = nd.array(a['parameters'])
    p.attach_grad()
    with autograd.record():
        out = nd.RNN(nd.array(a['data']), p, nd.array(a['state']), nd.array(a['state_cell']), state_size=gen.H,
                     num_layers=2, bidirectional=True, mode='lstm', projection_size=gen.PROJ)
    out.backward(nd.array(head))
    grad = p.grad.asnumpy()
    eps = 1e-2
    for i in np.random.RandomState(0).choice(p.size, 8, replace=False):
        d = np.zeros(p.shape, 'float32')
        d[i] = eps
        numeric = (loss(nd.array(a['parameters'] + d)) - loss(nd.array(a['parameters'] - d))) / (2 * eps)
        assert abs(numeric - grad[i]) < 2e-3 + 1e-2 * abs(numeric), (i, numeric, grad[i])


def _numpy_lstm(x, params, h, c, clip=None):
    """One-layer LSTM in NumPy (gates i, f, g, o), clipping c to clip=(lo, hi) with NaN -> lo."""
    hidden = h.shape[-1]
    width = x.shape[-1]
    sizes = [4 * hidden * width, 4 * hidden * hidden, 4 * hidden, 4 * hidden]
    wi, wh, bi, bh = np.split(params.astype('float64'), np.cumsum(sizes)[:-1])
    wi, wh = wi.reshape(4 * hidden, width), wh.reshape(4 * hidden, hidden)
    h, c = h[0].astype('float64'), c[0].astype('float64')
    sig = lambda v: 1 / (1 + np.exp(-v))   # noqa: E731
    outs = []
    for xt in x:
        i, f, g, o = np.split(xt @ wi.T + bi + h @ wh.T + bh, 4, axis=-1)
        c = sig(f) * c + sig(i) * np.tanh(g)
        if clip is not None:
            c = np.where(np.isnan(c), clip[0], np.clip(c, *clip))
        h = sig(o) * np.tanh(c)
        outs.append(h)
    return np.stack(outs), h[None], c[None]


def test_lstm_state_clip():
    a = gen.fused_inputs('lstm', 1, False)
    a['data'] = a['data'] * 4   # large enough for the cell state to reach the bounds
    a['state_cell'][0, 0, 1] = np.nan
    clip = (-0.3, 0.2)
    for nan in (True, False):
        got = nd.RNN(*[nd.array(v) for v in a.values()], state_size=gen.H, num_layers=1, mode='lstm',
                     state_outputs=True, lstm_state_clip_min=clip[0], lstm_state_clip_max=clip[1],
                     lstm_state_clip_nan=nan)
        want = _numpy_lstm(*a.values(), clip=clip)
        if nan:
            assert np.abs(want[2]).max() >= 0.2 and not np.isnan(got[0].asnumpy()).any()
            for g, w in zip(got, want):
                np.testing.assert_allclose(g.asnumpy(), w, rtol=1e-5, atol=1e-6)
        else:   # NaN propagates in the one sequence that has it
            assert np.isnan(got[2].asnumpy()[0, 0]).any() and not np.isnan(got[2].asnumpy()[0, 1]).any()
            np.testing.assert_allclose(got[2].asnumpy()[0, 1], want[2][0, 1], rtol=1e-5, atol=1e-6)


def test_dropout_between_layers():
    """p > 0: training drops (a different mask each call), predict mode is the p=0 result (golden)."""
    a = [nd.array(v) for v in gen.fused_inputs('lstm', 2, False).values()]
    kw = dict(state_size=gen.H, num_layers=2, mode='lstm', p=0.5)
    want = ARRAYS['fused_lstm_l2/out:out0']
    np.testing.assert_allclose(nd.RNN(*a, **kw).asnumpy(), want, rtol=1e-5, atol=1e-6)
    with autograd.train_mode():
        first, second = nd.RNN(*a, **kw).asnumpy(), nd.RNN(*a, **kw).asnumpy()
    assert np.abs(first - want).max() > 1e-3 and np.abs(second - first).max() > 1e-3
    layer = rnn.LSTM(gen.H, num_layers=2, dropout=0.5, input_size=gen.C)
    layer.initialize()
    x = nd.array(gen.values((gen.T, gen.N, gen.C), 5))
    with autograd.record(train_mode=False):
        out = layer(x)
    np.testing.assert_allclose(out.asnumpy(), layer(x).asnumpy(), rtol=1e-6)
    with autograd.record():
        out = layer(x)
    out.backward()
    assert np.abs(out.asnumpy() - layer(x).asnumpy()).max() > 1e-4
    assert np.isfinite(layer.l0_i2h_weight.grad().asnumpy()).all()


def test_layer_sequence_length():
    """LSTM(use_sequence_length=True)(x, states, sequence_length) is nd.RNN's seqlen case."""
    layer = rnn.LSTM(gen.H, num_layers=2, bidirectional=True, input_size=gen.C, use_sequence_length=True)
    layer.initialize()
    ref = gen.fused_inputs('lstm', 2, True)
    params = dict(layer.collect_params().items())
    names = ['%s%d_%s_%s' % (d, i, g, t) for t in ('weight', 'bias') for i in range(2) for d in 'lr'
             for g in ('i2h', 'h2h')]
    flat, pos = ref['parameters'], 0
    for n in names:
        p = params[layer.prefix + n]
        p.set_data(flat[pos:pos + int(np.prod(p.shape))].reshape(p.shape))
        pos += int(np.prod(p.shape))
    out, states = layer(nd.array(ref['data']), [nd.array(ref['state']), nd.array(ref['state_cell'])],
                        nd.array(gen.LENGTHS))
    np.testing.assert_allclose(out.asnumpy(), ARRAYS['seqlen_lstm_l2_bi/out0'], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(states[1].asnumpy(), ARRAYS['seqlen_lstm_l2_bi/out2'], rtol=1e-5, atol=1e-6)


def test_second_order_gradient():
    """The scan differentiates through the tape again (create_graph): d/dx of sum(dL/dx * v)
    matches a finite difference of the first gradient."""
    a = gen.fused_inputs('gru', 1, False)
    p, s = nd.array(a['parameters']), nd.array(a['state'])
    v = nd.array(gen.values(a['data'].shape, 7))

    def first(xv):
        x = nd.array(xv)
        x.attach_grad()
        with autograd.record():
            y = nd.RNN(x, p, s, state_size=gen.H, num_layers=1, mode='gru')
            (g,) = autograd.grad(y * y, [x], create_graph=True)
            z = (g * v).sum()
        z.backward()
        return g.asnumpy().astype('float64'), x.grad.asnumpy()
    _, hess_v = first(a['data'])
    eps = 1e-2
    d = np.zeros(a['data'].shape, 'float32')
    d[1, 0, 1] = eps
    numeric = ((first(a['data'] + d)[0] - first(a['data'] - d)[0]) / (2 * eps) * v.asnumpy()).sum()
    assert abs(numeric - hess_v[1, 0, 1]) < 2e-3 + 1e-2 * abs(numeric)


def test_save_load_names(tmp_path):
    """save_parameters uses MXNet's '_unfused.<layer>.<l|r>_cell.<name>' keys, and loads them back."""
    layer = rnn.GRU(gen.H, bidirectional=True, input_size=gen.C)
    layer.initialize()
    gen.set_params(layer)
    f = str(tmp_path / 'gru.params')
    layer.save_parameters(f)
    assert sorted(nd.load(f)) == sorted(GOLD['layer_gru_bi_ntc']['save names'])
    other = rnn.GRU(gen.H, bidirectional=True, input_size=gen.C)
    other.load_parameters(f)
    for (_, p), (_, q) in zip(sorted(layer.collect_params().items()), sorted(other.collect_params().items())):
        np.testing.assert_array_equal(p.data().asnumpy(), q.data().asnumpy())


def test_rnn_errors_name_the_problem():
    a = [nd.array(v) for v in gen.fused_inputs('gru', 2, False).values()]
    with pytest.raises(mx.base.MXNetError, match='parameters has shape'):
        nd.RNN(a[0], a[1][:10], a[2], state_size=gen.H, num_layers=2, mode='gru')
    with pytest.raises(mx.base.MXNetError, match='projection_size is only supported'):
        nd.RNN(*a, state_size=gen.H, num_layers=2, mode='gru', projection_size=2)
    with pytest.raises(mx.base.MXNetError, match='given together'):
        nd.RNN(*a, state_size=gen.H, num_layers=2, mode='gru', lstm_state_clip_min=0)
    with pytest.raises(mx.base.MXNetError, match='state_cell'):
        nd.RNN(*a, state_size=gen.H, num_layers=2, mode='lstm')


def test_zoneout_training_keeps_new_or_previous_output():
    mx.random.seed(3)
    cell = rnn.RNNCell(gen.H, input_size=gen.C)
    cell.initialize()
    gen.set_params(cell)
    x = nd.array(gen.values((gen.N, gen.T, gen.C), 5))
    base = [o.asnumpy() for o in cell.unroll(gen.T, x, merge_outputs=False)[0]]
    zone = rnn.ZoneoutCell(cell, zoneout_outputs=0.5)
    with autograd.train_mode():
        outs = [o.asnumpy() for o in zone.unroll(gen.T, x, merge_outputs=False)[0]]
    prev, kept = np.zeros_like(base[0]), []
    for new, got in zip(base, outs):
        assert ((got == new) | (got == prev)).all()
        kept.append(got == new)
        prev = got
    assert 0 < np.mean(kept) < 1


def test_hybridized_layer_and_cell_match_golden():
    gen.fresh(mx)
    layer = rnn.GRU(gen.H, num_layers=2, input_size=gen.C)
    layer.initialize()
    gen.set_params(layer)
    layer.hybridize()
    states = [nd.array(gen.values(i['shape'], 10)) for i in layer.state_info(gen.N)]
    out, _ = layer(nd.array(gen.values((gen.T, gen.N, gen.C), 5)), states)
    np.testing.assert_allclose(out.asnumpy(), ARRAYS['layer_gru_l2/out0'], rtol=1e-5, atol=1e-6)
    cell = rnn.GRUCell(gen.H, input_size=gen.C)
    cell.initialize()
    gen.set_params(cell)
    cell.hybridize()
    out, _ = cell(nd.array(gen.values((gen.N, gen.C), 5)), [nd.array(gen.values((gen.N, gen.H), 10))])
    np.testing.assert_allclose(out.asnumpy(), ARRAYS['cell_gru/out0'], rtol=1e-5, atol=1e-6)
