"""nd.contrib: control flow (foreach, while_loop, cond) and the _contrib_* ops.

The control-flow functions run eagerly: a Python loop over recorded ops, so they are
differentiable through the tape (to any order the body's ops allow), as in MXNet's nd.contrib.
"""
import numpy as np

from . import ops as _ops  # noqa: F401  (registers the _contrib_* ops)
from ..base import MXNetError
from .ndarray import NDArray, zeros
from .registry import FRONTENDS

globals().update({k[len('_contrib_'):]: f for k, f in FRONTENDS.items() if k.startswith('_contrib_')})


def _flatten(args, what):
    """(flat list of NDArrays, format) of an NDArray or a nested list/tuple of them."""
    if isinstance(args, NDArray):
        return [args], 0
    if not isinstance(args, (list, tuple)):
        raise AssertionError('%s must be (nested) list of NDArray, but got %s of type %s'
                             % (what, args, type(args)))
    flat, fmts = [], []
    for a in args:
        f, fmt = _flatten(a, what)
        flat.extend(f)
        fmts.append(fmt)
    return flat, fmts


def _regroup(flat, fmt):
    """Inverse of _flatten: (nested structure, the rest of `flat`)."""
    if isinstance(fmt, int):
        return (flat[0], flat[1:]) if fmt == 0 else (flat[:fmt], flat[fmt:])
    out = []
    for f in fmt:
        r, flat = _regroup(flat, f)
        out.append(r)
    return out, flat


def _as_list(x):
    return x if isinstance(x, (list, tuple)) else [x]


def _to_python(value, type_, what):
    if hasattr(value, 'asscalar'):
        try:
            value = value.asscalar()
        except ValueError:
            raise ValueError('Cannot convert %s to python %s: it must have exactly one element, '
                             'got shape %s' % (what, type_.__name__, value.shape)) from None
    try:
        return type_(value)
    except (TypeError, ValueError):
        raise ValueError('Cannot convert %s to python %s (got %r)' % (what, type_.__name__, value)) from None


def foreach(body, data, init_states):
    """Run `body(data[i], states) -> (outputs, states)` for each i along axis 0 of `data`
    (an NDArray or a list of NDArrays); returns (outputs stacked along axis 0, final states)."""
    _flatten(data, 'foreach input')
    _flatten(init_states, 'foreach states')
    single = isinstance(data, NDArray)
    n = data.shape[0] if single else data[0].shape[0]
    if n == 0:
        raise ValueError('foreach: data has no steps (its axis 0 has size 0)')
    states, steps, fmt = init_states, [], None
    for i in range(n):
        outs, states = body(data[i] if single else [d[i] for d in data], states)
        outs, fmt = _flatten(outs, 'foreach output')
        steps.append(outs)
    stacked = [_nd().stack(*column) for column in zip(*steps)]
    return _regroup(stacked, fmt)[0], states


def while_loop(cond, func, loop_vars, max_iterations=None):
    """Run `func(*loop_vars) -> (step_outputs, new_loop_vars)` while `cond(*loop_vars)` holds,
    at most max_iterations times. Returns (step outputs stacked along axis 0 and padded to
    max_iterations rows, final loop_vars). The padding rows are zeros (MXNet leaves them
    uninitialised)."""
    if max_iterations is None:
        raise ValueError('max_iterations should be specified')
    max_iterations = _to_python(max_iterations, int, 'max_iterations')
    if len(_as_list(loop_vars)) == 0:
        raise ValueError('loop_vars should contain at least one element')
    single = isinstance(loop_vars, NDArray)
    loop_vars = _as_list(loop_vars)
    steps, fmt = [], None
    while len(steps) < max_iterations and _to_python(cond(*loop_vars), bool, 'Return value of cond'):
        outs, new_vars = func(*loop_vars)
        outs = [] if outs is None else list(outs) if isinstance(outs, tuple) else outs
        new_vars = _as_list([] if new_vars is None else list(new_vars) if isinstance(new_vars, tuple)
                            else new_vars)
        if len(new_vars) != len(loop_vars):
            raise ValueError('The length of loop_vars should be consistent during the loop: '
                             'expected %d, func returned %d' % (len(loop_vars), len(new_vars)))
        loop_vars = new_vars
        outs, fmt = _flatten(outs, 'while output')
        if steps and len(outs) != len(steps[0]):
            raise ValueError('Number of elements in step_output should be the same in each step: '
                             'step 0 gave %d, step %d gave %d' % (len(steps[0]), len(steps), len(outs)))
        steps.append(outs)
    nd = _nd()
    stacked = []
    for k, column in enumerate(zip(*steps), 1):
        shapes = {x.shape for x in column}
        if len(shapes) > 1:
            raise MXNetError('\n'.join(['Shapes of %d-th elements in step_outputs are inconsistent, '
                                        'which are:' % k] +
                                       ['  Step %d, shape is %s' % (i, x.shape) for i, x in enumerate(column)]))
        rows = [x.expand_dims(0) for x in column]
        if len(rows) < max_iterations:
            rows.append(zeros((max_iterations - len(rows),) + column[0].shape, ctx=column[0].context,
                              dtype=column[0].dtype))
        stacked.append(nd.concat(*rows, dim=0))
    if fmt is not None:
        stacked = _regroup(stacked, fmt)[0]
    return stacked, (loop_vars[0] if single else loop_vars)


def cond(pred, then_func, else_func):
    """then_func() if `pred` (a one-element NDArray or a Python value) is true, else else_func()."""
    return then_func() if _to_python(pred, bool, 'pred') else else_func()


def isinf(data):
    """1 where data is +inf or -inf, else 0 (same dtype as data)."""
    return data.abs() == np.inf


def isfinite(data):
    """1 where data is neither infinite nor NaN, else 0."""
    return _nd().logical_and(data.abs() != np.inf, data == data)


def isnan(data):
    """1 where data is NaN, else 0."""
    return data != data   # noqa: PLR0124  (NaN is the only value unequal to itself)


def _nd():
    from .. import ndarray
    return ndarray
