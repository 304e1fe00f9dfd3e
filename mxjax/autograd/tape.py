"""The tape: recorded nodes and the reverse-mode engine (MXNet's autograd semantics).

An NDArray on the tape holds an entry `(node, output_index)`. A node is either a Leaf
(a variable marked with attach_grad / mark_variables, owning its gradient buffer) or an
op Node holding the op, its static attrs, its input buffers and its parents' entries.
Every node carries its creation number, and a node's parents are always older than it, so
backward pops pending nodes newest first from a heap (a reverse topological order without
a graph walk), with a dict of pending cotangents. Each node's VJP is the op's cached jitted
backward, or -- with create_graph -- the same backward invoked as a recorded op, which
gives every higher order. The VJPs are queued like any op (see mxjax/lazy.py), so a
training step's forward, backward and update run as one program.
"""
import heapq
import itertools

import jax
import jax.numpy as jnp
import numpy as np

from .. import lazy
from ..base import MXNetError
from .state import state

NOT_IN_GRAPH = ('Cannot differentiate node because it is not in a computational graph. '
                'You need to set is_recording to true or use autograd.record() to save '
                'computational graphs for backward. If you want to differentiate the same '
                'graph twice, you need to pass retain_graph=True to backward.')
NOTHING_NEEDS_GRAD = 'There are no inputs in computation graph that require gradients.'
GRAD_REQS = ('null', 'write', 'add')


_seq = itertools.count()   # creation order: a node's parents are always older than it


class Leaf:
    """A marked variable: where its gradient goes and how (write / add / null)."""
    __slots__ = ('grad', 'req', 'fresh', 'seq')
    parents = ()
    avals = ((),)

    def __init__(self, grad, req):
        self.grad = grad
        self.req = req
        self.fresh = False
        self.seq = next(_seq)


class Node:
    """One recorded op application."""
    __slots__ = ('op', 'key', 'primals', 'parents', 'avals', 'seq')

    def __init__(self, op, key, primals, parents, outs):
        self.seq = next(_seq)
        self.op = op
        self.key = key
        self.primals = primals
        self.parents = parents
        self.avals = [(o.shape, o.dtype) for o in outs]

    def free(self):
        """Drop what the backward needed (the graph's buffers); the node stays as a record."""
        self.primals = None

    def spec(self):
        """(diff, fout): which inputs take a gradient, which outputs carry a cotangent."""
        return (tuple(p is not None and x.dtype in DIFFABLE for x, p in zip(self.primals, self.parents)),
                tuple(d in DIFFABLE for _, d in self.avals))

    def backward(self, cts, create_graph):
        """Input cotangents (None where an input takes none) for output cotangents `cts`."""
        if self.primals is None:
            raise MXNetError(NOT_IN_GRAPH)
        diff, fout = self.spec()
        if not any(diff):
            return [None] * len(self.primals)
        if any(c is None for c in cts):
            dev = self.primals[0].device if self.primals else None
            cts = [c if c is not None else _zeros(s, d, dev) for c, (s, d) in zip(cts, self.avals)]
        cts = [c for c, keep in zip(cts, fout) if keep]
        vop = self.op.vjp_op(self.key, diff, fout)
        if create_graph:
            from ..ndarray.ndarray import NDArray, _wrap
            from ..ndarray.registry import invoke
            args = [_wrap(x, None, p) for x, p in zip(self.primals, self.parents)]
            args += [c if isinstance(c, NDArray) else _wrap(c, None, None) for c in cts]
            res = invoke(vop, args, ())
        else:
            res = lazy.run(vop.compiled(()), [*self.primals, *cts])
        res = list(res) if isinstance(res, (tuple, list)) else [res]
        it = iter(res)
        return [next(it) if d else None for d in diff]


FLOATS = frozenset(np.dtype(t) for t in ('float16', 'float32', 'float64', jnp.bfloat16))
# MXNet differentiates integer arrays too (integer gradients); see registry._make_vjp_op.
DIFFABLE = FLOATS | frozenset(np.dtype(t) for t in ('int8', 'uint8', 'int16', 'uint16', 'int32',
                                                   'uint32', 'int64', 'uint64'))


@jax.jit
def _add(a, b):
    return a + b


def _zeros(shape, dtype, device):
    # placed (committed) like every NDArray buffer, so the VJP's jit sees one signature, not two
    z = jnp.zeros(shape, dtype)
    return z if device is None else jax.device_put(z, device)


@jax.jit
def _ones_like(x):
    return jnp.ones_like(x)


def run_backward(heads, head_grads, variables=None, retain_graph=False,
                 create_graph=False, train_mode=True):
    """Backward from NDArray `heads`. Writes leaf gradients (variables None) or returns
    the gradients of `variables` (a list of NDArrays) as in autograd.grad.

    Nodes are visited newest first (a max-heap on creation order), which is a reverse
    topological order, so no separate graph walk is needed. Nothing is written and the
    graph is kept when an error is raised.
    """
    entries = []
    for h in heads:
        if h._entry is None:
            raise MXNetError(NOT_IN_GRAPH)
        entries.append(h._entry)
    targets = None
    if variables is not None:
        targets = {}
        for i, v in enumerate(variables):
            # as in MXNet, only marked variables qualify: not an intermediate result
            if v._entry is None or type(v._entry[0]) is not Leaf or v._entry[0].req == 'null':
                raise MXNetError('Cannot differentiate with respect to the %d-th variable because it '
                                 'does not require gradient.' % (i + 1))
            targets.setdefault(v._entry[0], []).append((i, v._entry[1]))

    def add(a, b):
        if a is None:
            return b
        return a + b if create_graph else lazy.run(_add, [a, b])

    prev_rec, prev_train = state.recording, state.training
    state.recording, state.training = bool(create_graph), bool(train_mode)
    pending, heap, done = {}, [], []
    results = [None] * len(variables) if variables is not None else None
    leaf_grads, null_leaves = [], []
    try:
        for (node, idx), h, g in zip(entries, heads, _head_grads(heads, head_grads, create_graph)):
            if g is None:
                g = lazy.run(_ones_like, [h._ref])
            slot = pending.get(node)
            if slot is None:
                slot = pending[node] = [None] * len(node.avals)
                heapq.heappush(heap, (-node.seq, node))
            slot[idx] = g   # as MXNet: a head given twice takes its last head gradient, not their sum

        while heap:
            n = heapq.heappop(heap)[1]
            c = pending.pop(n)
            if targets is not None:
                hit = targets.get(n)
                if hit is not None:
                    for i, idx in hit:
                        results[i] = c[idx]
            if type(n) is Leaf:
                if n.req == 'null':
                    null_leaves.append(n)
                elif targets is None:
                    leaf_grads.append((n, c[0]))
                continue
            done.append(n)
            for p, g in zip(n.parents, n.backward(c, create_graph)):
                if g is None or p is None:
                    continue
                pn = p[0]
                slot = pending.get(pn)
                if slot is None:
                    slot = pending[pn] = [None] * len(pn.avals)
                    heapq.heappush(heap, (-pn.seq, pn))
                slot[p[1]] = add(slot[p[1]], g)
    finally:
        state.recording, state.training = prev_rec, prev_train

    return _finish(results, leaf_grads, null_leaves, done, targets, variables, retain_graph)


def _head_grads(heads, head_grads, create_graph):
    """The validated head gradients: an array (an NDArray with create_graph) or None (ones)."""
    from ..ndarray.ndarray import NDArray, _wrap
    out = []
    for k, h in enumerate(heads):
        g = head_grads[k] if head_grads is not None else None
        if isinstance(g, NDArray):
            if g.shape != h.shape:
                raise MXNetError('head_grads[%d] has shape %s, but its head has shape %s'
                                 % (k, g.shape, h.shape))
            if g._buf.dtype != h._buf.dtype:  # MXNet does not cast a head gradient
                raise MXNetError('head_grads[%d] has dtype %s, but its head has dtype %s'
                                 % (k, np.dtype(g._buf.dtype).name, np.dtype(h._buf.dtype).name))
            g = g if create_graph else g._ref
        elif g is not None:
            g = jnp.asarray(g)
        if create_graph and not isinstance(g, NDArray):
            g = _wrap(lazy.run(_ones_like, [h._ref]) if g is None else g, h._ctx, None)
        out.append(g)
    return out


def _finish(results, leaf_grads, null_leaves, done, targets, variables, retain_graph):
    """Check what a backward reached, free the graph, write or return the gradients."""
    from ..ndarray.ndarray import NDArray, _wrap
    if targets is not None:
        for i, r in enumerate(results):
            if r is None:
                raise MXNetError(_unreachable(i))
    elif not leaf_grads:
        raise MXNetError(NOTHING_NEEDS_GRAD)
    if not retain_graph:
        for n in done:
            n.free()
    for leaf in null_leaves:  # as in MXNet, a backward through a 'null' variable drops its .grad
        leaf.grad = None
    if variables is not None:
        return [r if isinstance(r, NDArray) else _wrap(r, v._ctx, None) for v, r in zip(variables, results)]
    for leaf, g in leaf_grads:
        if isinstance(g, NDArray):
            g = g._ref
        buf = leaf.grad
        if g.dtype != buf._buf.dtype:
            g = lazy.cast(g, buf._buf.dtype)
        buf._set_data(lazy.run(_add, [buf._ref, g]) if leaf.req == 'add' else g)
        leaf.fresh = True
    return None


def _unreachable(i):
    return ('Cannot differentiate with respect to the %d-th variable because it is unreachable '
            'from the outputs.' % (i + 1))


def mark_variables(variables, gradients, grad_reqs='write'):
    """Make each array a leaf whose gradient goes to the matching gradient array."""
    if isinstance(grad_reqs, str):
        grad_reqs = [grad_reqs] * len(variables)
    if len(gradients) != len(variables) or len(grad_reqs) != len(variables):
        raise MXNetError('mark_variables: got %d variables, %d gradients and %d grad_reqs; '
                         'they must match' % (len(variables), len(gradients), len(grad_reqs)))
    for i, (v, g, r) in enumerate(zip(variables, gradients, grad_reqs)):
        if r not in GRAD_REQS:  # MXNet's lookup raises KeyError
            raise KeyError('grad_req=%r is not valid for variable %d; valid: %s'
                             % (r, i, ', '.join(GRAD_REQS)))
        if v.shape != g.shape:
            raise MXNetError('mark_variables: gradient %d has shape %s, its variable has shape %s'
                             % (i, g.shape, v.shape))
    for v, g, r in zip(variables, gradients, grad_reqs):
        v._entry = (Leaf(g, r), 0)
