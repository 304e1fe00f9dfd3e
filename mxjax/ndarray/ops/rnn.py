"""nd.RNN: MXNet's fused multi-layer recurrent op (rnn_relu, rnn_tanh, lstm, gru): one lax.scan
per layer (its two directions vmapped), so it compiles once per shape and differentiates to any order.

`step` is the one cell step per mode; nd.RNN scans it and gluon.rnn's cells call it through
the internal `_rnn_cell` op (`cell_step`), so both compute the same gates the same way.
"""
import jax
import jax.numpy as jnp
from jax import lax

from ...autograd.state import state as _autograd
from ...base import MXNetError
from ..registry import frontend, register
from .nn import (_ACTIVATIONS, _check_arrays, _check_choice, _check_float, _check_kwargs, _check_same_dtype,
                 _key_input, _run)

GATES = {'rnn_relu': 1, 'rnn_tanh': 1, 'lstm': 4, 'gru': 3}


def step(mode, i2h, h2h, h, c, act=jnp.tanh, ract=jax.nn.sigmoid, clip=None):
    """One time step from i2h = x W_i2h^T + b_i2h and h2h = h W_h2h^T + b_h2h: (new h, new c).

    Gate order as MXNet (and cuDNN): LSTM [i, f, g, o]; GRU [r, z, n] with the reset gate
    applied after the h2h product. clip = (min, max, nan) clips the LSTM cell state.
    """
    if mode == 'lstm':
        i, f, g, o = jnp.split(i2h + h2h, 4, axis=-1)
        c = ract(f) * c + ract(i) * act(g)
        if clip is not None:
            lo, hi, nan = clip
            c = jnp.where(jnp.isnan(c), lo, jnp.clip(c, lo, hi)) if nan else jnp.clip(c, lo, hi)
        return ract(o) * act(c), c
    if mode == 'gru':
        xr, xz, xn = jnp.split(i2h, 3, axis=-1)
        hr, hz, hn = jnp.split(h2h, 3, axis=-1)
        r, z = ract(xr + hr), ract(xz + hz)
        n = act(xn + r * hn)
        return (1 - z) * n + z * h, c
    return act(i2h + h2h), c


_MODE_ACT = {'rnn_relu': _ACTIVATIONS['relu']}
_PARTS = (('i2h', 'weight'), ('i2h', 'bias'), ('h2h', 'weight'), ('h2h', 'bias'), ('h2r', 'weight'))


# ---------------------------------------------------------------- the packed parameter vector
def param_layout(mode, num_layers, bidirectional, input_size, state_size, projection_size=None):
    """[(shape, layer, direction, name)] in MXNet's packed order: every layer's and direction's
    i2h, h2h (and h2r) weights first, then all i2h, h2h biases."""
    g, h = GATES[mode], state_size
    p = projection_size or h
    dirs = 2 if bidirectional else 1
    weights, biases = [], []
    ni = input_size
    for layer in range(num_layers):
        for d in range(dirs):
            weights += [((g * h, ni), layer, d, 'i2h'), ((g * h, p), layer, d, 'h2h')]
            if projection_size:
                weights.append(((p, h), layer, d, 'h2r'))
            biases += [((g * h,), layer, d, 'i2h'), ((g * h,), layer, d, 'h2h')]
        ni = p * dirs
    return weights + biases


def _unpack(params, layout):
    """{(layer, direction, name, 'weight' | 'bias'): array} cut out of the flat vector."""
    out, pos = {}, 0
    for shape, layer, d, name in layout:
        size = shape[0] * (shape[1] if len(shape) > 1 else 1)
        out[layer, d, name, 'weight' if len(shape) > 1 else 'bias'] = params[pos:pos + size].reshape(shape)
        pos += size
    return out


def _reverse(x, lengths):
    """Time-reverse (T, N, C) x; with lengths, only each sequence's first lengths[n] steps."""
    if lengths is None:
        return x[::-1]
    t = jnp.arange(x.shape[0])[:, None]
    src = jnp.where(t < lengths[None, :], lengths[None, :] - 1 - t, t)
    return jnp.take_along_axis(x, src[:, :, None], axis=0)


# ---------------------------------------------------------------- the fused op
def _rnn(*args, state_size=None, num_layers=None, bidirectional=False, mode=None, p=0.0, projection_size=None,
         lstm_state_clip_min=None, lstm_state_clip_max=None, lstm_state_clip_nan=False,
         use_sequence_length=False, dropout=False):
    lstm = mode == 'lstm'
    data, params, hx = args[0], args[1], args[2]
    rest = list(args[3:])
    cx = rest.pop(0) if lstm else None
    lengths = jnp.clip(rest.pop(0).astype(jnp.int32), 0, data.shape[0]) if use_sequence_length else None
    key = rest.pop(0) if dropout else None
    dirs = 2 if bidirectional else 1
    w = _unpack(params, param_layout(mode, num_layers, bidirectional, data.shape[2], state_size, projection_size))
    act = _MODE_ACT.get(mode, jnp.tanh)
    clip = None
    if lstm and lstm_state_clip_min is not None:
        clip = (jnp.asarray(lstm_state_clip_min, data.dtype), jnp.asarray(lstm_state_clip_max, data.dtype),
                lstm_state_clip_nan)
    valid = None if lengths is None else (jnp.arange(data.shape[0])[:, None] < lengths[None, :])[:, :, None]

    def direction(x, h, c, wi, bi, wh, bh, wr):
        def body(carry, inp):
            h, c = carry
            xt, vt = inp
            hn, cn = step(mode, xt, jnp.matmul(h, wh.T) + bh, h, c, act=act, clip=clip)
            if wr is not None:
                hn = jnp.matmul(hn, wr.T)   # LSTM projection: the recurrent state is r = W_h2r h
            if vt is None:
                return (hn, cn), hn
            # past a sequence's end the state stays and the output is 0 (cuDNN's padded mode)
            keep = (jnp.where(vt, hn, h), None if c is None else jnp.where(vt, cn, c))
            return keep, jnp.where(vt, hn, 0)
        xp = jnp.matmul(x, wi.T) + bi   # every step's i2h at once
        (h, c), ys = lax.scan(body, (h, c), (xp, valid))
        return ys, h, c

    def stacked(layer, name, kind):   # a parameter of the layer's directions, stacked for vmap
        return jnp.stack([w[layer, d, name, kind] for d in range(dirs)]) if (layer, 0, name, kind) in w else None

    x, hy, cy = data, [], []
    for layer in range(num_layers):
        # both directions in one (vmapped) scan: the backward one reads the time-reversed input
        xs = jnp.stack([x, _reverse(x, lengths)] if dirs == 2 else [x])
        first = layer * dirs
        ys, h, c = jax.vmap(direction)(xs, hx[first:first + dirs], None if cx is None else cx[first:first + dirs],
                                       *[stacked(layer, n, k) for n, k in _PARTS])
        x = ys[0] if dirs == 1 else jnp.concatenate([ys[0], _reverse(ys[1], lengths)], axis=-1)
        hy.append(h)
        cy.append(c)
        if key is not None and layer < num_layers - 1:
            # dropout between layers, training only; p is static (a layer's rate rarely changes)
            pkeep = jnp.float32(1) - jnp.float32(p)
            keep = jax.random.uniform(jax.random.fold_in(key, layer), x.shape, jnp.float32) < pkeep
            x = x * (keep.astype(x.dtype) * (jnp.float32(1) / pkeep).astype(x.dtype))
    return (x, jnp.concatenate(hy)) + ((jnp.concatenate(cy),) if lstm else ())


_rnn_op = register('RNN', _rnn, ['*args'], {
    'state_size': None, 'num_layers': None, 'bidirectional': False, 'mode': None, 'p': 0.0,
    'projection_size': None, 'lstm_state_clip_min': None, 'lstm_state_clip_max': None,
    'lstm_state_clip_nan': False, 'use_sequence_length': False, 'dropout': False})


def _positive_int(name, value):
    if value is None:
        raise MXNetError('RNN: required parameter %s is missing' % name)
    if isinstance(value, bool) or int(value) != value or value < 1:
        raise MXNetError('RNN: %s=%r must be a positive integer' % (name, value))
    return int(value)


@frontend('RNN')
def RNN(data=None, parameters=None, state=None, state_cell=None, sequence_length=None, state_size=None,
        num_layers=None, bidirectional=False, mode=None, p=0.0, state_outputs=False, projection_size=None,
        lstm_state_clip_min=None, lstm_state_clip_max=None, lstm_state_clip_nan=False, use_sequence_length=False,
        out=None, name=None, **kwargs):
    """MXNet's fused RNN over data (T, N, C) with every weight and bias in one flat `parameters`
    vector (see param_layout). Returns the output (T, N, D*H), or with state_outputs
    [output, h (L*D, N, H), c (LSTM only)].

    As in MXNet the array inputs are taken in order: data, parameters, state, then state_cell
    for lstm, then sequence_length when use_sequence_length -- so a GRU's sequence_length may
    come fourth. What MXNet 1.9.1 does on GPU (cuDNN) but ignores on CPU, mxjax does everywhere:
    dropout `p` between layers in training, lstm_state_clip_min/max (NaN -> min with
    lstm_state_clip_nan) and sequence_length (steps past a length keep the state and output 0;
    the backward direction starts at each sequence's last step). projection_size (LSTM only)
    also has a backward here."""
    _check_kwargs('RNN', kwargs)
    _check_choice('RNN', 'mode', mode, sorted(GATES))
    state_size = _positive_int('state_size', state_size)
    num_layers = _positive_int('num_layers', num_layers)
    lstm = mode == 'lstm'
    if projection_size is not None:
        projection_size = _positive_int('projection_size', projection_size)
        if not lstm:
            raise MXNetError("RNN: projection_size is only supported with mode='lstm', not %r" % mode)
    if not 0 <= p <= 1:
        raise MXNetError('RNN: p=%r is out of bound [0, 1] (the dropout rate between layers)' % (p,))
    if (lstm_state_clip_min is None) != (lstm_state_clip_max is None):
        raise MXNetError('RNN: lstm_state_clip_min and lstm_state_clip_max must be given together, got %r and %r'
                         % (lstm_state_clip_min, lstm_state_clip_max))
    names = ['data', 'parameters', 'state'] + ['state_cell'] * lstm + ['sequence_length'] * bool(use_sequence_length)
    arrays = [a for a in (data, parameters, state, state_cell, sequence_length) if a is not None]
    if len(arrays) != len(names):
        raise MXNetError('RNN: expects %d inputs (%s) for mode=%r, use_sequence_length=%s, got %d'
                         % (len(names), ', '.join(names), mode, bool(use_sequence_length), len(arrays)))
    _check_arrays('RNN', **dict(zip(names, arrays)))
    data = arrays[0]
    if data.ndim != 3:
        raise MXNetError('RNN: data must have 3 dimensions (sequence length, batch size, input size), got shape %s'
                         % (data.shape,))
    _check_float('RNN', {'data': data})
    _check_same_dtype('RNN', names[:3 + lstm], arrays[:3 + lstm])
    seq, batch, width = data.shape
    dirs = 2 if bidirectional else 1
    layout = param_layout(mode, num_layers, bidirectional, width, state_size, projection_size)
    size = sum(s[0] * (s[1] if len(s) > 1 else 1) for s, *_ in layout)
    want = {'parameters': (size,), 'state': (num_layers * dirs, batch, projection_size or state_size),
            'state_cell': (num_layers * dirs, batch, state_size), 'sequence_length': (batch,)}
    for nm, a in zip(names[1:], arrays[1:]):
        if a.shape != want[nm]:
            raise MXNetError('RNN: %s has shape %s, expected %s for data of shape %s, mode=%r, state_size=%d, '
                             'num_layers=%d, bidirectional=%s' % (nm, a.shape, want[nm], data.shape, mode,
                                                                  state_size, num_layers, bool(bidirectional)))
    dropout = bool(_autograd.training) and p > 0 and num_layers > 1
    if dropout:
        arrays.append(_key_input(data.context, True))
    clip = (None, None) if lstm_state_clip_min is None else (float(lstm_state_clip_min), float(lstm_state_clip_max))
    res = _run(_rnn_op, arrays, None, state_size=state_size, num_layers=num_layers,
               bidirectional=bool(bidirectional), mode=mode, p=float(p) if dropout else 0.0,
               projection_size=projection_size, lstm_state_clip_min=clip[0], lstm_state_clip_max=clip[1],
               lstm_state_clip_nan=bool(lstm_state_clip_nan) and clip[0] is not None,
               use_sequence_length=bool(use_sequence_length), dropout=dropout)
    res = res if state_outputs else res[:1]
    if out is not None:
        outs = out if isinstance(out, (list, tuple)) else [out]
        for o, r in zip(outs, res):
            o._assign(r._data, r._entry)
        return out
    return res if state_outputs else res[0]


# ---------------------------------------------------------------- one step of a gluon.rnn cell
def _rnn_cell(*args, mode=None, activation='tanh', recurrent_activation='sigmoid'):
    lstm = mode == 'lstm'
    x, h = args[0], args[1]
    c = args[2] if lstm else None
    wi, wh, bi, bh = args[2 + lstm:]
    x = x.reshape(x.shape[0], -1)   # as FullyConnected: all but the batch axis are features
    h, c = step(mode, jnp.matmul(x, wi.T) + bi, jnp.matmul(h, wh.T) + bh, h, c,
                act=_ACTIVATIONS[activation], ract=_ACTIVATIONS[recurrent_activation])
    return (h, c) if lstm else h


_cell_op = register('_rnn_cell', _rnn_cell, ['*args'],
                    {'mode': None, 'activation': 'tanh', 'recurrent_activation': 'sigmoid'})
CELL_ACTIVATIONS = tuple(_ACTIVATIONS)


def cell_step(mode, inputs, states, i2h_weight, h2h_weight, i2h_bias, h2h_bias, activation='tanh',
              recurrent_activation='sigmoid'):
    """One step of an RNN/LSTM/GRU cell: (output, [new states]). The activations are names from
    CELL_ACTIVATIONS (mode 'rnn' uses `activation` only)."""
    lstm = mode == 'lstm'
    arrays = [inputs] + list(states) + [i2h_weight, h2h_weight, i2h_bias, h2h_bias]
    names = ['data'] + ['state%d' % i for i in range(len(states))] + ['i2h_weight', 'h2h_weight', 'i2h_bias',
                                                                       'h2h_bias']
    _check_arrays(mode + '_cell', **dict(zip(names, arrays)))
    batch, gh = inputs.shape[0], i2h_weight.shape[0]
    hidden = gh // (GATES.get(mode, 1))
    width = inputs.size // batch if batch else 0
    want = [(batch, hidden)] * len(states) + [(gh, width), (gh, hidden), (gh,), (gh,)]
    for nm, a, shape in zip(names[1:], arrays[1:], want):
        if a.shape != shape:
            raise MXNetError('%s cell: %s has shape %s, expected %s for input of shape %s and %d hidden units'
                             % (mode, nm, a.shape, shape, inputs.shape, hidden))
    _check_same_dtype(mode + '_cell', names, arrays)
    res = _run(_cell_op, arrays, None, mode=mode, activation=activation, recurrent_activation=recurrent_activation)
    if lstm:
        return res[0], [res[0], res[1]]
    return res, [res]

