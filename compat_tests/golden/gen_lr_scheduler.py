"""Golden learning rates of mx.lr_scheduler from MXNet 1.9.1.

Run with MXNet: ~/mxref/bin/python compat_tests/golden/gen_lr_scheduler.py  (writes lr_scheduler.json)

Each case builds a scheduler and calls it on a sequence of num_update values in order (Factor and
MultiFactor schedules are stateful), recording each rate (or the error type) and the scheduler's
attributes at the end. test_lr_scheduler.py runs the same `run` on mxjax.
"""
import json
import math
import os

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, 'lr_scheduler.json')

# in order, with repeats, jumps forward and back (into warmup), past the end
SEQ = [0, 1, 2, 3, 4, 5, 5, 6, 7, 10, 10, 11, 3, 15, 16, 20, 21, 35, 50, 51, 49, 100, 101, 1000]
JUMP = [100, 0, 3, 101, 50, 7]
NEG = [-1, 0, 1, 6]

W = "base_lr=0.1, warmup_steps=4, warmup_begin_lr=0.02"
CASES = [(ctor, SEQ) for ctor in [
    'FactorScheduler(step=5)',
    'FactorScheduler(step=5, factor=0.5)',
    'FactorScheduler(5, 0.9, 1e-8, 0.3)',
    'FactorScheduler(step=3, factor=0.1, stop_factor_lr=1e-4, base_lr=1.0)',
    'FactorScheduler(step=2.5, factor=0.5)',
    'FactorScheduler(step=5, factor=0.5, %s)' % W,
    "FactorScheduler(step=5, factor=0.5, %s, warmup_mode='constant')" % W,
    'FactorScheduler(step=5, factor=0.5, base_lr=0.1, warmup_steps=4)',
    'MultiFactorScheduler(step=[5, 10, 20])',
    'MultiFactorScheduler(step=[5, 10, 20], factor=0.5)',
    'MultiFactorScheduler([1], 0.1, 2.0)',
    'MultiFactorScheduler(step=[5, 10, 20], factor=0.5, %s)' % W,
    "MultiFactorScheduler(step=[5, 10, 20], factor=0.5, %s, warmup_mode='constant')" % W,
    'PolyScheduler(max_update=50)',
    'PolyScheduler(50, 0.1, 1)',
    'PolyScheduler(max_update=50, base_lr=0.1, pwr=3, final_lr=0.001)',
    'PolyScheduler(max_update=50, pwr=0.5, %s)' % W,
    "PolyScheduler(max_update=50, %s, warmup_mode='constant')" % W,
    'PolyScheduler(max_update=4, base_lr=0.1, warmup_steps=4)',
    'CosineScheduler(max_update=50)',
    'CosineScheduler(50, 0.1, 0.001)',
    'CosineScheduler(max_update=50, final_lr=0.001, %s)' % W,
    "CosineScheduler(max_update=50, %s, warmup_mode='constant')" % W,
    'CosineScheduler(max_update=3)',
    'LRScheduler()',
    'LRScheduler(base_lr=0.1, warmup_steps=4)',
]] + [(ctor, seq) for seq in (JUMP, NEG) for ctor in [
    'FactorScheduler(step=5, factor=0.5)',
    'FactorScheduler(step=5, factor=0.5, %s)' % W,
    'MultiFactorScheduler(step=[5, 10, 20], factor=0.5, %s)' % W,
    'PolyScheduler(max_update=50, base_lr=0.1, pwr=3, final_lr=0.001)',
    'CosineScheduler(max_update=50, final_lr=0.001, %s)' % W,
]] + [(ctor, [0, 1]) for ctor in [
    'FactorScheduler(step=0)',
    'FactorScheduler(step=-2)',
    'FactorScheduler(step=5, factor=1.5)',
    'FactorScheduler(step=5, base_lr=0.01, warmup_begin_lr=0.1)',
    'FactorScheduler(step=5, warmup_steps=-1)',
    'FactorScheduler(step=5, warmup_steps=2.0)',
    "FactorScheduler(step=5, warmup_mode='exp')",
    "FactorScheduler(step=5, warmup_mode='Linear')",
    'MultiFactorScheduler(step=[])',
    'MultiFactorScheduler(step=(5, 10))',
    'MultiFactorScheduler(step=5)',
    'MultiFactorScheduler(step=[5, 3])',
    'MultiFactorScheduler(step=[5, 5])',
    'MultiFactorScheduler(step=[0, 3])',
    'MultiFactorScheduler(step=[5, 10], factor=2)',
    'PolyScheduler(max_update=0)',
    'PolyScheduler(max_update=10.0)',
    'PolyScheduler(max_update=10, warmup_steps=-3)',
    'CosineScheduler(max_update=-1)',
    'CosineScheduler(max_update=10.0)',
    "CosineScheduler(max_update=10, warmup_mode='cosine')",
]]

# direct calls of get_warmup_lr: (constructor, num_update values)
WARMUP = [
    ('LRScheduler(base_lr=0.1, warmup_steps=4, warmup_begin_lr=0.02)', [0, 1, 2, 3, 4, 10]),
    ("LRScheduler(base_lr=0.1, warmup_steps=4, warmup_begin_lr=0.02, warmup_mode='constant')", [0, 3, 4]),
    ('LRScheduler(base_lr=0.1)', [0]),
    ('FactorScheduler(step=5, base_lr=1.0, warmup_steps=3)', [0, 1, 2.5, 3]),
]


def _value(v):
    if isinstance(v, float) and math.isnan(v):
        return 'nan'
    return v


def _attrs(sched):
    return {k: _value(v) for k, v in sorted(vars(sched).items())}


def run(mx, case):
    """Build the scheduler of `case` with mx.lr_scheduler and call it along the case's sequence."""
    ctor, seq = case
    try:
        sched = eval(ctor, vars(mx.lr_scheduler))
    except Exception as e:  # noqa: BLE001  (the error type is the result)
        return {'error': type(e).__name__}
    lrs = []
    for n in seq:
        try:
            lrs.append(_value(sched(n)))
        except Exception as e:  # noqa: BLE001
            lrs.append({'error': type(e).__name__})
    return {'lrs': lrs, 'attrs': _attrs(sched)}


def run_warmup(mx, case):
    ctor, seq = case
    sched = eval(ctor, vars(mx.lr_scheduler))
    out = []
    for n in seq:
        try:
            out.append(sched.get_warmup_lr(n))
        except Exception as e:  # noqa: BLE001
            out.append({'error': type(e).__name__})
    return out


def key(case):
    return '%s @ %s' % (case[0], case[1])


def main():
    import mxnet as mx
    assert mx.__version__ == '1.9.1', mx.__version__
    out = {'cases': {key(c): run(mx, c) for c in CASES},
           'warmup': {key(c): run_warmup(mx, c) for c in WARMUP},
           'names': sorted(n for n in dir(mx.lr_scheduler) if not n.startswith('_'))}
    with open(GOLDEN, 'w') as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write('\n')


if __name__ == '__main__':
    main()
