"""mx.lr_scheduler against MXNet 1.9.1 (golden/lr_scheduler.json): the rates along each call
sequence, the attributes after it, and the errors of bad arguments."""
import json
import math
import os
import sys

import pytest

import mxjax as mx
import mxjax.lr_scheduler  # noqa: F401  (mx.lr_scheduler)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'golden'))
import gen_lr_scheduler as gen  # noqa: E402

GOLD = json.load(open(gen.GOLDEN))


def assert_close(got, want, where=''):
    if isinstance(want, float) and not isinstance(got, bool):
        assert isinstance(got, (int, float)), (where, got, want)
        assert math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-15), (where, got, want)
    elif isinstance(want, dict):
        assert isinstance(got, dict) and sorted(got) == sorted(want), (where, got, want)
        for k in want:
            assert_close(got[k], want[k], '%s.%s' % (where, k))
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), (where, got, want)
        for i, (g, w) in enumerate(zip(got, want)):
            assert_close(g, w, '%s[%d]' % (where, i))
    else:
        assert got == want and type(got) is type(want), (where, got, want)


@pytest.mark.parametrize('case', gen.CASES, ids=gen.key)
def test_schedule_matches_mxnet(case):
    assert_close(gen.run(mx, case), GOLD['cases'][gen.key(case)])


@pytest.mark.parametrize('case', gen.WARMUP, ids=gen.key)
def test_get_warmup_lr_matches_mxnet(case):
    assert_close(gen.run_warmup(mx, case), GOLD['warmup'][gen.key(case)])


def test_public_names():
    assert sorted(n for n in dir(mx.lr_scheduler) if not n.startswith('_')) == GOLD['names']


def test_errors_name_the_argument():
    sch = mx.lr_scheduler
    with pytest.raises(ValueError, match='step=0'):
        sch.FactorScheduler(step=0)
    with pytest.raises(ValueError, match="warmup_mode='exp'"):
        sch.PolyScheduler(10, warmup_mode='exp')
    with pytest.raises(AssertionError, match='max_update'):
        sch.CosineScheduler(10.0)
