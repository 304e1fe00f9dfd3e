"""Optimizer update ops and mx.optimizer against MXNet 1.9.1 golden values (golden/gen_optimizer.py),
plus SGLD's noise (statistically) and the promise that a new learning rate never recompiles."""
import json
import os
import sys
import warnings

import numpy as np
import pytest

import mxjax as mx
import mxjax.optimizer as opt
from mxjax.ndarray.registry import OPS

nd = mx.nd
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'golden'))
import gen_optimizer as gen  # noqa: E402

GOLD = np.load(gen.GOLDEN)
META = json.loads(str(GOLD['meta']))


def _close(got, ref, what):
    assert got.shape == ref.shape and got.dtype == ref.dtype, (what, got.shape, got.dtype, ref.shape, ref.dtype)
    rtol, atol = {np.dtype(np.float16): (2e-3, 2e-3), np.dtype(np.float32): (1e-5, 1e-7)}.get(ref.dtype, (1e-12, 0))
    np.testing.assert_allclose(got, ref, rtol=rtol, atol=atol, err_msg=what)


def test_inputs_are_the_generators():
    for name, v in gen.INPUTS.items():
        np.testing.assert_array_equal(GOLD['input/' + name], v)


OPS_OK = [c for c in gen.OP_CASES if 'raised' not in META['ops'][c['name']]]


@pytest.mark.parametrize('case', OPS_OK, ids=[c['name'] for c in OPS_OK])
def test_update_op_golden(case):
    res = gen.run_op(mx, case)
    assert 'raised' not in res, res.get('message')
    ret = res.pop('ret')
    for i, r in enumerate(ret if META['ops'][case['name']]['list'] else [ret]):
        _close(r, GOLD['op/%s/ret%d' % (case['name'], i)], 'ret%d' % i)
    for k, v in res.items():
        _close(v, GOLD['op/%s/%s' % (case['name'], k)], k)


ERRORS = [c for c in gen.OP_CASES if 'raised' in META['ops'][c['name']]]
# a word each message must hold: the argument at fault (or what is wrong with it)
ERROR_WORDS = {'err_no_lr': 'lr', 'err_unknown_arg': 'foo', 'err_lr_value': 'lr', 'err_grad_shape': 'grad',
               'err_mom_shape': 'mom', 'err_grad_dtype': 'grad', 'err_int_weight': 'int32',
               'err_missing_input': 'mom', 'err_out_shape': 'out', 'err_ftml_t': ' t ', 'err_ftml_beta1': 'beta1',
               'err_lamb1_wd': 'wd', 'err_lamb2_r1': 'r1', 'err_mp_weight32': 'weight32',
               'err_multi_lrs': 'lrs', 'err_multi_inputs': 'inputs', 'err_preloaded_lrs': 'lrs',
               'err_multi_out': 'out', 'err_lars_dtype': 'wds'}


@pytest.mark.parametrize('case', ERRORS, ids=[c['name'] for c in ERRORS])
def test_update_op_bad_input_raises_like_mxnet_and_changes_nothing(case):
    a = gen.make_arrays(mx, case)
    before = {k: v.asnumpy() for k, v in vars(a).items()}
    res = gen.run_op(mx, case, a)
    assert res.get('raised') == META['ops'][case['name']]['raised'], res
    assert ERROR_WORDS[case['name'].rsplit('_', 1)[0]] in res['message'], res['message']
    for k, v in before.items():
        np.testing.assert_array_equal(getattr(a, k).asnumpy(), v, err_msg=k)


OPT_CASES = gen.OPT_CASES


@pytest.mark.parametrize('case', OPT_CASES, ids=[c['name'] for c in gen.OPT_CASES])
def test_optimizer_golden(case):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        res = gen.run_opt(mx, opt, case)
    prefix = 'opt/%s/' % case['name']
    assert sorted(res) == sorted(k[len(prefix):] for k in GOLD.files if k.startswith(prefix))
    for k, v in res.items():
        _close(v, GOLD[prefix + k], k)


@pytest.mark.parametrize('name,code', gen.FACTS, ids=[f[0] for f in gen.FACTS])
def test_optimizer_facts(name, code):
    got = gen._jsonable(gen.run_fact(mx, opt, code))
    want = META['facts'][name]
    if name == 'adadelta_grad_inplace':   # float32 values
        np.testing.assert_allclose(got, want, rtol=1e-6)
    else:
        assert got == want


def test_update_ops_take_their_numbers_as_traced_operands():
    assert OPS['sgd_update'].dynamic == ('lr', 'wd', 'rescale_grad', 'clip_gradient')
    assert OPS['multi_sgd_mom_update'].dynamic == ('lrs', 'wds', 'momentum', 'rescale_grad', 'clip_gradient')
    assert 't' in OPS['ftml_update'].dynamic and 'beta1' in OPS['adam_update'].dynamic
    assert OPS['lamb_update_phase1'].static_names == ['bias_correction']


def test_sgld_noise_has_variance_lr():
    """SGLD: weight += -lr/2 * (grad + wd * weight) + N(0, lr) noise."""
    o = opt.SGLD(learning_rate=0.04, wd=0.1)
    w0 = np.random.RandomState(0).randn(40000).astype(np.float32)
    g = np.random.RandomState(1).randn(40000).astype(np.float32)
    w = nd.array(w0)
    o.update(0, w, nd.array(g), o.create_state(0, w))
    noise = w.asnumpy() - (w0 - 0.02 * (g + 0.1 * w0))
    assert w.dtype == np.float32 and w.shape == (40000,)
    assert abs(noise.mean()) < 0.005 and abs(noise.std() - 0.2) < 0.005


def _compile_events():
    import jax.monitoring
    events = []
    jax.monitoring.register_event_duration_secs_listener(
        lambda name, secs, **kw: events.append(name) if name.endswith('backend_compile_duration') else None)
    return events


def test_a_new_learning_rate_compiles_nothing():
    events = _compile_events()
    w, g, m = nd.array(np.ones((3, 4))), nd.array(np.full((3, 4), 0.5)), nd.zeros((3, 4))
    weights = [nd.array(np.ones(5)), nd.array(np.ones((2, 3)))]
    grads = [nd.ones(5), nd.ones((2, 3))]
    sgd = opt.get_updater(opt.SGD(momentum=0.9))
    adam = opt.Adam()   # its step count changes the learning rate it passes every step
    adam_state = adam.create_state(0, w)

    def steps(lrs):
        for lr in lrs:
            nd.sgd_mom_update(w, g, m, lr=lr, momentum=0.9, wd=lr / 10, out=w)
            sgd.optimizer.set_learning_rate(lr)
            sgd([0, 1], grads, weights)
            adam.update(0, w, g, adam_state)
            w.asnumpy(), weights[1].asnumpy()

    steps([0.1, 0.2, 0.3])
    events.clear()
    steps([0.05, 0.7, 0.01, 0.33])
    assert events == []


@pytest.mark.parametrize('name,kw', [
    ('sgd', {'momentum': 0.9, 'wd': 0.01}), ('nag', {'momentum': 0.9}), ('signum', {}), ('ftml', {}),
    ('lars', {'momentum': 0.9, 'eta': 0.01}), ('lamb', {}), ('adam', {}), ('adagrad', {}), ('rmsprop', {}),
    ('adadelta', {}), ('ftrl', {}), ('adamax', {}), ('nadam', {}), ('test', {}), ('groupadagrad', {}),
    ('sgd', {'multi_precision': True})], ids=lambda v: str(v))
def test_an_optimizer_step_only_queues_ops(monkeypatch, name, kw):
    """A step reads no value, so it fuses with the backward pass queued before it (lazy.py)."""
    from mxjax import lazy
    if not lazy.ENABLED:
        pytest.skip('MXJAX_LAZY=0')
    dt = 'float16' if kw.get('multi_precision') else 'float32'
    weights = [nd.array(np.ones((3, 4)), dtype=dt), nd.array(np.ones((2, 3)), dtype=dt)]
    updater = opt.get_updater(opt.create(name, **kw))
    for step in range(2):
        grads = [w * 0.5 + step for w in weights]   # queued, as a backward pass leaves them
        flushes = []
        monkeypatch.setattr(lazy, 'flush', lambda *a, _f=lazy.flush: flushes.append(1) or _f(*a))
        updater([0, 1], grads, weights)
        monkeypatch.undo()
        assert flushes == [], 'step %d read a value' % step
        weights[0].asnumpy()
