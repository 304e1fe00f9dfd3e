"""autograd.Function: a user forward/backward pair recorded as one tape node."""
import jax.numpy as jnp

from ..base import MXNetError
from .state import set_recording
from .tape import NOT_IN_GRAPH, _seq


class _FunctionNode:
    """Tape node whose backward is the user's Function.backward."""
    __slots__ = ('func', 'parents', 'avals', 'in_avals', 'primals', 'seq')

    class op:  # what get_symbol shows for this node
        name = '_CustomFunction'
        dynamic = ()
        static_names = ()
        defaults_key = ()

    key = ()

    def __init__(self, func, inputs, outputs):
        self.seq = next(_seq)
        self.func = func
        self.parents = tuple(x._entry for x in inputs)
        self.avals = [(o.shape, o._data.dtype) for o in outputs]
        self.in_avals = [(x.shape, x.dtype) for x in inputs]
        self.primals = True  # set to None when the graph is freed

    def free(self):
        # also lets go of the Function (and its saved tensors), as MXNet does after backward
        self.primals = self.func = None

    def backward(self, cts, create_graph):
        from ..ndarray.ndarray import NDArray, _wrap
        if self.primals is None:
            raise MXNetError(NOT_IN_GRAPH)
        grads = [c if isinstance(c, NDArray) else
                 _wrap(c if c is not None else jnp.zeros(s, d), None, None)
                 for c, (s, d) in zip(cts, self.avals)]
        name = type(self.func).__name__
        try:
            rets = self.func.backward(*grads)
        except Exception as e:  # MXNet reports a failing user backward as MXNetError
            raise MXNetError('Error in %s.backward: %s: %s' % (name, type(e).__name__, e)) from e
        if isinstance(rets, NDArray):
            rets = (rets,)
        elif not isinstance(rets, (list, tuple)):
            raise MXNetError('%s.backward must return NDArrays, one per input of forward; got %s'
                             % (name, type(rets).__name__))
        if len(rets) != len(self.in_avals):
            raise MXNetError('%s.backward must return exactly one NDArray per input of forward: '
                             'expected %d, got %d' % (name, len(self.in_avals), len(rets)))
        out = []
        for i, (r, (s, d)) in enumerate(zip(rets, self.in_avals)):
            if not isinstance(r, NDArray):
                raise MXNetError('%s.backward must return NDArrays, got %s for input %d'
                                 % (name, type(r).__name__, i))
            if r.shape != s:
                raise MXNetError('%s.backward returned shape %s for input %d, whose shape is %s'
                                 % (name, r.shape, i, s))
            out.append(r if create_graph else r._data)
        return out


class Function:
    """Customize differentiation: subclass, define forward and backward, call once.

    forward runs with recording paused (the training flag is left as it is); backward
    gets one gradient per output and returns one gradient per input. Unlike MXNet 1.9.1,
    an input attached with grad_req='add' accumulates the gradient (MXNet leaves zero).
    """

    def __init__(self):
        self._used = False
        self.saved_tensors = ()

    def save_for_backward(self, *args):
        self.saved_tensors = args

    def __call__(self, *inputs):
        from ..ndarray.ndarray import NDArray, _wrap
        assert not self._used, \
            'Each Function instance can only be called once. Please create another instance.'
        self._used = True
        prev = set_recording(False)
        try:
            outputs = self.forward(*inputs)
        finally:
            set_recording(prev)
        if not prev:
            return outputs
        single = isinstance(outputs, NDArray)
        if not single and not isinstance(outputs, (list, tuple)):
            raise MXNetError('%s.forward must return NDArrays (one, or a list/tuple), got %s'
                             % (type(self).__name__, type(outputs).__name__))
        outs = [outputs] if single else list(outputs)
        for i, o in enumerate(outs):
            if not isinstance(o, NDArray):
                raise MXNetError('%s.forward must return NDArrays, got %s for output %d'
                                 % (type(self).__name__, type(o).__name__, i))
        if not any(isinstance(x, NDArray) and x._entry is not None for x in inputs):
            return outputs
        ins = [x for x in inputs if isinstance(x, NDArray)]
        # An output that is also an input (or already on the tape) gets a fresh handle.
        outs = [_wrap(o._data, o._ctx, None) if o._entry is not None or any(o is x for x in ins) else o
                for o in outs]
        node = _FunctionNode(self, ins, outs)
        for i, o in enumerate(outs):
            o._entry = (node, i)
        return outs[0] if single else (tuple(outs) if isinstance(outputs, tuple) else outs)

    def forward(self, *inputs):
        raise NotImplementedError('subclasses of autograd.Function define forward')

    def backward(self, *output_grads):
        raise NotImplementedError('subclasses of autograd.Function define backward')
