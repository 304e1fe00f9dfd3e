"""mx.autograd: recording, backward, grad, Function and get_symbol with MXNet's semantics."""
from .function import Function  # noqa: F401
from .state import (_RecordingStateScope, is_recording, is_training, pause, predict_mode, record,  # noqa: F401
                    set_recording, set_training, train_mode)
from .symbol import get_symbol  # noqa: F401
from .tape import run_backward as _run_backward
from .tape import mark_variables as _mark


def _as_list(x):
    return [x] if not isinstance(x, (list, tuple)) else list(x)


def mark_variables(variables, gradients, grad_reqs='write'):
    """Mark arrays as variables whose gradients go to `gradients` (write / add / null)."""
    from ..ndarray import NDArray
    if isinstance(variables, NDArray):
        if not isinstance(gradients, NDArray):
            raise TypeError('mark_variables: gradients must be an NDArray when variables is one')
        variables, gradients = [variables], [gradients]
    _mark(list(variables), list(gradients), grad_reqs)


def _heads(heads, head_grads):
    heads = _as_list(heads)
    if head_grads is not None:
        head_grads = _as_list(head_grads)
        if len(head_grads) != len(heads):
            raise ValueError('heads and head_grads must be lists of the same length: got %d heads '
                             'and %d head_grads' % (len(heads), len(head_grads)))
    return heads, head_grads


def backward(heads, head_grads=None, retain_graph=False, train_mode=True):
    """Gradients of heads w.r.t. every marked variable, written into their .grad."""
    heads, head_grads = _heads(heads, head_grads)
    _run_backward(heads, head_grads, retain_graph=retain_graph, train_mode=train_mode)


def grad(heads, variables, head_grads=None, retain_graph=None, create_graph=False,
         train_mode=True):
    """Gradients of heads w.r.t. `variables`, returned as a list of new arrays.

    create_graph=True records the gradient computation, so the result can be
    differentiated again (any order, every op). retain_graph defaults to create_graph.
    """
    from ..ndarray import NDArray
    heads, head_grads = _heads(heads, head_grads)
    if isinstance(variables, NDArray):
        variables = [variables]
    elif not len(variables):
        raise AssertionError('variables cannot be an empty list.')
    retain_graph = create_graph if retain_graph is None else retain_graph
    return _run_backward(heads, head_grads, list(variables), retain_graph, create_graph, train_mode)
