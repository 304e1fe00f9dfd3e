"""Deferred dispatch: ops queue up and run as one cached XLA program when a value is read.

An op called on NDArrays does not run at once. `run` checks it -- its output shapes and
dtypes come from a cache filled by tracing, so bad input raises at the call, as before --
and appends it to the queue; its outputs are `Lazy` placeholders (shape, dtype, device).
Reading a value (asnumpy, printing, an op outside this path, a view, waitall) flushes the
queue: the queued ops become one jitted program keyed by their structure (each op's jitted
function and input avals, the wiring, which outputs are still referenced somewhere). A
training step queues the same structure every step, so it runs as one dispatch:

* a structure already compiled runs as one program;
* one seen once before is compiled now (its second sighting);
* one never seen runs op by op on each op's own cached jit, so one-off code compiles
  nothing new -- unless `_NEW_MIN` or more of its ops have never run (each would compile
  anyway), then the whole structure compiles at once: one compile instead of many, which
  is what a fresh process's first training step needs.

A read needs only its own ancestors: the flush runs them as one program and the rest of
the queue (a step's backward and update, queued behind the loss being read) as a second,
dispatched right after, so the read returns while the rest computes and Python queues the
next step meanwhile. How a queue is cut up is planned once per (structure, live outputs,
target) and cached.

An output nothing refers to at the flush (an intermediate whose NDArray is gone) is not
materialized; XLA fuses through it. Queues longer than `_MAX_FUSE` ops are flushed op by op, and
so is a part of a flush longer than `_COMPILE_MAX` (XLA's compile time grows faster than its
length; gluon.Trainer.step flushes at the end of each step, so a loop that never reads does
not pile steps up).
Work on another device flushes the queue first (one program, one device). Arguments that
are not concrete arrays (tracers inside a user's jax.jit) run at once, as does everything
when MXJAX_LAZY=0.
"""
import functools
import os
import threading
import weakref

import jax
import jax.numpy as jnp

ENABLED = os.environ.get('MXJAX_LAZY', '1') not in ('0', 'false', 'False', '')
_ArrayImpl = type(jnp.zeros(()))
_MULTI = jax.default_backend() != 'cpu' or len(jax.devices('cpu')) > 1
_DEVICE = jax.devices()[0]
_MAX_FUSE = 1000   # a longer queue is flushed op by op and never compiled as one program
_COMPILE_MAX = 256  # a longer part of a flush runs op by op too: XLA's compile time grows faster than linearly
_NEW_MIN = 3       # ops never run before, from which a first sighting compiles as a whole
_PROGRAMS_MAX = 512
_ONCE = object()


class Lazy:
    """An op output not computed yet: what NDArray._buf holds until the queue is flushed."""
    __slots__ = ('aval', 'shape', 'dtype', 'device', 'call', 'index', 'value', '__weakref__')

    def __init__(self, aval, device, call, index):
        self.aval, self.shape, self.dtype = aval, aval.shape, aval.dtype
        self.device, self.call, self.index, self.value = device, call, index, None

    @property
    def size(self):
        return self.aval.size

    @property
    def ndim(self):
        return len(self.shape)

    def devices(self):
        return {self.device}

    def get(self):
        """The computed jax.Array (flushing the queue if need be)."""
        if self.value is None:
            flush(self)
            if self.value is None:
                raise RuntimeError('the deferred computation of this array failed (see the '
                                   'error raised where it ran)')
        return self.value


def cast(x, dtype):
    """x.astype(dtype) for a jax array or a Lazy one, queued like an op."""
    return run(_caster(dtype), [x])


@functools.lru_cache(maxsize=None)
def _caster(dtype):
    return jax.jit(lambda x: x.astype(dtype))


def value(x):
    """`x` as a concrete jax array (x: a jax array or a Lazy)."""
    return x.get() if type(x) is Lazy else x


class _Call:
    __slots__ = ('fn', 'pos', 'outs')

    def __init__(self, fn, pos):
        self.fn, self.pos = fn, pos


class _Queue:
    def __init__(self, device):
        self.calls, self.struct, self.inputs, self.ids, self.device = [], [], [], {}, device


_lock = threading.RLock()
_q = _Queue(_DEVICE)
_SIGS = {}       # (jitted fn, input avals) -> (id, output avals, output treedef or None)
_RAN = set()     # ids of signatures whose own jitted function has run (so is compiled)
_PROGRAMS = {}   # structure -> _ONCE (seen once) or the jitted program
_PLANS = {}      # (queue structure, live outputs, target) -> [_Seg]


def _signature(fn, avals):
    traced = fn.trace(*[jax.ShapeDtypeStruct(a.shape, a.dtype, weak_type=a.weak_type) for a in avals])
    tree = traced.out_tree
    single = tree.num_leaves == 1 and tree.num_nodes == 1
    return len(_SIGS), tuple(jax.tree_util.tree_leaves(traced.out_avals)), None if single else tree


def run(fn, args):
    """fn(*args) for a jitted `fn`: queued (Lazy outputs) when it can be, else run now."""
    if ENABLED and args:
        r = _enqueue(fn, args)
        if r is not None:
            return r
    return fn(*[a.get() if type(a) is Lazy else a for a in args])


def _enqueue(fn, args):
    avals = []
    for a in args:
        t = type(a)
        if t is not _ArrayImpl and t is not Lazy:
            return None  # a tracer (a user's jax.jit) or something else: run now
        avals.append(a.aval)
    avals = tuple(avals)
    sig = _SIGS.get((fn, avals))
    if sig is None:
        sig = _SIGS[(fn, avals)] = _signature(fn, avals)  # raises for bad input, as a call would
    if _MULTI:
        devs = {a.device for a in args}
        if len(devs) != 1:
            return None  # let the op itself report mixed devices
        dev = devs.pop()
    else:
        dev = _DEVICE
    with _lock:
        q = _q
        if q.device is not dev or len(q.calls) >= _MAX_FUSE:
            flush()
            q = _q
            q.device = dev
        refs = []
        for a in args:
            if type(a) is Lazy:
                c = a.call
                if c is not None:
                    refs.append((c.pos, a.index))
                    continue
                a = a.get()
            n = q.ids.get(id(a))
            if n is None:
                n = q.ids[id(a)] = len(q.inputs)
                q.inputs.append(a)
            refs.append(n)
        call = _Call(fn, len(q.calls))
        outs = []
        for j, av in enumerate(sig[1]):
            o = Lazy(av, dev, call, j)
            outs.append(o)
        call.outs = [weakref.ref(o) for o in outs]
        q.calls.append(call)
        q.struct.append((sig[0], tuple(refs)))
    if sig[2] is None:
        return outs[0]
    return jax.tree_util.tree_unflatten(sig[2], outs)


def flush(target=None):
    """Run everything queued; every Lazy still referenced gets its value.

    With a `target` (a Lazy being read) the ops it depends on run first, as one program,
    and the rest (typically a step's backward and update, queued behind the loss being
    read) as a second program dispatched right after: the read returns when the first is
    done, and the second computes while Python goes on queueing the next step.
    """
    global _q
    with _lock:
        q = _q
        if not q.calls:
            return
        _q = _Queue(q.device)
        live, objs = [], []
        for i, c in enumerate(q.calls):
            for j, w in enumerate(c.outs):
                o = w()
                if o is not None:
                    live.append((i, j))
                    objs.append(o)
        c = target.call if target is not None else None
        tpos = c.pos if c is not None and c.pos < len(q.calls) and q.calls[c.pos] is c else -1
        key = (tuple(q.struct), tuple(live), tpos)
        plan = _PLANS.get(key)
        if plan is None:
            if len(_PLANS) >= _PROGRAMS_MAX:
                _PLANS.clear()
            plan = _PLANS[key] = _plan(q, live, tpos)
        scratch = [None] * sum(len(s.want) for s in plan)
        try:
            for seg in plan:
                inputs = [q.inputs[k] if k >= 0 else scratch[~k] for k in seg.ins]
                outs = _run_segment(seg, inputs)
                for (oi, si), v in zip(seg.outs, outs):
                    if oi >= 0:
                        o = objs[oi]
                        o.value, o.call = v, None
                    if si >= 0:
                        scratch[si] = v
        except Exception:
            for o in objs:
                if o.value is None:
                    o.call = None  # get() reports the failure
            raise


class _Seg:
    """Part of a flush run as one program: its calls (`struct`: signature id and wiring
    within the part), where its inputs come from (`ins`: >= 0 the queue's inputs, < 0 ~slot
    of a value an earlier part computed), what it outputs (`want`) and where each output goes
    (`outs`: (index into the live objects or -1, scratch slot or -1))."""
    __slots__ = ('fns', 'struct', 'want', 'key', 'ins', 'outs')


def _plan(q, live, tpos):
    """How to run queue q: [_Seg] -- one part, or with a target, its ancestors then the rest."""
    n = len(q.calls)
    parts = [list(range(n))]
    if tpos >= 0:
        seen, todo = {tpos}, [tpos]
        while todo:
            for r in q.struct[todo.pop()][1]:
                if type(r) is tuple and r[0] not in seen:
                    seen.add(r[0])
                    todo.append(r[0])
        if len(seen) < n:
            parts = [sorted(seen), [i for i in range(n) if i not in seen]]
    liveidx = {r: k for k, r in enumerate(live)}
    where = {}  # (call, output) computed by an earlier part -> its scratch slot
    uses = [{r for i in part for r in q.struct[i][1] if type(r) is tuple} for part in parts]
    plan, slot = [], 0
    for p, part in enumerate(parts):
        pos = {i: k for k, i in enumerate(part)}
        later = set().union(*uses[p + 1:])
        seg = _Seg()
        seg.fns, seg.struct, seg.ins, ids = [], [], [], {}
        for i in part:
            s, w = q.struct[i]
            refs = []
            for r in w:
                if type(r) is tuple and r[0] in pos:
                    refs.append((pos[r[0]], r[1]))
                    continue
                src = r if type(r) is int else ~where[r]
                if src not in ids:
                    ids[src] = len(seg.ins)
                    seg.ins.append(src)
                refs.append(ids[src])
            seg.fns.append(q.calls[i].fn)
            seg.struct.append((s, tuple(refs)))
        seg.want, seg.outs = [], []
        for i in part:
            for j in range(len(q.calls[i].outs)):
                r = (i, j)
                oi = liveidx.get(r, -1)
                si = -1
                if r in later:
                    si = where[r] = slot
                    slot += 1
                if oi >= 0 or si >= 0:
                    seg.want.append((pos[i], j))
                    seg.outs.append((oi, si))
        seg.struct = tuple(seg.struct)
        seg.key = (seg.struct, tuple(seg.want))
        plan.append(seg)
    return plan


def _run_segment(seg, inputs):
    """seg's outputs: one cached program, or op by op (see the module doc)."""
    if not seg.want:
        return []
    prog = None
    if 1 < len(seg.fns) <= _COMPILE_MAX:  # (one op: its own jitted function is the program)
        prog = _PROGRAMS.get(seg.key)
        if prog is None or prog is _ONCE:
            if len(_PROGRAMS) >= _PROGRAMS_MAX:
                _evict()
            if prog is None and sum(1 for s, _ in seg.struct if s not in _RAN) < _NEW_MIN:
                _PROGRAMS[seg.key] = _ONCE  # first sighting: op by op
                prog = None
            else:
                prog = _PROGRAMS[seg.key] = _program(seg.fns, [w for _, w in seg.struct], seg.want)
    if prog is not None:
        return prog(*inputs)
    vals = []
    for fn, (s, w) in zip(seg.fns, seg.struct):
        out = fn(*[inputs[r] if type(r) is int else vals[r[0]][r[1]] for r in w])
        vals.append(jax.tree_util.tree_leaves(out))
        _RAN.add(s)
    return [vals[i][j] for i, j in seg.want]


def _evict():
    """Forget the structures seen once; if that is not enough, the older half."""
    once = [k for k, v in _PROGRAMS.items() if v is _ONCE]
    for k in once if len(once) > _PROGRAMS_MAX // 4 else list(_PROGRAMS)[:_PROGRAMS_MAX // 2]:
        del _PROGRAMS[k]


def _program(fns, wiring, live):
    def prog(*inputs):
        vals = []
        for fn, w in zip(fns, wiring):
            out = fn(*[inputs[r] if type(r) is int else vals[r[0]][r[1]] for r in w])
            vals.append(jax.tree_util.tree_leaves(out))
        return [vals[i][j] for i, j in live]
    return jax.jit(prog)
