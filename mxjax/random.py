"""mx.random: seeding, and one random stream per context.

A stream is a base key and a counter; draw n is `fold_in(base_key, n)`. After `seed(s)` the
base key of a context comes from (s, device type, device id), so replicas on cpu(0) and cpu(1)
(or gpu(0) and gpu(1)) draw different Dropout masks, as MXNet's per-device generators do.
Initializers use a separate stream that depends on the seed alone (`per_device=False`).
"""
import os
import threading

import jax
import numpy as np

from . import context as _context

__all__ = ['seed', 'uniform', 'normal', 'randn', 'poisson', 'exponential', 'gamma', 'multinomial',
           'negative_binomial', 'generalized_negative_binomial', 'shuffle', 'randint']

_lock = threading.Lock()
_streams = {}       # Context (or None: the device-independent stream) -> [base key, counter]
_seed = int.from_bytes(os.urandom(4), 'little')


@jax.jit
def _fold(key, n):
    return jax.random.fold_in(key, n)


def _base_key(seed_state, device_typeid=None, device_id=None):
    key = jax.random.PRNGKey(seed_state)
    for n in (device_typeid, device_id):
        if n is not None:
            key = jax.random.fold_in(key, n)
    return key


def seed(seed_state, ctx='all'):
    """Seed every context's stream (ctx='all') or only `ctx`'s.

    With ctx='all' each context's stream depends on the seed and the device, so devices draw
    different numbers. Seeding one context uses the seed and the device type but not the
    device id, so `seed(s, ctx=gpu(0))` and `seed(s, ctx=gpu(1))` give the same stream (as in
    MXNet). Unlike MXNet, cpu(i) contexts have separate streams (MXNet shares one CPU generator).
    """
    if not isinstance(seed_state, (int, np.integer)):
        raise ValueError('seed_state must be int, got %r' % (seed_state,))
    global _seed
    seed_state = int(seed_state) & 0xFFFFFFFF  # MXNet passes a 32-bit C int
    with _lock:
        if ctx == 'all':
            _streams.clear()
            _seed = seed_state
            return
        ctx = _context.Context(ctx)
        _streams[ctx] = [_base_key(seed_state, ctx.device_typeid), 0]


_traced = threading.local()   # inside a hybridized block's trace: the key it was given, draws so far


def next_key(ctx=None, per_device=True):
    """A fresh PRNG key for one draw on `ctx` (default: the current context); advances its stream.

    per_device=False draws from the stream that depends on the seed alone (initializers).
    While a hybridized block is traced (`traced_keys`), draws come from the key the compiled
    block takes as input, so every call of it draws anew and its backward replays the same.
    """
    src = getattr(_traced, 'key', None)
    if src is not None and per_device:
        _traced.count += 1
        return jax.random.fold_in(src, _traced.count - 1)
    if per_device:
        name = _context.current_context() if ctx is None else ctx
    else:
        name = None
    with _lock:
        st = _streams.get(name)
        if st is None:
            st = _streams[name] = [_base_key(_seed) if name is None
                                   else _base_key(_seed, name.device_typeid, name.device_id), 0]
        n = st[1]
        st[1] = n + 1
    return _fold(st[0], np.uint32(n & 0xFFFFFFFF))


class traced_keys:
    """`with traced_keys(key) as t:` -- per-device draws inside come from `key`; t.count says how many."""

    def __init__(self, key):
        self.key, self.count = key, 0

    def __enter__(self):
        self._saved = getattr(_traced, 'key', None), getattr(_traced, 'count', 0)
        _traced.key, _traced.count = self.key, 0
        return self

    def __exit__(self, *exc):
        self.count = _traced.count
        _traced.key, _traced.count = self._saved


def __getattr__(name):
    # mx.random.uniform & co. are the nd.random samplers (as in MXNet).
    from .ndarray import random as ndrandom
    try:
        return getattr(ndrandom, name)
    except AttributeError:
        raise AttributeError('module mxjax.random has no attribute %r' % name) from None


def __dir__():
    return sorted(set(globals()) | set(__all__))
