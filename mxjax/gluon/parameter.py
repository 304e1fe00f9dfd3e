"""Parameter, Constant and ParameterDict: Gluon's named weights, one NDArray per context.

A Parameter's arrays are marked with autograd.mark_variables, so `.grad`, the tape and
`_fresh_grad` behave as after attach_grad. Shapes may hold 0 for a dimension not known yet
(deferred initialization, finished by the first forward).
"""
import warnings
from collections import OrderedDict

import jax
import numpy as np

from .. import autograd, initializer
from .. import ndarray as nd
from ..base import MXNetError, mx_real_t
from ..context import Context, cpu, current_context
from ..ndarray import NDArray
from .utils import _brief_print_list, _indent, shape_is_known

__all__ = ['DeferredInitializationError', 'Parameter', 'Constant', 'ParameterDict', 'tensor_types']

tensor_types = (NDArray,)   # MXNet: (Symbol, NDArray); mxjax has no Symbol yet
_GRAD_REQS = ('write', 'add', 'null')
_STYPES = ('default', 'row_sparse', 'csr')


class DeferredInitializationError(MXNetError):
    """A Parameter's initialization waits for its shape (the first forward)."""


def _ctx_list(ctx):
    if ctx is None:
        return [current_context()]
    return [ctx] if isinstance(ctx, Context) else list(ctx)


def _ctx_key(ctx):
    # MXNet files arrays by (cpu or not, device id): cpu_pinned(0) finds cpu(0)'s copy
    return ctx.device_typeid & 1, ctx.device_id


def _copy_to(arr, ctx, dtype=None):
    """A new NDArray on ctx holding arr's value (a device copy: no compile per shape)."""
    if not isinstance(arr, NDArray):
        arr = nd.array(arr, dtype=dtype)
    return nd.from_jax(jax.device_put(arr.as_jax(), ctx.jax_device, may_alias=False), ctx)


# ---------------------------------------------------------------- Parameter
class Parameter:
    """A weight of a Block: its NDArray on each context and, unless grad_req is 'null', the
    gradient buffers autograd writes.

    stype / grad_stype are accepted and recorded; mxjax stores every array dense.
    """

    def __init__(self, name, grad_req='write', shape=None, dtype=mx_real_t, lr_mult=1.0, wd_mult=1.0,
                 init=None, allow_deferred_init=False, differentiable=True, stype='default',
                 grad_stype='default'):
        self._data = self._grad = None
        self._ctx_list = self._ctx_map = None
        self._trainer = None
        self._deferred_init = ()   # (init, ctx list, default_init, data or None) while waiting
        self._differentiable = differentiable
        self._allow_deferred_init = allow_deferred_init
        self._grad_req = None
        self._shape = (shape,) if isinstance(shape, int) else shape
        self.name = name
        self._dtype = dtype
        self.lr_mult = lr_mult
        self.wd_mult = wd_mult
        self.grad_req = grad_req
        self.init = init
        for arg, value in (('grad_stype', grad_stype), ('stype', stype)):
            assert value in _STYPES, "%s for Parameter '%s' must be one of %s, but got '%s'" % (
                arg, name, ', '.join(map(repr, _STYPES)), value)
        self._grad_stype = grad_stype
        self._stype = stype

    def __repr__(self):
        return 'Parameter %s (shape=%s, dtype=%s)' % (self.name, self.shape, self.dtype)

    # ------------------------------------------------------------ attributes
    @property
    def grad_req(self):
        return self._grad_req

    @grad_req.setter
    def grad_req(self, req):
        assert req in _GRAD_REQS, "grad_req must be one of 'write', 'add', or 'null', but got '%s'" % req
        if not self._differentiable:
            req = 'null'
        if self._grad_req == req:
            return
        self._grad_req = req
        if req == 'null' and self._grad is not None:
            self._grad = None
            self._data = [a.detach() for a in self._data]   # off the tape, same memory
        elif self._data is not None:
            self._init_grad()

    @property
    def dtype(self):
        return self._dtype

    @dtype.setter
    def dtype(self, dtype):
        self.cast(dtype)

    @property
    def shape(self):
        return self._shape

    @shape.setter
    def shape(self, new_shape):
        if self._shape is not None:
            assert len(self._shape) == len(new_shape) and all(
                j in (-1, 0, i) for i, j in zip(new_shape, self._shape)), \
                'Expected shape %s is incompatible with given shape %s.' % (str(new_shape), str(self._shape))
        self._shape = new_shape

    def _set_trainer(self, trainer):
        self._trainer = trainer

    # ------------------------------------------------------------ access
    def _check_and_get(self, arr_list, ctx):
        if arr_list is not None:
            if ctx is list:
                return arr_list
            if ctx is None:
                if len(arr_list) == 1:
                    return arr_list[0]
                ctx = current_context()
            idx = self._ctx_map.get(_ctx_key(ctx))
            if idx is not None:
                return arr_list[idx]
            raise RuntimeError("Parameter '%s' was not initialized on context %s. It was only initialized on %s."
                               % (self.name, ctx, self._ctx_list))
        if self._deferred_init:
            raise DeferredInitializationError(
                "Parameter '%s' has not been initialized yet because initialization was deferred. Actual "
                'initialization happens during the first forward pass. Please pass one batch of data through '
                'the network before accessing Parameters. You can also avoid deferred initialization by '
                'specifying in_units, num_features, etc., for network layers.' % self.name)
        raise RuntimeError("Parameter '%s' has not been initialized. Note that you should initialize parameters "
                           'and create Trainer with Block.collect_params() instead of Block.params because the '
                           'later does not include Parameters of nested child Blocks' % self.name)

    def _check_dense(self, method):
        if self._stype != 'default':
            raise RuntimeError("Cannot read Parameter '%s' via %s() because its storage type is %s"
                               % (self.name, method, self._stype))

    def data(self, ctx=None):
        """This parameter's array on `ctx` (its only context when None)."""
        self._check_dense('data')
        return self._check_and_get(self._data, ctx)

    def list_data(self):
        self._check_dense('list_data')
        return self._check_and_get(self._data, list)

    def grad(self, ctx=None):
        if self._data is not None and self._grad is None:
            raise RuntimeError("Cannot get gradient array for Parameter '%s' because grad_req='null'" % self.name)
        return self._check_and_get(self._grad, ctx)

    def list_grad(self):
        if self._data is not None and self._grad is None:
            raise RuntimeError("Cannot get gradient array for Parameter '%s' because grad_req='null'" % self.name)
        return self._check_and_get(self._grad, list)

    def list_ctx(self):
        if self._data is None:
            if self._deferred_init:
                return self._deferred_init[1]
            raise RuntimeError("Parameter '%s' has not been initialized" % self.name)
        return self._ctx_list

    # ------------------------------------------------------------ initialization
    def initialize(self, init=None, ctx=None, default_init=initializer.Uniform(), force_reinit=False):
        """Create the arrays (and gradient buffers) on ctx (default: the current context).

        The value comes from `init`, else this Parameter's own `init`, else `default_init`; with a
        dimension still 0 and allow_deferred_init, it waits for the first forward.
        """
        if self._data is not None and not force_reinit:
            warnings.warn("Parameter '%s' is already initialized, ignoring. Set force_reinit=True to "
                          're-initialize.' % self.name, stacklevel=2)
            return
        ctx = _ctx_list(ctx)
        if init is None:
            init = default_init if self.init is None else self.init
        known = shape_is_known(self.shape)
        if not known and not self._allow_deferred_init:
            raise ValueError("Cannot initialize Parameter '%s' because it has invalid shape: %s."
                             % (self.name, str(self.shape)))
        self._data = self._grad = None
        self._deferred_init = (init, ctx, default_init, None)
        if known:
            self._finish_deferred_init()

    def _finish_deferred_init(self):
        """Initialize now that the shape is known (the first forward calls this)."""
        if not self._deferred_init:
            return
        init, ctx, default_init, data = self._deferred_init
        assert shape_is_known(self.shape), (
            "Cannot initialize Parameter '%s' because it has invalid shape: %s. Please specify in_units, "
            'in_channels, etc for `Block`s.' % (self.name, str(self.shape)))
        with autograd.pause():
            if data is None:
                data = nd.zeros(self.shape, dtype=self.dtype, ctx=cpu())
                initializer.create(default_init)(initializer.InitDesc(self.name, {'__init__': init}), data)
            self._init_impl(data, ctx)
        self._deferred_init = ()

    def _init_impl(self, data, ctx_list):
        self._ctx_list = list(ctx_list)
        self._ctx_map = {_ctx_key(c): i for i, c in enumerate(self._ctx_list)}
        self._data = [_copy_to(data, c, self.dtype) for c in self._ctx_list]
        self._init_grad()

    def _init_grad(self):
        if self.grad_req == 'null':
            self._grad = None
            return
        self._grad = [nd.zeros(a.shape, ctx=a.context, dtype=a.dtype) for a in self._data]
        autograd.mark_variables(self._data, self._grad, self.grad_req)

    def _check_load(self, data, ctx, cast_dtype, dtype_source):
        """Raise (AssertionError, as MXNet) when `data` cannot be loaded; changes nothing."""
        if cast_dtype:
            assert dtype_source in ('current', 'saved'), \
                "dtype_source must be 'current' or 'saved', got %r" % (dtype_source,)
        if self.shape:
            assert len(self.shape) == len(data.shape) and all(s in (0, d) for s, d in zip(self.shape, data.shape)), \
                "Failed loading Parameter '%s' from saved params: shape incompatible expected %s vs saved %s" % (
                    self.name, str(self.shape), str(data.shape))
        if self.dtype and not cast_dtype:
            assert np.dtype(self.dtype).type == data.dtype, (
                "Failed loading Parameter '%s' from saved params: dtype incompatible expected %s vs saved %s. "
                'Set cast_dtype=True to cast the dtype of saved params.'
                % (self.name, str(self.dtype), str(data.dtype)))
        ctx = [ctx] if isinstance(ctx, Context) else ctx
        if ctx is not None and (self._data is not None or self._deferred_init):
            assert set(ctx) == set(self.list_ctx()), \
                "Failed to load Parameter '%s' on %s because it was previous initialized on %s." % (
                    self.name, str(ctx), str(self.list_ctx()))

    def _load_init(self, data, ctx, cast_dtype=False, dtype_source='current'):
        """(Re)initialize from a loaded array (load_parameters / ParameterDict.load)."""
        self._check_load(data, ctx, cast_dtype, dtype_source)
        if self.shape:
            self.shape = tuple(s if s != 0 else d for s, d in zip(self.shape, data.shape))
        if self.dtype and cast_dtype and np.dtype(self.dtype).type != data.dtype:
            if dtype_source == 'current':
                data = data.astype(self.dtype, copy=False)
            else:
                self.dtype = data.dtype
        if self._data is None:
            ctx = self._deferred_init[1] if self._deferred_init else _ctx_list(ctx or cpu())
            self._init_impl(data, ctx)
        else:
            self.set_data(data)
        self._deferred_init = ()

    def _reduce(self):
        """The value on cpu (the mean over contexts), for saving."""
        arrays = self.list_data()
        if len(arrays) > 1:
            return nd.add_n(*(_copy_to(a, cpu()) for a in arrays)) / len(arrays)
        return _copy_to(arrays[0], cpu())

    def reset_ctx(self, ctx):
        """Move this Parameter to other context(s)."""
        ctx = _ctx_list(ctx)
        if self._data:
            data = self._reduce()
            with autograd.pause():
                self._init_impl(data, ctx)
        elif self._deferred_init:
            init, _, default_init, data = self._deferred_init
            self._deferred_init = (init, ctx, default_init, data)
        else:
            raise ValueError("Cannot reset context for Parameter '%s' because it has not been initialized."
                             % self.name)

    def set_data(self, data):
        """Set the value on every context (an NDArray or a NumPy array of a compatible shape)."""
        if self._data is None:
            assert self._deferred_init, "Parameter '%s' has not been initialized" % self.name
        self.shape = data.shape
        if self._data is None:
            self._deferred_init = self._deferred_init[:3] + (data,)
            return
        for arr in self._data:
            arr[:] = data

    def zero_grad(self):
        """Set the gradient buffers to 0 (nothing to do without them)."""
        if self._grad is None:
            return
        for g in self._grad:
            g[:] = 0

    def cast(self, dtype):
        """Cast the data and gradients to `dtype`."""
        self._dtype = dtype
        if self._data is None:
            return
        with autograd.pause():
            self._data = [a.astype(dtype) for a in self._data]
            if self._grad is None:
                return
            self._grad = [g.astype(dtype) for g in self._grad]
            autograd.mark_variables(self._data, self._grad, self.grad_req)


class Constant(Parameter):
    """A Parameter that holds a fixed value (grad_req is always 'null'); set_data still changes it.

    Its `init` is an mx.init.Constant of the value (MXNet registers a named initializer instead).
    """

    def __init__(self, name, value):
        if not isinstance(value, NDArray):
            value = nd.array(value)
        self.value = value
        super().__init__(name, grad_req='null', shape=value.shape, dtype=value.dtype,
                         init=initializer.Constant(value))

    def __repr__(self):
        return 'Constant %s (shape=%s, dtype=%s)' % (self.name, self.shape, self.dtype)

    @property
    def grad_req(self):
        return 'null'

    @grad_req.setter
    def grad_req(self, req):
        if req != 'null':
            warnings.warn('Constant parameter "%s" does not support grad_req other than "null", and new value '
                          '"%s" is ignored.' % (self.name, req))


# ---------------------------------------------------------------- ParameterDict
class ParameterDict:
    """Parameters by full name. `get(name)` finds or creates `prefix + name`, looking in
    `shared` first. (As in MXNet it has no len(); `in` and iteration go over the names.)"""

    def __init__(self, prefix='', shared=None):
        self._prefix = prefix
        self._params = OrderedDict()
        self._shared = shared

    def __repr__(self):
        name = self._prefix + ' ' if self._prefix else ''
        return '%s(\n%s\n)' % (name, '\n'.join(_indent('  %s' % v, 2) for v in self.values()))

    def __getitem__(self, key):
        return self._params[key]

    def __iter__(self):
        return iter(self._params)

    def __contains__(self, key):
        return key in self._params

    def items(self):
        return self._params.items()

    def keys(self):
        return self._params.keys()

    def values(self):
        return self._params.values()

    @property
    def prefix(self):
        return self._prefix

    def _get_impl(self, name):
        if name in self._params:
            return self._params[name]
        if self._shared is not None and name in self._shared._params:
            self._params[name] = self._shared._params[name]
            return self._params[name]
        return None

    def get(self, name, **kwargs):
        """The Parameter `prefix + name`, created with kwargs if absent. An existing one must agree
        with kwargs (AssertionError otherwise); unknown (0) shape dimensions merge."""
        name = self.prefix + name
        if isinstance(kwargs.get('shape'), int):
            kwargs['shape'] = (kwargs['shape'],)
        param = self._get_impl(name)
        if param is None:
            param = self._params[name] = Parameter(name, **kwargs)
            return param
        for k, v in kwargs.items():
            existing = getattr(param, k, None)
            if existing is None:
                setattr(param, k, v)   # as MXNet: also for kwargs that are not attributes
                continue
            if k == 'shape' and v is not None and len(v) == len(existing):
                if all(a == b or a <= 0 or b <= 0 for a, b in zip(v, existing)):
                    param._shape = tuple(b if a in (0, -1) else a for a, b in zip(v, existing))
                    continue
            elif k == 'dtype' and v is not None and np.dtype(v) == np.dtype(existing):
                continue
            assert v is None or v == existing, (
                "Cannot retrieve Parameter '%s' because desired attribute does not match with stored for "
                "attribute '%s': desired '%s' vs stored '%s'." % (name, k, str(v), str(existing)))
        return param

    def get_constant(self, name, value=None):
        """The Constant `prefix + name`, created from `value` if absent."""
        name = self.prefix + name
        param = self._get_impl(name)
        if param is None:
            if value is None:
                raise KeyError("No constant named '%s'. Please specify value if you want to create a new constant."
                               % name)
            param = self._params[name] = Constant(name, value)
        elif value is not None:
            assert isinstance(param, Constant), "Parameter '%s' already exists but it is not a constant." % name
            value = value.asnumpy() if isinstance(value, NDArray) else np.asarray(value)
            assert param.shape == value.shape and (param.value.asnumpy() == value).all(), \
                "Constant '%s' already exists but it's value doesn't match new value" % name
        return param

    def update(self, other):
        """Add every Parameter of `other` (a name bound to a different Parameter is an error)."""
        for k, v in other.items():
            if k in self._params:
                assert self._params[k] is v, ("Cannot update self with other because they have different "
                                              "Parameters with the same name '%s'" % k)
        for k, v in other.items():
            self._params[k] = v

    def initialize(self, init=initializer.Uniform(), ctx=None, verbose=False, force_reinit=False):
        """Initialize every Parameter; `init` is the default for those without their own init."""
        if verbose:
            init.set_verbosity(verbose=verbose)
        for v in self.values():
            v.initialize(None, ctx, init, force_reinit=force_reinit)

    def zero_grad(self):
        for p in self.values():
            p.zero_grad()

    def reset_ctx(self, ctx):
        for p in self.values():
            p.reset_ctx(ctx)

    def list_ctx(self):
        s = set()
        for p in self.values():
            s.update(p.list_ctx())
        return list(s)

    def setattr(self, name, value):
        """Set attribute `name` (grad_req, lr_mult, ...) of every Parameter."""
        for p in self.values():
            setattr(p, name, value)

    def save(self, filename, strip_prefix=''):
        """Save to an MXNet .params file, names without `strip_prefix`."""
        arg_dict = {}
        for param in self.values():
            weight = param._reduce()
            if not param.name.startswith(strip_prefix):
                raise ValueError(
                    "Prefix '%s' is to be striped before saving, but Parameter's name '%s' does not start with "
                    "'%s'. this may be due to your Block shares parameters from other Blocks or you forgot to use "
                    "'with name_scope()' when creating child blocks." % (strip_prefix, param.name, strip_prefix))
            arg_dict[param.name[len(strip_prefix):]] = weight
        nd.save(filename, arg_dict)

    def load(self, filename, ctx=None, allow_missing=False, ignore_extra=False, restore_prefix='',
             cast_dtype=False, dtype_source='current'):
        """Load an MXNet .params file; stored names get `restore_prefix` prepended. On an error
        no Parameter changes."""
        if restore_prefix:
            for name in self.keys():
                assert name.startswith(restore_prefix), (
                    "restore_prefix is '%s' but Parameters name '%s' does not start with '%s'."
                    % (restore_prefix, name, restore_prefix))
        self.load_dict(nd.load(filename), ctx, allow_missing, ignore_extra, restore_prefix, filename,
                       cast_dtype, dtype_source)

    def load_dict(self, param_dict, ctx=None, allow_missing=False, ignore_extra=False, restore_prefix='',
                  filename=None, cast_dtype=False, dtype_source='current'):
        """Load from a dict of name -> NDArray ('arg:' / 'aux:' prefixes are dropped)."""
        items = param_dict.items() if isinstance(param_dict, dict) else param_dict
        arg_dict = {restore_prefix + (k[4:] if k.startswith(('arg:', 'aux:')) else k): v for k, v in items}
        source = 'file: %s' % filename if filename else 'param_dict'
        if not allow_missing:
            for name in self.keys():
                assert name in arg_dict, (
                    "Parameter '%s' is missing in %s, which contains parameters: %s. Please make sure source and "
                    'target networks have the same prefix.'
                    % (name[len(restore_prefix):], source, _brief_print_list(arg_dict.keys())))
        for name in arg_dict:
            assert name in self._params or ignore_extra, (
                "Parameter '%s' loaded from %s is not present in ParameterDict, choices are: %s. Set ignore_extra "
                'to True to ignore. Please make sure source and target networks have the same prefix.'
                % (name[len(restore_prefix):], source, _brief_print_list(self._params.keys())))
        _load_all([(self[n], v) for n, v in arg_dict.items() if n in self._params], ctx, cast_dtype, dtype_source)


def _load_all(pairs, ctx, cast_dtype, dtype_source):
    """Check every (Parameter, array) before loading any, so an error changes nothing."""
    for param, data in pairs:
        param._check_load(data, ctx, cast_dtype, dtype_source)
    for param, data in pairs:
        param._load_init(data, ctx, cast_dtype, dtype_source)
