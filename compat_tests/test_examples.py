"""The examples run, and the MXNet values they print are MXNet 1.9.1's (golden)."""
import os
import subprocess
import sys

import pytest

import mxjax as mx
from golden.gen_core import TOUR, check_case, golden, load_tour, params

GOLD = golden()


@pytest.mark.parametrize('name', params('examples'))
def test_golden(name):
    check_case(name, mx, GOLD)


def test_tour_quotes_mxnet_golden_values():
    # The strings the tour prints as "MXNet 1.9.1" are exactly what real MXNet produced.
    mxnet_says = {k: v for k, v in GOLD['example_tour']['result']['items'].items()}
    assert load_tour(mx).MXNET_1_9_1 == mxnet_says


def test_tour_runs_and_matches():
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [os.getcwd(), os.environ.get('PYTHONPATH')])))
    res = subprocess.run([sys.executable, TOUR], capture_output=True, text=True, timeout=300, env=env)
    assert res.returncode == 0, res.stdout + res.stderr
    assert '10 of 10 results match MXNet 1.9.1' in res.stdout
    assert '[3.7182817 3.7182817]' in res.stdout


# ---------------------------------------------------------------- Gluon examples: short runs converge
EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'examples')


def _example(name):
    import importlib.util
    spec = importlib.util.spec_from_file_location(name, os.path.join(EXAMPLES, name + '.py'))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_linear_regression_example_recovers_the_weights():
    losses, w, b = _example('gluon_linear_regression').main(epochs=2)
    assert losses[-1] < 1e-3 < losses[0] * 10
    assert abs(w.ravel() - [2, -3.4]).max() < 0.02 and abs(b - 4.2) < 0.02


def test_mlp_example_learns_the_classes():
    history = _example('gluon_mlp').main(epochs=3)
    assert history[-1][0] < 0.2 * history[0][0]   # training loss falls
    assert history[-1][2] > 0.9                   # test accuracy (MXNet 1.9.1: 1.0 after 2 epochs)


def test_lenet_example_trains_hybridized_and_saves():
    history = _example('gluon_lenet').main(epochs=3, num_examples=512)
    assert history[-1][0] < 0.5 * history[0][0] and history[-1][1] > 0.6


def test_lstm_language_model_example_learns_the_corpus():
    ppl = _example('gluon_lstm_lm').main(epochs=3)
    assert ppl[0] > 8 and ppl[-1] < 3   # MXNet 1.9.1: 14.5 -> 2.1 over the same 3 epochs
