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
