"""gluon.Trainer: applies an Optimizer to a set of Parameters after backward.

On one context there is no KVStore (as in MXNet, which skips it for a single device). On
several contexts the gradients are summed across them before the update, which is what
MXNet's 'device'/'local' KVStore gives; each context then applies the same update to its
copy, so the copies stay equal. Distributed KVStores come with mx.kv.
"""
from .. import lazy
from .. import optimizer as opt
from ..base import MXNetError
from .parameter import Parameter, ParameterDict

__all__ = ['Trainer']


class Trainer:
    """Applies `optimizer` (a name with `optimizer_params`, or an Optimizer) to `params`."""

    def __init__(self, params, optimizer, optimizer_params=None, kvstore='device',
                 compression_params=None, update_on_kvstore=None):
        if isinstance(params, (dict, ParameterDict)):
            params = [params[k] for k in sorted(params.keys())]
        if not isinstance(params, (list, tuple)):
            raise ValueError('First argument must be a list or dict of Parameters, got %s.' % type(params))
        self._params = []
        self._param2idx = {}
        for i, p in enumerate(params):
            if not isinstance(p, Parameter):
                raise ValueError('First argument must be a list or dict of Parameters, got list of %s.' % type(p))
            self._param2idx[p.name] = i
            self._params.append(p)
            p._set_trainer(self)
        if kvstore is not None and not isinstance(kvstore, str):
            raise TypeError('kvstore must be KVStore, str or None')
        if isinstance(kvstore, str) and 'dist' in kvstore:
            raise MXNetError("kvstore=%r: distributed KVStores are not available in mxjax yet; use 'device', "
                             "'local' or None" % kvstore)
        self._kvstore_type = kvstore
        self._compression_params = compression_params
        self._update_on_kvstore = update_on_kvstore
        self._contexts = self._check_contexts()
        self._init_optimizer(optimizer, optimizer_params or {})
        self._scale = self._optimizer.rescale_grad

    def _check_contexts(self):
        contexts = None
        for p in self._params:
            ctx = p.list_ctx()
            assert contexts is None or contexts == ctx, (
                'All Parameters must be initialized on the same set of contexts, but Parameter %s is '
                'initialized on %s while previous Parameters are initialized on %s.' % (p.name, ctx, contexts))
            contexts = ctx
        return contexts

    def _init_optimizer(self, optimizer, optimizer_params):
        param_dict = dict(enumerate(self._params))
        if isinstance(optimizer, opt.Optimizer):
            assert not optimizer_params, \
                'optimizer_params must be None if optimizer is an instance of Optimizer instead of str'
            self._optimizer = optimizer
            self._optimizer.param_dict = param_dict
        else:
            self._optimizer = opt.create(optimizer, param_dict=param_dict, **optimizer_params)
        self._updaters = [opt.get_updater(self._optimizer) for _ in self._contexts]

    @property
    def learning_rate(self):
        return self._optimizer.learning_rate

    @property
    def optimizer(self):
        return self._optimizer

    def set_learning_rate(self, lr):
        """Set the optimizer's learning rate (MXNet raises if it has an lr_scheduler)."""
        self._optimizer.set_learning_rate(lr)

    def step(self, batch_size, ignore_stale_grad=False):
        """allreduce_grads() then update(): gradients are scaled by rescale_grad / batch_size."""
        self._optimizer.rescale_grad = self._scale / batch_size
        self._allreduce_grads()
        self._update(ignore_stale_grad)
        lazy.flush()   # the step ends here: dispatch it as one program, read or not (it runs async)

    def allreduce_grads(self):
        """Sum each Parameter's gradients over its contexts (nothing to do on one context)."""
        self._allreduce_grads()

    def _allreduce_grads(self):
        if len(self._contexts) < 2 or self._kvstore_type is None:
            return
        for p in self._params:
            if p.grad_req == 'null':
                continue
            grads = p.list_grad()
            total = grads[0].copy()
            for g in grads[1:]:
                total += g.as_in_context(total.context)
            for g in grads:
                g[:] = total.as_in_context(g.context)

    def update(self, batch_size, ignore_stale_grad=False):
        """Apply the optimizer with gradients scaled by 1 / batch_size (after allreduce_grads)."""
        self._optimizer.rescale_grad = self._scale / batch_size
        self._update(ignore_stale_grad)
        lazy.flush()

    def _update(self, ignore_stale_grad=False):
        updates = [[] for _ in self._updaters]
        for i, p in enumerate(self._params):
            if p.grad_req == 'null':
                continue
            datas = p.list_data()
            if not ignore_stale_grad:
                for d in datas:
                    if not d._fresh_grad:
                        raise UserWarning(
                            'Gradient of Parameter `%s` on context %s has not been updated by backward since '
                            'last `step`. This could mean a bug in your model that made it only use a subset '
                            'of the Parameters (Blocks) for this iteration. If you are intentionally only '
                            'using a subset, call step with ignore_stale_grad=True to suppress this warning '
                            'and skip updating of Parameters with stale gradient' % (p.name, d.context))
            for upd, arr, grad in zip(updates, datas, p.list_grad()):
                if not ignore_stale_grad or arr._fresh_grad:
                    upd.append((i, grad, arr))
                    arr._fresh_grad = False
        for updater, upd in zip(self._updaters, updates):
            if upd:
                i, g, w = zip(*upd)
                updater(list(i), list(g), list(w))

    def save_states(self, fname):
        """Write the optimizer states (and the optimizer) to `fname`, as MXNet's Updater pickles them."""
        with open(fname, 'wb') as f:
            f.write(self._updaters[0].get_states(dump_optimizer=True))

    def load_states(self, fname):
        """Load what save_states wrote; the Parameters' lr_mult/wd_mult come from this Trainer."""
        with open(fname, 'rb') as f:
            states = f.read()
        for u in self._updaters:
            u.set_states(states)
            u.optimizer = self._updaters[0].optimizer
        self._optimizer = self._updaters[0].optimizer
        self._optimizer.param_dict = dict(enumerate(self._params))
