"""Optimizer, its registry, every optimizer of MXNet 1.9.1, and Updater.

Optimizers call the nd update ops (mxjax/ndarray/ops/optimizer_ops.py) exactly as MXNet's do, or
do MXNet's nd arithmetic where MXNet does it in Python (AdaGrad, AdaDelta, Adamax, Nadam, ...);
either way the ops queue and fuse into the step's program, with learning rates and the other
per-step numbers as operands. (MXNet's `state[:] += x` is written `state += x`: the same write,
but an mxjax full-slice view write would flush the op queue.) mxjax arrays are dense, so MXNet's
row_sparse branches reduce to the dense ones (lazy_update has no effect).
"""
import logging
import math
import os
import pickle
import warnings

import numpy

from .. import random as _random
from ..ndarray import (NDArray, array, cast, clip, concat, maximum, multi_lars, multi_sum_sq, multiply, slice_axis,
                       sqrt, square, zeros)
from ..ndarray import abs as NDabs
from ..ndarray import (adam_update, ftml_update, ftrl_update, lamb_update_phase1, lamb_update_phase2,
                       mp_lamb_update_phase1, mp_lamb_update_phase2, mp_nag_mom_update, mp_sgd_mom_update,
                       mp_sgd_update, multi_mp_sgd_mom_update, multi_mp_sgd_update, multi_sgd_mom_update,
                       multi_sgd_update, nag_mom_update, preloaded_multi_mp_sgd_mom_update,
                       preloaded_multi_mp_sgd_update, preloaded_multi_sgd_mom_update, preloaded_multi_sgd_update,
                       rmsprop_update, rmspropalex_update, sgd_mom_update, sgd_update, signsgd_update, signum_update)
from ..ndarray.contrib import multi_lamb_update, multi_mp_lamb_update

__all__ = [
    'AdaDelta', 'AdaGrad', 'Adam', 'Adamax', 'DCASGD', 'FTML', 'Ftrl', 'LARS', 'LBSGD',
    'NAG', 'NDabs', 'Nadam', 'Optimizer', 'RMSProp', 'SGD', 'SGLD', 'Signum', 'LAMB',
    'Test', 'Updater', 'ccSGD', 'create', 'get_updater', 'register'
]


def _flatten_list(nested):
    return [x for group in nested for x in group]


def _aggregation_size(default):
    return int(os.getenv('MXNET_OPTIMIZER_AGGREGATION_SIZE', str(default)))


def _fp16_warning(name):
    warnings.warn('Accumulating with float16 in optimizer can lead to poor accuracy or slow convergence. '
                  'Consider using multi_precision=True option of the %s optimizer' % name)


class Optimizer:
    """The base class of all optimizers.

    Parameters (as MXNet): rescale_grad, param_idx2name ({index: name}), wd, clip_gradient,
    learning_rate (0.01 when neither it nor lr_scheduler is given), lr_scheduler (any object
    called as scheduler(num_update) -> lr, with a base_lr attribute), sym (an object with
    attr_dict() and list_arguments()), begin_num_update, multi_precision, param_dict
    ({index: Parameter}: its lr_mult / wd_mult win over set_lr_mult / set_wd_mult).
    """
    opt_registry = {}

    def __init__(self, rescale_grad=1., param_idx2name=None, wd=0., clip_gradient=None, learning_rate=None,
                 lr_scheduler=None, sym=None, begin_num_update=0, multi_precision=False, param_dict=None):
        self.rescale_grad = rescale_grad
        self.lr_scheduler = lr_scheduler
        if lr_scheduler is None and learning_rate is None:
            learning_rate = 0.01
        self.lr = learning_rate
        if lr_scheduler is not None and learning_rate is not None and lr_scheduler.base_lr != learning_rate:
            # MXNet prints this (it does not warn) and lets learning_rate win
            print(UserWarning('learning rate from ``lr_scheduler`` has been overwritten by '
                              '``learning_rate`` in optimizer.'))
            lr_scheduler.base_lr = learning_rate
        self.wd = wd
        self.lr_mult = {}
        self.wd_mult = {}
        self.begin_num_update = begin_num_update
        self.num_update = begin_num_update
        self._all_index_update_counts = {0: {}}
        self._index_update_count = self._all_index_update_counts[0]
        self.clip_gradient = clip_gradient
        self.multi_precision = multi_precision
        self.aggregate_num = 0
        if param_idx2name is None:
            param_idx2name = {}
        assert isinstance(param_idx2name, dict), 'param_idx2name should be a dict of param indexes to names.'
        self.idx2name = param_idx2name.copy()
        self.sym_info = (sym.attr_dict(), sym.list_arguments()) if sym is not None else ()
        self.param_dict = param_dict if param_dict else {}
        self.allow_np_array = False
        self.set_lr_mult({})
        self.set_wd_mult({})

    @staticmethod
    def register(klass):
        """Register an optimizer class under its lower-cased name (a later one overrides, with a warning)."""
        assert isinstance(klass, type)
        name = klass.__name__.lower()
        if name in Optimizer.opt_registry:
            old = Optimizer.opt_registry[name]
            warnings.warn('WARNING: New optimizer %s.%s is overriding existing optimizer %s.%s'
                          % (klass.__module__, klass.__name__, old.__module__, old.__name__))
        Optimizer.opt_registry[name] = klass
        return klass

    @staticmethod
    def create_optimizer(name, **kwargs):
        """An instance of the optimizer registered as `name` (case-insensitive)."""
        if name.lower() in Optimizer.opt_registry:
            return Optimizer.opt_registry[name.lower()](**kwargs)
        raise ValueError('Cannot find optimizer %s' % name)

    @property
    def learning_rate(self):
        if self.lr_scheduler is not None:
            return self.lr_scheduler(self.num_update)
        return self.lr

    def create_state(self, index, weight):
        """The auxiliary state for one weight (None when the optimizer keeps none)."""

    def create_state_multi_precision(self, index, weight):
        """create_state, with a float32 master copy first for a float16 weight when multi_precision."""
        if self.multi_precision and weight.dtype == numpy.float16:
            weight_master_copy = weight.astype(numpy.float32)
            return (weight_master_copy,) + (self.create_state(index, weight_master_copy),)
        if weight.dtype == numpy.float16 and not self.multi_precision:
            warnings.warn('Accumulating with float16 in optimizer can lead to poor accuracy or slow '
                          'convergence. Consider using multi_precision=True option of the optimizer')
        return self.create_state(index, weight)

    def update(self, index, weight, grad, state):
        """Update `weight` in place from `grad` and `state`."""
        raise NotImplementedError()

    def update_multi_precision(self, index, weight, grad, state):
        """update(), through the float32 master copy for a float16 weight when multi_precision."""
        if self.multi_precision and weight.dtype == numpy.float16:
            weight_master_copy, original_state = state[0], state[1]
            self.update(index, weight_master_copy, grad.astype(numpy.float32), original_state)
            cast(weight_master_copy, dtype=weight.dtype, out=weight)
        else:
            self.update(index, weight, grad, state)

    def set_learning_rate(self, lr):
        """Set the learning rate (MXNet raises UserWarning when an lr_scheduler is set)."""
        if self.lr_scheduler is not None:
            raise UserWarning('LRScheduler of the optimizer has already been defined. Note that '
                              'set_learning_rate can mutate the value of the learning rate of the optimizer '
                              'only when the LRScheduler of the optimizer is undefined.')
        self.lr = lr

    def set_lr_scale(self, args_lrscale):
        """[DEPRECATED] Use set_lr_mult."""
        raise DeprecationWarning

    def set_lr_mult(self, args_lr_mult):
        """Per-parameter learning-rate multipliers, by name or index; sym's __lr_mult__ first."""
        self.lr_mult = {}
        if self.sym_info:
            attr, arg_names = self.sym_info
            for name in arg_names:
                if name in attr and '__lr_mult__' in attr[name]:
                    self.lr_mult[name] = float(attr[name]['__lr_mult__'])
        self.lr_mult.update(args_lr_mult)

    def set_wd_mult(self, args_wd_mult):
        """Per-parameter weight-decay multipliers. Names from param_idx2name that end neither in
        '_weight' nor '_gamma' get 0; then sym's __wd_mult__, then `args_wd_mult`."""
        self.wd_mult = {}
        for n in self.idx2name.values():
            if not (n.endswith('_weight') or n.endswith('_gamma')):
                self.wd_mult[n] = 0.0
        self._sym_wd_mult(args_wd_mult)

    def _sym_wd_mult(self, args_wd_mult):
        if self.sym_info:
            attr, arg_names = self.sym_info
            for name in arg_names:
                if name in attr and '__wd_mult__' in attr[name]:
                    self.wd_mult[name] = float(attr[name]['__wd_mult__'])
        self.wd_mult.update(args_wd_mult)

    def _set_current_context(self, device_id):
        """Switch the per-index update counts to those of device `device_id`."""
        if device_id not in self._all_index_update_counts:
            self._all_index_update_counts[device_id] = {}
        self._index_update_count = self._all_index_update_counts[device_id]

    def _update_count(self, index):
        """Count one more update of each index; num_update is the largest count."""
        for idx in index if isinstance(index, (list, tuple)) else [index]:
            if idx not in self._index_update_count:
                self._index_update_count[idx] = self.begin_num_update
            self._index_update_count[idx] += 1
            self.num_update = max(self._index_update_count[idx], self.num_update)

    def _base_lr(self):
        return self.lr_scheduler(self.num_update) if self.lr_scheduler is not None else self.lr

    def _scaled(self, base, indices, dict_attr, mults):
        """base * the multiplier of each index: param_dict's, else by index, else by name."""
        out = [base for _ in indices]
        for i, index in enumerate(indices):
            if index in self.param_dict:
                out[i] *= getattr(self.param_dict[index], dict_attr)
            elif index in mults:
                out[i] *= mults[index]
            elif index in self.idx2name:
                out[i] *= mults.get(self.idx2name[index], 1.0)
        return out

    def _get_lrs(self, indices):
        return self._scaled(self._base_lr(), indices, 'lr_mult', self.lr_mult)

    def _get_lr(self, index):
        return self._get_lrs([index])[0]

    def _get_wds(self, indices):
        return self._scaled(self.wd, indices, 'wd_mult', self.wd_mult)

    def _get_wd(self, index):
        return self._get_wds([index])[0]

    def __getstate__(self):
        ret = self.__dict__.copy()
        del ret['param_dict']   # the trainer sets it again
        return ret

    def __setstate__(self, state):
        self.__dict__ = state
        self.param_dict = {}


register = Optimizer.register
create = Optimizer.create_optimizer


def _lists(indices, weights, grads, states):
    if isinstance(indices, (tuple, list)):
        return indices, weights, grads, states
    return [indices], [weights], [grads], [states]


@register
class SGD(Optimizer):
    """SGD with momentum and weight decay; all weights of one call update in one multi_sgd op:

        state = momentum * state - lr * (rescale_grad * clip(grad, clip_gradient) + wd * weight)
        weight += state
    """

    def __init__(self, momentum=0.0, lazy_update=True, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.lazy_update = lazy_update
        self.aggregate_num = _aggregation_size(4)

    def create_state_multi_precision(self, index, weight):
        if self.multi_precision and weight.dtype == numpy.float16:
            weight_master_copy = weight.astype(numpy.float32)
            return (self.create_state(index, weight_master_copy), weight_master_copy)
        if weight.dtype == numpy.float16 and not self.multi_precision:
            _fp16_warning('SGD')
        return self.create_state(index, weight)

    def create_state(self, index, weight):
        if self.momentum != 0.0:
            return zeros(weight.shape, weight.context, dtype=weight.dtype)
        return None

    def _update_impl(self, indices, weights, grads, states, multi_precision=False):
        indices, weights, grads, states = _lists(indices, weights, grads, states)
        self._update_count(indices)
        kwargs = dict(lrs=self._get_lrs(indices), wds=self._get_wds(indices), num_weights=len(weights),
                      out=weights, rescale_grad=self.rescale_grad)
        if self.momentum > 0:
            kwargs['momentum'] = self.momentum
        if self.clip_gradient:
            kwargs['clip_gradient'] = self.clip_gradient
        if not multi_precision:
            if self.momentum > 0:
                multi_sgd_mom_update(*_flatten_list(zip(weights, grads, states)), **kwargs)
            else:
                multi_sgd_update(*_flatten_list(zip(weights, grads)), **kwargs)
        elif self.momentum > 0:
            multi_mp_sgd_mom_update(*_flatten_list(zip(weights, grads, *zip(*states))), **kwargs)
        else:
            multi_mp_sgd_update(*_flatten_list(zip(weights, grads, [s[1] for s in states])), **kwargs)

    def update(self, index, weight, grad, state):
        self._update_impl(index, weight, grad, state, multi_precision=False)

    def update_multi_precision(self, index, weight, grad, state):
        first = weight[0] if isinstance(index, (tuple, list)) else weight
        self._update_impl(index, weight, grad, state,
                          multi_precision=self.multi_precision and first.dtype == numpy.float16)


@register
class Signum(Optimizer):
    """Signum (momentum of the rescaled gradient, step by its sign); signSGD when momentum is 0."""

    def __init__(self, learning_rate=0.01, momentum=0.9, wd_lh=0.0, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.momentum = momentum
        self.wd_lh = wd_lh

    def create_state(self, index, weight):
        if self.momentum != 0.0:
            return zeros(weight.shape, weight.context, dtype=weight.dtype)
        return None

    def update(self, index, weight, grad, state):
        self._update_count(index)
        kwargs = {'rescale_grad': self.rescale_grad}
        if self.momentum > 0:
            kwargs['momentum'] = self.momentum
        if self.clip_gradient:
            kwargs['clip_gradient'] = self.clip_gradient
        if self.wd_lh:
            kwargs['wd_lh'] = self.wd_lh
        lr, wd = self._get_lr(index), self._get_wd(index)
        if state is not None:
            signum_update(weight, grad, state, out=weight, lr=lr, wd=wd, **kwargs)
        else:
            signsgd_update(weight, grad, out=weight, lr=lr, wd=wd, **kwargs)


@register
class FTML(Optimizer):
    """FTML (Follow the Moving Leader); state (d, v, z); see nd.ftml_update."""

    def __init__(self, beta1=0.6, beta2=0.999, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon

    def create_state(self, index, weight):
        return tuple(zeros(weight.shape, weight.context, dtype=weight.dtype) for _ in range(3))

    def update(self, index, weight, grad, state):
        self._update_count(index)
        kwargs = {'beta1': self.beta1, 'beta2': self.beta2, 'epsilon': self.epsilon,
                  'rescale_grad': self.rescale_grad, 't': self._index_update_count[index]}
        if self.clip_gradient:
            kwargs['clip_grad'] = self.clip_gradient
        d, v, z = state
        ftml_update(weight, grad, d, v, z, out=weight, lr=self._get_lr(index), wd=self._get_wd(index), **kwargs)


def _is_lars_exempt(name):
    return name.endswith('gamma') or name.endswith('beta') or name.endswith('bias')


@register
class LARS(Optimizer):
    """SGD whose learning rate is scaled per layer by eta * |w| / (|g| + wd * |w| + eps) (LARS),
    except for names ending in gamma, beta or bias. momentum_correction scales momentum by the
    ratio of this step's learning rate to the last one's."""

    def __init__(self, momentum=0.0, lazy_update=True, eta=0.001, eps=0, momentum_correction=True, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.momentum_correction = momentum_correction
        self.lazy_update = lazy_update
        self.aggregate_num = _aggregation_size(4)
        self.eta = eta
        self.eps = eps
        self.skip = 0
        self.last_lr = None
        self.cur_lr = None

    def _get_lrs(self, indices):
        if self.cur_lr is not None:
            self.last_lr = self.cur_lr
        lr = self._base_lr()
        if self.cur_lr is None:
            self.last_lr = lr
        self.cur_lr = lr
        return self._scaled(lr, indices, 'lr_mult', self.lr_mult)

    def set_wd_mult(self, args_wd_mult):
        """As Optimizer.set_wd_mult, but only names ending in '_weight' keep weight decay."""
        self.wd_mult = {n: 0.0 for n in self.idx2name.values() if not n.endswith('_weight')}
        self._sym_wd_mult(args_wd_mult)

    def _update_impl(self, indices, weights, grads, states, multi_precision=False):
        indices, weights, grads, states = _lists(indices, weights, grads, states)
        self._update_count(indices)
        lrs, wds = self._get_lrs(indices), self._get_wds(indices)
        kwargs = {'rescale_grad': self.rescale_grad}
        if self.momentum > 0:
            kwargs['momentum'] = (self.momentum * (self.cur_lr / self.last_lr)
                                  if self.momentum_correction and self.last_lr != 0 else self.momentum)
        if self.clip_gradient:
            kwargs['clip_gradient'] = self.clip_gradient
        names = [self.idx2name.get(i, str(i)) for i in indices]
        lars_idx = [i for i, n in enumerate(names) if not _is_lars_exempt(n)]
        full_idx = lars_idx + [i for i, n in enumerate(names) if _is_lars_exempt(n)]
        n, nb_lars = len(full_idx), len(lars_idx)
        ctx = weights[0].context
        new_lrs = array([lrs[i] for i in full_idx], ctx=ctx, dtype='float32')
        new_wds = array([wds[i] for i in full_idx], ctx=ctx, dtype='float32')
        new_weights = [weights[i] for i in full_idx]
        new_grads = [grads[i] for i in full_idx]
        new_states = [states[i] for i in full_idx]
        # (slices are ops, not views: writing a view would flush the op queue mid-step)
        if nb_lars > 0:
            w_sum_sq = multi_sum_sq(*new_weights[:nb_lars], num_arrays=nb_lars)
            g_sum_sq = multi_sum_sq(*new_grads[:nb_lars], num_arrays=nb_lars)
            lars = multi_lars(slice_axis(new_lrs, axis=0, begin=0, end=nb_lars), w_sum_sq, g_sum_sq,
                              slice_axis(new_wds, axis=0, begin=0, end=nb_lars), eta=self.eta, eps=self.eps,
                              rescale_grad=self.rescale_grad)
            new_lrs = lars if nb_lars == n else concat(lars, slice_axis(new_lrs, axis=0, begin=nb_lars, end=n), dim=0)
        for s in range(0, n, self.aggregate_num):
            e = min(s + self.aggregate_num, n)
            ws, gs, sts = new_weights[s:e], new_grads[s:e], new_states[s:e]
            tail = [slice_axis(new_lrs, axis=0, begin=s, end=e), slice_axis(new_wds, axis=0, begin=s, end=e)]
            kw = dict(kwargs, out=ws, num_weights=len(ws))
            if not multi_precision:
                if self.momentum > 0:
                    preloaded_multi_sgd_mom_update(*(_flatten_list(zip(ws, gs, sts)) + tail), **kw)
                else:
                    preloaded_multi_sgd_update(*(_flatten_list(zip(ws, gs)) + tail), **kw)
            elif self.momentum > 0:
                preloaded_multi_mp_sgd_mom_update(*(_flatten_list(zip(ws, gs, *zip(*sts))) + tail), **kw)
            else:
                preloaded_multi_mp_sgd_update(*(_flatten_list(zip(ws, gs, [st[1] for st in sts])) + tail), **kw)

    # states and dispatch as SGD's (MXNet's LARS is not an SGD subclass, but repeats these)
    create_state = SGD.create_state
    create_state_multi_precision = SGD.create_state_multi_precision
    update = SGD.update
    update_multi_precision = SGD.update_multi_precision


@register
class LBSGD(Optimizer):
    """Large-batch SGD: gradients are accumulated over batch_scale calls, then one SGD step with
    the learning rate scaled by a warmup schedule ('linear', 'power2', 'sqrt') or by LARS ('lars')."""

    def __init__(self, momentum=0.0, multi_precision=False, warmup_strategy='linear', warmup_epochs=5,
                 batch_scale=1, updates_per_epoch=32, begin_epoch=0, num_epochs=60, **kwargs):
        super().__init__(**kwargs)
        logging.info('Running Large-Batch SGD Algorithm')
        logging.info('(Batch_scale=%f, warmup_epochs=%d, warmup_strategy=%s, updates_per_epoch=%d)',
                     batch_scale, warmup_epochs, warmup_strategy, updates_per_epoch)
        self.momentum = momentum
        self.multi_precision = multi_precision
        self.warmup_strategy = warmup_strategy
        self.warmup_epochs = warmup_epochs
        self.batch_scale = batch_scale
        self.updates_per_epoch = updates_per_epoch
        self.init_updates = begin_epoch * updates_per_epoch
        self.num_epochs = num_epochs
        self.lbmult = 1
        self.cumgrads = {}
        self.adaptive = False
        self.admult = 1

    def create_state(self, index, weight):
        momentum = None
        if self.multi_precision and weight.dtype == numpy.float16:
            weight_master_copy = array(weight, ctx=weight.context, dtype=numpy.float32)
            if self.momentum != 0.0:
                momentum = zeros(weight.shape, weight.context, dtype=numpy.float32)
            return (momentum, weight_master_copy)
        if weight.dtype == numpy.float16 and not self.multi_precision:
            _fp16_warning('SGD')
        if self.momentum != 0.0:
            momentum = zeros(weight.shape, weight.context, dtype=weight.dtype)
        return momentum

    def _get_lbmult(self, nup):
        """The warmup multiplier of the learning rate after `nup` accumulated batches."""
        nwup = self.warmup_epochs * self.updates_per_epoch
        maxmult = float(self.batch_scale)
        if nup >= nwup:
            return maxmult
        if nwup <= 1:
            return 1.0
        if self.warmup_strategy == 'linear':
            return 1.0 + (maxmult - 1) * nup / nwup
        if self.warmup_strategy == 'power2':
            return 1.0 + (maxmult - 1) * (nup * nup) / (nwup * nwup)
        if self.warmup_strategy == 'sqrt':
            return 1.0 + (maxmult - 1) * math.sqrt(float(nup) / nwup)
        return 1.0

    def _get_lars(self, weight, g, wd):
        """The LARS multiplier sqrt(|w|^2 / (|g|^2 + wd |w|^2)), kept within [0.01, 100]."""
        weight2 = self._l2norm(weight)
        grad2 = self._l2norm(g)
        lars = math.sqrt(weight2 / (grad2 + wd * weight2 + 1e-18))
        return min(max(lars, 0.01), 100)

    def _l2norm(self, v):
        return multiply(v, v).asnumpy().sum()

    def _reset_cum_gradient(self, index):
        self.cumgrads[index]['cum_grad'] = 0

    def _get_cum_gradient(self, index):
        return self.cumgrads.get(index, {})

    def _put_cum_gradient(self, index, cgrad):
        self.cumgrads[index] = cgrad

    def _cumulate_gradient(self, grad, index):
        cgrad = self._get_cum_gradient(index)
        if cgrad and cgrad['num_cums'] > 0:
            cum_grad, num_cums = cgrad['cum_grad'] + grad, cgrad['num_cums'] + 1
        else:
            cum_grad, num_cums = grad, self.init_updates + 1
        cgrad = {'cum_grad': cum_grad, 'num_cums': num_cums}
        self._put_cum_gradient(index, cgrad)
        return cgrad

    def update(self, index, weight, grad, state):
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        self._update_count(index)
        cgrad = self._cumulate_gradient(grad, index)
        if cgrad['num_cums'] % self.batch_scale != 0:
            sgd_update(weight, grad, out=weight, lr=0.0, wd=wd)   # (MXNet's no-op step: wd only)
            return
        grad = cgrad['cum_grad'] / self.batch_scale
        if self.warmup_strategy == 'lars':
            lbmult = self._get_lars(weight, grad, wd)
        else:
            lbmult = self._get_lbmult(cgrad['num_cums'])
        lr = lr * lbmult
        kwargs = {'rescale_grad': self.rescale_grad}
        if self.momentum > 0:
            kwargs['momentum'] = self.momentum
        if self.clip_gradient:
            kwargs['clip_gradient'] = self.clip_gradient
        if not isinstance(state, (list, tuple)):
            if state is not None:
                sgd_mom_update(weight, grad, state, out=weight, lr=lr, wd=wd, **kwargs)
            else:
                sgd_update(weight, grad, out=weight, lr=lr, wd=wd, **kwargs)
        elif state[0] is not None:
            mp_sgd_mom_update(weight, grad, state[0], state[1], out=weight, lr=lr, wd=wd, **kwargs)
        else:
            mp_sgd_update(weight, grad, state[1], out=weight, lr=lr, wd=wd, **kwargs)
        self._reset_cum_gradient(index)


@register
class LAMB(Optimizer):
    """LAMB: Adam's step scaled per layer by |w| / |step| (lamb_update_phase1/2); lists of weights
    (from an Updater) update together with contrib.multi_lamb_update."""

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-6, lower_bound=None,
                 upper_bound=None, bias_correction=True, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.lower_bound = lower_bound
        self.upper_bound = upper_bound
        self.bias_correction = bias_correction
        self.aggregate_num = max(1, min(45, _aggregation_size(45)))

    def create_state(self, index, weight):
        return (zeros(weight.shape, weight.context, dtype=weight.dtype),
                zeros(weight.shape, weight.context, dtype=weight.dtype))

    def _bounds(self):
        kwargs = {}
        if self.lower_bound:
            kwargs['lower_bound'] = self.lower_bound
        if self.upper_bound:
            kwargs['upper_bound'] = self.upper_bound
        return kwargs

    def _update_impl(self, index, weight, grad, state, multi_precision=False):
        kwargs = {'beta1': self.beta1, 'beta2': self.beta2, 'epsilon': self.epsilon,
                  'bias_correction': self.bias_correction, 'rescale_grad': self.rescale_grad}
        if self.clip_gradient:
            kwargs['clip_gradient'] = self.clip_gradient
        if self.aggregate_num <= 1 or not isinstance(index, (tuple, list)):
            if isinstance(index, (tuple, list)):
                assert len(index) == self.aggregate_num
                index, weight, grad, state = index[0], weight[0], grad[0], state[0]
            self._update_count(index)
            lr, wd = self._get_lr(index), self._get_wd(index)
            kwargs['t'] = self._index_update_count[index]
            if multi_precision:
                (mean, var), weight32 = state[1], state[0]
                g = mp_lamb_update_phase1(weight, grad, mean, var, weight32, wd=wd, **kwargs)
                mp_lamb_update_phase2(weight, g, weight32.norm(), g.norm(), weight32, lr=lr, out=weight,
                                      **self._bounds())
            else:
                mean, var = state
                g = lamb_update_phase1(weight, grad, mean, var, wd=wd, **kwargs)
                lamb_update_phase2(weight, g, weight.norm(), g.norm(), lr=lr, out=weight, **self._bounds())
            return
        kwargs.update(self._bounds())
        step_count, lrs, wds = [], [], []
        for i in index:
            self._update_count(i)
            step_count.append(self._index_update_count[i])
            lrs.append(self._get_lr(i))
            wds.append(self._get_wd(i))
        for s in range(0, len(weight), self.aggregate_num):
            e = min(s + self.aggregate_num, len(weight))
            kw = dict(kwargs, out=weight[s:e], step_count=step_count[s:e], lrs=lrs[s:e], wds=wds[s:e])
            if not multi_precision:
                mean, var = list(zip(*state[s:e]))
                multi_lamb_update(weight[s:e], grad[s:e], mean, var, **kw)
            else:
                mean, var = list(zip(*[st[1] for st in state[s:e]]))
                multi_mp_lamb_update(weight[s:e], grad[s:e], mean, var, [st[0] for st in state[s:e]], **kw)

    def update(self, index, weight, grad, state):
        self._update_impl(index, weight, grad, state, multi_precision=False)

    def update_multi_precision(self, index, weight, grad, state):
        first = weight[0] if isinstance(index, (tuple, list)) else weight
        self._update_impl(index, weight, grad, state,
                          multi_precision=self.multi_precision and first.dtype == numpy.float16)


@register
class DCASGD(Optimizer):
    """Delay-compensated asynchronous SGD. (As in MXNet 1.9.1, a nonzero momentum fails: the
    update tests the momentum NDArray's truth value.)"""

    def __init__(self, momentum=0.0, lamda=0.04, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.weight_previous = {}
        self.lamda = lamda

    def create_state(self, index, weight):
        if self.momentum == 0.0:
            return (None, weight.copy())
        return (zeros(weight.shape, weight.context, dtype=weight.dtype), weight.copy())

    def update(self, index, weight, grad, state):
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        grad = grad * self.rescale_grad
        if self.clip_gradient is not None:
            grad = clip(grad, -self.clip_gradient, self.clip_gradient)
        mom, previous_weight = state
        if mom:
            mom *= self.momentum
            mom += -lr * (grad + wd * weight + self.lamda * grad * grad * (weight - previous_weight))
        else:
            assert self.momentum == 0.0
            mom = -lr * (grad + wd * weight + self.lamda * grad * grad * (weight - previous_weight))
        weight.copyto(previous_weight)
        weight += mom


@register
class NAG(Optimizer):
    """Nesterov accelerated gradient (nag_mom_update; plain SGD when momentum is 0)."""

    def __init__(self, momentum=0.0, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum

    def create_state_multi_precision(self, index, weight):
        if self.multi_precision and weight.dtype == numpy.float16:
            weight_master_copy = weight.astype(numpy.float32)
            return (self.create_state(index, weight_master_copy), weight_master_copy)
        if weight.dtype == numpy.float16 and not self.multi_precision:
            _fp16_warning('NAG')
        return self.create_state(index, weight)

    def create_state(self, index, weight):
        if self.momentum != 0.0:
            return zeros(weight.shape, weight.context, dtype=weight.dtype)
        return None

    def _update_impl(self, index, weight, grad, state, multi_precision=False):
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        kwargs = {'rescale_grad': self.rescale_grad}
        if self.momentum > 0:
            kwargs['momentum'] = self.momentum
        if self.clip_gradient:
            kwargs['clip_gradient'] = self.clip_gradient
        if not multi_precision:
            if state is not None:
                nag_mom_update(weight, grad, state, out=weight, lr=lr, wd=wd, **kwargs)
            else:
                sgd_update(weight, grad, out=weight, lr=lr, wd=wd, **kwargs)
        elif state[0] is not None:
            mp_nag_mom_update(weight, grad, state[0], state[1], out=weight, lr=lr, wd=wd, **kwargs)
        else:
            mp_sgd_update(weight, grad, state[1], out=weight, lr=lr, wd=wd, **kwargs)

    def update(self, index, weight, grad, state):
        self._update_impl(index, weight, grad, state, multi_precision=False)

    def update_multi_precision(self, index, weight, grad, state):
        use_mp = self.multi_precision and weight.dtype == numpy.float16 and isinstance(state, (tuple, list))
        self._update_impl(index, weight, grad, state, multi_precision=use_mp)


@register
class SGLD(Optimizer):
    """Stochastic gradient Langevin dynamics: half an SGD step plus N(0, lr) noise."""

    def create_state(self, index, weight):
        return None

    def update(self, index, weight, grad, state):
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        grad = grad * self.rescale_grad
        if self.clip_gradient is not None:
            grad = clip(grad, -self.clip_gradient, self.clip_gradient)
        weight += - lr / 2 * (grad + wd * weight)
        weight += _random.normal(0, math.sqrt(lr), shape=weight.shape, dtype=weight.dtype, ctx=weight.context)


@register
class ccSGD(SGD):  # noqa: N801 (MXNet's name)
    """[DEPRECATED] Same as SGD."""


@register
class Adam(Optimizer):
    """Adam; the bias correction goes into the learning rate: lr * sqrt(1 - beta2^t) / (1 - beta1^t)."""

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8, lazy_update=True, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.lazy_update = lazy_update

    def create_state(self, index, weight):
        return (zeros(weight.shape, weight.context, dtype=weight.dtype),
                zeros(weight.shape, weight.context, dtype=weight.dtype))

    def update(self, index, weight, grad, state):
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        t = self._index_update_count[index]
        lr *= math.sqrt(1. - self.beta2 ** t) / (1. - self.beta1 ** t)
        kwargs = {'beta1': self.beta1, 'beta2': self.beta2, 'epsilon': self.epsilon,
                  'rescale_grad': self.rescale_grad}
        if self.clip_gradient:
            kwargs['clip_gradient'] = self.clip_gradient
        mean, var = state
        adam_update(weight, grad, mean, var, out=weight, lazy_update=self.lazy_update, lr=lr, wd=wd, **kwargs)


@register
class AdaGrad(Optimizer):
    """AdaGrad: history += grad^2; weight -= lr * (grad / sqrt(history + eps) + wd * weight)."""

    def __init__(self, eps=1e-7, **kwargs):
        super().__init__(**kwargs)
        self.float_stable_eps = eps

    def create_state(self, index, weight):
        return zeros(weight.shape, weight.context)

    def update(self, index, weight, grad, state):
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        grad = grad * self.rescale_grad
        if self.clip_gradient is not None:
            grad = clip(grad, -self.clip_gradient, self.clip_gradient)
        state += square(grad)
        div = grad / sqrt(state + self.float_stable_eps)
        weight += (div + weight * wd) * -lr


@register
class RMSProp(Optimizer):
    """RMSProp: Tieleman & Hinton's (rmsprop_update), or Graves' when centered (rmspropalex_update)."""

    def __init__(self, learning_rate=0.001, gamma1=0.9, gamma2=0.9, epsilon=1e-8, centered=False,
                 clip_weights=None, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.gamma1 = gamma1
        self.gamma2 = gamma2
        self.centered = centered
        self.epsilon = epsilon
        self.clip_weights = clip_weights

    def create_state(self, index, weight):
        return tuple(zeros(weight.shape, weight.context) for _ in range(3 if self.centered else 1))

    def update(self, index, weight, grad, state):
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        kwargs = {'gamma1': self.gamma1, 'epsilon': self.epsilon, 'rescale_grad': self.rescale_grad}
        if self.centered:
            kwargs['gamma2'] = self.gamma2
        if self.clip_gradient:
            kwargs['clip_gradient'] = self.clip_gradient
        if self.clip_weights:
            kwargs['clip_weights'] = self.clip_weights
        if not self.centered:
            rmsprop_update(weight, grad, state[0], out=weight, lr=lr, wd=wd, **kwargs)
        else:
            n, g, delta = state
            rmspropalex_update(weight, grad, n, g, delta, out=weight, lr=lr, wd=wd, **kwargs)


@register
class AdaDelta(Optimizer):
    """AdaDelta. (As MXNet's, it rescales the caller's grad in place.)"""

    def __init__(self, rho=0.90, epsilon=1e-5, **kwargs):
        super().__init__(**kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def create_state(self, index, weight):
        return (zeros(weight.shape, weight.context), zeros(weight.shape, weight.context))

    def update(self, index, weight, grad, state):
        wd = self._get_wd(index)
        self._update_count(index)
        grad *= self.rescale_grad
        if self.clip_gradient is not None:
            grad = clip(grad, - self.clip_gradient, self.clip_gradient)
        acc_g, acc_delta = state
        acc_g *= self.rho
        acc_g += (1. - self.rho) * grad * grad
        current_delta = sqrt(acc_delta + self.epsilon) / sqrt(acc_g + self.epsilon) * grad
        acc_delta *= self.rho
        acc_delta += (1. - self.rho) * current_delta * current_delta
        weight -= current_delta + wd * weight


@register
class Ftrl(Optimizer):
    """FTRL-proximal (ftrl_update); state (z, n). Its learning_rate defaults to 0.1."""

    def __init__(self, lamda1=0.01, learning_rate=0.1, beta=1, **kwargs):
        super().__init__(**kwargs)
        self.lamda1 = lamda1
        self.beta = beta
        self.lr = learning_rate

    def create_state(self, index, weight):
        return (zeros(weight.shape, weight.context), zeros(weight.shape, weight.context))

    def update(self, index, weight, grad, state):
        self._update_count(index)
        wd, lr = self._get_wd(index), self._get_lr(index)
        kwargs = {'lamda1': self.lamda1, 'beta': self.beta, 'rescale_grad': self.rescale_grad}
        if self.clip_gradient:
            kwargs['clip_gradient'] = self.clip_gradient
        z, n = state
        ftrl_update(weight, grad, z, n, out=weight, lr=lr, wd=wd, **kwargs)


@register
class Adamax(Optimizer):
    """AdaMax: Adam with the infinity norm (u = max(beta2 * u, |grad|))."""

    def __init__(self, learning_rate=0.002, beta1=0.9, beta2=0.999, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2

    def create_state(self, index, weight):
        return (zeros(weight.shape, weight.context, dtype=weight.dtype),
                zeros(weight.shape, weight.context, dtype=weight.dtype))

    def update(self, index, weight, grad, state):
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        t = self._index_update_count[index]
        lr /= (1. - self.beta1 ** t)
        grad = grad * self.rescale_grad + wd * weight
        if self.clip_gradient is not None:
            grad = clip(grad, -self.clip_gradient, self.clip_gradient)
        m_t, u_t = state
        m_t *= self.beta1
        m_t += (1. - self.beta1) * grad
        maximum(self.beta2 * u_t, NDabs(grad), out=u_t)
        weight -= lr * m_t / u_t


@register
class Nadam(Optimizer):
    """Adam with Nesterov momentum. (As MXNet's, the momentum schedule m_schedule is one product
    shared by all weights, advanced once per update call.)"""

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8, schedule_decay=0.004, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.schedule_decay = schedule_decay
        self.m_schedule = 1.

    def create_state(self, index, weight):
        return (zeros(weight.shape, weight.context, dtype=weight.dtype),
                zeros(weight.shape, weight.context, dtype=weight.dtype))

    def update(self, index, weight, grad, state):
        self._update_count(index)
        lr, wd = self._get_lr(index), self._get_wd(index)
        t = self._index_update_count[index]
        grad = grad * self.rescale_grad + wd * weight
        if self.clip_gradient is not None:
            grad = clip(grad, -self.clip_gradient, self.clip_gradient)
        momentum_t = self.beta1 * (1. - 0.5 * (pow(0.96, t * self.schedule_decay)))
        momentum_t_1 = self.beta1 * (1. - 0.5 * (pow(0.96, (t + 1) * self.schedule_decay)))
        self.m_schedule = self.m_schedule * momentum_t
        m_schedule_next = self.m_schedule * momentum_t_1
        m_t, v_t = state
        m_t *= self.beta1
        m_t += (1. - self.beta1) * grad
        v_t *= self.beta2
        v_t += (1. - self.beta2) * grad * grad
        grad_prime = grad / (1. - self.m_schedule)
        m_t_prime = m_t / (1. - m_schedule_next)
        v_t_prime = v_t / (1. - pow(self.beta2, t))
        m_t_bar = (1. - momentum_t) * grad_prime + momentum_t_1 * m_t_prime
        weight -= lr * m_t_bar / (sqrt(v_t_prime) + self.epsilon)


@register
class Test(Optimizer):
    """The test optimizer: weight += rescale_grad * grad; the state copies the weight."""

    def create_state(self, index, weight):
        return zeros(weight.shape, weight.context)

    def update(self, index, weight, grad, state):
        weight += grad * self.rescale_grad
        weight.copyto(state)


class Updater:
    """Apply an optimizer to (index, grad, weight) calls, creating each index's state on first
    use. Lists of indices update together in chunks of optimizer.aggregate_num per dtype."""

    def __init__(self, optimizer):
        self.optimizer = optimizer
        self.states = {}
        self.states_synced = {}
        self.aggregate_updates = optimizer.aggregate_num > 0

    def __call__(self, index, grad, weight):
        if not isinstance(index, (list, tuple)):
            indices, grads, weights = [index], [grad], [weight]
        else:
            indices, grads, weights = list(index), grad, weight
        if weights:
            self.optimizer._set_current_context(weights[0].context.device_id)
        for i, idx in enumerate(indices):
            if isinstance(idx, bytes):
                indices[i] = idx = idx.decode('utf-8')
            if idx not in self.states:
                self.states[idx] = self.optimizer.create_state_multi_precision(idx, weights[i])
                self.states_synced[idx] = True
            elif not self.states_synced[idx]:
                self.states[idx] = self.sync_state_context(self.states[idx], weights[i].context)
                self.states_synced[idx] = True
        if not self.aggregate_updates:
            for i, w, g in zip(indices, weights, grads):
                self.optimizer.update_multi_precision(i, w, g, self.states[i])
            return
        by_dtype = {}
        for i, w, g in zip(indices, weights, grads):
            by_dtype.setdefault(w.dtype, []).append((i, w, g))
        n = self.optimizer.aggregate_num
        for group in by_dtype.values():
            idxs, ws, gs = zip(*group)
            for s in range(0, len(idxs), n):
                self.optimizer.update_multi_precision(idxs[s:s + n], ws[s:s + n], gs[s:s + n],
                                                      [self.states[i] for i in idxs[s:s + n]])

    def sync_state_context(self, state, context):
        """`state` (NDArrays in nested tuples/lists) moved to `context`."""
        if isinstance(state, NDArray):
            return state.as_in_context(context)
        if isinstance(state, (tuple, list)):
            synced = [self.sync_state_context(s, context) for s in state]
            return tuple(synced) if isinstance(state, tuple) else synced
        return state

    def set_states(self, states):
        """Load states pickled by get_states (with the optimizer when it was dumped too)."""
        states = pickle.loads(states)
        if isinstance(states, tuple) and len(states) == 2:
            self.states, self.optimizer = states
        else:
            self.states = states
        self.states_synced = dict.fromkeys(self.states.keys(), False)

    def get_states(self, dump_optimizer=False):
        """The pickled states (and the optimizer itself when dump_optimizer)."""
        return pickle.dumps((self.states, self.optimizer) if dump_optimizer else self.states)


def get_updater(optimizer):
    """An Updater for `optimizer` (what a kvstore calls)."""
    return Updater(optimizer)
