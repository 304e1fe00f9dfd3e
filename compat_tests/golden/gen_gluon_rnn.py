"""Golden values of nd.RNN and mx.gluon.rnn (RNN/LSTM/GRU layers and every cell) from MXNet 1.9.1.

Run with MXNet: ~/mxref/bin/python compat_tests/golden/gen_gluon_rnn.py
(writes gluon_rnn.json and gluon_rnn.npz beside this file).

As in gen_gluon.py, every case is a function of the module `mx` (mxnet, or mxjax) returning
{key: value}: NumPy arrays go to the .npz as 'case/key', the rest to the .json, and
test_gluon_rnn.py runs the same functions on mxjax. Inputs, parameters, initial states and head
gradients are fixed values, so outputs and gradients compare.

MXNet 1.9.1's CPU RNN kernel ignores sequence_length (and dropout, and the LSTM state clip); the
`seqlen_*` cases therefore take their golden values from MXNet runs of each sequence cut to its
own length (`seqlen_reference`), which is what the option means (and what cuDNN computes).
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_gluon import err, fresh, set_params, values  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = {}
T, N, C, H = 3, 2, 2, 3          # sequence length, batch, input width, hidden size
GATES = {'rnn_relu': 1, 'rnn_tanh': 1, 'lstm': 4, 'gru': 3}
FUSED = [(mode, layers, bi) for mode in GATES for layers in (1, 2) for bi in (False, True)]


def case(fn):
    CASES[fn.__name__] = fn
    return fn


# ---------------------------------------------------------------- helpers (both frameworks)
def param_size(mode, layers, bi, width=C, hidden=H, proj=None):
    """Length of nd.RNN's flat parameter vector (weights i2h, h2h, h2r; biases i2h, h2h)."""
    g, dirs, p = GATES[mode], 2 if bi else 1, proj or hidden
    total, ni = 0, width
    for _ in range(layers):
        total += dirs * (g * hidden * (ni + p + 2) + (p * hidden if proj else 0))
        ni = p * dirs
    return total


def run(mx, f, arrays, seed=90, train=True):
    """Outputs of f({name: NDArray}) and gradients of every input for fixed head gradients."""
    nd = mx.nd
    xs = {k: nd.array(v) for k, v in arrays.items()}
    for x in xs.values():
        x.attach_grad()
    with mx.autograd.record(train_mode=train):
        outs = f(xs)
    outs = list(outs) if isinstance(outs, (list, tuple)) else [outs]
    # a cell returns its output again as a state: one head per array (MXNet keeps the last head
    # gradient of a repeated head, mxjax adds them)
    heads = {id(o): (o, nd.array(values(o.shape, seed + i))) for i, o in reversed(list(enumerate(outs)))}
    mx.autograd.backward([o for o, _ in heads.values()], [g for _, g in heads.values()])
    res = {'out%d' % i: o.asnumpy() for i, o in enumerate(outs)}
    res.update({'grad:' + k: x.grad.asnumpy() for k, x in xs.items()})
    return res


def fused_inputs(mode, layers, bi, batch=N):
    dirs = 2 if bi else 1
    arrays = {'data': values((T, batch, C), 1), 'parameters': values((param_size(mode, layers, bi),), 2),
              'state': values((layers * dirs, batch, H), 3)}
    if mode == 'lstm':
        arrays['state_cell'] = values((layers * dirs, batch, H), 4)
    return arrays


def fused(mx, mode, layers, bi, state_outputs, arrays=None, **kw):
    arrays = arrays or fused_inputs(mode, layers, bi)
    return run(mx, lambda a: mx.nd.RNN(*a.values(), state_size=H, num_layers=layers, bidirectional=bi, mode=mode,
                                       state_outputs=state_outputs, **kw), arrays)


def _fused_case(mode, layers, bi):
    def fn(mx):
        res = {'so:' + k: v for k, v in fused(mx, mode, layers, bi, True).items()}
        res.update({'out:' + k: v for k, v in fused(mx, mode, layers, bi, False).items()})
        return res
    name = 'fused_%s_l%d%s' % (mode, layers, '_bi' if bi else '')
    fn.__name__ = name
    CASES[name] = fn


for _spec in FUSED:
    _fused_case(*_spec)

SEQLEN = {'seqlen_lstm_l2_bi': ('lstm', 2, True), 'seqlen_gru_l1': ('gru', 1, False)}
LENGTHS = [2, 3]


def seqlen_case(mx, name):
    """nd.RNN with use_sequence_length (run on mxjax)."""
    mode, layers, bi = SEQLEN[name]
    arrays = dict(fused_inputs(mode, layers, bi), sequence_length=np.array(LENGTHS, 'float32'))
    res = fused(mx, mode, layers, bi, True, arrays, use_sequence_length=True)
    del res['grad:sequence_length']
    return res


def seqlen_reference(mx, name):
    """The same from MXNet: each sequence alone, cut to its length; outputs past it are 0."""
    mode, layers, bi = SEQLEN[name]
    nd = mx.nd
    full = fused_inputs(mode, layers, bi)
    parts = []
    for b, n in enumerate(LENGTHS):
        cut = {k: v if k == 'parameters' else v[:n, b:b + 1] if k == 'data' else v[:, b:b + 1]
               for k, v in full.items()}
        xs = {k: nd.array(v) for k, v in cut.items()}
        for x in xs.values():
            x.attach_grad()
        with mx.autograd.record():
            outs = nd.RNN(*xs.values(), state_size=H, num_layers=layers, bidirectional=bi, mode=mode,
                          state_outputs=True)
        # the full run's head gradients (run() draws them for the full shapes), cut the same way
        heads = [values((T, N) + o.shape[2:], 90)[:n, b:b + 1] if i == 0 else
                 values((o.shape[0], N) + o.shape[2:], 90 + i)[:, b:b + 1] for i, o in enumerate(outs)]
        mx.autograd.backward(outs, [nd.array(h) for h in heads])
        parts.append(([o.asnumpy() for o in outs], {k: x.grad.asnumpy() for k, x in xs.items()}))
    out0 = np.zeros((T, N) + parts[0][0][0].shape[2:], 'float32')
    gdata = np.zeros((T, N, C), 'float32')
    for b, (n, (outs, grads)) in enumerate(zip(LENGTHS, parts)):
        out0[:n, b:b + 1] = outs[0]
        gdata[:n, b:b + 1] = grads['data']
    res = {'out0': out0, 'grad:data': gdata, 'grad:parameters': sum(grads['parameters'] for _, grads in parts)}
    for i in range(1, len(parts[0][0])):
        res['out%d' % i] = np.concatenate([outs[i] for outs, _ in parts], axis=1)
    for k in full:
        if k.startswith('state'):
            res['grad:' + k] = np.concatenate([grads[k] for _, grads in parts], axis=1)
    return res


PROJ = 2


@case
def fused_lstm_projection(mx):
    """LSTM with projection_size: forward only (MXNet 1.9.1 has no CPU backward for it)."""
    nd = mx.nd
    arrays = {'data': values((T, N, C), 1), 'parameters': values((param_size('lstm', 2, True, proj=PROJ),), 2),
              'state': values((4, N, PROJ), 3), 'state_cell': values((4, N, H), 4)}
    outs = nd.RNN(*[nd.array(v) for v in arrays.values()], state_size=H, num_layers=2, bidirectional=True,
                  mode='lstm', projection_size=PROJ, state_outputs=True)
    return {'out%d' % i: o.asnumpy() for i, o in enumerate(outs)}


@case
def fused_errors(mx):
    nd = mx.nd
    a = {k: nd.array(v) for k, v in fused_inputs('gru', 2, False).items()}
    lstm = {k: nd.array(v) for k, v in fused_inputs('lstm', 1, False).items()}
    kw = dict(state_size=H, num_layers=2, mode='gru')
    return {
        'bad mode': err(lambda: nd.RNN(a['data'], a['parameters'], a['state'], state_size=H, num_layers=2,
                                       mode='foo')),
        'no state_size': err(lambda: nd.RNN(a['data'], a['parameters'], a['state'], num_layers=2, mode='gru')),
        'params size': err(lambda: nd.RNN(a['data'], a['parameters'][:10], a['state'], **kw).asnumpy()),
        'state shape': err(lambda: nd.RNN(a['data'], a['parameters'], a['state'][:1], **kw).asnumpy()),
        'data 2-D': err(lambda: nd.RNN(a['data'][0], a['parameters'], a['state'], **kw).asnumpy()),
        'p > 1': err(lambda: nd.RNN(a['data'], a['parameters'], a['state'], p=1.5, **kw).asnumpy()),
        'unknown argument': err(lambda: nd.RNN(a['data'], a['parameters'], a['state'], foo=1, **kw).asnumpy()),
        'lstm no state_cell': err(lambda: nd.RNN(lstm['data'], lstm['parameters'], lstm['state'], state_size=H,
                                                 num_layers=1, mode='lstm').asnumpy()),
        'no sequence_length': err(lambda: nd.RNN(a['data'], a['parameters'], a['state'], use_sequence_length=True,
                                                 **kw).asnumpy()),
        'mixed dtypes': err(lambda: nd.RNN(a['data'], a['parameters'].astype('float64'), a['state'],
                                           **kw).asnumpy()),
        'state_outputs=False gives one array': type(nd.RNN(a['data'], a['parameters'], a['state'], **kw)).__name__,
    }


# ---------------------------------------------------------------- gluon layers
LAYERS = {
    # name: (make(rnn), layout, give states)
    'rnn_relu': (lambda rnn: rnn.RNN(H, input_size=C), 'TNC', True),
    'rnn_tanh_l2_bi_ntc': (lambda rnn: rnn.RNN(H, num_layers=2, activation='tanh', layout='NTC', bidirectional=True),
                           'NTC', False),
    'lstm_l2_bi': (lambda rnn: rnn.LSTM(H, num_layers=2, bidirectional=True, input_size=C), 'TNC', True),
    'lstm_ntc': (lambda rnn: rnn.LSTM(H, layout='NTC'), 'NTC', False),
    'gru_l2': (lambda rnn: rnn.GRU(H, num_layers=2, input_size=C), 'TNC', True),
    'gru_bi_ntc': (lambda rnn: rnn.GRU(H, bidirectional=True, layout='NTC'), 'NTC', True),
}


def param_facts(block):
    return {k[len(block.prefix):]: list(p.shape) for k, p in block.collect_params().items()}


def _layer_case(name):
    def fn(mx):
        fresh(mx)
        make, layout, give_states = LAYERS[name]
        layer = make(mx.gluon.rnn)
        res = {'repr before': repr(layer), 'params before': param_facts(layer)}
        layer.initialize()
        x = values((T, N, C) if layout == 'TNC' else (N, T, C), 5)
        layer(mx.nd.array(x))   # finishes any deferred shape
        set_params(layer)
        res.update({'repr': repr(layer), 'params': param_facts(layer), 'prefix': layer.prefix,
                    'save names': sorted(layer._collect_params_with_prefix()),
                    'state_info': [{k: list(v) if k == 'shape' else v for k, v in i.items()}
                                   for i in layer.state_info(N)],
                    'begin_state': [[list(s.shape), np.dtype(s.dtype).name] for s in layer.begin_state(N)]})
        arrays = {'x': x}
        if give_states:
            for i, info in enumerate(layer.state_info(N)):
                arrays['s%d' % i] = values(info['shape'], 10 + i)

        def f(a):
            if not give_states:
                return layer(a['x'])
            out, states = layer(a['x'], [a[k] for k in sorted(a) if k != 'x'])
            return [out] + list(states)
        res.update(run(mx, f, arrays))
        res.update({'pgrad:' + k[len(layer.prefix):]: p.grad().asnumpy()
                    for k, p in layer.collect_params().items()})
        return res
    fn.__name__ = 'layer_' + name
    CASES[fn.__name__] = fn


for _name in LAYERS:
    _layer_case(_name)


@case
def layer_lstm_projection(mx):
    fresh(mx)
    layer = mx.gluon.rnn.LSTM(H, num_layers=2, bidirectional=True, projection_size=PROJ, input_size=C)
    layer.initialize()
    set_params(layer)
    x = mx.nd.array(values((T, N, C), 5))
    out, states = layer(x, [mx.nd.array(values(i['shape'], 10 + j)) for j, i in enumerate(layer.state_info(N))])
    return {'repr': repr(layer), 'params': param_facts(layer), 'out': out.asnumpy(),
            'h': states[0].asnumpy(), 'c': states[1].asnumpy(),
            'state_info': [list(i['shape']) for i in layer.state_info(N)]}


@case
def layer_facts(mx):
    fresh(mx)
    rnn, nd = mx.gluon.rnn, mx.nd
    gru = rnn.GRU(H, input_size=C)
    gru.initialize()
    lstm = rnn.LSTM(4, num_layers=3, dropout=0.5, dtype='float64')
    return {
        'lstm repr': repr(lstm),
        'lstm state_info': [{k: list(v) if k == 'shape' else v for k, v in i.items()} for i in lstm.state_info(5)],
        'lstm begin_state ones': [[list(s.shape), np.dtype(s.dtype).name, float(s.asnumpy().sum())]
                                  for s in lstm.begin_state(2, func=nd.ones)],
        'gru begin_state dtype': [np.dtype(s.dtype).name for s in gru.begin_state(2, dtype='float64')],
        'bad layout': err(lambda: rnn.LSTM(3, layout='CNT')),
        'bad state shape': err(lambda: gru(nd.ones((T, N, C)), nd.ones((1, 3, H)))),
        'states as one array': [list(s.shape) for s in gru(nd.ones((T, N, C)), nd.zeros((1, N, H)))[1]],
        'public names': sorted(n for n in dir(rnn) if not n.startswith('_')),
    }


# ---------------------------------------------------------------- cells
CELLS = {
    # name: (make(gluon), input width)
    'rnn_tanh': (lambda g: g.rnn.RNNCell(H, input_size=C), C),
    'rnn_relu': (lambda g: g.rnn.RNNCell(H, activation='relu', input_size=C), C),
    'rnn_softrelu': (lambda g: g.rnn.RNNCell(H, activation='softrelu', input_size=C), C),
    'rnn_leaky': (lambda g: g.rnn.RNNCell(H, activation=g.nn.LeakyReLU(0.1), input_size=C), C),
    'lstm': (lambda g: g.rnn.LSTMCell(H, input_size=C), C),
    'lstm_acts': (lambda g: g.rnn.LSTMCell(H, input_size=C, activation='softsign', recurrent_activation='relu'), C),
    'gru': (lambda g: g.rnn.GRUCell(H, input_size=C), C),
}


def _states(cell, batch=N, seed=10):
    return {'s%d' % i: values(info['shape'], seed + i) for i, info in enumerate(cell.state_info(batch))}


def _cell_step_case(name):
    def fn(mx):
        fresh(mx)
        make, width = CELLS[name]
        cell = make(mx.gluon)
        cell.initialize()
        set_params(cell)
        arrays = dict(x=values((N, width), 5), **_states(cell))

        def f(a):
            out, states = cell(a['x'], [a[k] for k in sorted(a) if k != 'x'])
            return [out] + list(states)
        res = run(mx, f, arrays)
        res.update({'pgrad:' + k[len(cell.prefix):]: p.grad().asnumpy() for k, p in cell.collect_params().items()})
        res.update({'repr': repr(cell), 'params': param_facts(cell), 'prefix': cell.prefix,
                    'state_info': [{k: list(v) if k == 'shape' else v for k, v in i.items()}
                                   for i in cell.state_info(N)]})
        return res
    fn.__name__ = 'cell_' + name
    CASES[fn.__name__] = fn


for _name in CELLS:
    _cell_step_case(_name)


def unroll(mx, cell, layout='NTC', merge_outputs=None, valid_length=None, width=C, states=True, as_list=False,
           seed=10):
    """Outputs, states and gradients of cell.unroll over fixed inputs (and begin states)."""
    x = values((N, T, width) if layout == 'NTC' else (T, N, width), 5)
    arrays = dict(x=x, **(_states(cell, seed=seed) if states else {}))

    def f(a):
        inputs = a['x']
        if as_list:
            inputs = [inputs[:, t] if layout == 'NTC' else inputs[t] for t in range(T)]
        begin = [a[k] for k in sorted(a) if k != 'x'] if states else None
        vl = None if valid_length is None else mx.nd.array(valid_length)
        outs, new_states = cell.unroll(T, inputs, begin_state=begin, layout=layout, merge_outputs=merge_outputs,
                                       valid_length=vl)
        f.merged = not isinstance(outs, list)
        return (list(outs) if isinstance(outs, list) else [outs]) + list(new_states)
    res = run(mx, f, arrays)
    res['merged'] = f.merged
    res.update({'pgrad:' + k[len(cell.prefix):]: p.grad().asnumpy() for k, p in cell.collect_params().items()})
    return res


def _ready(mx, cell):
    cell.initialize()
    set_params(cell)
    return cell


@case
def unroll_lstm(mx):
    fresh(mx)
    rnn = mx.gluon.rnn
    res = {}
    for key, kw in (('ntc merge', dict(merge_outputs=True)), ('tnc list', dict(layout='TNC', merge_outputs=False)),
                    ('valid merge', dict(merge_outputs=True, valid_length=[2, 3])),
                    ('valid list', dict(merge_outputs=False, valid_length=[3, 1])),
                    ('zeros begin, as list', dict(states=False, as_list=True))):
        cell = _ready(mx, rnn.LSTMCell(H, input_size=C))
        res.update({key + '/' + k: v for k, v in unroll(mx, cell, **kw).items()})
    return res


@case
def unroll_gru_rnn(mx):
    fresh(mx)
    rnn = mx.gluon.rnn
    res = {}
    for key, make in (('gru', lambda: rnn.GRUCell(H, input_size=C)), ('rnn', lambda: rnn.RNNCell(H, input_size=C))):
        cell = _ready(mx, make())
        res.update({key + '/' + k: v for k, v in unroll(mx, cell, merge_outputs=True, valid_length=[1, 3]).items()})
    return res


@case
def unroll_deferred(mx):
    fresh(mx)
    cell = mx.gluon.rnn.GRUCell(H)
    cell.initialize()
    before = repr(cell)
    outs, _ = cell.unroll(T, mx.nd.array(values((N, T, C), 5)), merge_outputs=True)
    return {'before': before, 'after': repr(cell), 'shape': list(outs.shape), 'params': param_facts(cell)}


@case
def sequential(mx):
    fresh(mx)
    rnn = mx.gluon.rnn
    res = {}
    for kind in ('SequentialRNNCell', 'HybridSequentialRNNCell'):
        stack = getattr(rnn, kind)()
        with stack.name_scope():
            stack.add(rnn.LSTMCell(H, input_size=C))
            stack.add(rnn.DropoutCell(0.0))
            stack.add(rnn.GRUCell(H, input_size=H))
        _ready(mx, stack)
        res[kind + ' repr'] = repr(stack)
        res[kind + ' params'] = param_facts(stack)
        res[kind + ' state_info'] = [list(i['shape']) for i in stack.state_info(N)]
        res[kind + ' len'] = len(stack)
        res[kind + ' [2]'] = repr(stack[2])
        res.update({kind + ' unroll/' + k: v for k, v in unroll(mx, stack, merge_outputs=False,
                                                                 valid_length=[2, 3]).items()})
        arrays = dict(x=values((N, C), 5), **_states(stack))

        def f(a):
            out, states = stack(a['x'], [a[k] for k in sorted(a, key=lambda k: (len(k), k)) if k != 'x'])
            return [out] + list(states)
        res.update({kind + ' step/' + k: v for k, v in run(mx, f, arrays).items()})
    return res


@case
def modifiers(mx):
    fresh(mx)
    rnn = mx.gluon.rnn
    res = {}
    residual = rnn.ResidualCell(_ready(mx, rnn.GRUCell(C, input_size=C)))
    res['residual repr'] = repr(residual)
    res['residual prefix'] = residual.prefix
    res['residual params'] = sorted(residual.collect_params())
    res.update({'residual/' + k: v for k, v in unroll(mx, residual, merge_outputs=True, valid_length=[2, 3]).items()})
    res.update({'residual list/' + k: v for k, v in unroll(mx, residual, merge_outputs=False).items()})
    zone = rnn.ZoneoutCell(_ready(mx, rnn.RNNCell(H, input_size=C)), zoneout_outputs=0.5, zoneout_states=0.25)
    res['zoneout repr'] = repr(zone)
    res['zoneout prefix'] = zone.prefix
    x = mx.nd.array(values((N, T, C), 5))
    outs, states = zone.unroll(T, x, merge_outputs=True)   # predict mode: no zoneout
    res['zoneout predict out'] = outs.asnumpy()
    res['zoneout begin_state'] = [list(s.shape) for s in zone.begin_state(batch_size=N, func=mx.nd.zeros)]
    res['base begin_state after modify'] = err(lambda: zone.base_cell.begin_state(N))
    res['modify twice'] = err(lambda: rnn.ResidualCell(zone.base_cell))
    drop = rnn.DropoutCell(0.5, axes=(1,))
    res['dropout repr'] = repr(drop)
    res['dropout prefix'] = drop.prefix
    res['dropout bad rate'] = err(lambda: rnn.DropoutCell('a'))
    res['dropout unroll predict'] = drop.unroll(T, x, merge_outputs=True)[0].asnumpy()
    res['dropout unroll states'] = len(drop.unroll(T, x, merge_outputs=True)[1])
    return res


@case
def bidirectional(mx):
    fresh(mx)
    rnn = mx.gluon.rnn
    res = {}
    for key, kw in (('merge', dict(merge_outputs=True)), ('list tnc', dict(merge_outputs=False, layout='TNC')),
                    ('valid merge', dict(merge_outputs=True, valid_length=[2, 3])),
                    ('valid list', dict(merge_outputs=False, valid_length=[3, 2]))):
        fresh(mx)
        bi = rnn.BidirectionalCell(_ready(mx, rnn.LSTMCell(H, input_size=C, prefix='l_')),
                                   _ready(mx, rnn.GRUCell(H, input_size=C, prefix='r_')))
        res.update({key + '/' + k: v for k, v in unroll(mx, bi, **kw).items()})
    res['repr'] = repr(bi)
    res['prefix'] = bi.prefix
    res['state_info'] = [list(i['shape']) for i in bi.state_info(N)]
    res['step'] = err(lambda: bi(mx.nd.ones((N, C)), bi.begin_state(batch_size=N)))
    res['zoneout'] = err(lambda: rnn.ZoneoutCell(bi))
    return res


@case
def cell_errors(mx):
    fresh(mx)
    rnn, nd = mx.gluon.rnn, mx.nd
    cell = _ready(mx, rnn.LSTMCell(H, input_size=C))
    return {
        'state shape': err(lambda: cell(nd.ones((N, C)), [nd.ones((N, 2)), nd.ones((N, H))])[0].asnumpy()),
        'input width': err(lambda: cell(nd.ones((N, 5)), cell.begin_state(N))[0].asnumpy()),
        'unroll length': err(lambda: cell.unroll(2, nd.ones((N, T, C)), merge_outputs=False)),
        'unroll no inputs': err(lambda: cell.unroll(2, None)),
        'begin_state names': [list(s.shape) for s in cell.begin_state(batch_size=4)],
        'sequential with bidirectional step': err(lambda: _bi_stack(rnn)(nd.ones((N, C)), [])),
    }


def _bi_stack(rnn):
    stack = rnn.HybridSequentialRNNCell()
    stack.add(rnn.BidirectionalCell(rnn.GRUCell(H, input_size=C), rnn.GRUCell(H, input_size=C)))
    return stack


def main():
    import mxnet as mx
    assert mx.__version__ == '1.9.1', mx.__version__
    facts, arrays = {}, {}
    results = {name: fn(mx) for name, fn in CASES.items()}
    results.update({name: seqlen_reference(mx, name) for name in SEQLEN})
    for name, res in results.items():
        facts[name] = {}
        for k, v in res.items():
            if isinstance(v, np.ndarray):
                arrays['%s/%s' % (name, k)] = v
            else:
                facts[name][k] = v
    with open(os.path.join(HERE, 'gluon_rnn.json'), 'w') as f:
        json.dump(facts, f, indent=1, sort_keys=True)
    np.savez_compressed(os.path.join(HERE, 'gluon_rnn.npz'), **arrays)
    print('%d cases, %d arrays' % (len(facts), len(arrays)))


if __name__ == '__main__':
    main()
