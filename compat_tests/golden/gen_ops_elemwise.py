"""Golden values for the elementwise, scalar and broadcast operators.

Run with real MXNet 1.9.1:

    ~/mxref/bin/python compat_tests/golden/gen_ops_elemwise.py

It writes ops_elemwise.json (the cases, MXNet's output shapes/dtypes, Python results and errors)
and ops_elemwise.npz (inputs, head gradients, outputs and input gradients) beside this file.

A case is a Python expression over `nd` and the input list `a` (e.g. 'nd.exp(a[0])',
'2.5 - a[0]', 'nd.maximum(0.0, a[0])'), evaluated unchanged by MXNet and by mxjax. With
`grad`, the listed inputs get attach_grad(req), the expression is recorded `passes` times and
each pass runs `autograd.backward(outputs, head_grads)` with one fixed random head gradient.
With `error`, the expression must raise; the test checks the exception class and that the
message contains `phrase`. MXNet 1.9.1 has no nd.hypot: `hypot(l, r)` in an expression is
nd.hypot in mxjax and MXNet's broadcast_hypot / _hypot_scalar here.
"""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
JSON = os.path.join(HERE, 'ops_elemwise.json')
NPZ = os.path.join(HERE, 'ops_elemwise.npz')

CASES = []


def C(expr, inputs, grad=(), error=None, phrase=None, req='write', passes=1):
    """inputs: (shape, dtype, kind) per input, see make_input for the kinds."""
    CASES.append(dict(expr=expr, inputs=[[list(s), d, k] for s, d, k in inputs], grad=list(grad),
                      error=error, phrase=phrase, req=req, passes=passes))


F = 'float32'
D = 'float64'
I = 'int32'  # noqa: E741


def x(shape, kind='n', dtype=F):
    return (shape, dtype, kind)


# Most cases share one shape, and binary cases one broadcasting pair per dtype, so that the
# test compiles each op a few times only (compiling dominates its run time).
S = (2, 3)
PAIR = {F: ((2, 1, 3), (4, 1)), D: ((1, 3), (2, 1)), I: ((4, 3), (3,))}


def pair(dt, lk='n', rk='n'):
    return [x(PAIR[dt][0], lk, dt), x(PAIR[dt][1], rk, dt)]


# ------------------------------------------------------------------ unary math
# name -> (float input kind, int32 input kind). Kinds keep each op inside its domain (and away
# from the points where its derivative blows up); int kinds avoid results that overflow int32.
UNARY = {
    'exp': ('n', (-3, 4)), 'expm1': ('n', (-3, 4)), 'log': ('p', (1, 10)), 'log2': ('p', (1, 10)),
    'log10': ('p', (1, 200)), 'log1p': ('l1p', (0, 10)), 'sqrt': ('p', (0, 20)),
    'rsqrt': ('p', (1, 10)), 'cbrt': ('nz', (-9, 10)), 'rcbrt': ('nz', (1, 9)),
    'square': ('n', (-5, 6)), 'reciprocal': ('nz', 'inz'), 'sign': ('t', (-3, 4)),
    'abs': ('t', (-3, 4)), 'sin': ('n', (-3, 4)), 'cos': ('n', (-3, 4)), 'tan': ('u', (-1, 2)),
    'arcsin': ('u', (-1, 2)), 'arccos': ('u', (-1, 2)), 'arctan': ('n', (-3, 4)),
    'sinh': ('n', (-3, 4)), 'cosh': ('n', (-3, 4)), 'tanh': ('n', (-3, 4)),
    'arcsinh': ('n', (-3, 4)), 'arccosh': ('ge1', (1, 5)), 'arctanh': ('u', (0, 1)),
    'radians': ('n', (-200, 200)), 'degrees': ('n', (-3, 4)), 'relu': ('t', (-3, 4)),
    'sigmoid': ('n', (-3, 4)), 'negative': ('n', (-3, 4)), 'erf': ('n', (-3, 4)),
    'erfinv': ('u', (0, 1)), 'gamma': ('g', (1, 7)), 'gammaln': ('g', (1, 9)),
    'softsign': ('n', (-3, 4)), 'floor': ('h', (-3, 4)), 'ceil': ('h', (-3, 4)),
    'round': ('h', (-3, 4)), 'rint': ('h', (-3, 4)), 'trunc': ('h', (-3, 4)), 'fix': ('h', (-3, 4)),
    'logical_not': ('t', (-3, 4)),
}
# MXNet 1.9.1 float64 precision bugs, not encoded here (the test file checks the true values):
# gamma/gammaln gradients (its digamma is ~1e-7 accurate), erf/erfinv gradients (2/sqrt(pi) as a
# float32 constant, ~3e-8 off), degrees/radians values and gradients (180/pi as a float32).
NO_F64_GRAD = {'gamma', 'gammaln', 'erf', 'erfinv'}
NO_F64 = {'degrees', 'radians'}
for name, (fk, ik) in UNARY.items():
    C('nd.%s(a[0])' % name, [x((2, 3), fk)], grad=[0])
    if name not in NO_F64:
        C('nd.%s(a[0])' % name, [x(S, fk, D)], grad=[] if name in NO_F64_GRAD else [0])
    C('nd.%s(a[0])' % name, [x(S, ik, I)])
    C('a[0].%s()' % name, [x(S, fk)])  # the method, where MXNet has one (else AttributeError)
C('nd.gamma(a[0])', [x(S, 'gneg')], grad=[0])  # negative non-integers
C('nd.gammaln(a[0])', [x(S, 'gneg')], grad=[0])
C('nd.abs(a[0])', [x(S, 'h')], grad=[0])
C('nd.relu(a[0])', [x(S, 'z', D)], grad=[0])
C('nd.sign(a[0])', [x(S, 'z')], grad=[0])
C('nd.exp(a[0], out=a[1])', [x((2, 3)), x((2, 3))])
C('nd.exp(a[0])', [x((2, 3))], grad=[0], req='add', passes=2)
C('nd.sqrt(a[0])', [x((2, 3), 'p')], grad=[0], req='add', passes=2)

# ------------------------------------------------------------------ same-shape binary ops
ELEMWISE = {'elemwise_add': 'n', 'elemwise_sub': 'n', 'elemwise_mul': 'n', 'elemwise_div': 'nz'}
for name, rk in ELEMWISE.items():
    C('nd.%s(a[0], a[1])' % name, [x((2, 3)), x((2, 3), rk)], grad=[0, 1])
    C('nd.%s(a[0], a[1])' % name, [x(S, 'n', D), x(S, rk, D)], grad=[0, 1])
    C('nd.%s(a[0], a[1])' % name, [x(S, (-9, 10), I), x(S, 'inz', I)])
    C('nd.%s(a[0], a[1])' % name, [x((2, 3)), x((2, 3), 'n', D)],
      error='MXNetError', phrase='expected float32, got float64')
    C('nd.%s(a[0], a[1])' % name, [x((2, 3)), x((3, 2))],
      error='MXNetError', phrase='expected [2,3], got [3,2]')
C('nd.elemwise_add(a[0], a[1])', [x((2, 3)), x((2, 1))], error='MXNetError', phrase='expected [2,3], got [2,1]')
C('nd.elemwise_mul(a[0], a[0])', [x((2, 3))], grad=[0])  # one input twice: gradients add up
C('nd.elemwise_mul(a[0], a[1])', [x((2, 3)), x((2, 3))], grad=[0, 1], req='add', passes=2)

# ------------------------------------------------------------------ broadcast_* ops
# name -> (lhs kind, rhs kind, int lhs kind, int rhs kind)
BCAST = {
    'broadcast_add': ('n', 'n', (-9, 10), (-9, 10)), 'broadcast_plus': ('n', 'n', (-9, 10), (-9, 10)),
    'broadcast_sub': ('n', 'n', (-9, 10), (-9, 10)), 'broadcast_minus': ('n', 'n', (-9, 10), (-9, 10)),
    'broadcast_mul': ('n', 'n', (-9, 10), (-9, 10)), 'broadcast_div': ('n', 'nz', (-9, 10), 'inz'),
    'broadcast_mod': ('n', 'nz', (-9, 10), 'inz'), 'broadcast_power': ('p', 'n', (-3, 4), (0, 4)),
    'broadcast_maximum': ('t', 't', (-3, 4), (-3, 4)), 'broadcast_minimum': ('t', 't', (-3, 4), (-3, 4)),
    'broadcast_hypot': ('n', 'n', (-9, 10), (-9, 10)),
    'broadcast_equal': ('t', 't', (-2, 3), (-2, 3)), 'broadcast_not_equal': ('t', 't', (-2, 3), (-2, 3)),
    'broadcast_greater': ('t', 't', (-2, 3), (-2, 3)),
    'broadcast_greater_equal': ('t', 't', (-2, 3), (-2, 3)),
    'broadcast_lesser': ('t', 't', (-2, 3), (-2, 3)), 'broadcast_lesser_equal': ('t', 't', (-2, 3), (-2, 3)),
    'broadcast_logical_and': ('t', 't', (-2, 3), (-2, 3)), 'broadcast_logical_or': ('t', 't', (-2, 3), (-2, 3)),
    'broadcast_logical_xor': ('t', 't', (-2, 3), (-2, 3)),
}
for name, (lk, rk, ilk, irk) in BCAST.items():
    e = 'nd.%s(a[0], a[1])' % name
    C(e, pair(F, lk, rk), grad=[0, 1])
    if name in ('broadcast_maximum', 'broadcast_minimum'):  # ties element by element
        C(e, [x(S, lk), x(S, rk)], grad=[0, 1])
    C(e, pair(D, lk, rk), grad=[0, 1])
    C(e, pair(I, ilk, irk))
    C(e, [x((2, 3)), x((3, 2))], error='MXNetError',
      phrase='operands could not be broadcast together with shapes [2,3] [3,2]')
    C(e, [x((2, 3)), x((2, 3), 'n', D)], error='MXNetError', phrase='expected float32, got float64')
C('nd.broadcast_mod(a[0], a[1])', [x(S, 'sgnl'), x(S, 'sgnr')], grad=[0, 1])
C('nd.broadcast_mod(a[0], a[1])', [x(S, 'sgnl', D), x(S, 'sgnr', D)], grad=[0, 1])
C('nd.broadcast_mod(a[0], a[1])', [x(S, (-9, 10), I), x(S, 'inz', I)])
C('nd.broadcast_power(a[0], a[1])', [x(S, 'n'), x(S, (0, 4))], grad=[0])
C('nd.broadcast_add(a[0], a[1])', pair(F), grad=[0, 1], req='add', passes=2)
C('nd.broadcast_maximum(a[0], a[1])', pair(F, 't', 't'), grad=[0, 1], req='add', passes=2)
C('nd.broadcast_add(a[0], a[1])', [x((3,)), x((2, 2))], error='MXNetError',
  phrase='operands could not be broadcast together with shapes [3] [2,2]')

# ------------------------------------------------------------------ Python operators
SCALARS = [2.5, -1.5]
for dt in [F, D, I]:
    g = [] if dt == I else [0]
    nk = (-9, 10) if dt == I else 'n'
    zk = 'inz' if dt == I else 'nz'
    tk = (-2, 3) if dt == I else 't'
    for s in SCALARS:
        for e, k in [('a[0] + %r', nk), ('%r + a[0]', nk), ('a[0] - %r', nk), ('%r - a[0]', nk),
                     ('a[0] * %r', nk), ('%r * a[0]', nk), ('a[0] / %r', nk), ('%r / a[0]', zk),
                     ('a[0] %% %r', nk), ('%r %% a[0]', zk)]:
            C(e % s, [x((2, 3), k, dt)], grad=g)
        for e in ['a[0] == %r', 'a[0] != %r', 'a[0] > %r', 'a[0] >= %r', 'a[0] < %r', 'a[0] <= %r',
                  '%r < a[0]', '%r >= a[0]', '%r == a[0]']:
            C(e % s, [x(S, tk, dt)], grad=g)
    for e in ['a[0] == 1', 'a[0] > 0', 'a[0] <= -1', 'a[0] != 0']:
        C(e, [x(S, tk, dt)], grad=g)
    C('a[0] ** 2', [x((2, 3), nk, dt)], grad=g)
    C('a[0] ** 3.0', [x((2, 3), nk, dt)], grad=g)
    C('a[0] ** -1.5', [x((2, 3), 'p' if dt != I else (1, 4), dt)], grad=g)
    C('a[0] ** 0.5', [x((2, 3), 'p' if dt != I else (0, 9), dt)], grad=g)
    C('2.0 ** a[0]', [x((2, 3), nk if dt != I else (-2, 6), dt)], grad=g)
    C('0.5 ** a[0]', [x((2, 3), nk if dt != I else (0, 3), dt)], grad=g)
    C('2.5 ** a[0]', [x((2, 3), nk if dt != I else (0, 6), dt)], grad=g)
    C('-a[0]', [x((2, 3), nk, dt)], grad=g)
    C('abs(a[0])', [x((2, 3), tk, dt)], grad=g)
    C('a[0] % 3', [x((2, 3), nk, dt)], grad=g)
    C('a[0] / 2', [x((2, 3), nk, dt)], grad=g)
    C('7 / a[0]', [x((2, 3), zk, dt)], grad=g)
    # NDArray (op) NDArray, with broadcasting
    g2 = [0, 1] if g else []
    C('a[0] + a[1]', pair(dt, nk, nk), grad=g2)
    C('a[0] - a[1]', pair(dt, nk, nk), grad=g2)
    C('a[0] * a[1]', [x(S, nk, dt), x(S, nk, dt)], grad=g2)  # same shape and dtype: a fast path
    C('a[0] / a[1]', pair(dt, nk, zk), grad=g2)
    C('a[0] % a[1]', pair(dt, nk, zk), grad=g2)
    C('a[0] ** a[1]', pair(dt, 'p' if dt != I else (0, 4), nk if dt != I else (0, 4)), grad=g2)
    for op in ['==', '!=', '>', '>=', '<', '<=']:
        C('a[0] %s a[1]' % op, pair(dt, tk, tk), grad=g2)
C('a[0] * a[0] + a[0]', [x((2, 3))], grad=[0], req='add', passes=2)
# float64 arrays take the scalar in double precision (unlike clip's and MakeLoss's float32 attrs)
for e in ['a[0] + 0.1', 'a[0] * 0.1', 'a[0] - 0.7', '0.7 - a[0]', 'a[0] / 0.3', '0.3 / a[0]', 'a[0] == 0.1',
          'a[0] != 0.7', 'a[0] > 0.1', 'a[0] <= 0.7', 'a[0] % 0.3', 'a[0] ** 0.3', '0.3 ** a[0]',
          'nd.maximum(a[0], 0.3)', 'nd.minimum(a[0], 0.7)', 'hypot(a[0], 0.3)']:
    C(e, [x(S, 'tenth', D)], grad=[0])
C('2.5 - a[0]', [x((2, 3))], grad=[0], req='add', passes=2)
C('a[0] + a[1]', [x((2, 3)), x((2, 3), 'n', D)], error='MXNetError', phrase='expected float32, got float64')
C('a[0] * a[1]', [x((2, 3)), x((3, 2))], error='MXNetError',
  phrase='operands could not be broadcast together with shapes [2,3] [3,2]')
C('a[0] == a[1]', [x((2, 3), 'n', I), x((2, 3))], error='MXNetError', phrase='expected int32, got float32')

# ------------------------------------------------------------------ nd.<ufunc> frontends
# name -> (lhs kind, rhs kind, int lhs kind, int rhs kind)
N, T = (-9, 10), (-2, 3)
UFUNC = {'add': ('n', 'n', N, N), 'subtract': ('n', 'n', N, N), 'multiply': ('n', 'n', N, N),
         'divide': ('n', 'nz', N, 'inz'), 'modulo': ('n', 'nz', N, 'inz'),
         'power': ('p', 'n', (1, 4), (0, 4)), 'maximum': ('t', 't', T, T), 'minimum': ('t', 't', T, T),
         'equal': ('t', 't', T, T), 'not_equal': ('t', 't', T, T), 'greater': ('t', 't', T, T),
         'greater_equal': ('t', 't', T, T), 'lesser': ('t', 't', T, T), 'lesser_equal': ('t', 't', T, T),
         'logical_and': ('t', 't', T, T), 'logical_or': ('t', 't', T, T), 'logical_xor': ('t', 't', T, T)}
for name, (lk, rk, ilk, irk) in UFUNC.items():
    f = 'nd.' + name
    s = 2.0 if name == 'power' else (1.0 if lk == 't' else 2.5)
    for dt in [F, D, I]:
        g = [] if dt == I else [0]
        l_, r_ = (ilk, irk) if dt == I else (lk, rk)
        C('%s(a[0], %r)' % (f, s), [x((2, 3), l_, dt)], grad=g)
        C('%s(%r, a[0])' % (f, s), [x((2, 3), r_, dt)], grad=g)
        C('%s(a[0], a[1])' % f, pair(dt, l_, r_), grad=[0, 1] if g else [])
    C('%s(a[0], a[1])' % f, [x((2, 3)), x((2, 3), 'n', D)], error='MXNetError',
      phrase='expected float32, got float64')
    for a_, b_ in [(2, 3), (-7, 3), (2.5, 1), (0, 1)]:
        C('%s(%r, %r)' % (f, a_, b_), [])  # two numbers: a Python number back
for dt in [F, D, I]:
    g = [] if dt == I else [0]
    C('hypot(a[0], 2.5)', [x((2, 3), 'n' if dt != I else (-9, 10), dt)], grad=g)
    C('hypot(2.5, a[0])', [x((2, 3), 'n' if dt != I else (-9, 10), dt)], grad=g)
    C('hypot(a[0], a[1])', pair(dt, 'n' if dt != I else (-9, 10), 'n' if dt != I else (-9, 10)),
      grad=[0, 1] if g else [])
C('nd.maximum(a[0], 0.0)', [x(S, 't')], grad=[0])  # ties at the scalar
C('nd.minimum(0.0, a[0])', [x(S, 't')], grad=[0])
C('nd.maximum(a[0], a[0])', [x((2, 3))], grad=[0])
C('nd.minimum(a[0], a[0])', [x((2, 3))], grad=[0])
C('nd.modulo(a[0], -2.5)', [x((2, 3), 'n')], grad=[0])
C('nd.modulo(-2.5, a[0])', [x((2, 3), 'nz')], grad=[0])
C('nd.power(a[0], 0.0)', [x((2, 3), 'z')], grad=[0])
C('nd.broadcast_add(a[0], a[1], out=a[2])', [x((2, 3)), x((2, 3)), x((2, 3))])

# ------------------------------------------------------------------ clip
C('nd.clip(a[0], -1.0, 1.0)', [x(S, 't')], grad=[0])
C('nd.clip(a[0], a_min=-0.5, a_max=0.7)', [x(S, 'n', D)], grad=[0])
C('a[0].clip(-1, 1)', [x(S, 't')], grad=[0])
C('nd.clip(a[0], -1.5, 1.5)', [x((3, 3), (-4, 5), I)])
C('nd.clip(a[0], 0.9, 1.9)', [x((3, 3), (-4, 5), I)])
C('nd.clip(a[0], 1.0, -1.0)', [x(S, 't')], grad=[0])  # a_min > a_max
C('nd.clip(a[0], 0.0, 0.0)', [x(S, 't')], grad=[0])
# (clip with grad_req='add' on a leaf: MXNet 1.9.1 overwrites the gradient; see the test file.)
C('nd.clip(a[0], 0.1, 0.7)', [x(S, 'tenth', D)], grad=[0])  # float32 bounds on float64 data
C('nd.clip(a[0], 0.0)', [x((2, 3))], error='MXNetError', phrase='a_max')

# ------------------------------------------------------------------ casts and gradient stops
for src, k in [(F, 'h'), (D, 'h'), (I, (-9, 10))]:
    for dst in [F, D, I, 'float16', 'uint8', 'int64']:
        kk = 'hp' if dst == 'uint8' and src != I else ((0, 10) if dst == 'uint8' else k)
        C('nd.Cast(a[0], dtype=%r)' % dst, [x(S, kk, src)])
        C('a[0].astype(%r)' % dst, [x(S, kk, src)])
C('nd.cast(a[0], dtype="float64")', [x((2, 3))], grad=[0])
C('nd.Cast(a[0], dtype="float32")', [x((2, 3), 'n', D)], grad=[0])
C('nd.Cast(a[0], dtype="float16")', [x((2, 3))], grad=[0])
C('a[0].astype("float64") * a[1]', [x((2, 3)), x((2, 3), 'n', D)], grad=[0, 1])
C('nd.Cast(a[0], "float64")', [x((2, 3))])
C('a[0].astype(np.float64)', [x((2, 3))])
C('nd.BlockGrad(a[0]) * a[0]', [x((2, 3))], grad=[0])
C('nd.stop_gradient(a[0] * a[0]) + a[0]', [x((2, 3), 'n', D)], grad=[0])
C('nd.BlockGrad(a[0])', [x((2, 3))], grad=[0])
C('nd.BlockGrad(a[0])', [x((5,), (-9, 10), I)])
C('nd.make_loss(a[0])', [x((2, 3))], grad=[0])
C('nd.make_loss(a[0] * a[0])', [x((2, 3), 'n', D)], grad=[0])
C('nd.MakeLoss(a[0])', [x((2, 3))], grad=[0])
C('nd.MakeLoss(a[0], grad_scale=0.3)', [x((2, 3))], grad=[0])
C('nd.MakeLoss(a[0], grad_scale=0.3)', [x((2, 3), 'n', D)], grad=[0])  # grad_scale is a float32
C('nd.MakeLoss(a[0], normalization="batch")', [x((4, 2, 3))], grad=[0])
C('nd.MakeLoss(a[0], normalization="batch", grad_scale=3.0)', [x((3,))], grad=[0])
C('nd.MakeLoss(a[0], normalization="valid")', [x(S, 'z')], grad=[0])
C('nd.MakeLoss(a[0], normalization="valid", valid_thresh=0.5)', [x(S, 'n')], grad=[0])
C('nd.MakeLoss(a[0], normalization="valid", valid_thresh=5.0)', [x(S, 'n')], grad=[0])
C('nd.MakeLoss(a[0] * 2.0, normalization="valid", valid_thresh=-0.5, grad_scale=2.0)', [x(S, 'z', D)],
  grad=[0])
C('nd.MakeLoss(a[0], normalization="sum")', [x((2, 3))], error='MXNetError', phrase='normalization')
C('nd.make_loss(a[0])', [x((2, 3))], grad=[0], req='add', passes=2)

# ------------------------------------------------------------------ zeros_like / ones_like / add_n
for dt in [F, D, I]:
    C('nd.zeros_like(a[0])', [x((2, 3), 'n', dt)], grad=[] if dt == I else [0])
    C('nd.ones_like(a[0])', [x(S, 'n', dt)], grad=[] if dt == I else [0])
    C('a[0].zeros_like()', [x(S, 'n', dt)])
    C('a[0].ones_like()', [x(S, 'n', dt)])
    C('nd.add_n(a[0], a[1], a[2])', [x((2, 3), 'n', dt)] * 3, grad=[] if dt == I else [0, 1, 2])
C('nd.add_n(a[0])', [x((2, 3))], grad=[0])
C('nd.add_n(*a)', [x(S)] * 5, grad=[0, 3])
C('nd.ElementWiseSum(a[0], a[1])', [x((2, 3)), x((2, 3))], grad=[0, 1])
C('nd.add_n(a[0], a[0], a[1])', [x((2, 3)), x((2, 3))], grad=[0, 1])
C('nd.add_n(a[0], a[1])', [x((2, 3)), x((2, 3))], grad=[0, 1], req='add', passes=2)
C('nd.add_n(a[0], a[1])', [x((2, 3)), x((2, 3), 'n', D)], error='MXNetError', phrase='expected float32, got float64')
C('nd.add_n(a[0], a[1])', [x((2, 3)), x((3, 2))], error='MXNetError', phrase='expected [2,3], got [3,2]')
C('nd.add_n(a[0], a[1], a[2])', [x((2, 3)), x((2, 3)), x((2, 1))], error='MXNetError',
  phrase='expected [2,3], got [2,1]')

# ------------------------------------------------------------------ broadcast_to / _axis / _like
C('nd.broadcast_to(a[0], shape=(4, 3))', [x((1, 3))], grad=[0])
C('nd.broadcast_to(a[0], shape=(2, 4, 3))', [x((1, 1, 3), 'n', D)], grad=[0])
C('nd.broadcast_to(a[0], shape=(2, 0))', [x((2, 1))], grad=[0])
C('nd.broadcast_to(a[0], shape=(0, 5))', [x((2, 1))], grad=[0])
C('nd.broadcast_to(a[0], shape=(2, 3))', [x((2, 3))], grad=[0])
C('a[0].broadcast_to((3, 2))', [x((1, 2))], grad=[0])
C('a[0].broadcast_to(shape=(3, 2))', [x((3, 1), (-9, 10), I)])
C('nd.broadcast_to(a[0], shape=(4, 3))', [x((1, 3))], grad=[0], req='add', passes=2)
C('nd.broadcast_to(a[0], shape=(3, 3))', [x((2, 3))], error='MXNetError',
  phrase='cannot be broadcasted from [2,3] to [3,3]')
C('nd.broadcast_to(a[0], shape=(2, 3, 3))', [x((2, 3))], error='MXNetError',
  phrase='cannot be broadcasted to [2,3,3]')
C('nd.broadcast_to(a[0], shape=(3,))', [x((2, 3))], error='MXNetError', phrase='cannot be broadcasted to [3]')
C('nd.broadcast_axis(a[0], axis=1, size=4)', [x((2, 1))], grad=[0])
C('nd.broadcast_axis(a[0], axis=(0, 2), size=(3, 2))', [x((1, 2, 1), 'n', D)], grad=[0])
C('nd.broadcast_axes(a[0], axis=1, size=2)', [x((3, 1, 2))], grad=[0])
C('a[0].broadcast_axes(axis=0, size=3)', [x((1, 2))], grad=[0])
C('a[0].broadcast_axis(axis=0, size=3)', [x((1, 2))])  # no such method in MXNet
C('nd.broadcast_axis(a[0], axis=0, size=2)', [x((1, 3), (-9, 10), I)])
C('nd.broadcast_axis(a[0], axis=1, size=4)', [x((2, 3))], error='MXNetError', phrase='must have size 1')
C('nd.broadcast_axis(a[0], axis=2, size=4)', [x((2, 1))], error='MXNetError', phrase='must be in range [0, 2)')
C('nd.broadcast_axis(a[0], axis=-1, size=4)', [x((2, 1))], error='MXNetError', phrase='must be in range [0, 2)')
C('nd.broadcast_axis(a[0], axis=(1,), size=(3, 4))', [x((2, 1))], error='MXNetError', phrase='(1 vs. 2)')
C('nd.broadcast_like(a[0], a[1])', [x((1, 3)), x((4, 3))], grad=[0, 1])
C('nd.broadcast_like(a[0], a[1])', [x((2, 1, 1), 'n', D), x((2, 3, 4), 'n', D)], grad=[0, 1])
C('nd.broadcast_like(a[0], a[1], lhs_axes=(1,), rhs_axes=(0,))', [x((2, 1)), x((3, 2))], grad=[0, 1])
C('nd.broadcast_like(a[0], a[1], lhs_axes=(0, 2), rhs_axes=(2, 0))', [x((1, 3, 1)), x((5, 2, 4))], grad=[0])
C('nd.broadcast_like(a[0], a[1], lhs_axes=(-1,), rhs_axes=(-2,))', [x((2, 1)), x((3, 4))], grad=[0])
C('a[0].broadcast_like(a[1])', [x((3, 1)), x((3, 2))], grad=[0])
C('nd.broadcast_like(a[0], a[1])', [x((1, 3), (-9, 10), I), x((2, 3))])  # rhs dtype does not matter
C('nd.broadcast_like(a[0], a[1])', [x((2, 3)), x((3, 2))], error='MXNetError',
  phrase='cannot be broadcasted from [2,3] to [3,2]')
C('nd.broadcast_like(a[0], a[1])', [x((2, 3)), x((2, 3, 1))], error='MXNetError', phrase='cannot be broadcasted')
C('nd.broadcast_like(a[0], a[1], lhs_axes=(0,), rhs_axes=(0,))', [x((2, 3)), x((4, 3))],
  error='MXNetError', phrase='cannot be broadcasted')


# ------------------------------------------------------------------ generation
def make_input(rs, shape, dtype, kind):
    shape = tuple(shape)
    if isinstance(kind, (list, tuple)):
        v = rs.randint(kind[0], kind[1], size=shape)
    elif kind == 'n':
        v = rs.randn(*shape)
    elif kind == 't':  # small ints, zeros included: ties
        v = rs.randint(-2, 3, size=shape)
    elif kind == 'p':
        v = rs.uniform(0.5, 2.0, size=shape)
    elif kind == 'l1p':
        v = rs.uniform(-0.5, 2.0, size=shape)
    elif kind == 'u':
        v = rs.uniform(-0.9, 0.9, size=shape)
    elif kind == 'ge1':
        v = rs.uniform(1.05, 3.0, size=shape)
    elif kind == 'nz':  # away from zero, both signs
        v = rs.uniform(0.5, 2.0, size=shape) * rs.choice([-1, 1], size=shape)
    elif kind in ('sgnl', 'sgnr'):  # fixed values: every sign combination of lhs and rhs
        v = {'sgnl': [3.7, -3.7, 3.7, -3.7, 5.2, -1.3], 'sgnr': [1.5, 1.5, -1.5, -1.5, 2.0, 0.7]}[kind]
        v = np.array(v).reshape(shape)
    elif kind == 'inz':
        v = rs.randint(1, 5, size=shape) * rs.choice([-1, 1], size=shape)
    elif kind == 'g':
        v = rs.uniform(0.2, 4.0, size=shape)
    elif kind == 'gneg':
        v = -rs.uniform(0.1, 3.0, size=shape)
        v[np.abs(v - np.round(v)) < 0.1] += 0.3
    elif kind == 'h':  # half-integers of both signs, and some other fractions
        v = rs.randint(-4, 5, size=shape) + rs.choice([0.5, 0.5, 0.25, 0.75, 0.0], size=shape)
    elif kind == 'hp':
        v = rs.randint(0, 9, size=shape) + rs.choice([0.5, 0.25, 0.75, 0.0], size=shape)
    elif kind == 'tenth':  # multiples of 0.1 (0.1, 0.3, 0.7 among them) in (0, 1]
        v = rs.randint(1, 11, size=shape) / 10.0
        v.reshape(-1)[:3] = [0.1, 0.3, 0.7]
    elif kind == 'z':
        v = rs.randn(*shape)
        v[rs.rand(*shape) < 0.3] = 0
        v.reshape(-1)[0] = 0
    else:
        raise ValueError(kind)
    return np.asarray(v).astype(dtype)


def namespace(mx, a):
    nd = mx.nd
    if hasattr(nd, 'hypot'):
        hypot = nd.hypot
    else:  # MXNet 1.9.1: no nd.hypot, the ops behind it
        def hypot(lhs, rhs):
            if not isinstance(lhs, nd.NDArray):
                lhs, rhs = rhs, lhs
            if isinstance(rhs, nd.NDArray):
                return nd.broadcast_hypot(lhs, rhs)
            return nd._internal._hypot_scalar(lhs, scalar=float(rhs))
    return {'nd': nd, 'a': a, 'hypot': hypot, 'np': np}


def as_list(out):
    return list(out) if isinstance(out, (list, tuple)) else [out]


def pack(arrays):
    """{key: array} -> one flat array per dtype and an index {key: [dtype, offset, shape]}
    (a few zip members instead of thousands keeps the file small)."""
    flat, index = {}, {}
    for k, v in arrays.items():
        parts = flat.setdefault(v.dtype.name, [])
        index[k] = [v.dtype.name, sum(p.size for p in parts), list(v.shape)]
        parts.append(v.reshape(-1))
    return {d: np.concatenate(p) for d, p in flat.items()}, index


def load():
    """[(index, case)] and the golden arrays {key: array}."""
    with open(JSON) as f:
        meta = json.load(f)
    flat = dict(np.load(NPZ))
    arrays = {}
    for k, (d, off, shape) in meta['index'].items():
        n = int(np.prod(shape))
        arrays[k] = flat[d][off:off + n].reshape(shape)
    return list(enumerate(meta['cases'])), arrays


def _close(got, want, what):
    assert got.shape == want.shape, '%s: shape %s != %s' % (what, got.shape, want.shape)
    assert got.dtype == want.dtype, '%s: dtype %s != %s' % (what, got.dtype, want.dtype)
    if np.issubdtype(want.dtype, np.floating):
        tol = {np.dtype('float64'): 1e-10, np.dtype('float16'): 1e-3}.get(want.dtype, 2e-6)
        scale = max(1.0, float(np.nanmax(np.abs(want[np.isfinite(want)]), initial=0.0)))
        np.testing.assert_allclose(got, want, rtol=tol * 10, atol=tol * scale, err_msg=what)
    else:
        np.testing.assert_array_equal(got, want, err_msg=what)


def check(mx, i, case, arrays):
    """Run golden case i on the implementation `mx` and compare with MXNet's results."""
    nd = mx.nd
    ins = [nd.array(arrays['%d/in%d' % (i, j)], dtype=arrays['%d/in%d' % (i, j)].dtype)
           for j in range(len(case['inputs']))]
    before = [v.asnumpy() for v in ins]
    ns = namespace(mx, ins)
    what = 'case %d: %s' % (i, case['expr'])
    if case['error']:
        try:
            for o in as_list(eval(case['expr'], ns)):
                o.asnumpy()
        except Exception as e:  # noqa: BLE001 - the class is what is compared
            assert type(e).__name__ == case['error'], '%s: raised %r' % (what, e)
            if case['phrase']:
                assert case['phrase'] in str(e), '%s: %r does not mention %r' % (what, str(e), case['phrase'])
        else:
            raise AssertionError('%s: did not raise %s' % (what, case['error']))
        for v, b in zip(ins, before):
            np.testing.assert_array_equal(v.asnumpy(), b)  # an error changes nothing
        return
    if 'python' in case:
        got = eval(case['expr'], ns)
        want = case['python']
        assert type(got).__name__ == want[0] and got == want[1], '%s: %r != %r' % (what, got, want)
        return
    if 'missing' in case:  # MXNet has no such method: neither may mxjax
        try:
            eval(case['expr'], ns)
        except AttributeError:
            return
        raise AssertionError('%s: MXNet has no such NDArray method' % what)
    for j in case['grad']:
        ins[j].attach_grad(grad_req=case['req'])
    for _ in range(case['passes']):
        with mx.autograd.record():
            outs = as_list(eval(case['expr'], ns))
        assert len(outs) == len(case['outputs']), what
        if case['grad']:
            hgs = [nd.array(arrays['%d/hg%d' % (i, k)], dtype=arrays['%d/hg%d' % (i, k)].dtype)
                   for k in range(len(outs))]
            mx.autograd.backward(outs, hgs)
    for k, o in enumerate(outs):
        _close(o.asnumpy(), arrays['%d/out%d' % (i, k)], '%s output %d' % (what, k))
    for j in case['grad']:
        _close(ins[j].grad.asnumpy(), arrays['%d/grad%d' % (i, j)], '%s grad of input %d' % (what, j))
    for j in range(len(ins)):  # out= targets and inputs: compare what each holds afterwards
        if '%d/after%d' % (i, j) in arrays:
            _close(ins[j].asnumpy(), arrays['%d/after%d' % (i, j)], '%s input %d after' % (what, j))


def main():
    import mxnet as mx
    rs = np.random.RandomState(0)
    arrays, meta = {}, []
    for i, case in enumerate(CASES):
        ins = [make_input(rs, *spec) for spec in case['inputs']]
        for j, v in enumerate(ins):
            arrays['%d/in%d' % (i, j)] = v
        m = dict(case)
        nds = [mx.nd.array(v, dtype=v.dtype) for v in ins]
        ns = namespace(mx, nds)
        if case['error']:
            try:
                for o in as_list(eval(case['expr'], ns)):
                    o.asnumpy()  # MXNet reports some errors only when the value is read
            except Exception as e:  # noqa: BLE001 - the class is the golden value
                assert type(e).__name__ == case['error'], (i, case, e)
                msg = str(e).strip().splitlines()[-1][:300]
                assert case['phrase'] is None or case['phrase'] in msg, (i, case, msg)
                m['mx_message'] = msg
            else:
                raise AssertionError('MXNet did not raise for case %d %s' % (i, case))
            meta.append(m)
            continue
        if not ins:
            r = eval(case['expr'], ns)
            m['python'] = [type(r).__name__, r]
            meta.append(m)
            continue
        if case['expr'].startswith('a[0].') and not hasattr(nds[0], case['expr'][5:].split('(')[0]):
            m['missing'] = True
            meta.append(m)
            continue
        for j in case['grad']:
            nds[j].attach_grad(grad_req=case['req'])
        hgs = None
        for _ in range(case['passes']):
            with mx.autograd.record():
                outs = as_list(eval(case['expr'], ns))
            if case['grad']:
                if hgs is None:
                    hgs = [mx.nd.array(rs.randn(*o.shape), dtype=o.dtype) for o in outs]
                mx.autograd.backward(outs, hgs)
        m['outputs'] = []
        for k, o in enumerate(outs):
            arrays['%d/out%d' % (i, k)] = o.asnumpy()
            m['outputs'].append([list(o.shape), np.dtype(o.dtype).name])
        for k, h in enumerate(hgs or []):
            arrays['%d/hg%d' % (i, k)] = h.asnumpy()
        for j in case['grad']:
            arrays['%d/grad%d' % (i, j)] = nds[j].grad.asnumpy()
        if 'out=' in case['expr']:
            for j, v in enumerate(nds):
                arrays['%d/after%d' % (i, j)] = v.asnumpy()
        meta.append(m)
    flat, index = pack(arrays)
    with open(JSON, 'w') as f:
        json.dump({'cases': meta, 'index': index}, f, separators=(',', ':'), sort_keys=True)
    np.savez_compressed(NPZ, **flat)
    print('%d cases -> %s, %s' % (len(meta), JSON, NPZ))


if __name__ == '__main__':
    main()
