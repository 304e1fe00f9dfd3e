"""The tape: recorded nodes and the reverse-mode engine (MXNet's autograd semantics).

An NDArray on the tape holds an entry `(node, output_index)`. A node is either a Leaf
(a variable marked with attach_grad / mark_variables, owning its gradient buffer) or an
op Node holding the op, its static attrs, its input buffers and its parents' entries.
Backward is one topological walk with a dict of pending cotangents; each node's VJP is
the op's cached jitted backward, or -- with create_graph -- the same backward invoked as
a recorded op, which gives every higher order.
"""
import jax
import jax.numpy as jnp
import numpy as np

from ..base import MXNetError
from .state import state

NOT_IN_GRAPH = ('Cannot differentiate node because it is not in a computational graph. '
                'You need to set is_recording to true or use autograd.record() to save '
                'computational graphs for backward. If you want to differentiate the same '
                'graph twice, you need to pass retain_graph=True to backward.')
NOTHING_NEEDS_GRAD = 'There are no inputs in computation graph that require gradients.'
GRAD_REQS = ('null', 'write', 'add')


class Leaf:
    """A marked variable: where its gradient goes and how (write / add / null)."""
    __slots__ = ('grad', 'req', 'fresh')
    parents = ()

    def __init__(self, grad, req):
        self.grad = grad
        self.req = req
        self.fresh = False


class Node:
    """One recorded op application."""
    __slots__ = ('op', 'key', 'primals', 'parents', 'avals')

    def __init__(self, op, key, primals, parents, outs):
        self.op = op
        self.key = key
        self.primals = primals
        self.parents = parents
        self.avals = [(o.shape, o.dtype) for o in outs]

    def backward(self, cts, create_graph):
        """Input cotangents (None where an input takes none) for output cotangents `cts`."""
        if self.primals is None:
            raise MXNetError(NOT_IN_GRAPH)
        diff = tuple(p is not None and _floating(x) for x, p in zip(self.primals, self.parents))
        fout = tuple(np.issubdtype(d, np.floating) for _, d in self.avals)
        if not any(diff):
            return [None] * len(self.primals)
        cts = [c if c is not None else _zeros(s, d) for c, (s, d), keep in zip(cts, self.avals, fout) if keep]
        vop = self.op.vjp_op(self.key, diff, fout)
        if create_graph:
            from ..ndarray.ndarray import NDArray, _wrap
            from ..ndarray.registry import invoke
            args = [_wrap(jnp.asarray(x), None, p) for x, p in zip(self.primals, self.parents)]
            args += [c if isinstance(c, NDArray) else _wrap(c, None, None) for c in cts]
            res = invoke(vop, args, ())
        else:
            res = vop.compiled(())(*self.primals, *cts)
        res = list(res) if isinstance(res, (tuple, list)) else [res]
        it = iter(res)
        return [next(it) if d else None for d in diff]


def _floating(x):
    return isinstance(x, jax.Array) and jnp.issubdtype(x.dtype, jnp.floating)


@jax.jit
def _add(a, b):
    return a + b


def _zeros(shape, dtype):
    return jnp.zeros(shape, dtype)


@jax.jit
def _ones_like(x):
    return jnp.ones_like(x)


def run_backward(heads, head_grads, variables=None, retain_graph=False,
                 create_graph=False, train_mode=True):
    """Backward from NDArray `heads`. Writes leaf gradients (variables None) or returns
    the gradients of `variables` (a list of NDArrays) as in autograd.grad."""
    from ..ndarray.ndarray import NDArray, _wrap
    entries = []
    for h in heads:
        if h._entry is None:
            raise MXNetError(NOT_IN_GRAPH)
        entries.append(h._entry)
    targets = None
    if variables is not None:
        targets = {}
        for i, v in enumerate(variables):
            if v._entry is None:
                raise MXNetError('Cannot differentiate with respect to the %d-th variable because it '
                                 'is unreachable from the outputs.' % (i + 1))
            targets.setdefault(id(v._entry[0]), []).append((i, v._entry[1]))

    # Post-order walk of everything reachable from the heads.
    order, seen = [], set()
    for node, _ in entries:
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack = [(node, iter(node.parents))]
        while stack:
            n, it = stack[-1]
            for p in it:
                if p is not None and id(p[0]) not in seen:
                    seen.add(id(p[0]))
                    stack.append((p[0], iter(p[0].parents)))
                    break
            else:
                stack.pop()
                order.append(n)

    # Which nodes lead to something that wants a gradient.
    need = {}
    for n in order:
        if targets is not None and id(n) in targets:
            need[id(n)] = True
        elif type(n) is Leaf:
            need[id(n)] = targets is None and n.req != 'null'
        else:
            need[id(n)] = any(p is not None and need[id(p[0])] for p in n.parents)
    if targets is not None:
        for i, v in enumerate(variables):
            if id(v._entry[0]) not in need:
                raise MXNetError('Cannot differentiate with respect to the %d-th variable because it '
                                 'is unreachable from the outputs.' % (i + 1))
    if not any(need[id(n)] for n, _ in entries):
        raise MXNetError(NOTHING_NEEDS_GRAD)

    def add(a, b):
        if a is None:
            return b
        if create_graph:
            return a + b
        return _add(a, b)

    prev_rec, prev_train = state.recording, state.training
    state.recording, state.training = bool(create_graph), bool(train_mode)
    try:
        cts = {}
        for k, ((node, idx), h) in enumerate(zip(entries, heads)):
            g = head_grads[k] if head_grads is not None else None
            if g is None:
                g = _ones_like(h._data)
            elif isinstance(g, NDArray):
                if g.shape != h.shape:
                    raise MXNetError('head_grads[%d] has shape %s, but its head has shape %s'
                                     % (k, g.shape, h.shape))
                g = g if create_graph else g._data
            if create_graph and not isinstance(g, NDArray):
                g = _wrap(g, h._ctx, None)
            slot = cts.setdefault(id(node), [None] * _nout(node))
            slot[idx] = add(slot[idx], g)

        results = [None] * len(variables) if variables is not None else None
        leaf_grads = []
        for n in reversed(order):
            nid = id(n)
            c = cts.pop(nid, None)
            if c is None or not need[nid]:
                continue
            if targets is not None and nid in targets:
                for i, idx in targets[nid]:
                    results[i] = c[idx]
            if type(n) is Leaf:
                if targets is None:
                    leaf_grads.append((n, c[0]))
                continue
            in_cts = n.backward(c, create_graph)
            for p, g in zip(n.parents, in_cts):
                if g is None or p is None or not need[id(p[0])]:
                    continue
                slot = cts.setdefault(id(p[0]), [None] * _nout(p[0]))
                slot[p[1]] = add(slot[p[1]], g)
    finally:
        state.recording, state.training = prev_rec, prev_train

    if not retain_graph:
        for n in order:
            if type(n) is not Leaf:
                n.primals = None
    if variables is not None:
        out = []
        for v, r in zip(variables, results):
            if r is None:
                r = _zeros(v.shape, v.dtype)
            out.append(r if isinstance(r, NDArray) else _wrap(r, v._ctx, None))
        return out
    for leaf, g in leaf_grads:
        if isinstance(g, NDArray):
            g = g._data
        buf = leaf.grad
        if g.dtype != buf.dtype:
            g = g.astype(buf.dtype)
        if leaf.req == 'add':
            buf._set_data(_add(buf._data, g))
        else:
            buf._set_data(g)
        leaf.fresh = True
    return None


def _nout(node):
    return 1 if type(node) is Leaf else len(node.avals)


def mark_variables(variables, gradients, grad_reqs='write'):
    """Make each array a leaf whose gradient goes to the matching gradient array."""
    if isinstance(grad_reqs, str):
        grad_reqs = [grad_reqs] * len(variables)
    if len(gradients) != len(variables) or len(grad_reqs) != len(variables):
        raise MXNetError('mark_variables: got %d variables, %d gradients and %d grad_reqs; '
                         'they must match' % (len(variables), len(gradients), len(grad_reqs)))
    for i, (v, g, r) in enumerate(zip(variables, gradients, grad_reqs)):
        if r not in GRAD_REQS:
            raise MXNetError('grad_req=%r is not valid for variable %d; valid: %s'
                             % (r, i, ', '.join(GRAD_REQS)))
        if v.shape != g.shape:
            raise MXNetError('mark_variables: gradient %d has shape %s, its variable has shape %s'
                             % (i, g.shape, v.shape))
    for v, g, r in zip(variables, gradients, grad_reqs):
        v._entry = (Leaf(g, r), 0)
