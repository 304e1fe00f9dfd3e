"""MXNet's optimizer update operators (sgd_update, adam_update, multi_sgd_mom_update, ...).

Each update rule is one pure function of (weight, grad, states, numbers) that returns the new
weight and the new states; the registered op runs it and its front door writes the new states
back into the state handles (mom, mean, var, weight32, ...) and the new weight into `out=`, as
MXNet's kernels do in place. Learning rates and the other numbers are traced operands, so a
new value never recompiles. The arithmetic follows MXNet's CPU kernels step by step (numbers
are float32 in the kernels: they are rounded to float32 first), including their quirks:

* clipping is on for clip_gradient >= 0 (so 0 clips every gradient to 0), off when negative;
* signsgd_update ignores rescale_grad and clip_gradient;
* nag_mom_update with out=weight updates the momentum with the *new* weight (the kernel reads
  the weight after writing it); mp_nag_mom_update always does;
* mp_lamb_update_phase2 does not update weight32;
* contrib.adamw_update writes the rescaled, clipped gradient back into grad, and all adamw
  updates are skipped when rescale_grad is 0, NaN or infinite;
* lamb_update_phase2's upper_bound caps r1 (a minimum, whatever the documentation says).

mxjax arrays are dense, so lazy_update=True gives the standard update, and
contrib.group_adagrad_update (row_sparse gradients only in MXNet) updates every row.
"""
import jax
import jax.numpy as jnp
import numpy as np

from ...base import MXNetError, hashable
from ..ndarray import NDArray, _wrap
from ..registry import dev_scalar, frontend, invoke, register
from .nn import _check_arrays

_F32 = jnp.float32
_F64 = jax.dtypes.canonicalize_dtype(np.float64)   # float32 when x64 is off (MXJAX_X64=0)
_REQ = object()   # an attribute without a default


# ---------------------------------------------------------------- helpers for the rules
def _p(x, dt):
    """A number as the kernel sees it: a C float (float32), cast to the compute dtype."""
    return x.astype(_F32).astype(dt)


def _clip(x, c):
    """mshadow's clip when clip >= 0; x unchanged when clip < 0."""
    return jnp.where(c >= 0, jnp.clip(x, -c, c), x)


def _lr_grad(g, lr, rg, cg):
    """lr * clip(rg * g): MXNet's SGD kernels fold lr into the rescale when not clipping."""
    return jnp.where(cg >= 0, lr * jnp.clip(rg * g, -cg, cg), (lr * rg) * g)


def _pow_double(b, t, dt):
    """std::pow(float b, int t): computed in double, then rounded to dt."""
    return jnp.power(b.astype(_F32).astype(_F64), t.astype(_F64)).astype(dt)


# ---------------------------------------------------------------- the update rules
# Arguments are arrays and numbers already in the compute dtype; each returns
# (new weight or output, *new states).
def sgd_rule(w, g, lr, wd, rg, cg):
    return (1 - lr * wd) * w - _lr_grad(g, lr, rg, cg)


def sgd_mom_rule(w, g, mom, lr, momentum, wd, rg, cg):
    mom = momentum * mom - (lr * wd) * w - _lr_grad(g, lr, rg, cg)
    return w + mom, mom


def nag_rule(w, g, mom, lr, momentum, wd, rg, cg, new_weight_in_mom):
    gr = _clip(rg * g, cg)
    mom = momentum * mom
    nw = w - mom + (momentum + 1) * (mom - lr * (gr + wd * w))
    mom = mom - lr * (gr + wd * (nw if new_weight_in_mom else w))
    return nw, mom


def adam_rule(w, g, mean, var, lr, beta1, beta2, epsilon, wd, rg, cg):
    gr = _clip(g * rg + w * wd, cg)
    mean = beta1 * mean + (1 - beta1) * gr
    var = beta2 * var + (1 - beta2) * gr * gr
    return w - lr * mean / (jnp.sqrt(var) + epsilon), mean, var


def rmsprop_rule(w, g, n, lr, gamma1, epsilon, wd, rg, cg, cw):
    gr = _clip(rg * g + wd * w, cg)
    n = (1 - gamma1) * (gr * gr) + gamma1 * n
    return _clip(w - lr * (gr / jnp.sqrt(n + epsilon)), cw), n


def rmspropalex_rule(w, g, n, gs, delta, lr, gamma1, gamma2, epsilon, wd, rg, cg, cw):
    gr = _clip(rg * g + wd * w, cg)
    n = (1 - gamma1) * gr * gr + gamma1 * n
    gs = (1 - gamma1) * gr + gamma1 * gs
    delta = gamma2 * delta - lr * gr / jnp.sqrt(n - gs * gs + epsilon)
    return _clip(w + delta, cw), n, gs, delta


def ftrl_rule(w, g, z, n, lr, lamda1, beta, wd, rg, cg):
    gr = _clip(g * rg, cg)
    z = z + (gr - (jnp.sqrt(n + gr * gr) - jnp.sqrt(n)) * w / lr)
    n = n + gr * gr
    keep = (jnp.abs(z) > lamda1).astype(w.dtype)
    return (jnp.sign(z) * lamda1 - z) / ((beta + jnp.sqrt(n)) / lr + wd) * keep, z, n


def ftml_rule(w, g, d, v, z, lr, beta1, beta2, epsilon, t, wd, rg, cg):
    gi = _clip(rg * g + wd * w, cg)
    v = beta2 * v + (1 - beta2) * (gi * gi)
    d_t = (1 - beta1 ** t) / lr * (jnp.sqrt(v / (1 - beta2 ** t)) + epsilon)
    z = beta1 * z + (1 - beta1) * gi - (d_t - beta1 * d) * w
    return -z / d_t, d_t, v, z


def signsgd_rule(w, g, lr, wd):
    return (1 - lr * wd) * w - lr * jnp.sign(g)


def signum_rule(w, g, mom, lr, momentum, wd, rg, cg, wd_lh):
    step = jnp.where(cg >= 0, (1 - momentum) * jnp.clip(rg * g, -cg, cg), ((1 - momentum) * rg) * g)
    mom = momentum * mom - ((1 - momentum) * wd) * w - step
    return (1 - lr * wd_lh) * w + lr * jnp.sign(mom), mom


def lamb1_rule(w, g, mean, var, beta1, beta2, epsilon, t, wd, rg, cg, bias_correction):
    gr = _clip(g * rg, cg)
    mean = beta1 * mean + (1 - beta1) * gr
    var = beta2 * var + (1 - beta2) * gr * gr
    if bias_correction:
        b1t, b2t = _pow_double(beta1, t, w.dtype), _pow_double(beta2, t, w.dtype)
        mean_hat = (mean.astype(_F64) / (1 - b1t.astype(_F64))).astype(w.dtype)   # `1.` is a double
        out = mean_hat / (jnp.sqrt(var / (1 - b2t)) + epsilon) + wd * w
    else:
        out = mean / (jnp.sqrt(var) + epsilon) + wd * w
    return out, mean, var


def _lamb_ratio(lr, r1, r2, lower_bound, upper_bound):
    r1 = jnp.where(lower_bound >= 0, jnp.maximum(r1, lower_bound), r1)
    r1 = jnp.where(upper_bound >= 0, jnp.minimum(r1, upper_bound), r1)
    return jnp.where((r1 == 0) | (r2 == 0), lr, lr * r1 / r2)


def lamb2_rule(w, g, r1, r2, lr, lower_bound, upper_bound):
    return w - _lamb_ratio(lr, r1.reshape(()), r2.reshape(()), lower_bound, upper_bound) * g


def adamw_rule(w, g, mean, var, rg, lr, beta1, beta2, epsilon, wd, eta, cg):
    g = _clip(rg * g, cg)
    mean = beta1 * mean + (1 - beta1) * g
    var = beta2 * var + (1 - beta2) * (g * g)
    return w - eta * (lr * mean / (jnp.sqrt(var) + epsilon) + wd * w), mean, var, g


def group_adagrad_rule(w, g, history, lr, rg, cg, epsilon):
    gr = _clip(g * rg, cg).reshape(w.shape[0], -1)   # one history value per row
    history = history + jnp.sum(gr * gr, axis=1, keepdims=True) / gr.shape[1]
    return (w.reshape(gr.shape) - lr * gr / jnp.sqrt(history + epsilon)).reshape(w.shape), history


# ---------------------------------------------------------------- op functions
# (arrays, then the dynamic numbers in declaration order; static attributes by keyword)
def _sgd(weight, grad, lr, wd, rescale_grad, clip_gradient, lazy_update=True):
    dt = weight.dtype
    return sgd_rule(weight, grad, *(_p(x, dt) for x in (lr, wd, rescale_grad, clip_gradient)))


def _sgd_mom(weight, grad, mom, *nums, lazy_update=True):
    return sgd_mom_rule(weight, grad, mom, *(_p(x, weight.dtype) for x in nums))


def _mp_sgd(weight, grad, weight32, *nums, lazy_update=True):
    w = sgd_rule(weight32, grad.astype(_F32), *(_p(x, _F32) for x in nums))
    return w.astype(weight.dtype), w


def _mp_sgd_mom(weight, grad, mom, weight32, *nums, lazy_update=True):
    w, mom = sgd_mom_rule(weight32, grad.astype(_F32), mom, *(_p(x, _F32) for x in nums))
    return w.astype(weight.dtype), mom, w


def _nag_mom(weight, grad, mom, *nums, out_is_weight=False):
    return nag_rule(weight, grad, mom, *(_p(x, weight.dtype) for x in nums), out_is_weight)


def _mp_nag_mom(weight, grad, mom, weight32, *nums):
    w, mom = nag_rule(weight32, grad.astype(_F32), mom, *(_p(x, _F32) for x in nums), True)
    return w.astype(weight.dtype), mom, w


def _adam(weight, grad, mean, var, *nums, lazy_update=True):
    return adam_rule(weight, grad, mean, var, *(_p(x, weight.dtype) for x in nums))


def _rmsprop(weight, grad, n, *nums):
    return rmsprop_rule(weight, grad, n, *(_p(x, weight.dtype) for x in nums))


def _rmspropalex(weight, grad, n, g, delta, *nums):
    return rmspropalex_rule(weight, grad, n, g, delta, *(_p(x, weight.dtype) for x in nums))


def _ftrl(weight, grad, z, n, *nums):
    return ftrl_rule(weight, grad, z, n, *(_p(x, weight.dtype) for x in nums))


def _ftml(weight, grad, d, v, z, lr, beta1, beta2, epsilon, t, wd, rescale_grad, clip_grad):
    dt = weight.dtype
    # epsilon is a double parameter and t an int: both go straight to the dtype
    nums = (_p(lr, dt), _p(beta1, dt), _p(beta2, dt), epsilon.astype(dt), t.astype(dt),
            _p(wd, dt), _p(rescale_grad, dt), _p(clip_grad, dt))
    return ftml_rule(weight, grad, d, v, z, *nums)


def _signsgd(weight, grad, lr, wd, rescale_grad, clip_gradient):
    return signsgd_rule(weight, grad, _p(lr, weight.dtype), _p(wd, weight.dtype))


def _signum(weight, grad, mom, *nums):
    return signum_rule(weight, grad, mom, *(_p(x, weight.dtype) for x in nums))


def _lamb1_nums(nums, dt):
    b1, b2, eps, t, wd, rg, cg = nums
    return _p(b1, dt), _p(b2, dt), _p(eps, dt), t, _p(wd, dt), _p(rg, dt), _p(cg, dt)


def _lamb1(weight, grad, mean, var, *nums, bias_correction=True):
    return lamb1_rule(weight, grad, mean, var, *_lamb1_nums(nums, weight.dtype), bias_correction)


def _mp_lamb1(weight, grad, mean, var, weight32, *nums, bias_correction=True):
    return lamb1_rule(weight32, grad.astype(_F32), mean, var, *_lamb1_nums(nums, _F32), bias_correction)


def _lamb2(weight, g, r1, r2, *nums):
    return lamb2_rule(weight, g, r1, r2, *(_p(x, weight.dtype) for x in nums))


def _mp_lamb2(weight, g, r1, r2, weight32, *nums):
    return lamb2_rule(weight32, g, r1, r2, *(_p(x, _F32) for x in nums)).astype(weight.dtype)


def _adamw_skip(rescale_grad, new, old):
    """MXNet skips the whole update when rescale_grad is 0, NaN or infinite."""
    rg = rescale_grad.reshape(-1)[0].astype(_F32)
    skip = ~jnp.isfinite(rg) | (rg == 0)
    return tuple(jnp.where(skip, o, n) for n, o in zip(new, old))


def _adamw(weight, grad, mean, var, rescale_grad, *nums):
    dt = weight.dtype
    rg = rescale_grad.reshape(-1)[0].astype(_F32).astype(dt)
    new = adamw_rule(weight, grad, mean, var, rg, *(_p(x, dt) for x in nums))
    return _adamw_skip(rescale_grad, new, (weight, mean, var, grad))


def _mp_adamw(weight, grad, mean, var, weight32, rescale_grad, *nums):
    rg = rescale_grad.reshape(-1)[0].astype(_F32)
    w, mean, var, _ = adamw_rule(weight32, grad.astype(_F32), mean, var, rg, *(_p(x, _F32) for x in nums))
    return _adamw_skip(rescale_grad, (w.astype(weight.dtype), mean, var, w), (weight, mean, var, weight32))


def _group_adagrad(weight, grad, history, *nums):
    return group_adagrad_rule(weight, grad, history, *(_p(x, weight.dtype) for x in nums))


# ---------------------------------------------------------------- front doors
def _num(opname, arg, v, kind):
    """An attribute value as MXNet's parameter parser reads it (errors name the argument)."""
    try:
        if kind == 'float':
            return float(v)
        if kind == 'int':
            if isinstance(v, (float, np.floating)) and v != int(v):
                raise ValueError
            return int(v)
        if kind == 'bool':
            return bool(v)
        return tuple(float(x) for x in (v if isinstance(v, (list, tuple)) else [v]))   # 'floats'
    except (TypeError, ValueError):
        raise MXNetError('%s: invalid value %s=%r; expected %s' % (opname, arg, v, _KINDS[kind])) from None


_KINDS = {'float': 'a float', 'int': 'an int', 'bool': 'a boolean', 'floats': 'a tuple of numbers'}


def _attrs(opname, spec, given):
    """Fill defaults, convert, and reject missing required or unknown attributes."""
    for k in given:
        if k not in spec:
            raise MXNetError('%s: cannot find argument %r; valid arguments: %s'
                             % (opname, k, ', '.join(spec)))
    res = {}
    for k, (default, kind) in spec.items():
        v = given.get(k)
        v = default if v is None else v
        if v is _REQ:
            raise MXNetError('%s: required parameter %s (%s) is not given' % (opname, k, _KINDS[kind]))
        res[k] = _num(opname, k, v, kind)
    return res


def _check_inputs(opname, names, arrays, roles):
    """Every array an NDArray of a float dtype; shapes and dtypes as each role needs."""
    _check_arrays(opname, **dict(zip(names, arrays)))
    w = arrays[0]
    if not np.issubdtype(w.dtype, np.floating):
        raise MXNetError('%s: weight must be a floating point array, got %s' % (opname, np.dtype(w.dtype).name))
    for nm, a, (dt, shape) in zip(names, arrays, roles):
        if shape == 'any':
            continue
        want = {'w': w.shape, '1': (1,), 'rows': w.shape[:1] + (1,)}[shape]
        if a.shape != want:
            raise MXNetError('%s: %s has shape %s, expected %s' % (opname, nm, a.shape, want))
        want_dt = np.dtype(np.float32 if dt == 'f32' else w.dtype)
        if np.dtype(a.dtype) != want_dt:
            raise MXNetError('%s: %s has dtype %s, expected %s' % (opname, nm, np.dtype(a.dtype).name, want_dt.name))


def _parse_roles(inputs):
    """'mom:f32' -> ('mom', ('f32', 'w')); 'r1@1' -> ('r1', ('w', '1')); '@any': not checked."""
    names, roles = [], []
    for spec in inputs.split():
        spec, _, shape = spec.partition('@')
        nm, _, dt = spec.partition(':')
        names.append(nm)
        roles.append((dt or 'w', shape or 'w'))
    return names, roles


def _call(o, arrays, attrs):
    """invoke `o` with its static attributes as the cache key and the numbers as operands."""
    key = tuple(hashable(attrs[k]) for k in o.static_names)
    return invoke(o, arrays, key, tuple(dev_scalar(attrs[k]) for k in o.dynamic))


def _write_back(handles, results):
    for h, r in zip(handles, results):
        h._set_data(r._buf)


def _check_out(opname, out, results):
    """out= arrays against the (shape, dtype) of each result, before anything is written."""
    for o, (shape, dt) in zip(out, results):
        if not isinstance(o, NDArray):
            raise TypeError('%s: out= must be NDArray(s), got %s' % (opname, type(o).__name__))
        if o.shape != shape or np.dtype(o.dtype) != np.dtype(dt):
            raise MXNetError('%s: out= has shape %s and dtype %s, the result has shape %s and dtype %s'
                             % (opname, o.shape, np.dtype(o.dtype).name, shape, np.dtype(dt).name))


def _result(res, out):
    """Write result NDArray(s) into out= (one or a list), or return them."""
    if out is None:
        return res
    for o, r in zip(out if isinstance(out, (list, tuple)) else [out], _as_list(res)):
        o._assign(r._buf)
    return out


def _as_list(res):
    return res if isinstance(res, list) else [res]


def _single(name, fn, inputs, states, attrs, out_dtype=None, extra=None, check=None, public=True):
    """Declare op `name` (dynamic: its float/int attributes) and its front door.

    inputs: 'weight grad mom:f32 ...' (see _parse_roles); states: which inputs get the op's
    2nd, 3rd, ... outputs written back; attrs: {name: (default or _REQ, kind)} in MXNet's
    positional order; extra(arrays, out) -> more static attributes; check(attrs) validates.
    """
    names, roles = _parse_roles(inputs)
    registered = _defaults(attrs)
    if extra is not None:
        registered.update(extra(None, None))
    o = register(name, fn, names, registered, dynamic=_dynamic(attrs))
    state_idx = [names.index(s) for s in states]

    def front(*args, out=None, name=None, **kwargs):
        arrays = list(args[:len(names)])
        for nm in names[len(arrays):]:
            if nm not in kwargs:
                raise MXNetError('%s: expects %d inputs (%s), input %s is missing'
                                 % (o.name, len(names), ', '.join(names), nm))
            arrays.append(kwargs.pop(nm))
        pos = args[len(names):]
        if len(pos) > len(attrs):
            raise TypeError('%s() takes at most %d attribute arguments, got %d' % (o.name, len(attrs), len(pos)))
        kwargs.update(zip(attrs, pos))
        full = _attrs(o.name, attrs, kwargs)
        if check is not None:
            check(o.name, full)
        _check_inputs(o.name, names, arrays, roles)
        if out is not None:
            _check_out(o.name, [out], [(arrays[0].shape, out_dtype or arrays[0].dtype)])
        if extra is not None:
            full.update(extra(arrays, out))
        res = _as_list(_call(o, arrays, full))
        _write_back([arrays[i] for i in state_idx], res[1:])
        return _result(res[0], out)

    front.__name__ = name
    front.op = o
    return frontend(name)(front) if public else front


def _defaults(attrs):
    """The registered defaults (None for a required attribute)."""
    return {k: None if d is _REQ else d for k, (d, _) in attrs.items()}


def _dynamic(attrs):
    """The numeric attributes: traced operands, so a new value never recompiles."""
    return [k for k, (_, kind) in attrs.items() if kind in ('float', 'int', 'floats')]


def _bounds(**ranges):
    def check(opname, attrs):
        for k, (lo, hi) in ranges.items():
            if not lo <= attrs[k] <= hi:
                raise MXNetError('%s: %s=%r is out of its range [%s, %s]' % (opname, k, attrs[k], lo, hi))
    return check


_LR = {'lr': (_REQ, 'float')}
_WD = {'wd': (0.0, 'float')}
_RG_CG = {'rescale_grad': (1.0, 'float'), 'clip_gradient': (-1.0, 'float')}
_LAZY = {'lazy_update': (True, 'bool')}
_MOM = {'momentum': (0.0, 'float')}
_F32_1E8 = float(np.float32(1e-8))


def _attr_spec(*parts):
    spec = {}
    for p in parts:
        spec.update(p)
    return spec


sgd_update = _single('sgd_update', _sgd, 'weight grad', (), _attr_spec(_LR, _WD, _RG_CG, _LAZY))
sgd_mom_update = _single('sgd_mom_update', _sgd_mom, 'weight grad mom', ('mom',),
                         _attr_spec(_LR, _MOM, _WD, _RG_CG, _LAZY))
mp_sgd_update = _single('mp_sgd_update', _mp_sgd, 'weight grad weight32:f32', ('weight32',),
                        _attr_spec(_LR, _WD, _RG_CG, _LAZY))
mp_sgd_mom_update = _single('mp_sgd_mom_update', _mp_sgd_mom, 'weight grad mom:f32 weight32:f32',
                            ('mom', 'weight32'), _attr_spec(_LR, _MOM, _WD, _RG_CG, _LAZY))
nag_mom_update = _single('nag_mom_update', _nag_mom, 'weight grad mom', ('mom',),
                         _attr_spec(_LR, _MOM, _WD, _RG_CG),
                         extra=lambda arrays, out: {'out_is_weight': arrays is not None and out is arrays[0]})
mp_nag_mom_update = _single('mp_nag_mom_update', _mp_nag_mom, 'weight grad mom:f32 weight32:f32',
                            ('mom', 'weight32'), _attr_spec(_LR, _MOM, _WD, _RG_CG))
adam_update = _single('adam_update', _adam, 'weight grad mean var', ('mean', 'var'),
                      _attr_spec(_LR, {'beta1': (0.9, 'float'), 'beta2': (0.999, 'float'),
                                       'epsilon': (1e-8, 'float')}, _WD, _RG_CG, _LAZY))
rmsprop_update = _single('rmsprop_update', _rmsprop, 'weight grad n', ('n',),
                         _attr_spec(_LR, {'gamma1': (0.95, 'float'), 'epsilon': (1e-8, 'float')}, _WD, _RG_CG,
                                    {'clip_weights': (-1.0, 'float')}))
rmspropalex_update = _single('rmspropalex_update', _rmspropalex, 'weight grad n g delta', ('n', 'g', 'delta'),
                             _attr_spec(_LR, {'gamma1': (0.95, 'float'), 'gamma2': (0.9, 'float'),
                                              'epsilon': (1e-8, 'float')}, _WD, _RG_CG,
                                        {'clip_weights': (-1.0, 'float')}))
ftrl_update = _single('ftrl_update', _ftrl, 'weight grad z n', ('z', 'n'),
                      _attr_spec(_LR, {'lamda1': (0.01, 'float'), 'beta': (1.0, 'float')}, _WD, _RG_CG))
# (FTML's epsilon is a double parameter; its default is the float32 1e-8 widened)
ftml_update = _single('ftml_update', _ftml, 'weight grad d v z', ('d', 'v', 'z'),
                      _attr_spec(_LR, {'beta1': (0.6, 'float'), 'beta2': (0.999, 'float'),
                                       'epsilon': (_F32_1E8, 'float'), 't': (_REQ, 'int')}, _WD,
                                 {'rescale_grad': (1.0, 'float'), 'clip_grad': (-1.0, 'float')}),
                      check=_bounds(beta1=(0, 1), beta2=(0, 1)))
signsgd_update = _single('signsgd_update', _signsgd, 'weight grad', (), _attr_spec(_LR, _WD, _RG_CG))
signum_update = _single('signum_update', _signum, 'weight grad mom', ('mom',),
                        _attr_spec(_LR, _MOM, _WD, _RG_CG, {'wd_lh': (0.0, 'float')}))
_LAMB1 = _attr_spec({'beta1': (0.9, 'float'), 'beta2': (0.999, 'float'), 'epsilon': (1e-6, 'float'),
                     't': (_REQ, 'int')}, {'wd': (_REQ, 'float')}, _RG_CG, {'bias_correction': (True, 'bool')})
lamb_update_phase1 = _single('lamb_update_phase1', _lamb1, 'weight grad mean var', ('mean', 'var'), _LAMB1)
mp_lamb_update_phase1 = _single('mp_lamb_update_phase1', _mp_lamb1, 'weight grad mean:f32 var:f32 weight32:f32',
                                ('mean', 'var'), _LAMB1, out_dtype=np.float32)
_LAMB2 = _attr_spec(_LR, {'lower_bound': (-1.0, 'float'), 'upper_bound': (-1.0, 'float')})
lamb_update_phase2 = _single('lamb_update_phase2', _lamb2, 'weight g r1@1 r2@1', (), _LAMB2)
mp_lamb_update_phase2 = _single('mp_lamb_update_phase2', _mp_lamb2, 'weight g:f32 r1:f32@1 r2:f32@1 weight32:f32',
                                (), _LAMB2)
_group_adagrad_update = _single('_contrib_group_adagrad_update', _group_adagrad, 'weight grad history@rows',
                                ('history',), _attr_spec(_LR, {'rescale_grad': (1.0, 'float'),
                                                               'clip_gradient': (-1.0, 'float'),
                                                               'epsilon': (1e-5, 'float')}))
_ADAMW = _attr_spec(_LR, {'beta1': (0.9, 'float'), 'beta2': (0.999, 'float'), 'epsilon': (1e-8, 'float')}, _WD,
                    {'eta': (_REQ, 'float'), 'clip_gradient': (-1.0, 'float')})
_adamw_op = _single('_adamw_update', _adamw, 'weight grad mean var rescale_grad@any', ('mean', 'var', 'grad'),
                    _ADAMW, public=False)
_mp_adamw_op = _single('_mp_adamw_update', _mp_adamw, 'weight grad mean:f32 var:f32 weight32:f32 rescale_grad@any',
                       ('mean', 'var', 'weight32'), _ADAMW, public=False)


def _rescale_array(rescale_grad, like):
    """rescale_grad as an array input (read as float32): an NDArray, or a number's device scalar."""
    if isinstance(rescale_grad, NDArray):
        if not rescale_grad.size:
            raise MXNetError('adamw_update: rescale_grad is an empty NDArray')
        return rescale_grad
    ctx = like.context if isinstance(like, NDArray) else None   # (a bad weight is reported later)
    return _wrap(dev_scalar(_num('adamw_update', 'rescale_grad', rescale_grad, 'float')), ctx, None)


@frontend('_contrib_adamw_update')
def adamw_update(weight, grad, mean, var, rescale_grad, lr, eta, beta1=0.9, beta2=0.999, epsilon=1e-8,
                 wd=0, clip_gradient=-1, out=None, name=None, **kwargs):
    """AdamW: w -= eta * (lr * m / (sqrt(v) + epsilon) + wd * w). Like MXNet, grad is overwritten
    with rescale_grad * grad (clipped), and nothing changes when rescale_grad is 0, NaN or inf."""
    return _adamw_op(weight, grad, mean, var, _rescale_array(rescale_grad, weight), lr=lr, eta=eta, beta1=beta1,
                     beta2=beta2, epsilon=epsilon, wd=wd, clip_gradient=clip_gradient, out=out, **kwargs)


@frontend('_contrib_mp_adamw_update')
def mp_adamw_update(weight, grad, mean, var, weight32, rescale_grad, lr, eta, beta1=0.9, beta2=0.999,
                    epsilon=1e-8, wd=0, clip_gradient=-1, out=None, name=None, **kwargs):
    """AdamW with a float32 master copy of the weight (weight32, updated in place)."""
    return _mp_adamw_op(weight, grad, mean, var, weight32, _rescale_array(rescale_grad, weight), lr=lr, eta=eta,
                        beta1=beta1, beta2=beta2, epsilon=epsilon, wd=wd, clip_gradient=clip_gradient, out=out,
                        **kwargs)


# ---------------------------------------------------------------- multi-tensor updates
def _multi(name, rule, inputs, attrs, outs, preloaded=False):
    """Declare a multi-tensor op: `rule` applied to each group of `inputs`, all in one call.

    inputs: one group, e.g. 'weight grad mom:f32 weight32:f32' (the last is the master copy
    when mp); outs: which group members get written back (after the weight). Preloaded ops
    take lrs and wds as two float32 arrays after the groups instead of attributes.
    """
    names, roles = _parse_roles(inputs)
    stride = len(names)
    dynamic = _dynamic(attrs)
    state_idx = [names.index(s) for s in outs]

    def fn(*args, num_weights=1, **static):
        n = stride * num_weights + (2 if preloaded else 0)
        data, nums = args[:n], dict(zip(dynamic, args[n:]))
        if preloaded:
            nums['lrs'], nums['wds'] = data[-2], data[-1]
        new_w, new_s = [], []
        for i in range(num_weights):
            group = data[i * stride:(i + 1) * stride]
            w_out, *states = rule(group, i, nums, **static)
            new_w.append(w_out)
            new_s.extend(states)
        return tuple(new_w + new_s)

    fn.__name__ = name
    o = register(name, fn, ['*data'], dict(_defaults(attrs), num_weights=1), dynamic=dynamic)

    def front(*data, out=None, name=None, num_weights=1, **kwargs):
        full = _attrs(o.name, attrs, kwargs)
        num_weights = _num(o.name, 'num_weights', num_weights, 'int')
        data = list(data[0]) if len(data) == 1 and isinstance(data[0], (list, tuple)) else list(data)
        want = stride * num_weights + (2 if preloaded else 0)
        if len(data) != want:
            raise MXNetError('%s: expects %d inputs (num_weights=%d groups of %s%s), got %d'
                             % (o.name, want, num_weights, ', '.join(names),
                                ' and lrs, wds' if preloaded else '', len(data)))
        for k in ('lrs', 'wds', 'etas', 'learning_rates', 'step_count'):
            if k in full and len(full[k]) != num_weights:
                raise MXNetError('%s: %s has %d values, expected num_weights=%d'
                                 % (o.name, k, len(full[k]), num_weights))
        groups = [data[i * stride:(i + 1) * stride] for i in range(num_weights)]
        for i, g in enumerate(groups):
            _check_inputs(o.name, ['%s[%d]' % (nm, i) for nm in names], g, roles)
        if preloaded:
            _check_arrays(o.name, lrs=data[-2], wds=data[-1])
            for nm, a in (('lrs', data[-2]), ('wds', data[-1])):
                if a.shape != (num_weights,):
                    raise MXNetError('%s: %s has shape %s, expected (%d,) (num_weights)'
                                     % (o.name, nm, a.shape, num_weights))
        outl = None if out is None else list(out) if isinstance(out, (list, tuple)) else [out]
        if outl is not None:
            if len(outl) != num_weights:
                raise MXNetError('%s: out= has %d arrays, expected num_weights=%d' % (o.name, len(outl), num_weights))
            _check_out(o.name, outl, [(g[0].shape, g[0].dtype) for g in groups])
        full['num_weights'] = num_weights
        res = _as_list(_call(o, data, full))
        _write_back([g[i] for g in groups for i in state_idx], res[num_weights:])
        return _result(res[:num_weights], outl)

    front.__name__ = name
    front.op = o
    return front


def _sgd_nums(nums, i, dt):
    lr, wd = (nums[k][i] for k in ('lrs', 'wds'))
    return [_p(x, dt) for x in (lr, nums['momentum'], wd, nums['rescale_grad'], nums['clip_gradient'])]


def _multi_sgd_rule(group, i, nums):
    w, g = group[0], group[1]
    mom = group[2] if len(group) == 3 else jnp.zeros_like(w)
    nw, mom = sgd_mom_rule(w, g, mom, *_sgd_nums(nums, i, w.dtype))   # the multi kernel: mom form
    return (nw, mom) if len(group) == 3 else (nw,)


def _multi_mp_sgd_rule(group, i, nums):
    w, g, w32 = group[0], group[1].astype(_F32), group[-1]
    mom = group[2] if len(group) == 4 else jnp.zeros_like(w32)
    nw, mom = sgd_mom_rule(w32, g, mom, *_sgd_nums(nums, i, _F32))
    return (nw.astype(w.dtype), mom, nw) if len(group) == 4 else (nw.astype(w.dtype), nw)


_MULTI_SGD = _attr_spec({'lrs': (_REQ, 'floats'), 'wds': (_REQ, 'floats')}, _RG_CG)
_MULTI_SGD_MOM = _attr_spec({'lrs': (_REQ, 'floats'), 'wds': (_REQ, 'floats'), 'momentum': (0.0, 'float')}, _RG_CG)
_PRELOADED = _RG_CG
_PRELOADED_MOM = _attr_spec(_MOM, _RG_CG)


def _no_momentum(rule):
    """The mom-less multi ops run MXNet's momentum kernel with momentum 0 (its rounding, too)."""
    def no_mom(group, i, nums, **static):
        return rule(group, i, dict(nums, momentum=jnp.zeros(())), **static)
    return no_mom


for _pre, _spec, _spec_mom in (('', _MULTI_SGD, _MULTI_SGD_MOM), ('preloaded_', _PRELOADED, _PRELOADED_MOM)):
    for _nm, _rule, _ins, _outs in (
            ('multi_sgd_update', _no_momentum(_multi_sgd_rule), 'weight grad', ()),
            ('multi_sgd_mom_update', _multi_sgd_rule, 'weight grad mom', ('mom',)),
            ('multi_mp_sgd_update', _no_momentum(_multi_mp_sgd_rule), 'weight grad weight32:f32', ('weight32',)),
            ('multi_mp_sgd_mom_update', _multi_mp_sgd_rule, 'weight grad mom:f32 weight32:f32', ('mom', 'weight32'))):
        frontend(_pre + _nm)(_multi(_pre + _nm, _rule, _ins, _spec_mom if 'mom' in _nm else _spec, _outs,
                                    preloaded=bool(_pre)))


def _multi_lars(lrs, weights_sum_sq, grads_sum_sq, wds, eta, eps, rescale_grad):
    eta, eps, rg = (_p(x, _F32) for x in (eta, eps, rescale_grad))
    w_norm = jnp.sqrt(weights_sum_sq)
    ok = (w_norm > 0) & (grads_sum_sq > 0)
    return jnp.where(ok, lrs * eta * w_norm / (jnp.sqrt(grads_sum_sq) * rg + wds * w_norm + eps), lrs)


_lars_op = register('multi_lars', _multi_lars, ['lrs', 'weights_sum_sq', 'grads_sum_sq', 'wds'],
                    {'eta': None, 'eps': None, 'rescale_grad': 1.0}, dynamic=('eta', 'eps', 'rescale_grad'))


@frontend('multi_lars')
def multi_lars(lrs=None, weights_sum_sq=None, grads_sum_sq=None, wds=None, eta=None, eps=None, rescale_grad=1.0,
               out=None, name=None, **kwargs):
    """LARS learning rates: lrs * eta * |w| / (|g| * rescale_grad + wds * |w| + eps) where both
    norms are positive, else lrs (all float32 arrays of one value per weight)."""
    full = _attrs('multi_lars', {'eta': (_REQ, 'float'), 'eps': (_REQ, 'float'), 'rescale_grad': (1.0, 'float')},
                  dict(kwargs, eta=eta, eps=eps, rescale_grad=rescale_grad))
    arrays = [lrs, weights_sum_sq, grads_sum_sq, wds]
    names = ['lrs', 'weights_sum_sq', 'grads_sum_sq', 'wds']
    _check_arrays('multi_lars', **dict(zip(names, arrays)))
    for nm, a in zip(names, arrays):
        if np.dtype(a.dtype) != np.float32 or a.shape != lrs.shape or a.ndim != 1:
            raise MXNetError('multi_lars: %s must be a float32 vector of shape %s, got %s %s'
                             % (nm, lrs.shape, np.dtype(a.dtype).name, a.shape))
    if out is not None:
        _check_out('multi_lars', [out], [(lrs.shape, lrs.dtype)])
    return _result(_call(_lars_op, arrays, full), out)


# ---------------------------------------------------------------- multi-tensor AdamW and LAMB (nd.contrib)
def _multi_adamw_rule(group, i, nums):
    w, g = group[0], group[1]
    mean, var = group[2], group[3]
    w32 = group[4] if len(group) == 5 else w
    dt = w32.dtype
    rg = nums['rescale_grad'].reshape(-1)[0].astype(_F32).astype(dt)
    sg = _clip(rg * g.astype(dt), _p(nums['clip_gradient'], dt))
    b1, b2, eps = (_p(nums[k], dt) for k in ('beta1', 'beta2', 'epsilon'))
    lr, wd, eta = (_p(nums[k][i], dt) for k in ('lrs', 'wds', 'etas'))
    sq = sg * sg
    mean = b1 * (mean - sg) + sg   # the multi-tensor kernel's form of b1 * m + (1 - b1) * g
    var = b2 * (var - sq) + sq
    nw = w32 - eta * (lr * mean / (jnp.sqrt(var) + eps) + wd * w32)
    new = (nw.astype(w.dtype), mean, var) + ((nw,) if len(group) == 5 else ())
    return _adamw_skip(nums['rescale_grad'], new, (w, group[2], group[3]) + ((w32,) if len(group) == 5 else ()))


def _multi_lamb_rule(group, i, nums, bias_correction=True):
    w, g, mean, var = group[:4]
    w32 = group[4] if len(group) == 5 else w
    dt = w32.dtype
    b1, b2, eps, rg, cg, lb, ub = (_p(nums[k], dt) for k in ('beta1', 'beta2', 'epsilon', 'rescale_grad',
                                                              'clip_gradient', 'lower_bound', 'upper_bound'))
    lr, wd, t = _p(nums['learning_rates'][i], dt), _p(nums['wds'][i], dt), nums['step_count'][i].astype(dt)
    sg = _clip(g.astype(dt) * rg, cg)
    mean = b1 * mean + (1 - b1) * sg
    var = b2 * var + (1 - b2) * sg * sg
    if bias_correction:
        upd = mean / (1 - b1 ** t) / (jnp.sqrt(var / (1 - b2 ** t)) + eps) + wd * w32
    else:
        upd = mean / (jnp.sqrt(var) + eps) + wd * w32
    upd = upd.astype(_F32)   # held in a float32 buffer between the kernel's two passes
    r1 = jnp.sqrt(jnp.sum((w * w).astype(_F32)))   # the given weight's norm (squares in its dtype, as MXNet)
    r2 = jnp.sqrt(jnp.sum(upd * upd))
    r1 = jnp.where(lb >= 0, jnp.maximum(r1, lb), r1)
    r1 = jnp.where(ub >= 0, jnp.minimum(r1, ub), r1)
    ratio = jnp.where((r1 == 0) | (r2 == 0), 1.0, r1 / r2).astype(dt)
    nw = w32 - (lr * ratio) * upd
    return (nw.astype(w.dtype), mean, var) + ((nw,) if len(group) == 5 else ())


_MULTI_ADAMW = _attr_spec({'lrs': (_REQ, 'floats'), 'beta1': (0.9, 'float'), 'beta2': (0.999, 'float'),
                           'epsilon': (1e-8, 'float'), 'wds': (_REQ, 'floats'), 'etas': (_REQ, 'floats'),
                           'clip_gradient': (-1.0, 'float')})
_MULTI_LAMB = _attr_spec({'learning_rates': (_REQ, 'floats'), 'beta1': (0.9, 'float'), 'beta2': (0.999, 'float'),
                          'epsilon': (1e-6, 'float'), 'wds': (_REQ, 'floats'), 'rescale_grad': (1.0, 'float'),
                          'lower_bound': (-1.0, 'float'), 'upper_bound': (-1.0, 'float'),
                          'clip_gradient': (-1.0, 'float'), 'bias_correction': (True, 'bool'),
                          'step_count': (_REQ, 'floats')})


def _with_rescale(rule):
    """The multi-AdamW ops take rescale_grad as a trailing (1,) array input."""
    def r(group, i, nums):
        return rule(group[:-1], i, dict(nums, rescale_grad=group[-1]))
    return r


_multi_adamw = _multi('_multi_adamw_update', _with_rescale(_multi_adamw_rule),
                      'weight grad mean var rescale_grad@any', _MULTI_ADAMW, ('mean', 'var'))
_multi_mp_adamw = _multi('_multi_mp_adamw_update', _with_rescale(_multi_adamw_rule),
                         'weight grad mean:f32 var:f32 weight32:f32 rescale_grad@any', _MULTI_ADAMW,
                         ('mean', 'var', 'weight32'))
_multi_lamb = _multi('_multi_lamb_update', _multi_lamb_rule, 'weight grad mean var', _MULTI_LAMB, ('mean', 'var'))
_multi_mp_lamb = _multi('_multi_mp_lamb_update', _multi_lamb_rule, 'weight grad mean:f32 var:f32 weight32:f32',
                        _MULTI_LAMB, ('mean', 'var', 'weight32'))


def _groups(*lists):
    return [a for group in zip(*lists) for a in group]


@frontend('_contrib_multi_adamw_update')
def multi_adamw_update(weights, grads, mean, var, rescale_grad, lrs, wds, etas, out=None, name=None, size=0,
                       **kwargs):
    """AdamW on lists of weights in one call (rescale_grad: a float or a (1,) NDArray)."""
    rg = _rescale_array(rescale_grad, weights[0])
    return _multi_adamw(*_groups(weights, grads, mean, var, [rg] * len(weights)), out=out,
                        num_weights=size or len(weights), lrs=lrs, wds=wds, etas=etas, **kwargs)


@frontend('_contrib_multi_mp_adamw_update')
def multi_mp_adamw_update(weights, grads, mean, var, weights32, rescale_grad, lrs, wds, etas, out=None, name=None,
                          size=0, **kwargs):
    """Mixed-precision AdamW on lists of weights (weights32: float32 master copies, updated)."""
    rg = _rescale_array(rescale_grad, weights[0])
    return _multi_mp_adamw(*_groups(weights, grads, mean, var, weights32, [rg] * len(weights)), out=out,
                           num_weights=size or len(weights), lrs=lrs, wds=wds, etas=etas, **kwargs)


@frontend('_contrib_multi_lamb_update')
def multi_lamb_update(weights, grads, mean, var, step_count, lrs, wds, out=None, num_tensors=0, **kwargs):
    """LAMB on lists of weights in one call (trust ratio from each weight's and update's norms)."""
    return _multi_lamb(*_groups(weights, grads, mean, var), out=out, num_weights=num_tensors or len(weights),
                       step_count=step_count, learning_rates=lrs, wds=wds, **kwargs)


@frontend('_contrib_multi_mp_lamb_update')
def multi_mp_lamb_update(weights, grads, mean, var, weights32, step_count, lrs, wds, out=None, num_tensors=0,
                         **kwargs):
    """Mixed-precision LAMB on lists of weights (weights32: float32 master copies, updated)."""
    return _multi_mp_lamb(*_groups(weights, grads, mean, var, weights32), out=out,
                          num_weights=num_tensors or len(weights), step_count=step_count, learning_rates=lrs,
                          wds=wds, **kwargs)
