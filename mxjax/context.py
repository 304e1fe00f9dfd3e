"""Contexts: mx.cpu(i), mx.gpu(i), `with ctx:`, mapped onto JAX devices."""
import threading
import warnings

import jax

from .base import MXNetError


class Context:
    """A device where arrays live. cpu(i) of any i is the host (as in MXNet)."""
    devtype2str = {1: 'cpu', 2: 'gpu', 3: 'cpu_pinned', 5: 'cpu_shared', 6: 'tpu'}
    devstr2type = {v: k for k, v in devtype2str.items()}
    _local = threading.local()

    def __init__(self, device_type, device_id=0):
        if isinstance(device_type, Context):
            device_type, device_id = device_type.device_type, device_type.device_id
        if device_type not in self.devstr2type:
            raise MXNetError('device_type=%r is not valid; valid: %s'
                             % (device_type, ', '.join(self.devstr2type)))
        self.device_typeid = self.devstr2type[device_type]
        self.device_id = device_id
        self._old_ctx = None

    @property
    def device_type(self):
        return self.devtype2str[self.device_typeid]

    def __hash__(self):
        return hash((self.device_typeid, self.device_id))

    def __eq__(self, other):
        return (isinstance(other, Context) and self.device_typeid == other.device_typeid
                and self.device_id == other.device_id)

    def __str__(self):
        return '%s(%d)' % (self.device_type, self.device_id)

    __repr__ = __str__

    def __enter__(self):
        self._old_ctx = current_context()
        Context._local.value = self
        return self

    def __exit__(self, *exc):
        Context._local.value = self._old_ctx

    @property
    def jax_device(self):
        """The jax.Device this context stands for; MXNetError when it is not present."""
        return _device_for(self.device_type, self.device_id)

    def empty_cache(self):
        """No-op: XLA owns its allocator."""


class _DefaultCtx:
    """Context.default_ctx: MXNet's deprecated spelling of current_context()."""

    def __get__(self, obj, cls):
        warnings.warn('Context.default_ctx has been deprecated. Please use Context.current_context() '
                      'instead.', DeprecationWarning, stacklevel=2)
        return current_context()


Context.default_ctx = _DefaultCtx()


_DEVICES = {}


def _device_for(device_type, device_id):
    key = (device_type, device_id)
    dev = _DEVICES.get(key)
    if dev is None:
        platform = 'cpu' if device_type.startswith('cpu') else device_type
        try:
            devs = jax.devices(platform)
        except RuntimeError:
            devs = []
        if platform == 'cpu':
            dev = devs[0]
        elif device_id < len(devs):
            dev = devs[device_id]
        else:
            raise MXNetError('%s(%d) is not available: this machine has %d %s device(s) visible to JAX'
                             % (device_type, device_id, len(devs), platform))
        _DEVICES[key] = dev
    return dev


def cpu(device_id=0):
    return Context('cpu', device_id)


def cpu_pinned(device_id=0):
    return Context('cpu_pinned', device_id)


def gpu(device_id=0):
    return Context('gpu', device_id)


def tpu(device_id=0):
    return Context('tpu', device_id)


def num_gpus():
    try:
        return len(jax.devices('gpu'))
    except RuntimeError:
        return 0


def current_context():
    ctx = getattr(Context._local, 'value', None)
    if ctx is None:
        ctx = Context._local.value = Context('cpu', 0)
    return ctx


def context_of_device(device):
    """The Context naming a jax.Device (used by nd.from_jax)."""
    if device.platform == 'cpu':
        return cpu(0)
    platform = 'gpu' if device.platform in ('gpu', 'cuda', 'rocm') else device.platform
    return Context(platform, jax.devices(device.platform).index(device))
