"""repr/str of an NDArray, exactly as MXNet 1.9.1 prints it under any NumPy >= 1.24.

MXNet prints `'\\n' + str(x.asnumpy()) + '\\n<NDArray 2x3 @cpu(0)>'`, formatted by the NumPy
1.23 it pins, honouring the user's NumPy print options. Newer NumPy (2.3+) switches float16
and float32 arrays and scalars to scientific notation at 10**(digits of the dtype) (1e3,
1e6) instead of at 1e8, so `[12345678.]` became `[1.2345678e+07]` and float16
`[1000., 1.5]` became `[1.0e+03 1.5e+00]`. Its print mode legacy='2.2' keeps the old rule
(the only change in str() since 1.23), so where NumPy has the new rule we print inside
np.printoptions(legacy='2.2'), scoped to the call (a context variable, so thread-safe),
keeping every other option the user set.
"""
import numpy as np

__all__ = ['array_str', 'ndarray_repr']


def _needs_legacy_22():
    """True where this NumPy uses the dtype-dependent cutoff for scientific notation."""
    return np.array2string(np.array([12345678.0], np.float32), legacy=False) != '[12345678.]'


_LEGACY = '2.2' if _needs_legacy_22() else None


def array_str(a):
    """str() of a numpy array as NumPy 1.23 formats it under the current print options."""
    if _LEGACY is None:
        return str(a)
    opts = np.get_printoptions()
    if opts['legacy'] is not False:  # the user chose a legacy mode: 1.23 honoured it too
        return str(a)
    # printoptions() resets what it is not given (formatter), so pass every option on
    opts['legacy'] = _LEGACY
    with np.printoptions(**opts):
        return str(a)


def ndarray_repr(x):
    """MXNet's NDArray.__repr__ (and __str__): the values, then <Class 2x3 @ctx>."""
    shape = 'x'.join('%d' % s for s in x.shape)
    return '\n%s\n<%s %s @%s>' % (array_str(x.asnumpy()), type(x).__name__, shape, x.context)
