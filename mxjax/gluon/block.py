"""Block and HybridBlock: Gluon's layers and models, named and nested as in MXNet.

HybridBlock.forward runs `hybrid_forward(F, x, *args, **params)` with F = mxjax.ndarray and
each Parameter's array passed by name. After hybridize(), a call runs the whole block as ONE
op (MXNet's CachedOp): hybrid_forward is traced once per (input structure, shapes, dtypes,
training and recording flags, context) into a jitted JAX function of (inputs, parameters,
PRNG key) that returns the outputs and any state the block wrote (BatchNorm's running
statistics); on the tape it is one node whose backward is that function's cached VJP.
"""
import re
import threading
import warnings
from collections import OrderedDict, defaultdict

import jax

from .. import initializer
from .. import ndarray as nd
from .. import random as _rnd
from ..autograd.state import state
from ..base import MXNetError
from ..context import Context
from ..ndarray import NDArray
from ..ndarray.ndarray import _wrap
from ..ndarray.registry import Op, invoke
from .parameter import DeferredInitializationError, Parameter, ParameterDict, _ctx_key, _load_all
from .utils import HookHandle, _brief_print_list, _indent

__all__ = ['Block', 'HybridBlock']


class _NameCounter(threading.local):
    """Per-thread counters naming top-level blocks (dense0_, dense1_, ...): MXNet's
    mx.name.NameManager, which mxjax does not have yet, so gluon keeps them."""

    def __init__(self):
        self.counter = {}

    def get(self, hint):
        n = self.counter.get(hint, 0)
        self.counter[hint] = n + 1
        return '%s%d' % (hint, n)


_NAMES = _NameCounter()


class _BlockScope:
    """`with block.name_scope():` -- children created inside get block.prefix + their own counter."""
    _current = threading.local()

    def __init__(self, block):
        self._block = block
        self._counter = {}
        self._old_scope = None

    @staticmethod
    def create(prefix, params, hint):
        """(prefix, ParameterDict) for a new block."""
        current = getattr(_BlockScope._current, 'value', None)
        if current is None:
            if prefix is None:
                prefix = _NAMES.get(hint) + '_'
            params = ParameterDict(prefix) if params is None else ParameterDict(params.prefix, params)
            return prefix, params
        if prefix is None:
            count = current._counter.get(hint, 0)
            prefix = '%s%d_' % (hint, count)
            current._counter[hint] = count + 1
        if params is None:
            parent = current._block.params
            params = ParameterDict(parent.prefix + prefix, parent._shared)
        else:
            params = ParameterDict(params.prefix, params)
        return current._block.prefix + prefix, params

    def __enter__(self):
        if not self._block._empty_prefix:
            self._old_scope = getattr(_BlockScope._current, 'value', None)
            _BlockScope._current.value = self
        return self

    def __exit__(self, *exc):
        if not self._block._empty_prefix:
            _BlockScope._current.value = self._old_scope


def _arrays(args):
    """Every NDArray in a nested list/tuple of inputs."""
    if isinstance(args, NDArray):
        return [args]
    if isinstance(args, (list, tuple)):
        return [a for x in args for a in _arrays(x)]
    return []


def _shape_str(args):
    """MXNet's summary text for the shapes of nested inputs or outputs."""
    def shapes(a):
        if isinstance(a, (list, tuple)):
            return [shapes(x) for x in a]
        return a.shape if isinstance(a, NDArray) else a
    s = shapes(args)
    return (str(s)[1:-1] if isinstance(s, list) else str(s)).replace('L', '')


class Block:
    """Base class of layers and models: override `forward(*args)`.

    Children assigned as attributes (or with register_child) are registered;
    collect_params() gathers their Parameters. Children created inside
    `with self.name_scope():` get this block's prefix.
    """

    def __init__(self, prefix=None, params=None):
        self._empty_prefix = prefix == ''
        self._prefix, self._params = _BlockScope.create(prefix, params, self._alias())
        self._name = self._prefix[:-1] if self._prefix.endswith('_') else self._prefix
        self._scope = _BlockScope(self)
        self._children = OrderedDict()
        self._reg_params = {}
        self._forward_hooks = OrderedDict()
        self._forward_pre_hooks = OrderedDict()

    def __repr__(self):
        lines = ['  (%s): %s' % (k, _indent(repr(v), 2)) for k, v in self.__dict__.items() if isinstance(v, Block)]
        return '%s(\n%s\n)' % (self.__class__.__name__, '\n'.join(lines))

    def __setattr__(self, name, value):
        """Registers Blocks and Parameters assigned as attributes."""
        if hasattr(self, name):
            existing = getattr(self, name)
            if isinstance(existing, (Parameter, Block)) and not isinstance(value, type(existing)):
                raise TypeError('Changing attribute type for %s from %s to %s is not allowed.'
                                % (name, type(existing), type(value)))
        if isinstance(value, Block):
            self.register_child(value, name)
        elif isinstance(value, Parameter):
            assert name not in self._reg_params, (
                'Overriding Parameter attribute %s is not allowed. If you want to share parameters between '
                "blocks, please set 'params' at Block construction instead." % name)
            self._reg_params[name] = value
        super().__setattr__(name, value)

    def _check_container_with_block(self):
        children = set(self._children.values())

        def unregistered(data):
            if isinstance(data, (list, tuple)):
                return any(unregistered(x) for x in data)
            if isinstance(data, dict):
                return any(unregistered(x) for x in data.values())
            return isinstance(data, Block) and data not in children

        for k, v in self.__dict__.items():
            if isinstance(v, (list, tuple, dict)) and not (k.startswith('__') or k == '_children') \
                    and unregistered(v):
                warnings.warn('"%s.%s" is an unregistered container with Blocks. Note that Blocks inside the list, '
                              'tuple or dict will not be registered automatically. Make sure to register them using '
                              'register_child() or switching to nn.Sequential/nn.HybridSequential instead. '
                              % (self.__class__.__name__, k), stacklevel=3)

    def _alias(self):
        return self.__class__.__name__.lower()

    @property
    def prefix(self):
        return self._prefix

    @property
    def name(self):
        return self._name

    def name_scope(self):
        """`with self.name_scope():` gives children created inside this block's prefix."""
        return self._scope

    @property
    def params(self):
        """This block's own ParameterDict (not its children's)."""
        return self._params

    def collect_params(self, select=None):
        """A ParameterDict of this block's and its children's Parameters; `select` is a regex the
        names must match (re.match)."""
        self._check_container_with_block()
        ret = ParameterDict(self._params.prefix)
        if not select:
            ret.update(self.params)
        else:
            pattern = re.compile(select)
            ret.update({k: v for k, v in self.params.items() if pattern.match(k)})
        for child in self._children.values():
            ret.update(child.collect_params(select=select))
        return ret

    def _collect_params_with_prefix(self, prefix=''):
        """{structural name ('0.weight', 'features.1.bias'): Parameter}."""
        if prefix:
            prefix += '.'
        ret = {prefix + k: v for k, v in self._reg_params.items()}
        for name, child in self._children.items():
            ret.update(child._collect_params_with_prefix(prefix + name))
        return ret

    def save_parameters(self, filename, deduplicate=False):
        """Save the Parameters in MXNet's .params format under their structural names
        (attribute paths such as `0.weight`); deduplicate saves a shared Parameter once."""
        params = self._collect_params_with_prefix()
        if deduplicate:
            reverse = {v: k for k, v in params.items()}   # the last name of each Parameter
            params = {k: v for v, k in reverse.items()}
        nd.save(filename, {k: v._reduce() for k, v in params.items()})

    def save_params(self, filename):
        """Deprecated: save_parameters. Saves under the Parameters' full names minus this prefix."""
        warnings.warn('save_params is deprecated. Please use save_parameters. Note that if you want load from '
                      'SymbolBlock later, please use export instead.')
        try:
            self.collect_params().save(filename, strip_prefix=self.prefix)
        except ValueError as e:
            raise ValueError('%s\nsave_params is deprecated. Using save_parameters may resolve this error.' % e)

    def load_parameters(self, filename, ctx=None, allow_missing=False, ignore_extra=False, cast_dtype=False,
                        dtype_source='current'):
        """Load a file from save_parameters (or, with no '.' in its names, from save_params).
        On an error no Parameter changes."""
        loaded = nd.load(filename)
        params = self._collect_params_with_prefix()
        if not loaded and not params:
            return
        if not any('.' in k for k in loaded):
            self.collect_params().load(filename, ctx, allow_missing, ignore_extra, self.prefix,
                                       cast_dtype=cast_dtype, dtype_source=dtype_source)
            return
        if not allow_missing:
            names = defaultdict(list)   # a shared Parameter is loaded by any of its names
            for k, v in params.items():
                names[v].append(k)
            for name, param in params.items():
                assert any(n in loaded for n in names[param]), (
                    "Parameter '%s' is missing in file '%s', which contains parameters: %s. Set allow_missing=True "
                    'to ignore missing parameters.' % (name, filename, _brief_print_list(loaded.keys())))
        for name in loaded:
            if not ignore_extra and name not in params:
                raise ValueError("Parameter '%s' loaded from file '%s' is not present in ParameterDict, which "
                                 'contains parameters %s. Set ignore_extra=True to ignore. '
                                 % (name, filename, _brief_print_list(self._params.keys())))
        _load_all([(params[k], v) for k, v in loaded.items() if k in params], ctx, cast_dtype, dtype_source)

    def load_params(self, filename, ctx=None, allow_missing=False, ignore_extra=False):
        """Deprecated: load_parameters."""
        warnings.warn('load_params is deprecated. Please use load_parameters.')
        self.load_parameters(filename, ctx, allow_missing, ignore_extra)

    def register_child(self, block, name=None):
        """Register `block` as a child (attribute assignment does this)."""
        if name is None:
            name = str(len(self._children))
        self._children[name] = block

    def register_forward_pre_hook(self, hook):
        """Call `hook(block, inputs)` before each forward; returns a HookHandle."""
        handle = HookHandle()
        handle.attach(self._forward_pre_hooks, hook)
        return handle

    def register_forward_hook(self, hook):
        """Call `hook(block, inputs, outputs)` after each forward; returns a HookHandle."""
        handle = HookHandle()
        handle.attach(self._forward_hooks, hook)
        return handle

    def apply(self, fn):
        """Call fn(block) on every child (recursively), then on self; returns self."""
        for child in self._children.values():
            child.apply(fn)
        fn(self)
        return self

    def initialize(self, init=initializer.Uniform(), ctx=None, verbose=False, force_reinit=False):
        """collect_params().initialize(...)."""
        self.collect_params().initialize(init, ctx, verbose, force_reinit)

    def hybridize(self, active=True, **kwargs):
        """Hybridize the HybridBlock children."""
        for child in self._children.values():
            child.hybridize(active, **kwargs)

    def cast(self, dtype):
        """Cast every Parameter (children first) to dtype."""
        for child in self._children.values():
            child.cast(dtype)
        for param in self.params.values():
            param.cast(dtype)

    def zero_grad(self):
        """collect_params().zero_grad() (a Block method from MXNet 2; 1.9.1 has only the former)."""
        self.collect_params().zero_grad()

    def reset_ctx(self, ctx):
        """collect_params().reset_ctx(ctx) (a Block method from MXNet 2)."""
        self.collect_params().reset_ctx(ctx)

    def register_op_hook(self, callback, monitor_all=False):
        """Recorded for the compiled (hybridized) path; eager ops call no op hooks."""
        for child in self._children.values():
            child.register_op_hook(callback, monitor_all)

    def __call__(self, *args):
        for hook in self._forward_pre_hooks.values():
            hook(self, args)
        out = self.forward(*args)
        for hook in self._forward_hooks.values():
            hook(self, args, out)
        return out

    def forward(self, *args):
        raise NotImplementedError

    def summary(self, *inputs):
        """Run a forward on `inputs` and print each layer's output shape and parameter counts."""
        from .nn.basic_layers import HybridSequential, Sequential
        summary = OrderedDict()
        seen = set()
        hooks = []

        def hook(block, _, outputs):
            entry = summary['%s-%i' % (block.__class__.__name__, len(summary))] = OrderedDict()
            entry['output_shape'] = _shape_str(outputs)
            entry['n_params'] = entry['trainable'] = entry['shared'] = 0
            for p in block.params.values():
                size = p.data().size
                entry['n_params'] += size
                entry['trainable'] += 0 if p.grad_req == 'null' else size
                if p in seen:
                    entry['shared'] += size
                else:
                    seen.add(p)

        def register(block):
            assert not isinstance(block, HybridBlock) or not block._active, \
                '"%s" must not be hybridized to print summary.' % block.name
            if not isinstance(block, (Sequential, HybridSequential)):
                hooks.append(block.register_forward_hook(hook))

        summary['Input'] = OrderedDict(output_shape=_shape_str(inputs), n_params=0, trainable=0, shared=0)
        try:
            self.apply(register)
            self(*inputs)
            row = '{:>20}  {:>42} {:>15}'
            total = sum(e['n_params'] for e in summary.values())
            trainable = sum(e['trainable'] for e in summary.values())
            shared = sum(e['shared'] for e in summary.values())
            print('-' * 80)
            print(row.format('Layer (type)', 'Output Shape', 'Param #'))
            print('=' * 80)
            for name, e in summary.items():
                print(row.format(name, str(e['output_shape']), e['n_params']))
            print('=' * 80)
            print('Parameters in forward computation graph, duplicate included')
            print('   Total params: %d' % total)
            print('   Trainable params: %d' % trainable)
            print('   Non-trainable params: %d' % (total - trainable))
            print('Shared params in forward computation graph: %d' % shared)
            print('Unique parameters in model: %d' % (total - shared))
            print('-' * 80)
        finally:
            for h in hooks:
                h.detach()


_TRACING = threading.local()   # .active while a hybridized block's forward is being traced


def _flatten(obj):
    """(NDArrays, structure) of nested lists/tuples; other leaves (None, numbers) are static."""
    if isinstance(obj, NDArray):
        return [obj], None
    if isinstance(obj, (list, tuple)):
        arrays, fmt = [], []
        for o in obj:
            a, f = _flatten(o)
            arrays += a
            fmt.append(f)
        return arrays, (type(obj) is tuple, tuple(fmt))
    try:
        hash(obj)
    except TypeError:
        raise TypeError('a hybridized block takes NDArrays, lists/tuples of them and hashable constants, '
                        'got %s' % type(obj).__name__) from None
    return [], ('const', obj)


def _regroup(arrays, fmt):
    """Inverse of _flatten: `arrays` an iterator."""
    if fmt is None:
        return next(arrays)
    if fmt[0] == 'const':
        return fmt[1]
    items = [_regroup(arrays, f) for f in fmt[1]]
    return tuple(items) if fmt[0] else items


class _CachedOp:
    """One hybridized block for one input signature: an Op of (inputs, parameters, key)."""

    def __init__(self, block, params, fmt, ctx, n_in, flags):
        self.block, self.params, self.fmt, self.ctx, self.n_in = block, params, fmt, ctx, n_in
        self.flags = flags   # (training, recording) as when called: every trace (the VJP's too) uses them
        self.out_fmt = self.states = None
        self.uses_rng = True   # until the first trace says otherwise
        self.op = Op('_CachedOp_' + block.name, self._pure, ['*data'], {})

    def _pure(self, *bufs):
        """The traced function: runs the block's forward on tracers, parameters swapped in."""
        n, ctx = self.n_in, self.ctx
        ins = [_wrap(b, ctx, None) for b in bufs[:n]]
        pbufs = bufs[n:n + len(self.params)]
        handles = [_wrap(b, ctx, None) for b in pbufs]
        saved = []
        for p, h in zip(self.params, handles):
            saved.append(p._data)
            p._data = [h if i == p._ctx_map.get(_ctx_key(ctx)) else d for i, d in enumerate(p._data)]
        outer, _TRACING.active = getattr(_TRACING, 'active', False), True
        flags = state.training, state.recording
        state.training, state.recording = self.flags
        try:
            with _rnd.traced_keys(bufs[-1]) as keys:
                out = self.block._plain_forward(*_regroup(iter(ins), self.fmt))
        finally:
            _TRACING.active = outer
            state.training, state.recording = flags
            for p, d in zip(self.params, saved):
                p._data = d
        outs, self.out_fmt = _flatten(out)
        self.states = [i for i, (h, b) in enumerate(zip(handles, pbufs)) if h._data is not b]
        self.uses_rng = keys.count > 0
        return tuple(o._data for o in outs) + tuple(handles[i]._data for i in self.states)

    def __call__(self, arrays, pdata):
        if self.uses_rng:
            key = _rnd.next_key(self.ctx)
        else:
            key = _NO_KEY.get(self.ctx)
            if key is None:
                key = _NO_KEY[self.ctx] = jax.device_put(jax.random.PRNGKey(0), self.ctx.jax_device)
        res = invoke(self.op, list(arrays) + list(pdata) + [_wrap(key, self.ctx, None)], ())
        res = list(res) if isinstance(res, (list, tuple)) else [res]
        n_out = len(res) - len(self.states)
        for i, r in zip(self.states, res[n_out:]):
            pdata[i]._set_data(r._ref)   # state the block wrote (running statistics): not on the tape
        return _regroup(iter(res[:n_out]), self.out_fmt)


_NO_KEY = {}


class HybridBlock(Block):
    """A Block whose computation is `hybrid_forward(F, x, *args, **params)`; children must be
    HybridBlocks too.

    A Parameter whose shape still has a 0 gets it on the first forward from `infer_shape(*args)`.
    MXNet infers it symbolically; in mxjax each layer sets its own (Dense, BatchNorm, LayerNorm,
    ... do), and a custom HybridBlock with deferred Parameters overrides infer_shape.
    """

    def __init__(self, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self._cached_op = None
        self._active = False
        self._flags = []
        self._backend = None
        self._backend_opts = {}
        self._callback = None
        self._monitor_all = False

    def __setattr__(self, name, value):
        super().__setattr__(name, value)
        if isinstance(value, HybridBlock):
            self._clear_cached_op()

    def _clear_cached_op(self):
        self._cached_op = None

    def register_child(self, block, name=None):
        if not isinstance(block, HybridBlock):
            raise ValueError('Children of HybridBlock must also be HybridBlock, but %s has type %s. If you are '
                             'using Sequential, please try HybridSequential instead.' % (block, type(block)))
        super().register_child(block, name)
        self._clear_cached_op()

    def hybridize(self, active=True, backend=None, clear=True, static_alloc=False, static_shape=False,
                  inline_limit=2, forward_bulk_size=None, backward_bulk_size=None, **kwargs):
        """Record hybridization (and its flags) on this block and its children. The forward is
        unchanged in mxjax: ops are already queued and run as one compiled program."""
        if kwargs:
            self._backend_opts = kwargs
        self._backend = backend
        self._active = active
        self._flags = [('static_alloc', static_alloc), ('static_shape', static_shape), ('inline_limit', inline_limit)]
        if forward_bulk_size is not None:
            self._flags.append(('forward_bulk_size', forward_bulk_size))
        if backward_bulk_size is not None:
            self._flags.append(('backward_bulk_size', backward_bulk_size))
        if clear:
            self._clear_cached_op()
        if active and self._forward_hooks or self._forward_pre_hooks:   # MXNet's precedence
            warnings.warn('"%s" is being hybridized while still having forward hook/pre-hook. If "%s" is a child '
                          'of HybridBlock, the hooks will not take effect.' % (self, self))
        super().hybridize(active, static_alloc=static_alloc, static_shape=static_shape, inline_limit=inline_limit,
                          forward_bulk_size=forward_bulk_size, backward_bulk_size=backward_bulk_size)

    def cast(self, dtype):
        self._clear_cached_op()
        super().cast(dtype)

    def register_op_hook(self, callback, monitor_all=False):
        self._callback = callback
        self._monitor_all = monitor_all
        for child in self._children.values():
            child._callback = callback
            child._monitor_all = monitor_all

    def infer_shape(self, *args):
        """Set the unknown (0) dimensions of this block's Parameters from the inputs.

        MXNet infers them from the symbolic graph; mxjax has no Symbol yet, so a HybridBlock
        with deferred Parameters implements this (the built-in layers do).
        """
        unknown = [p.name for p in self.params.values() if p._deferred_init]
        raise MXNetError('%s cannot infer the shape of its Parameters %s: mxjax infers shapes per layer, not '
                         'symbolically. Give their full shapes when creating them (in_units=, in_channels=, ...) '
                         'or define infer_shape(self, *args) on %s to set param.shape from the inputs.'
                         % (self.name, unknown, type(self).__name__))

    def _deferred_infer_shape(self, *args):
        if type(self).infer_shape is HybridBlock.infer_shape:
            self.infer_shape(*args)   # raises the MXNetError that says what to do, unwrapped
        try:
            self.infer_shape(*args)
        except Exception as e:
            raise ValueError('Deferred initialization failed because shape cannot be inferred. %s' % e) from e

    def forward(self, x, *args):
        """hybrid_forward(mxjax.ndarray, x, *args, **params) on the input's context: as one
        compiled op once hybridized (see the module doc), else op by op."""
        if self._active and not getattr(_TRACING, 'active', False):
            arrays, fmt = _flatten([x, *args])
            if arrays:
                ctx = arrays[0].context
                if any(a.context != ctx for a in arrays):
                    raise ValueError('Find multiple contexts in the input, After hybridized, the HybridBlock only '
                                     'supports one input context. Find all contexts = %s'
                                     % {a.context for a in arrays})
                try:
                    return self._call_cached_op(ctx, arrays, fmt)
                except DeferredInitializationError:
                    pass   # the first call infers the shapes op by op; the next ones run compiled
        return self._plain_forward(x, *args)

    def _call_cached_op(self, ctx, arrays, fmt):
        if self._cached_op is None:
            self._cached_op = {}
            self._cached_params = list(self.collect_params().values())
        params = self._cached_params
        pdata = [p.data(ctx) for p in params]
        flags = bool(state.training), bool(state.recording)
        key = (fmt, tuple((a.shape, a.dtype) for a in arrays), tuple((d.shape, d.dtype) for d in pdata), flags, ctx)
        entry = self._cached_op.get(key)
        if entry is None:
            entry = self._cached_op[key] = _CachedOp(self, params, fmt, ctx, len(arrays), flags)
        return entry(arrays, pdata)

    def _plain_forward(self, x, *args):
        arrays = _arrays([x, *args])
        if not arrays:
            raise ValueError('In HybridBlock, there must be one NDArray or one Symbol in the input. Please check '
                             'the type of the args.\n')
        ctx = arrays[0].context
        if self._active:
            ctx_set = {a.context for a in arrays}
            if len(ctx_set) > 1:
                raise ValueError('Find multiple contexts in the input, After hybridized, the HybridBlock only '
                                 'supports one input context. Find all contexts = %s' % ctx_set)
        with Context(ctx):   # a fresh object: Context.__enter__ keeps its predecessor on itself
            try:
                params = {k: v.data(ctx) for k, v in self._reg_params.items()}
            except DeferredInitializationError:
                self._deferred_infer_shape(x, *args)
                for v in self.params.values():
                    v._finish_deferred_init()
                params = {k: v.data(ctx) for k, v in self._reg_params.items()}
            return self.hybrid_forward(nd, x, *args, **params)

    def hybrid_forward(self, F, x, *args, **kwargs):
        """Override: the computation, with F = mxjax.ndarray and the Parameters by name."""
        raise NotImplementedError
