"""gluon.loss, gluon.utils and gluon.Trainer vs MXNet 1.9.1 (golden/gen_gluon_train.py ->
golden/gluon_train.json/.npz): every loss's value and gradient, splitting and clipping, and
parameters after several Trainer steps with each optimizer, lr/wd multipliers, stale gradients,
saved optimizer states and two contexts."""
import json
import os
import sys
import warnings

import numpy as np
import pytest

import mxjax as mx

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'golden'))
import gen_gluon_train as gen  # noqa: E402

GOLD = json.load(open(os.path.join(gen.HERE, 'gluon_train.json')))
ARRAYS = np.load(os.path.join(gen.HERE, 'gluon_train.npz'))


@pytest.mark.parametrize('name', sorted(gen.CASES))
def test_golden(name):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        got = gen.CASES[name](mx)
    facts = {k: v for k, v in got.items() if not isinstance(v, np.ndarray)}
    want_facts = GOLD[name]
    for k, v in want_facts.items():
        if isinstance(v, float):
            np.testing.assert_allclose(facts[k], v, rtol=1e-5, err_msg=k)
        else:
            assert json.loads(json.dumps(facts[k])) == v, k
    assert sorted(facts) == sorted(want_facts)
    want = {k.split('/', 1)[1]: ARRAYS[k] for k in ARRAYS.files if k.split('/', 1)[0] == name}
    arrays = {k: v for k, v in got.items() if isinstance(v, np.ndarray)}
    assert sorted(arrays) == sorted(want)
    for k, v in want.items():
        assert arrays[k].dtype == v.dtype, k
        np.testing.assert_allclose(arrays[k], v, rtol=1e-5, atol=1e-5, err_msg='%s: %s' % (name, k))
