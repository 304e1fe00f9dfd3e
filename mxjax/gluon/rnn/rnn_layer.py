"""The fused recurrent layers RNN, LSTM and GRU: one nd.RNN call over every layer and direction."""
import re

from ... import ndarray as nd
from ..block import HybridBlock
from ..parameter import tensor_types

__all__ = ['RNN', 'LSTM', 'GRU']

_GATES = {'rnn_relu': 1, 'rnn_tanh': 1, 'lstm': 4, 'gru': 3}
_PARAM_NAME = re.compile(r'(l|r)(\d)_(i2h|h2h|h2r)_(weight|bias)\Z')


class _RNNLayer(HybridBlock):
    """What RNN, LSTM and GRU share: parameters `l0_i2h_weight`, `r0_h2h_bias`, ... (l: forward,
    r: backward direction), begin_state, and a forward through nd.RNN."""

    def __init__(self, hidden_size, num_layers, layout, dropout, bidirectional, input_size,
                 i2h_weight_initializer, h2h_weight_initializer, i2h_bias_initializer, h2h_bias_initializer,
                 mode, projection_size, h2r_weight_initializer, lstm_state_clip_min, lstm_state_clip_max,
                 lstm_state_clip_nan, dtype, use_sequence_length=False, **kwargs):
        super().__init__(**kwargs)
        assert layout in ('TNC', 'NTC'), "Invalid layout %s; must be one of ['TNC' or 'NTC']" % layout
        self._hidden_size = hidden_size
        self._projection_size = projection_size if projection_size else None
        self._num_layers = num_layers
        self._mode = mode
        self._layout = layout
        self._dropout = dropout
        self._dir = 2 if bidirectional else 1
        self._input_size = input_size
        self._lstm_state_clip_min = lstm_state_clip_min
        self._lstm_state_clip_max = lstm_state_clip_max
        self._lstm_state_clip_nan = lstm_state_clip_nan
        self._dtype = dtype
        self._use_sequence_length = use_sequence_length
        self.skip_states = None
        self._gates = _GATES[mode]
        ng, nh, npj = self._gates, hidden_size, self._projection_size
        ni = input_size
        for i in range(num_layers):
            for d in 'lr'[:self._dir]:
                self._register_param('%s%d_i2h_weight' % (d, i), (ng * nh, ni), i2h_weight_initializer, dtype)
                self._register_param('%s%d_h2h_weight' % (d, i), (ng * nh, npj or nh), h2h_weight_initializer,
                                     dtype)
                self._register_param('%s%d_i2h_bias' % (d, i), (ng * nh,), i2h_bias_initializer, dtype)
                self._register_param('%s%d_h2h_bias' % (d, i), (ng * nh,), h2h_bias_initializer, dtype)
                if npj:
                    self._register_param('%s%d_h2r_weight' % (d, i), (npj, nh), h2r_weight_initializer, dtype)
            ni = (npj or nh) * self._dir

    def _register_param(self, name, shape, init, dtype):
        p = self.params.get(name, shape=shape, init=init, allow_deferred_init=True, dtype=dtype)
        setattr(self, name, p)
        return p

    def __repr__(self):
        s = '%s(%s -> %s, %s' % (self.__class__.__name__, self.l0_i2h_weight.shape[1] or None,
                                 self.l0_i2h_weight.shape[0] // self._gates, self._layout)
        if self._num_layers != 1:
            s += ', num_layers=%s' % self._num_layers
        if self._dropout != 0:
            s += ', dropout=%s' % self._dropout
        if self._dir == 2:
            s += ', bidirectional'
        return s + ')'

    def _collect_params_with_prefix(self, prefix=''):
        # save_parameters names: MXNet's older unfused layout, '_unfused.0.l_cell.i2h_weight' / '_unfused.0.i2h_weight'
        if prefix:
            prefix += '.'
        bidirectional = self._dir == 2
        ret = {}
        for key, val in self._reg_params.items():
            d, layer, g, t = _PARAM_NAME.match(key).groups()
            cell = '%s_cell.' % d if bidirectional else ''
            ret['%s_unfused.%s.%s%s_%s' % (prefix, layer, cell, g, t)] = val
        for name, child in self._children.items():
            ret.update(child._collect_params_with_prefix(prefix + name))
        return ret

    def state_info(self, batch_size=0):
        raise NotImplementedError

    def infer_shape(self, inputs, *args):
        # only the first layer's i2h weights wait for the input width
        for d in 'lr'[:self._dir]:
            w = getattr(self, '%s0_i2h_weight' % d)
            w.shape = (w.shape[0], inputs.shape[2])

    def cast(self, dtype):
        super().cast(dtype)
        self._dtype = dtype

    def begin_state(self, batch_size=0, func=nd.zeros, **kwargs):
        """The initial states: func(name=..., shape=..., dtype=..., **kwargs) for each state_info entry."""
        states = []
        for i, info in enumerate(self.state_info(batch_size)):
            info.update(kwargs)
            states.append(func(name='%sh0_%d' % (self.prefix, i), **info))
        return states

    def __call__(self, inputs, states=None, sequence_length=None, **kwargs):
        """Returns the output alone when `states` is None (zeros are used), else (output, new states)."""
        self.skip_states = states is None
        if states is None:
            batch_size = inputs.shape[self._layout.find('N')]
            states = self.begin_state(batch_size, ctx=inputs.context, dtype=inputs.dtype)
        if isinstance(states, tensor_types):
            states = [states]
        if self._use_sequence_length:
            return super().__call__(inputs, states, sequence_length, **kwargs)
        return super().__call__(inputs, states, **kwargs)

    def hybrid_forward(self, F, inputs, states, sequence_length=None, **kwargs):
        batch_size = inputs.shape[self._layout.find('N')]
        for s, info in zip(states, self.state_info(batch_size)):
            if s.shape != info['shape']:
                raise ValueError('Invalid recurrent state shape. Expecting %s, got %s.'
                                 % (str(info['shape']), str(s.shape)))
        out = self._forward_kernel(F, inputs, states, sequence_length, **kwargs)
        return out[0] if self.skip_states else out

    def _forward_kernel(self, F, inputs, states, sequence_length, **kwargs):
        if self._layout == 'NTC':
            inputs = F.swapaxes(inputs, 0, 1)
        gates = ['i2h', 'h2h', 'h2r'] if self._projection_size else ['i2h', 'h2h']
        # MXNet's packed order: all weights (layer, direction, i2h/h2h/h2r), then all biases
        names = ['%s%d_%s_%s' % (d, i, g, t) for t in ('weight', 'bias') for i in range(self._num_layers)
                 for d in 'lr'[:self._dir] for g in gates if g != 'h2r' or t != 'bias']
        params = F.concat(*[kwargs[n].reshape(-1) for n in names], dim=0)
        extra = {'state_cell': states[1]} if self._mode == 'lstm' else {}
        if self._use_sequence_length:
            extra['sequence_length'] = sequence_length
        rnn = F.RNN(inputs, params, states[0], use_sequence_length=self._use_sequence_length,
                    state_size=self._hidden_size, projection_size=self._projection_size,
                    num_layers=self._num_layers, bidirectional=self._dir == 2, p=self._dropout,
                    state_outputs=True, mode=self._mode, lstm_state_clip_min=self._lstm_state_clip_min,
                    lstm_state_clip_max=self._lstm_state_clip_max, lstm_state_clip_nan=self._lstm_state_clip_nan,
                    **extra)
        outputs, states = rnn[0], list(rnn[1:])
        if self._layout == 'NTC':
            outputs = F.swapaxes(outputs, 0, 1)
        return outputs, states


def _state(self, batch_size, size):
    return {'shape': (self._num_layers * self._dir, batch_size, size), '__layout__': 'LNC', 'dtype': self._dtype}


class RNN(_RNNLayer):
    """Multi-layer Elman RNN, h_t = activation(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh), activation
    'relu' or 'tanh'. Input (T, N, C) for layout 'TNC' ((N, T, C) for 'NTC'); states
    [(num_layers * directions, N, hidden_size)]."""

    def __init__(self, hidden_size, num_layers=1, activation='relu', layout='TNC', dropout=0, bidirectional=False,
                 i2h_weight_initializer=None, h2h_weight_initializer=None, i2h_bias_initializer='zeros',
                 h2h_bias_initializer='zeros', input_size=0, dtype='float32', **kwargs):
        super().__init__(hidden_size, num_layers, layout, dropout, bidirectional, input_size, i2h_weight_initializer,
                         h2h_weight_initializer, i2h_bias_initializer, h2h_bias_initializer, 'rnn_' + activation,
                         None, None, None, None, False, dtype, **kwargs)

    def state_info(self, batch_size=0):
        return [_state(self, batch_size, self._hidden_size)]


class LSTM(_RNNLayer):
    """Multi-layer LSTM (gates i, f, g, o in that order in each weight's rows); states [h, c].

    projection_size adds an h2r projection (h is then projection_size wide);
    state_clip_min/max clip the cell state (and state_clip_nan maps NaN to the minimum)."""

    def __init__(self, hidden_size, num_layers=1, layout='TNC', dropout=0, bidirectional=False, input_size=0,
                 i2h_weight_initializer=None, h2h_weight_initializer=None, i2h_bias_initializer='zeros',
                 h2h_bias_initializer='zeros', projection_size=None, h2r_weight_initializer=None,
                 state_clip_min=None, state_clip_max=None, state_clip_nan=False, dtype='float32', **kwargs):
        super().__init__(hidden_size, num_layers, layout, dropout, bidirectional, input_size, i2h_weight_initializer,
                         h2h_weight_initializer, i2h_bias_initializer, h2h_bias_initializer, 'lstm',
                         projection_size, h2r_weight_initializer, state_clip_min, state_clip_max, state_clip_nan,
                         dtype, **kwargs)

    def state_info(self, batch_size=0):
        return [_state(self, batch_size, self._projection_size or self._hidden_size),
                _state(self, batch_size, self._hidden_size)]


class GRU(_RNNLayer):
    """Multi-layer GRU as cuDNN computes it (gates r, z, n; the reset gate applies after the
    h2h product): n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), h' = (1 - z) * n + z * h."""

    def __init__(self, hidden_size, num_layers=1, layout='TNC', dropout=0, bidirectional=False, input_size=0,
                 i2h_weight_initializer=None, h2h_weight_initializer=None, i2h_bias_initializer='zeros',
                 h2h_bias_initializer='zeros', dtype='float32', **kwargs):
        super().__init__(hidden_size, num_layers, layout, dropout, bidirectional, input_size, i2h_weight_initializer,
                         h2h_weight_initializer, i2h_bias_initializer, h2h_bias_initializer, 'gru',
                         None, None, None, None, False, dtype, **kwargs)

    def state_info(self, batch_size=0):
        return [_state(self, batch_size, self._hidden_size)]
