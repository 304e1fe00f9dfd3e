"""The one op registry and the one dispatch path.

`op(...)` declares an operator once: its pure JAX function, its array inputs and its
attributes. That single declaration gives `nd.<name>`, the NDArray method (where MXNet has
one), the jitted forward (cached per static attrs) and, through the tape, its cached
jitted vector-Jacobian product.
"""
import functools

import jax
import jax.numpy as jnp
import numpy as np

from .. import lazy
from ..autograd import tape
from ..autograd.state import state
from ..base import MXNetError, hashable
from .ndarray import NDArray, _wrap

OPS = {}         # name -> Op: every registered operator
FRONTENDS = {}   # public name -> function exported as nd.<name>
METHODS = {}     # method name -> function installed on NDArray


class Op:
    """One operator: `fn(*arrays, *dynamic_attrs, **static_attrs)` in pure JAX.

    inputs: names of the array inputs (a single '*name' means variadic).
    attrs: {name: default} of static attributes (part of the jit cache key).
    dynamic: names of numeric attributes passed as traced scalars (no recompile per value), or
      a dict {name: the value None stands for}.
    """

    def __init__(self, name, fn, inputs, attrs, dynamic=(), check=None, lazy_check=None,
                 same_dtype=False):
        self.name = name
        self.fn = fn
        self.variadic = len(inputs) == 1 and inputs[0].startswith('*')
        self.inputs = tuple(i.lstrip('*') for i in inputs)
        self.attrs = dict(attrs)
        self.dynamic = tuple(dynamic)
        self.none_as = dict(dynamic) if isinstance(dynamic, dict) else {}
        self.check = check            # validation run before every call
        self.lazy_check = lazy_check  # validation run only when the jitted fn rejects its input
        self.same_dtype = same_dtype
        self.static_names = [k for k in self.attrs if k not in self.dynamic]
        self.defaults_key = tuple(hashable(self.attrs[k]) for k in self.static_names)
        self._compiled = {}
        self._vjps = {}

    def __repr__(self):
        return '<Op %s>' % self.name

    def compiled(self, key):
        """The jitted forward for one tuple of static attr values."""
        f = self._compiled.get(key)
        if f is None:
            f = self._compiled[key] = jax.jit(functools.partial(self.fn, **self.static_attrs(key)))
        return f

    def dyn_values(self, attrs):
        """The dynamic attributes' device scalars (None where one has no value: checks reject it)."""
        vals = []
        for k in self.dynamic:
            v = attrs[k]
            if v is None:
                v = self.none_as.get(k)
            vals.append(None if v is None else dev_scalar(v))
        return tuple(vals)

    def static_attrs(self, key):
        return dict(zip(self.static_names, key))

    def vjp_op(self, key, diff, fout):
        """The backward of this op as an Op (so it can itself be recorded and differentiated).

        diff: which positional args (arrays then dynamic scalars) get a gradient;
        fout: which outputs are floating point (integer outputs get no cotangent).
        """
        vk = (key, diff, fout)
        v = self._vjps.get(vk)
        if v is None:
            v = self._vjps[vk] = _make_vjp_op(self, key, diff, fout)
        return v


def _make_vjp_op(fwd, key, diff, fout):
    static = fwd.static_attrs(key)
    if 'dtype' in static and _is_int_dtype(static['dtype']):
        static['dtype'] = 'float64'  # an integer cast passes its gradient on, as in MXNet
    n = len(diff)
    diff_idx = [i for i, d in enumerate(diff) if d]

    def vjp_fn(*args):
        primals, cts = list(args[:n]), args[n:]
        # Integer inputs are differentiated through a float64 shadow (exact below 2**53) and
        # their cotangents cast back, truncating as MXNet's integer backward does.
        dtypes = [primals[i].dtype for i in diff_idx]
        shadow = [p if jnp.issubdtype(p.dtype, jnp.inexact) else p.astype(jnp.float64)
                  for p in (primals[i] for i in diff_idx)]

        def f(*dp):
            full = list(primals)
            for i, p in zip(diff_idx, dp):
                full[i] = p
            out = fwd.fn(*full, **static)
            outs = out if isinstance(out, tuple) else (out,)
            # an output that stays integer even on float inputs (argmax, indices) has no gradient
            return tuple(o if jnp.issubdtype(o.dtype, jnp.inexact) else None
                         for o, keep in zip(outs, fout) if keep)

        outs, pull = jax.vjp(f, *shadow)
        res = pull(tuple(None if o is None else c.astype(o.dtype) for o, c in zip(outs, cts)))
        res = tuple(r if r.dtype == d else r.astype(d) for r, d in zip(res, dtypes))
        return res if len(res) != 1 else res[0]

    return Op('_backward_' + fwd.name, vjp_fn, ['*args'], {})


def _is_int_dtype(d):
    try:
        return jnp.issubdtype(np.dtype(d), jnp.integer)
    except TypeError:
        return False


_SCALARS = {}   # python number -> device scalar: a cached jax array is cheaper to pass than a float


def dev_scalar(v):
    """A cached jax scalar for `v`: float64 for floats, int64 for ints (ops cast as they need)."""
    key = v
    if v == 0 or v != v:  # -0.0 == 0.0 and NaN equals nothing: key these by their spelling
        key = repr(v)
    s = _SCALARS.get(key)
    if s is None or s.dtype != _SCALAR_DTYPE[type(v) in _INTS]:
        if len(_SCALARS) > 4096:
            _SCALARS.clear()
        with jax.ensure_compile_time_eval():  # a concrete array even inside a user's jax.jit
            s = _SCALARS[key] = jnp.asarray(v, dtype=_SCALAR_DTYPE[type(v) in _INTS])
    return s


_INTS = (int, np.int32, np.int64)
# float64 / int64 (float32 / int32 when x64 is off: MXJAX_X64=0)
_SCALAR_DTYPE = {False: jax.dtypes.canonicalize_dtype(np.float64),
                 True: jax.dtypes.canonicalize_dtype(np.int64)}


def invoke(op, inputs, key, dyn=(), out=None):
    """Run `op` on NDArray inputs: the one dispatch path (unwrap, jitted fn, tape, wrap)."""
    datas = [x._ref for x in inputs]
    if dyn:
        datas.extend(dyn)
    f = op._compiled.get(key)
    if f is None:
        f = op.compiled(key)
    try:
        res = lazy.run(f, datas)
    except (TypeError, ValueError) as e:
        if op.lazy_check is not None:
            op.lazy_check(inputs, op.static_attrs(key))
        raise MXNetError('%s: %s' % (op.name, e)) from None
    ctx = inputs[0]._ctx if inputs else None
    node = None
    if state.recording:
        for x in inputs:
            if x._entry is not None:
                node = tape.Node(op, key, datas, tuple(x._entry for x in inputs) + (None,) * len(dyn),
                                 res if type(res) is tuple else (res,))
                break
    if type(res) is not tuple:
        if out is None:
            return _wrap(res, ctx, None if node is None else (node, 0))
        res = (res,)
    if out is not None:
        outl = out if isinstance(out, (list, tuple)) else [out]
        if len(outl) != len(res):
            raise MXNetError('%s: out= has %d arrays, the op has %d outputs' % (op.name, len(outl), len(res)))
        for o in outl:
            if not isinstance(o, NDArray):
                raise TypeError('out= must be NDArray(s), got %s' % type(o).__name__)
        for i, (o, r) in enumerate(zip(outl, res)):
            o._assign(r, (node, i) if node is not None else None)
        return out
    return [_wrap(r, ctx, None if node is None else (node, i)) for i, r in enumerate(res)]


def make_frontend(o):
    """The generated nd.<name>(*inputs, *attrs, out=None, name=None, **kwargs) for a plain op."""
    names = o.static_names
    attr_order = list(o.attrs)
    n_in = len(o.inputs)
    variadic, same_dtype, check = o.variadic, o.same_dtype, o.check
    default_key = o.defaults_key
    default_dyn = o.dyn_values(o.attrs)

    def frontend(*args, out=None, name=None, **kwargs):
        if not kwargs and len(args) == n_in and not variadic:
            # Fast path: arrays only, default attrs.
            for a in args:
                if not isinstance(a, NDArray):
                    _bad_input(o, args)
            if same_dtype and n_in == 2 and args[0]._buf.dtype != args[1]._buf.dtype:
                _dtype_error(o, args)
            if check is not None:
                check(args, o.attrs)
            return invoke(o, args, default_key, default_dyn, out)
        if variadic:
            arrays = list(args[0]) if len(args) == 1 and isinstance(args[0], (list, tuple)) else list(args)
            extra = ()
            if o.inputs[0] in kwargs:
                arrays = list(kwargs.pop(o.inputs[0]))
        else:
            arrays, extra = list(args[:n_in]), args[n_in:]
            if len(arrays) < n_in:
                for nm in o.inputs[len(arrays):]:
                    if nm not in kwargs:
                        raise TypeError('%s() missing required input %r' % (o.name, nm))
                    arrays.append(kwargs.pop(nm))
        for a in arrays:
            if not isinstance(a, NDArray):
                _bad_input(o, arrays)
        if extra or kwargs:
            if len(extra) > len(attr_order):
                raise TypeError('%s() takes at most %d attribute arguments, got %d'
                                % (o.name, len(attr_order), len(extra)))
            attrs = dict(o.attrs)
            attrs.update(zip(attr_order, extra))
            for k, v in kwargs.items():
                if k not in attrs:
                    if not attr_order:
                        continue  # as MXNet: an op without parameters ignores unknown ones
                    raise MXNetError('%s: cannot find argument %r; valid arguments: %s'
                                     % (o.name, k, ', '.join(list(o.inputs) + attr_order)))
                attrs[k] = v
            key = tuple(hashable(attrs[k]) for k in names)
            dyn = None
        else:
            attrs, key, dyn = o.attrs, default_key, default_dyn
        if same_dtype and len(arrays) > 1:
            for a in arrays[1:]:
                if a._buf.dtype != arrays[0]._buf.dtype:
                    _dtype_error(o, arrays)
        if check is not None:
            check(arrays, attrs)
        if dyn is None:
            dyn = o.dyn_values(attrs)
        return invoke(o, arrays, key, dyn, out)

    frontend.__name__ = o.name
    frontend.__doc__ = o.fn.__doc__
    return frontend


def _bad_input(o, arrays):
    for i, a in enumerate(arrays):
        if not isinstance(a, NDArray):
            nm = o.inputs[min(i, len(o.inputs) - 1)] if o.inputs else str(i)
            raise TypeError('%s: input %s must be an NDArray, got %s' % (o.name, nm, type(a).__name__))


def _dtype_error(o, arrays):
    d0 = np.dtype(arrays[0]._buf.dtype).name
    for i, a in enumerate(arrays[1:], 1):
        if a._buf.dtype != arrays[0]._buf.dtype:
            raise MXNetError('%s: incompatible dtype at input %d: expected %s, got %s'
                             % (o.name, i, d0, np.dtype(a._buf.dtype).name))


def op(name, inputs=('data',), aliases=(), method=None, **opts):
    """Decorator: declare `fn(*arrays, **attrs)` as operator `name`.

    The attributes and their defaults are read from fn's keyword parameters. `method`
    names the NDArray method (True: same name). `aliases` are more public names.
    """
    def deco(fn):
        import inspect
        params = inspect.signature(fn).parameters
        attrs = {k: p.default for k, p in params.items()
                 if p.default is not inspect.Parameter.empty}
        o = register(name, fn, inputs, attrs, **opts)
        f = make_frontend(o)
        for n in (name,) + tuple(aliases):
            FRONTENDS[n] = f
        if method:
            METHODS[name if method is True else method] = f
        f.op = o
        return f
    return deco


def register(name, fn, inputs, attrs, **opts):
    if name in OPS:
        raise MXNetError('operator %r is registered twice' % name)
    o = OPS[name] = Op(name, fn, inputs, attrs, **opts)
    return o


def frontend(name, aliases=(), method=None):
    """Decorator for a hand-written public function (shape logic, several ops, state)."""
    def deco(f):
        for n in (name,) + tuple(aliases):
            FRONTENDS[n] = f
        if method:
            METHODS[name if method is True else method] = f
        return f
    return deco


def _bind_ndarray():
    from . import ndarray as _nd
    _nd.OPS, _nd.invoke, _nd.dev_scalar = OPS, invoke, dev_scalar


_bind_ndarray()
