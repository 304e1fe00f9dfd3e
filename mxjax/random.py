"""Global seeding: one JAX PRNG key per context, split on every draw (a stateful facade)."""
import os
import threading

import jax
import numpy as np

from .base import MXNetError

_lock = threading.Lock()
_keys = {}          # str(ctx) -> current key; missing contexts start from _default_seed
_default_seed = int.from_bytes(os.urandom(4), 'little')


@jax.jit
def _split(key):
    k = jax.random.split(key)
    return k[0], k[1]


def seed(seed_state, ctx='all'):
    """Seed the generators of every context (ctx='all') or of one context.

    The same seed gives the same stream on every device: each context's stream is
    derived from the seed alone, not from the device.
    """
    if not isinstance(seed_state, (int, np.integer)):
        raise ValueError('seed_state=%r must be an int' % (seed_state,))
    global _default_seed
    with _lock:
        if ctx == 'all':
            _keys.clear()
            _default_seed = int(seed_state)
        else:
            _keys[str(ctx)] = jax.random.PRNGKey(int(seed_state))


def next_key(ctx=None):
    """A fresh key for one draw on `ctx`; advances that context's stream."""
    name = 'cpu(0)' if ctx is None else str(ctx)
    with _lock:
        key = _keys.get(name)
        if key is None:
            key = jax.random.PRNGKey(_default_seed)
        key, sub = _split(key)
        _keys[name] = key
    return sub


def _check_shape(shape):
    if shape is None or shape == ():
        return (1,)
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    try:
        return tuple(int(s) for s in shape)
    except TypeError:
        raise MXNetError('shape=%r is not valid; expected an int or a tuple of ints' % (shape,)) from None


def __getattr__(name):
    # mx.random.uniform & co. are the nd.random samplers (as in MXNet).
    from .ndarray import random as ndrandom
    try:
        return getattr(ndrandom, name)
    except AttributeError:
        raise AttributeError('module mxjax.random has no attribute %r' % name) from None
