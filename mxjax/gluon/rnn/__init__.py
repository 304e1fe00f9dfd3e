"""mx.gluon.rnn: recurrent cells (one step at a time, unroll) and the fused RNN, LSTM, GRU layers."""
from .rnn_cell import *  # noqa: F401,F403
from .rnn_layer import *  # noqa: F401,F403
