"""mx.engine: MXNet's bulk execution, which in mxjax is the op queue (mxjax/lazy.py).

MXNet bundles up to `size` consecutive operators into one engine operation. mxjax queues every
op until a value is read and runs the queue as one program; a positive size leaves that on
(the size itself is not used: mxjax's queue runs to the next read, at most 1000 ops), and 0
turns it off, so every op dispatches at once.
"""
from . import lazy

__all__ = ['bulk', 'set_bulk_size']


def set_bulk_size(size):
    """Turn queueing off (size <= 0) or on (size > 0); returns the previous size (0 or 1000)."""
    if isinstance(size, bool) or not isinstance(size, int):  # MXNet: TypeError for a non-integer
        raise TypeError('set_bulk_size: size=%r is not valid; expected an integer' % (size,))
    prev = lazy._MAX_FUSE if lazy.ENABLED else 0
    lazy.flush()
    lazy.ENABLED = size > 0
    return prev


class _BulkScope:
    """`with mx.engine.bulk(size):` sets the bulk size inside the block and restores it after."""

    def __init__(self, size):
        self._size, self._old = size, None

    def __enter__(self):
        self._old = set_bulk_size(self._size)
        return self

    def __exit__(self, *exc):
        set_bulk_size(self._old)


def bulk(size):
    """A scope in which the bulk size is `size` (0: every op runs at once)."""
    return _BulkScope(size)
