"""mx.test_utils against MXNet 1.9.1: the names `import *` gives, and the helpers' results (golden)."""
import json
import types

import numpy as np
import pytest

import mxjax as mx
from golden.gen_test_utils import CASES, GOLDEN, compare, run_case, star_names

with open(GOLDEN) as _f:
    GOLD = json.load(_f)

# Names whose MXNet behaviour needs a piece mxjax does not have yet: each raises MXNetError
# saying so. name -> (the piece, a call that reaches the error)
OPEN = {
    'Symbol': ('mx.sym', lambda tu: tu.Symbol()),
    'np_symbol': ('mx.sym.np', lambda tu: tu.np_symbol()),
    'use_np': ('mx.np', lambda tu: tu.use_np(lambda: None)),
    'simple_forward': ('mx.sym', lambda tu: tu.simple_forward(None, data=np.ones(2))),
    'numeric_grad': ('mx.sym', lambda tu: tu.numeric_grad(None, {'x': np.ones(2)})),
    'check_symbolic_forward': ('mx.sym', lambda tu: tu.check_symbolic_forward(None, [np.ones(2)], [np.ones(2)])),
    'check_symbolic_backward': ('mx.sym', lambda tu: tu.check_symbolic_backward(None, [np.ones(2)], [np.ones(2)],
                                                                                 [np.ones(2)])),
    'check_speed': ('mx.sym', lambda tu: tu.check_speed(object(), {'x': np.ones(2)})),
    'same_symbol_structure': ('mx.sym', lambda tu: tu.same_symbol_structure(object(), object())),
    'check_gluon_hybridize_consistency': ('mx.gluon', lambda tu: tu.check_gluon_hybridize_consistency(None, [])),
    'compare_optimizer': ('mx.optimizer', lambda tu: tu.compare_optimizer(object(), object(), (2,), 'float32')),
    'shuffle_csr_column_indices': ('CSRNDArray', lambda tu: tu.shuffle_csr_column_indices(None)),
    'get_mnist_iterator': ('mx.io.MNISTIter', None),  # tested with files present in test_test_utils_more.py
}


def test_star_import_gives_mxnets_names():
    want = GOLD['names']
    got = star_names('mxjax.test_utils')
    assert sorted(got) == sorted(want), ('missing %s, extra %s' % (sorted(set(want) - set(got)),
                                                                  sorted(set(got) - set(want))))
    for name, kind in want.items():
        if name in ('mx', 'ss', 'requests'):
            continue
        assert got[name] == kind, '%s is %s in mxjax, %s in MXNet' % (name, got[name], kind)


def test_star_import_binds_mxjax_and_numpy():
    ns = {}
    exec('from mxjax.test_utils import *', ns)
    assert ns['mx'] is mx and ns['np'] is np and ns['npt'] is np.testing and ns['rnd'] is np.random
    assert ns['array'] is mx.nd.array and ns['Context'] is mx.Context and ns['current_context'] is mx.current_context
    assert ns['ss'] is None or ns['ss'].__name__ == 'scipy.stats'  # None without SciPy, as in MXNet
    assert ns['requests'] is None or isinstance(ns['requests'], types.ModuleType)


@pytest.mark.parametrize('name', sorted(OPEN))
def test_open_names_raise_naming_the_missing_piece(name):
    piece, call = OPEN[name]
    if call is None:
        return
    with pytest.raises(mx.MXNetError, match='needs .*%s.*which mxjax does not have yet' % piece.replace('.', r'\.')):
        call(mx.test_utils)


@pytest.mark.parametrize('name', list(CASES))
def test_golden(name):
    entry = GOLD['cases'][name]
    got = run_case(name, mx)
    compare(got, entry['result'])
    if entry['phrase'] is not None:
        assert entry['phrase'] in got['message'], (got['message'], entry['phrase'])
