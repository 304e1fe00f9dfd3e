"""Golden values of MXNet 1.9.1's optimizer update ops and of mx.optimizer.

Regenerate with real MXNet:

    ~/mxref/bin/python compat_tests/golden/gen_optimizer.py

which writes optimizer.npz beside this file. test_optimizer.py runs the same cases on mxjax
through run_op / run_opt / run_fact below, which work on either library.

- OP_CASES (name, dtype, code): `code` calls nd update ops on `a`, fresh arrays made from
  INPUTS (a name ending in 16 / 32 is float16 / float32, the others take the case dtype), three
  times. Recorded: what the last call returned and every array the code names afterwards (so
  the in-place state writes and the inputs left alone are both checked). A case whose code
  raises records the error type instead.
- OPT_CASES: an optimizer created with the case's arguments, driven STEPS steps through an
  Updater (one index at a time, or a list as gluon does) or update_multi_precision. Recorded:
  every weight and state after every step, num_update and learning_rate.
- FACTS (name, code): Python values or the error type an expression gives (registry, lr/wd
  multiplier rules, state layouts, errors).
"""
import json
import os
import pickle
import re
import types
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, 'optimizer.npz')
STEPS = 5
REPEAT = 3


def _inputs():
    rs = np.random.RandomState(7)
    a = {}
    for k in ('w', 'g', 'gb'):
        a[k] = rs.randn(3, 4) * (2.0 if k.startswith('g') else 1.0)
    for k in ('m', 'd', 'z', 'delta', 'gs', 'mean'):
        a[k] = rs.randn(3, 4) * 0.1
    for k in ('v', 'n', 'var'):
        a[k] = rs.rand(3, 4) * 0.5
    a['hist'] = rs.rand(3, 1)
    a['wa'], a['ga'], a['ma'] = rs.randn(5), rs.randn(5) * 2, rs.randn(5) * 0.1
    a['wb'], a['gb2'], a['mb'] = rs.randn(2, 3), rs.randn(2, 3) * 2, rs.randn(2, 3) * 0.1
    a['va'], a['vb'] = rs.rand(5) * 0.5, rs.rand(2, 3) * 0.5
    a['r1'], a['r2'], a['r0'] = np.array([2.5]), np.array([1.5]), np.array([0.0])
    a['r12'] = np.array([1.0, 2.0])
    # float16 weights and their float32 master copies (equal to the float16 values)
    for k in ('w', 'g', 'wa', 'ga', 'wb', 'gb2'):
        a[k + '16'] = a[k]
    for k in ('w', 'wa', 'wb'):
        a[k + '32'] = a[k].astype(np.float16).astype(np.float64)
    for k in ('m', 'mean', 'var', 'ma', 'mb', 'va', 'vb', 'g', 'r1', 'r2'):
        a[k + '32'] = a[k]
    a['plr32'], a['pwd32'] = np.array([0.1, 0.05]), np.array([0.01, 0.0])
    a['lars_lr32'], a['lars_wss32'] = np.array([0.1, 0.2, 0.3]), np.array([4.0, 0.0, 9.0])
    a['lars_gss32'], a['lars_wd32'] = np.array([1.0, 1.0, 0.0]), np.array([0.1, 0.1, 0.1])
    a['wi'] = np.arange(12).reshape(3, 4)
    a['gs2'] = rs.randn(2)
    return a


INPUTS = _inputs()


def _dtype_of(name, dtype):
    if name == 'wi':
        return 'int32'
    return 'float16' if name.endswith('16') else 'float32' if name.endswith('32') else dtype


def _ops():
    C = []

    def c(name, code, dtypes=('float32',)):
        for dt in dtypes:
            C.append(dict(name='%s_%s' % (name, dt), code=code, dtype=dt))

    both = ('float32', 'float64')
    c('sgd', 'nd.sgd_update(a.w, a.g, lr=0.1)', both)
    c('sgd_all', 'nd.sgd_update(a.w, a.g, lr=0.1, wd=0.05, rescale_grad=0.5, clip_gradient=1.0, out=a.w)', both)
    c('sgd_clip0', 'nd.sgd_update(a.w, a.g, lr=0.1, clip_gradient=0.0, out=a.w)')
    c('sgd_positional', 'nd.sgd_update(a.w, a.g, 0.1, 0.01, out=a.w)')
    c('sgd_kw_inputs', 'nd.sgd_update(weight=a.w, grad=a.g, lr=0.1, lazy_update=False, out=a.w)')
    c('sgd_mom', 'nd.sgd_mom_update(a.w, a.g, a.m, lr=0.1, momentum=0.9, wd=0.01, out=a.w)', both)
    c('sgd_mom_clip', 'nd.sgd_mom_update(a.w, a.g, a.m, lr=0.2, momentum=0.5, rescale_grad=2.0, '
      'clip_gradient=1.5, out=a.w)')
    c('mp_sgd', 'nd.mp_sgd_update(a.w16, a.g16, a.w32, lr=0.1, wd=0.01, clip_gradient=1.0, out=a.w16)')
    c('mp_sgd_f32', 'nd.mp_sgd_update(a.w, a.g, a.w32, lr=0.1, wd=0.01, out=a.w)')
    c('mp_sgd_mom', 'nd.mp_sgd_mom_update(a.w16, a.g16, a.m32, a.w32, lr=0.1, momentum=0.9, wd=0.01, '
      'rescale_grad=0.5, out=a.w16)')
    c('nag_inplace', 'nd.nag_mom_update(a.w, a.g, a.m, lr=0.1, momentum=0.9, wd=0.5, out=a.w)', both)
    c('nag_new_out', 'nd.nag_mom_update(a.w, a.g, a.m, lr=0.1, momentum=0.9, wd=0.5)')
    c('nag_clip', 'nd.nag_mom_update(a.w, a.g, a.m, lr=0.1, momentum=0.8, clip_gradient=1.0, rescale_grad=0.7, '
      'out=a.w)')
    c('mp_nag', 'nd.mp_nag_mom_update(a.w16, a.g16, a.m32, a.w32, lr=0.1, momentum=0.9, wd=0.5, out=a.w16)')
    c('adam', 'nd.adam_update(a.w, a.g, a.mean, a.var, lr=0.01, out=a.w)', both)
    c('adam_all', 'nd.adam_update(a.w, a.g, a.mean, a.var, lr=0.01, beta1=0.8, beta2=0.99, epsilon=1e-6, wd=0.1, '
      'rescale_grad=0.5, clip_gradient=0.6, lazy_update=False, out=a.w)')
    c('rmsprop', 'nd.rmsprop_update(a.w, a.g, a.n, lr=0.01, out=a.w)', both)
    c('rmsprop_all', 'nd.rmsprop_update(a.w, a.g, a.n, lr=0.05, gamma1=0.8, epsilon=1e-4, wd=0.1, '
      'rescale_grad=0.5, clip_gradient=0.7, clip_weights=0.9, out=a.w)')
    c('rmspropalex', 'nd.rmspropalex_update(a.w, a.g, a.n, a.gs, a.delta, lr=0.01, out=a.w)', both)
    c('rmspropalex_all', 'nd.rmspropalex_update(a.w, a.g, a.n, a.gs, a.delta, lr=0.05, gamma1=0.8, gamma2=0.7, '
      'epsilon=1e-4, wd=0.1, rescale_grad=0.5, clip_gradient=0.7, clip_weights=1.1, out=a.w)')
    c('ftrl', 'nd.ftrl_update(a.w, a.g, a.z, a.n, lr=0.1, out=a.w)', both)
    c('ftrl_all', 'nd.ftrl_update(a.w, a.g, a.z, a.n, lr=0.2, lamda1=0.5, beta=2.0, wd=0.1, rescale_grad=0.5, '
      'clip_gradient=0.8, out=a.w)')
    c('ftml', 'nd.ftml_update(a.w, a.g, a.d, a.v, a.z, lr=0.1, t=1, out=a.w)', both)
    c('ftml_all', 'nd.ftml_update(a.w, a.g, a.d, a.v, a.z, lr=0.05, beta1=0.5, beta2=0.99, epsilon=1e-6, t=3, '
      'wd=0.1, rescale_grad=0.5, clip_grad=0.7, out=a.w)')
    c('signsgd', 'nd.signsgd_update(a.w, a.g, lr=0.1, wd=0.1, rescale_grad=-1.0, clip_gradient=0.01, out=a.w)',
      both)
    c('signum', 'nd.signum_update(a.w, a.g, a.m, lr=0.1, momentum=0.9, out=a.w)', both)
    c('signum_all', 'nd.signum_update(a.w, a.g, a.m, lr=0.1, momentum=0.7, wd=0.1, rescale_grad=0.5, '
      'clip_gradient=0.3, wd_lh=0.2, out=a.w)')
    c('lamb1', 'nd.lamb_update_phase1(a.w, a.g, a.mean, a.var, t=1, wd=0.01)', both)
    c('lamb1_all', 'nd.lamb_update_phase1(a.w, a.g, a.mean, a.var, beta1=0.8, beta2=0.99, epsilon=1e-4, t=4, '
      'wd=0.1, rescale_grad=0.5, clip_gradient=0.9)')
    c('lamb1_nobc', 'nd.lamb_update_phase1(a.w, a.g, a.mean, a.var, t=2, wd=0.01, bias_correction=False)')
    c('lamb2', 'nd.lamb_update_phase2(a.w, a.g, a.r1, a.r2, lr=0.1, out=a.w)', both)
    c('lamb2_lower', 'nd.lamb_update_phase2(a.w, a.g, a.r1, a.r2, lr=0.1, lower_bound=3.0)')
    c('lamb2_upper', 'nd.lamb_update_phase2(a.w, a.g, a.r1, a.r2, lr=0.1, upper_bound=2.0)')
    c('lamb2_r0', 'nd.lamb_update_phase2(a.w, a.g, a.r0, a.r2, lr=0.1)')
    c('mp_lamb1', 'nd.mp_lamb_update_phase1(a.w16, a.g16, a.mean32, a.var32, a.w32, t=2, wd=0.01, '
      'clip_gradient=1.0)')
    c('mp_lamb2', 'nd.mp_lamb_update_phase2(a.w16, a.g32, a.r132, a.r232, a.w32, lr=0.1, out=a.w16)')
    c('multi_sgd', 'nd.multi_sgd_update(a.wa, a.ga, a.wb, a.gb2, lrs=(0.1, 0.2), wds=(0.0, 0.05), num_weights=2, '
      'out=[a.wa, a.wb])', both)
    c('multi_sgd_clip', 'nd.multi_sgd_update(a.wa, a.ga, lrs=[0.1], wds=[0.01], rescale_grad=0.5, '
      'clip_gradient=0.4, out=[a.wa])')
    c('multi_sgd_mom', 'nd.multi_sgd_mom_update(a.wa, a.ga, a.ma, a.wb, a.gb2, a.mb, lrs=(0.1, 0.2), '
      'wds=(0.01, 0.05), momentum=0.9, num_weights=2, out=[a.wa, a.wb])', both)
    c('multi_mp_sgd', 'nd.multi_mp_sgd_update(a.wa16, a.ga16, a.wa32, a.wb16, a.gb216, a.wb32, lrs=(0.1, 0.2), '
      'wds=(0.01, 0.05), num_weights=2, clip_gradient=1.0, out=[a.wa16, a.wb16])')
    c('multi_mp_sgd_mom', 'nd.multi_mp_sgd_mom_update(a.wa16, a.ga16, a.ma32, a.wa32, a.wb16, a.gb216, a.mb32, '
      'a.wb32, lrs=(0.1, 0.2), wds=(0.01, 0.05), momentum=0.9, num_weights=2, out=[a.wa16, a.wb16])')
    c('preloaded_sgd', 'nd.preloaded_multi_sgd_update(a.wa, a.ga, a.wb, a.gb2, a.plr32, a.pwd32, num_weights=2, '
      'out=[a.wa, a.wb])')
    c('preloaded_sgd_mom', 'nd.preloaded_multi_sgd_mom_update(a.wa, a.ga, a.ma, a.wb, a.gb2, a.mb, a.plr32, '
      'a.pwd32, momentum=0.9, clip_gradient=1.0, num_weights=2, out=[a.wa, a.wb])')
    c('preloaded_mp_sgd', 'nd.preloaded_multi_mp_sgd_update(a.wa16, a.ga16, a.wa32, a.wb16, a.gb216, a.wb32, '
      'a.plr32, a.pwd32, num_weights=2, out=[a.wa16, a.wb16])')
    c('preloaded_mp_sgd_mom', 'nd.preloaded_multi_mp_sgd_mom_update(a.wa16, a.ga16, a.ma32, a.wa32, a.wb16, '
      'a.gb216, a.mb32, a.wb32, a.plr32, a.pwd32, momentum=0.9, rescale_grad=0.5, num_weights=2, '
      'out=[a.wa16, a.wb16])')
    c('multi_lars', 'nd.multi_lars(a.lars_lr32, a.lars_wss32, a.lars_gss32, a.lars_wd32, eta=0.5, eps=0.01, '
      'rescale_grad=2.0)')
    c('adamw', 'nd.contrib.adamw_update(a.w, a.g, a.mean, a.var, 2.0, 0.01, 0.5, wd=0.1, clip_gradient=1.5, '
      'out=a.w)', both)
    c('adamw_nd_rescale', 'nd.contrib.adamw_update(a.w, a.g, a.mean, a.var, nd.array([0.5]), lr=0.01, eta=1.0, '
      'beta1=0.8, beta2=0.99, epsilon=1e-6, out=a.w)')
    c('adamw_skip_nan', "nd.contrib.adamw_update(a.w, a.g, a.mean, a.var, float('nan'), 0.01, 1.0, out=a.w)")
    c('adamw_skip_zero', 'nd.contrib.adamw_update(a.w, a.g, a.mean, a.var, 0.0, 0.01, 1.0, out=a.w)')
    c('mp_adamw', 'nd.contrib.mp_adamw_update(a.w16, a.g16, a.mean32, a.var32, a.w32, 0.5, 0.01, 1.0, wd=0.1, '
      'out=a.w16)')
    c('multi_adamw', 'nd.contrib.multi_adamw_update([a.wa, a.wb], [a.ga, a.gb2], [a.ma, a.mb], [a.va, a.vb], 2.0, '
      '[0.01, 0.02], [0.1, 0.0], [1.0, 0.5], out=[a.wa, a.wb], clip_gradient=1.5)')
    c('multi_mp_adamw', 'nd.contrib.multi_mp_adamw_update([a.wa16, a.wb16], [a.ga16, a.gb216], [a.ma32, a.mb32], '
      '[a.va32, a.vb32], [a.wa32, a.wb32], 0.5, [0.01, 0.02], [0.1, 0.0], [1.0, 0.5], out=[a.wa16, a.wb16])')
    c('multi_adamw_skip', "nd.contrib.multi_adamw_update([a.wa], [a.ga], [a.ma], [a.va], float('inf'), [0.01], "
      "[0.1], [1.0], out=[a.wa])")
    c('multi_lamb', 'nd.contrib.multi_lamb_update([a.wa, a.wb], [a.ga, a.gb2], [a.ma, a.mb], [a.va, a.vb], '
      'step_count=[1, 3], lrs=[0.1, 0.2], wds=[0.01, 0.0], out=[a.wa, a.wb])')
    c('multi_lamb_all', 'nd.contrib.multi_lamb_update([a.wa, a.wb], [a.ga, a.gb2], [a.ma, a.mb], [a.va, a.vb], '
      'step_count=[2, 2], lrs=[0.1, 0.2], wds=[0.01, 0.1], beta1=0.8, beta2=0.99, epsilon=1e-4, '
      'rescale_grad=0.5, clip_gradient=0.9, lower_bound=1.5, upper_bound=2.2, out=[a.wa, a.wb])')
    c('multi_lamb_nobc', 'nd.contrib.multi_lamb_update([a.wa], [a.ga], [a.ma], [a.va], step_count=[2], lrs=[0.1], '
      'wds=[0.01], bias_correction=False, out=[a.wa])')
    c('multi_mp_lamb', 'nd.contrib.multi_mp_lamb_update([a.wa16, a.wb16], [a.ga16, a.gb216], [a.ma32, a.mb32], '
      '[a.va32, a.vb32], [a.wa32, a.wb32], step_count=[1, 3], lrs=[0.1, 0.2], wds=[0.01, 0.0], '
      'out=[a.wa16, a.wb16])')
    c('group_adagrad', 'nd.contrib.group_adagrad_update(a.w, rsp(a.g), a.hist, lr=0.1, rescale_grad=0.5, '
      'clip_gradient=0.8, epsilon=1e-4, out=a.w)')

    # bad input: the error type; mxjax's message must name the argument (ERROR_WORDS in the test)
    c('err_no_lr', 'nd.sgd_update(a.w, a.g)')
    c('err_unknown_arg', 'nd.sgd_update(a.w, a.g, lr=0.1, foo=1)')
    c('err_lr_value', "nd.sgd_update(a.w, a.g, lr='abc', out=a.w)")
    c('err_grad_shape', 'nd.sgd_mom_update(a.w, a.ga, a.m, lr=0.1, out=a.w)')
    c('err_mom_shape', 'nd.sgd_mom_update(a.w, a.g, a.ma, lr=0.1, out=a.w)')
    c('err_grad_dtype', 'nd.adam_update(a.w, a.g16, a.mean, a.var, lr=0.1, out=a.w)')
    c('err_int_weight', 'nd.sgd_update(a.wi, a.wi, lr=0.1)')
    c('err_missing_input', 'nd.sgd_mom_update(a.w, a.g, lr=0.1)')
    c('err_out_shape', 'nd.sgd_mom_update(a.w, a.g, a.m, lr=0.1, out=a.wa)')
    c('err_ftml_t', 'nd.ftml_update(a.w, a.g, a.d, a.v, a.z, lr=0.1, out=a.w)')
    c('err_ftml_beta1', 'nd.ftml_update(a.w, a.g, a.d, a.v, a.z, lr=0.1, t=1, beta1=1.5, out=a.w)')
    c('err_lamb1_wd', 'nd.lamb_update_phase1(a.w, a.g, a.mean, a.var, t=1)')
    c('err_lamb2_r1', 'nd.lamb_update_phase2(a.w, a.g, a.r12, a.r2, lr=0.1, out=a.w)')
    c('err_mp_weight32', 'nd.mp_sgd_mom_update(a.w16, a.g16, a.m32, a.w16, lr=0.1, out=a.w16)')
    c('err_multi_lrs', 'nd.multi_sgd_mom_update(a.wa, a.ga, a.ma, a.wb, a.gb2, a.mb, lrs=(0.1,), wds=(0.0, 0.0), '
      'num_weights=2, out=[a.wa, a.wb])')
    c('err_multi_inputs', 'nd.multi_sgd_update(a.wa, a.ga, a.wb, a.gb2, lrs=(0.1,), wds=(0.0,), num_weights=1, '
      'out=[a.wa])')
    c('err_preloaded_lrs', 'nd.preloaded_multi_sgd_update(a.wa, a.ga, a.wb, a.gb2, a.lars_lr32, a.pwd32, '
      'num_weights=2, out=[a.wa, a.wb])')
    c('err_multi_out', 'nd.multi_sgd_update(a.wa, a.ga, a.wb, a.gb2, lrs=(0.1, 0.1), wds=(0.0, 0.0), '
      'num_weights=2, out=a.wa)')
    c('err_lars_dtype', 'nd.multi_lars(a.lars_lr32, a.lars_wss32, a.lars_gss32, a.wa, eta=0.5, eps=0.01)')
    return C


OP_CASES = _ops()


class StepSched:
    """A learning-rate schedule: base_lr halved every 2 updates (MXNet reads and sets base_lr)."""

    def __init__(self, base_lr=0.1):
        self.base_lr = base_lr

    def __call__(self, num_update):
        return self.base_lr * 0.5 ** (num_update // 2)


class P:
    """What an optimizer reads from a gluon Parameter in param_dict."""

    def __init__(self, lr_mult=1.0, wd_mult=1.0):
        self.lr_mult, self.wd_mult = lr_mult, wd_mult


def _opts():
    C = []

    def c(name, opt, kw=None, dtype='float32', shapes=((3, 4), (5,)), drive='each', **extra):
        C.append(dict(name=name, opt=opt, kw=kw or {}, dtype=dtype, shapes=[list(s) for s in shapes],
                      drive=drive, **extra))

    mp16 = dict(dtype='float16')
    five = ((3, 4), (5,), (2, 3), (4,), (1, 2))
    names = {0: 'fc_weight', 1: 'fc_bias', 2: 'bn_gamma'}
    three = ((3, 4), (4,), (4,))
    c('sgd', 'sgd', {'learning_rate': 0.1})
    c('sgd_mom_list', 'sgd', {'learning_rate': 0.1, 'momentum': 0.9, 'wd': 0.01, 'clip_gradient': 0.5,
                              'rescale_grad': 0.5}, drive='list')
    c('sgd_mom_five_list', 'sgd', {'learning_rate': 0.05, 'momentum': 0.9, 'wd': 0.01}, shapes=five, drive='list')
    c('sgd_mom_update', 'sgd', {'learning_rate': 0.1, 'momentum': 0.9}, drive='update')
    c('sgd_mp', 'sgd', {'learning_rate': 0.1, 'momentum': 0.9, 'wd': 0.01, 'multi_precision': True},
      drive='list', **mp16)
    c('sgd_mp_nomom', 'sgd', {'learning_rate': 0.1, 'multi_precision': True}, **mp16)
    c('sgd_fp16', 'sgd', {'learning_rate': 0.1, 'momentum': 0.9}, dtype='float16')
    c('sgd_sched', 'sgd', {'momentum': 0.9}, sched=True)
    c('sgd_set_lr', 'sgd', {'momentum': 0.9}, set_lr=[0.1, 0.05, 0.2, 0.01, 0.3])
    c('sgd_mults', 'sgd', {'learning_rate': 0.1, 'wd': 0.1, 'param_idx2name': names}, shapes=three,
      lr_mult={'fc_weight': 2.0}, wd_mult={2: 3.0})
    c('sgd_param_dict', 'sgd', {'learning_rate': 0.1, 'wd': 0.1}, shapes=three,
      param_dict={0: (0.5, 2.0), 2: (3.0, 0.0)}, lr_mult={0: 10.0}, drive='list')
    c('sgd_begin_num_update', 'sgd', {'momentum': 0.9, 'begin_num_update': 3}, sched=True)
    c('ccsgd', 'ccsgd', {'learning_rate': 0.1, 'momentum': 0.5})
    c('signum', 'signum', {'wd': 0.01, 'wd_lh': 0.01, 'clip_gradient': 0.3})
    c('signsgd', 'signum', {'momentum': 0.0, 'wd': 0.01})
    c('ftml', 'ftml', {'learning_rate': 0.05})
    c('ftml_all', 'ftml', {'learning_rate': 0.05, 'wd': 0.1, 'clip_gradient': 0.5, 'rescale_grad': 0.5,
                           'beta1': 0.5})
    c('lars', 'lars', {'learning_rate': 0.1, 'momentum': 0.9, 'eta': 0.01, 'wd': 0.01,
                       'param_idx2name': names}, shapes=three, drive='list')
    c('lars_each_sched', 'lars', {'momentum': 0.9, 'eta': 0.1, 'eps': 1e-3}, sched=True)
    c('lars_nomom', 'lars', {'learning_rate': 0.1, 'eta': 0.01, 'clip_gradient': 0.5}, drive='list')
    c('lars_mp', 'lars', {'learning_rate': 0.1, 'momentum': 0.9, 'eta': 0.01, 'multi_precision': True},
      drive='list', **mp16)
    c('lbsgd', 'lbsgd', {'learning_rate': 0.1, 'momentum': 0.9, 'wd': 0.01})
    c('lbsgd_scale2', 'lbsgd', {'learning_rate': 0.1, 'momentum': 0.9, 'batch_scale': 2, 'warmup_epochs': 1,
                                'updates_per_epoch': 4, 'warmup_strategy': 'power2'})
    c('lbsgd_sqrt', 'lbsgd', {'learning_rate': 0.1, 'batch_scale': 3, 'warmup_epochs': 2, 'updates_per_epoch': 2,
                              'warmup_strategy': 'sqrt'})
    c('lbsgd_lars', 'lbsgd', {'learning_rate': 0.1, 'warmup_strategy': 'lars', 'wd': 0.01})
    c('lbsgd_mp', 'lbsgd', {'learning_rate': 0.1, 'momentum': 0.9, 'multi_precision': True}, **mp16)
    c('lamb_update', 'lamb', {'learning_rate': 0.01, 'wd': 0.01}, drive='update')
    c('lamb_list', 'lamb', {'learning_rate': 0.01, 'wd': 0.01, 'clip_gradient': 0.8}, drive='list')
    c('lamb_bounds', 'lamb', {'learning_rate': 0.01, 'lower_bound': 1.0, 'upper_bound': 2.0,
                              'bias_correction': False}, drive='update')
    c('lamb_bounds_list', 'lamb', {'learning_rate': 0.01, 'lower_bound': 1.0, 'upper_bound': 2.0}, drive='list')
    c('lamb_mp_update', 'lamb', {'learning_rate': 0.01, 'wd': 0.01, 'multi_precision': True}, drive='update',
      **mp16)
    c('lamb_mp_list', 'lamb', {'learning_rate': 0.01, 'wd': 0.01, 'multi_precision': True}, drive='list', **mp16)
    c('dcasgd', 'dcasgd', {'learning_rate': 0.1, 'wd': 0.01, 'clip_gradient': 0.9, 'lamda': 0.1})
    c('nag', 'nag', {'learning_rate': 0.1, 'momentum': 0.9, 'wd': 0.01})
    c('nag_nomom', 'nag', {'learning_rate': 0.1, 'clip_gradient': 0.5})
    c('nag_mp', 'nag', {'learning_rate': 0.1, 'momentum': 0.9, 'wd': 0.01, 'multi_precision': True}, **mp16)
    c('nag_mp_nomom', 'nag', {'learning_rate': 0.1, 'multi_precision': True}, **mp16)
    c('adam', 'adam', {})
    c('adam_all', 'adam', {'learning_rate': 0.01, 'wd': 0.1, 'clip_gradient': 0.5, 'rescale_grad': 0.5,
                           'beta1': 0.8, 'epsilon': 1e-6})
    c('adam_sched', 'adam', {'learning_rate': 0.1}, sched=True)
    c('adam_sched_default_lr', 'adam', {}, sched=True)
    c('adam_mp', 'adam', {'learning_rate': 0.01, 'multi_precision': True}, **mp16)
    c('adagrad', 'adagrad', {'learning_rate': 0.1, 'wd': 0.01, 'clip_gradient': 0.7})
    c('rmsprop', 'rmsprop', {'learning_rate': 0.01, 'wd': 0.01})
    c('rmsprop_centered', 'rmsprop', {'learning_rate': 0.01, 'centered': True, 'clip_weights': 0.9,
                                      'clip_gradient': 0.8})
    c('adadelta', 'adadelta', {'wd': 0.01, 'rescale_grad': 0.5, 'clip_gradient': 0.6})
    c('ftrl', 'ftrl', {'wd': 0.01})
    c('ftrl_all', 'ftrl', {'learning_rate': 0.3, 'lamda1': 0.2, 'beta': 2, 'clip_gradient': 0.5})
    c('adamax', 'adamax', {'wd': 0.01, 'clip_gradient': 0.6})
    c('nadam', 'nadam', {'wd': 0.01, 'clip_gradient': 0.6})
    c('test', 'test', {'rescale_grad': 0.5})
    c('groupadagrad', 'groupadagrad', {'learning_rate': 0.1, 'clip_gradient': 0.5}, shapes=((3, 4), (2, 5)))
    c('mp_wrapper_adam', 'adam', {'learning_rate': 0.01, 'multi_precision': True}, drive='update', **mp16)
    # Updater state pickles: with the optimizer (counters continue) and without (a fresh optimizer)
    c('roundtrip_opt', 'adam', {'learning_rate': 0.01}, roundtrip='opt')
    c('roundtrip_states', 'adam', {'learning_rate': 0.01}, roundtrip='states')
    c('roundtrip_sgd_list', 'sgd', {'learning_rate': 0.1, 'momentum': 0.9}, drive='list', roundtrip='opt')
    return C


OPT_CASES = _opts()

FACTS = [
    ('registry', 'sorted(opt.Optimizer.opt_registry)'),
    ('create_case', "type(opt.create('AdaM', learning_rate=0.1)).__name__"),
    ('classes', '[issubclass(opt.LARS, opt.SGD), issubclass(opt.ccSGD, opt.SGD), '
                'opt.register is opt.Optimizer.register, opt.create is opt.Optimizer.create_optimizer, '
                'type(opt.get_updater(opt.SGD())).__name__]'),
    ('unknown', "opt.create('nonexistent_optimizer')"),
    ('set_lr_with_sched', 'opt.SGD(lr_scheduler=StepSched()).set_learning_rate(0.5)'),
    ('set_lr_scale', 'opt.SGD().set_lr_scale({})'),
    ('base_update', 'opt.Optimizer().update(0, None, None, None)'),
    ('default_lr', '[opt.SGD().learning_rate, opt.Adam().lr, opt.Ftrl().lr, opt.Signum().lr, opt.LAMB().lr, '
                   'opt.Adamax().lr, opt.RMSProp().lr, opt.Nadam().lr]'),
    ('set_lr', 'o = opt.SGD(); o.set_learning_rate(0.3); r = [o.lr, o.learning_rate]'),
    ('sched_base_lr', 's = StepSched(0.2); o = opt.SGD(lr_scheduler=s); r = [s.base_lr, o.lr]'),
    ('sched_overwritten', 's = StepSched(0.2); o = opt.SGD(lr_scheduler=s, learning_rate=0.4); '
                          'o.num_update = 3; r = [s.base_lr, o.learning_rate]'),
    ('adam_sched_overwritten', 's = StepSched(0.2); o = opt.Adam(lr_scheduler=s); r = [s.base_lr, o.lr]'),
    ('wd_mult_names', "o = opt.SGD(wd=0.1, param_idx2name={0: 'fc_weight', 1: 'fc_bias', 2: 'bn_gamma', "
                      "3: 'bn_beta', 4: 'x'}); r = [sorted(o.wd_mult.items()), o._get_wds([0, 1, 2, 3, 4, 5])]"),
    ('lars_wd_mult', "o = opt.LARS(wd=0.1, param_idx2name={0: 'fc_weight', 1: 'fc_bias', 2: 'bn_gamma'}); "
                     "r = sorted(o.wd_mult.items())"),
    ('mults', "o = opt.SGD(learning_rate=0.5, wd=0.1, param_idx2name={0: 'a_weight', 1: 'b'}); "
              "o.set_lr_mult({'a_weight': 3.0, 1: 2.0}); o.set_wd_mult({'b': 0.5}); "
              "r = [o._get_lrs([0, 1, 2]), o._get_wds([0, 1, 2]), sorted(o.lr_mult.items(), key=str)]"),
    ('param_dict_wins', "o = opt.SGD(learning_rate=0.5, wd=0.1, param_dict={0: P(2.0, 3.0)}); "
                        "o.set_lr_mult({0: 10.0}); r = [o._get_lr(0), o._get_wd(0)]"),
    ('update_count', 'o = opt.SGD(begin_num_update=2); o._update_count(0); o._update_count([0, 1]); '
                     'r = [o.num_update, sorted(o._index_update_count.items())]'),
    ('contexts', 'o = opt.SGD(); o._update_count(0); o._set_current_context(1); o._update_count(0); '
                 'o._set_current_context(0); r = [o.num_update, sorted(o._all_index_update_counts)]'),
    ('aggregate_num', '[opt.SGD().aggregate_num, opt.LARS().aggregate_num, opt.LAMB().aggregate_num, '
                      'opt.Adam().aggregate_num, opt.Updater(opt.Adam()).aggregate_updates]'),
    ('sgd_dict', 'sorted(opt.SGD().__dict__)'),
    ('getstate', 'sorted(opt.Adam(param_dict={0: P()}).__getstate__())'),
    ('pickled_param_dict', 'pickle.loads(pickle.dumps(opt.SGD(param_dict={0: P()}))).param_dict'),
    ('states', '[layout(opt.create(n, **kw).create_state_multi_precision(0, w)) for n, kw in STATE_KINDS]'),
    ('states_fp16', '[layout(opt.create(n, multi_precision=True, **kw).create_state_multi_precision(0, w16)) '
                    'for n, kw in STATE_KINDS]'),
    ('dcasgd_momentum', 'o = opt.DCASGD(momentum=0.9); s = o.create_state(0, w); o.update(0, w, w, s)'),
    ('groupadagrad_wd', 'o = opt.contrib.GroupAdaGrad(wd=0.1); s = o.create_state(0, w); o.update(0, w, w, s)'),
    ('groupadagrad_1d', 'opt.contrib.GroupAdaGrad().create_state(0, nd.zeros((3,)))'),
    ('adadelta_grad_inplace', 'o = opt.AdaDelta(rescale_grad=2.0); g = w.copy(); o.update(0, w.copy(), g, '
                              'o.create_state(0, w)); r = g.asnumpy().tolist()'),
    ('updater_bytes_index', "u = opt.get_updater(opt.Test()); u(b'x', w.copy(), w.copy()); r = sorted(u.states)"),
]
STATE_KINDS = [('sgd', {}), ('sgd', {'momentum': 0.9}), ('nag', {'momentum': 0.9}), ('lars', {'momentum': 0.9}),
               ('lbsgd', {'momentum': 0.9}), ('lamb', {}), ('signum', {}), ('ftml', {}), ('dcasgd', {}),
               ('sgld', {}), ('adam', {}), ('adagrad', {}), ('rmsprop', {}), ('rmsprop', {'centered': True}),
               ('adadelta', {}), ('ftrl', {}), ('adamax', {}), ('nadam', {}), ('test', {})]


# ---------------------------------------------------------------- runners (MXNet or mxjax)
def _is_mxnet(mx):
    return mx.__name__ == 'mxnet'


def make_arrays(mx, case):
    """The arrays the case's code names, fresh, in their dtypes."""
    names = sorted(set(re.findall(r'\ba\.(\w+)', case['code'])))
    return types.SimpleNamespace(**{k: mx.nd.array(INPUTS[k], dtype=_dtype_of(k, case['dtype'])) for k in names})


def _np(x):
    if isinstance(x, (list, tuple)):
        return [_np(v) for v in x]
    return x.asnumpy()


def run_op(mx, case, a=None):
    """{'ret': last result, 'a/<name>': each named array afterwards} or {'raised': error type name}."""
    a = a or make_arrays(mx, case)
    ns = {'nd': mx.nd, 'a': a, 'rsp': (lambda x: x.tostype('row_sparse')) if _is_mxnet(mx) else (lambda x: x)}
    try:
        for _ in range(1 if case['name'].startswith('err_') else REPEAT):
            ret = eval(case['code'], ns)
        out = {'ret': _np(ret)}
    except Exception as e:  # noqa: BLE001 (an error is the fact recorded)
        return {'raised': type(e).__name__, 'message': str(e)}
    out.update(('a/' + k, v.asnumpy()) for k, v in vars(a).items())
    return out


def _grads(case):
    rs = np.random.RandomState(11)
    return [[rs.randn(*s) * 1.5 for s in case['shapes']] for _ in range(STEPS)]


def _weights(case):
    rs = np.random.RandomState(5)
    return [rs.randn(*s) for s in case['shapes']]


def _flat_state(st):
    if st is None:
        return []
    if isinstance(st, (list, tuple)):
        return [x for s in st for x in _flat_state(s)]
    return [st.asnumpy()]


def _make_opt(optmod, case):
    kw = dict(case['kw'])
    if case.get('sched'):
        kw['lr_scheduler'] = StepSched()
    if case.get('param_dict'):
        kw['param_dict'] = {int(k): P(*v) for k, v in case['param_dict'].items()}
    if 'param_idx2name' in kw:
        kw['param_idx2name'] = {int(k): v for k, v in kw['param_idx2name'].items()}
    o = optmod.create(case['opt'], **kw)
    if case.get('lr_mult'):
        o.set_lr_mult(_keys(case['lr_mult']))
    if case.get('wd_mult'):
        o.set_wd_mult(_keys(case['wd_mult']))
    return o


def _keys(d):
    """JSON turns int keys into strings: give index keys back their int."""
    return {int(k) if str(k).isdigit() else k: v for k, v in d.items()}


def run_opt(mx, optmod, case):
    """Every weight and state after each step, and num_update / learning_rate per step."""
    o = _make_opt(optmod, case)
    dt = case['dtype']
    ws = [mx.nd.array(w, dtype=dt) for w in _weights(case)]
    updater = optmod.get_updater(o)
    states = {}
    res = {}
    for step, gs in enumerate(_grads(case)):
        if case.get('roundtrip') and step == 2:
            blob = updater.get_states(dump_optimizer=case['roundtrip'] == 'opt')
            updater = optmod.get_updater(_make_opt(optmod, case))
            updater.set_states(blob)
            o = updater.optimizer
        if case.get('set_lr'):
            o.set_learning_rate(case['set_lr'][step])
        gs = [mx.nd.array(g, dtype=dt) for g in gs]
        idx = list(range(len(ws)))
        if case['drive'] == 'list':
            updater(idx, gs, ws)
        elif case['drive'] == 'each':
            for i in idx:
                updater(i, gs[i], ws[i])
        else:
            for i in idx:
                if i not in states:
                    states[i] = o.create_state_multi_precision(i, ws[i])
                o.update_multi_precision(i, ws[i], gs[i], states[i])
        st = states if case['drive'] == 'update' else updater.states
        for i, w in enumerate(ws):
            res['step%d/w%d' % (step, i)] = w.asnumpy()
            for j, s in enumerate(_flat_state(st[i])):
                res['step%d/s%d_%d' % (step, i, j)] = s
        res['step%d/num_update' % step] = np.array(o.num_update)
        res['step%d/learning_rate' % step] = np.array(o.learning_rate, dtype=np.float64)
    return res


def _layout(st):
    """A state's structure: None, or [dtype, shape] per array, nested as the state is."""
    if st is None:
        return None
    if isinstance(st, (list, tuple)):
        return [type(st).__name__] + [_layout(s) for s in st]
    return [str(np.dtype(st.dtype)), list(st.shape)]


def run_fact(mx, optmod, code):
    """The value of `code` (an expression, or statements setting r), or {'raised': type name}."""
    ns = {'opt': optmod, 'nd': mx.nd, 'StepSched': StepSched, 'P': P, 'pickle': pickle, 'layout': _layout,
          'STATE_KINDS': STATE_KINDS, 'w': mx.nd.array(INPUTS['w']), 'w16': mx.nd.array(INPUTS['w'], dtype='float16')}
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        try:
            if '; ' in code or code.startswith(('o =', 's =', 'u =')):
                exec(code, ns)
                return ns.get('r')
            return eval(code, ns)
        except Exception as e:  # noqa: BLE001 (an error is the fact recorded)
            return {'raised': type(e).__name__}


def _jsonable(v):
    return json.loads(json.dumps(v, default=lambda x: x.tolist() if hasattr(x, 'tolist') else str(x)))


def main():
    import mxnet as mx
    out = {'input/' + k: v for k, v in INPUTS.items()}
    meta = {'ops': {}, 'opts': [], 'facts': {}}
    for case in OP_CASES:
        res = run_op(mx, case)
        if 'raised' in res:
            meta['ops'][case['name']] = {'raised': res['raised']}
            continue
        meta['ops'][case['name']] = {'list': isinstance(res['ret'], list)}
        rets = res.pop('ret')
        for i, r in enumerate(rets if isinstance(rets, list) else [rets]):
            out['op/%s/ret%d' % (case['name'], i)] = r
        out.update(('op/%s/%s' % (case['name'], k), v) for k, v in res.items())
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        for case in OPT_CASES:
            out.update(('opt/%s/%s' % (case['name'], k), v) for k, v in run_opt(mx, mx.optimizer, case).items())
            meta['opts'].append(case['name'])
    for name, code in FACTS:
        meta['facts'][name] = _jsonable(run_fact(mx, mx.optimizer, code))
    out['meta'] = np.array(json.dumps(meta, sort_keys=True))
    np.savez_compressed(GOLDEN, **out)
    print('wrote %s: %d op cases, %d optimizer cases, %d facts' % (GOLDEN, len(OP_CASES), len(OPT_CASES),
                                                                   len(FACTS)))


if __name__ == '__main__':
    main()
