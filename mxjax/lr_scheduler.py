"""mx.lr_scheduler: learning rate as a function of the update count, as in MXNet.

A scheduler is called with num_update (the most updates any weight has had) and returns the
learning rate. Factor and MultiFactor schedules are stateful: they lower `base_lr` in place as
num_update passes each step, and never raise it again (call them in increasing order).
"""
import logging
from math import cos, pi


class LRScheduler:
    """Base class: holds base_lr and the warmup (the first `warmup_steps` updates go from
    warmup_begin_lr to base_lr linearly, or stay at warmup_begin_lr in 'constant' mode)."""

    def __init__(self, base_lr=0.01, warmup_steps=0, warmup_begin_lr=0, warmup_mode='linear'):
        self.base_lr = base_lr
        if not isinstance(warmup_steps, int):
            raise AssertionError('warmup_steps must be an int, got %r' % (warmup_steps,))
        self.warmup_steps = warmup_steps
        self.warmup_final_lr = base_lr
        self.warmup_begin_lr = warmup_begin_lr
        if warmup_begin_lr > base_lr:
            raise ValueError('Base lr has to be higher than warmup_begin_lr (base_lr=%r, warmup_begin_lr=%r)'
                             % (base_lr, warmup_begin_lr))
        if warmup_steps < 0:
            raise ValueError('Warmup steps has to be positive or 0, got warmup_steps=%r' % (warmup_steps,))
        if warmup_mode not in ('linear', 'constant'):
            raise ValueError("warmup_mode=%r is not supported; valid: 'linear', 'constant'" % (warmup_mode,))
        self.warmup_mode = warmup_mode

    def get_warmup_lr(self, num_update):
        """The learning rate at update num_update < warmup_steps."""
        if not num_update < self.warmup_steps:
            raise AssertionError('num_update=%r is past warmup_steps=%r' % (num_update, self.warmup_steps))
        if self.warmup_mode == 'linear':
            return self.warmup_begin_lr + (self.warmup_final_lr - self.warmup_begin_lr) * \
                float(num_update) / float(self.warmup_steps)
        if self.warmup_mode == 'constant':
            return self.warmup_begin_lr
        raise ValueError("warmup_mode=%r is not supported; valid: 'linear', 'constant'" % (self.warmup_mode,))

    def __call__(self, num_update):
        raise NotImplementedError('must override this')


class FactorScheduler(LRScheduler):
    """Multiply the learning rate by `factor` every `step` updates (after warmup), not going
    below stop_factor_lr: base_lr * factor ** floor((num_update - 1) / step) when called in order."""

    def __init__(self, step, factor=1, stop_factor_lr=1e-8, base_lr=0.01,
                 warmup_steps=0, warmup_begin_lr=0, warmup_mode='linear'):
        super().__init__(base_lr, warmup_steps, warmup_begin_lr, warmup_mode)
        if step < 1:
            raise ValueError('Schedule step must be greater or equal than 1 round, got step=%r' % (step,))
        if factor > 1.0:
            raise ValueError('Factor must be no more than 1 to make lr reduce, got factor=%r' % (factor,))
        self.step = step
        self.factor = factor
        self.stop_factor_lr = stop_factor_lr
        self.count = 0

    def __call__(self, num_update):
        if num_update < self.warmup_steps:
            return self.get_warmup_lr(num_update)
        # a loop, so that a jump in num_update (resumed training) applies every step passed
        while num_update > self.count + self.step:
            self.count += self.step
            self.base_lr = max(self.base_lr * self.factor, self.stop_factor_lr)
            logging.info('Update[%d]: Change learning rate to %0.5e', num_update, self.base_lr)
        return self.base_lr


class MultiFactorScheduler(LRScheduler):
    """Multiply the learning rate by `factor` as num_update passes each of the increasing `step`s."""

    def __init__(self, step, factor=1, base_lr=0.01, warmup_steps=0, warmup_begin_lr=0, warmup_mode='linear'):
        super().__init__(base_lr, warmup_steps, warmup_begin_lr, warmup_mode)
        if not (isinstance(step, list) and len(step) >= 1):
            raise AssertionError('step must be a non-empty list, got %r' % (step,))
        for i, s in enumerate(step):
            if i and s <= step[i - 1]:
                raise ValueError('Schedule step must be an increasing integer list, got step=%r' % (step,))
            if s < 1:
                raise ValueError('Schedule step must be greater or equal than 1 round, got step=%r' % (step,))
        if factor > 1.0:
            raise ValueError('Factor must be no more than 1 to make lr reduce, got factor=%r' % (factor,))
        self.step = step
        self.cur_step_ind = 0
        self.factor = factor
        self.count = 0

    def __call__(self, num_update):
        if num_update < self.warmup_steps:
            return self.get_warmup_lr(num_update)
        while self.cur_step_ind < len(self.step) and num_update > self.step[self.cur_step_ind]:
            self.count = self.step[self.cur_step_ind]
            self.cur_step_ind += 1
            self.base_lr *= self.factor
            logging.info('Update[%d]: Change learning rate to %0.5e', num_update, self.base_lr)
        return self.base_lr


class PolyScheduler(LRScheduler):
    """final_lr + (base_lr - final_lr) * (1 - t / (max_update - warmup_steps)) ** pwr, with t the
    updates after warmup; past max_update the last rate computed is kept."""

    def __init__(self, max_update, base_lr=0.01, pwr=2, final_lr=0,
                 warmup_steps=0, warmup_begin_lr=0, warmup_mode='linear'):
        super().__init__(base_lr, warmup_steps, warmup_begin_lr, warmup_mode)
        if not isinstance(max_update, int):
            raise AssertionError('max_update must be an int, got %r' % (max_update,))
        if max_update < 1:
            raise ValueError('maximum number of updates must be strictly positive, got max_update=%r' % (max_update,))
        self.power = pwr
        self.base_lr_orig = self.base_lr
        self.max_update = max_update
        self.final_lr = final_lr
        self.max_steps = max_update - self.warmup_steps

    def __call__(self, num_update):
        if num_update < self.warmup_steps:
            return self.get_warmup_lr(num_update)
        if num_update <= self.max_update:
            done = float(num_update - self.warmup_steps) / float(self.max_steps)
            self.base_lr = self.final_lr + (self.base_lr_orig - self.final_lr) * pow(1 - done, self.power)
        return self.base_lr


class CosineScheduler(LRScheduler):
    """final_lr + (base_lr - final_lr) * (1 + cos(pi * t / (max_update - warmup_steps))) / 2, with t
    the updates after warmup; past max_update the last rate computed is kept."""

    def __init__(self, max_update, base_lr=0.01, final_lr=0, warmup_steps=0, warmup_begin_lr=0, warmup_mode='linear'):
        super().__init__(base_lr, warmup_steps, warmup_begin_lr, warmup_mode)
        if not isinstance(max_update, int):
            raise AssertionError('max_update must be an int, got %r' % (max_update,))
        if max_update < 1:
            raise ValueError('maximum number of updates must be strictly positive, got max_update=%r' % (max_update,))
        self.base_lr_orig = base_lr
        self.max_update = max_update
        self.final_lr = final_lr
        self.max_steps = max_update - self.warmup_steps

    def __call__(self, num_update):
        if num_update < self.warmup_steps:
            return self.get_warmup_lr(num_update)
        if num_update <= self.max_update:
            self.base_lr = self.final_lr + (self.base_lr_orig - self.final_lr) * \
                (1 + cos(pi * (num_update - self.warmup_steps) / self.max_steps)) / 2
        return self.base_lr
