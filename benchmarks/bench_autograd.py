"""W1 (op chain, eager / recorded+backward), W2 (MLP training step), W3 (2nd derivative).

mxjax, pure JAX and -- when MXNet 1.9.1 is importable here, via $MXNET_PYTHON or in
~/mxref -- MXNet run the same workloads in one run, each in its own warm worker process on
its own defaults (no thread variables set), the sides alternating over several rounds
(benchmarks/harness.py). Printed: medians over the rounds, and each ratio's median with its
range over the rounds. Not a test: figures vary with the machine.

    python benchmarks/bench_autograd.py [--rounds 7] [--x64-tradeoff]
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

import numpy as np

import harness

HERE = os.path.abspath(__file__)


# ------------------------------------------------------------------ MXNet-API workloads
def w1_chain(mx, x, n=100):
    nd = mx.nd
    for i in range(n):
        k = i % 4
        if k == 0:
            x = nd.sin(x)
        elif k == 1:
            x = x * 0.9
        elif k == 2:
            x = x + 0.1
        else:
            x = nd.tanh(x)
    return x


def mx_workloads(mx):
    nd, ag = mx.nd, mx.autograd
    x = nd.array(np.linspace(-1, 1, 10))

    def w1a():
        w1_chain(mx, x).wait_to_read()

    xg = nd.array(np.linspace(-1, 1, 10))
    xg.attach_grad()

    def w1b():
        with ag.record():
            y = w1_chain(mx, xg)
        y.backward()
        xg.grad.wait_to_read()

    xs = nd.array(np.linspace(-2, 2, 1000))
    xs.attach_grad()

    def w3_square():  # MXNet's nearest equivalent: d2/dx2 sum(square(tanh(x))) with head_grads
        with ag.record():
            y = nd.square(nd.tanh(xs))
            g = ag.grad([y], [xs], head_grads=[nd.ones_like(y)], create_graph=True)[0]
        g.backward()
        xs.grad.wait_to_read()

    def w3_cube():
        with ag.record():
            y = (nd.tanh(xs) ** 3).sum()
            g = ag.grad([y], [xs], create_graph=True)[0]
        g.backward()
        xs.grad.wait_to_read()
    return {'W1a': w1a, 'W1b': w1b, 'W2': mlp(mx), 'W3': w3_cube, 'W3sq': w3_square}


def mlp(mx, batch=64):
    """One training step as a loop runs it: record, backward, SGD, the loss read back."""
    nd, ag = mx.nd, mx.autograd
    rs = np.random.RandomState(0)
    shapes = [(256, 784), (256,), (256, 256), (256,), (10, 256), (10,)]
    params = [nd.array(rs.normal(0, 0.05, s)) for s in shapes]
    for p in params:
        p.attach_grad()
    x = nd.array(rs.rand(batch, 784))
    y = nd.array(rs.randint(0, 10, batch))
    lr = 0.1

    def step():
        W1, b1, W2, b2, W3, b3 = params
        with ag.record():
            h = nd.relu(nd.FullyConnected(x, W1, b1, num_hidden=256))
            h = nd.relu(nd.FullyConnected(h, W2, b2, num_hidden=256))
            out = nd.FullyConnected(h, W3, b3, num_hidden=10)
            loss = -nd.pick(nd.log_softmax(out), y).mean()
        loss.backward()
        for p in params:
            p -= lr * p.grad
        return loss.asscalar()
    return step


# ------------------------------------------------------------------ pure JAX baselines
def jax_workloads():
    import jax
    import jax.numpy as jnp
    x = jnp.asarray(np.linspace(-1, 1, 10), jnp.float32)

    def chain(x):
        for i in range(100):
            k = i % 4
            x = jnp.sin(x) if k == 0 else x * 0.9 if k == 1 else x + 0.1 if k == 2 else jnp.tanh(x)
        return x
    g = jax.grad(lambda x: jnp.sum(chain(x)))

    rs = np.random.RandomState(0)
    shapes = [(256, 784), (256,), (256, 256), (256,), (10, 256), (10,)]
    params = [jnp.asarray(rs.normal(0, 0.05, s), jnp.float32) for s in shapes]
    xb = jnp.asarray(rs.rand(64, 784), jnp.float32)
    yb = jnp.asarray(rs.randint(0, 10, 64))

    def loss(ps):
        W1, b1, W2, b2, W3, b3 = ps
        h = jax.nn.relu(xb @ W1.T + b1)
        h = jax.nn.relu(h @ W2.T + b2)
        out = h @ W3.T + b3
        return -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(out), yb[:, None], 1))

    @jax.jit
    def step(ps):
        lv, gs = jax.value_and_grad(loss)(ps)
        return [p - 0.1 * g for p, g in zip(ps, gs)], lv
    state = {'p': params}

    def w2():
        state['p'], lv = step(state['p'])
        return float(lv)
    xs = jnp.asarray(np.linspace(-2, 2, 1000), jnp.float32)
    d2 = jax.grad(lambda x: jnp.sum(jax.grad(lambda x: jnp.sum(jnp.tanh(x) ** 3))(x)))
    return {'W1a': lambda: chain(x).block_until_ready(), 'W1b': lambda: g(x).block_until_ready(),
            'W2': w2, 'W3': lambda: d2(xs).block_until_ready()}


def cold_start(impl):
    """Seconds to import and to run the first W2 step in this (fresh) process."""
    t0 = time.perf_counter()
    mx = __import__(impl)
    t1 = time.perf_counter()
    mlp(mx)()
    return t1 - t0, time.perf_counter() - t1


# ------------------------------------------------------------------ driver
ROWS = [  # label, workload, iterations per round, target ratio to MXNet
    ('W1a 100 small ops eager, us/op', 'W1a', 40, 0.6),
    ('W1b same, record+backward, us/op', 'W1b', 20, 0.7),
    ('W2 MLP step (loss read), ms', 'W2', 20, 0.8),
    ('W3 d2 sum(tanh(x)**3), ms', 'W3', 10, None),
    ('W3sq d2 sum(square(tanh)), ms', 'W3sq', 10, None),
]
_SCALE = {'W1a': 1e6 / 100, 'W1b': 1e6 / 100, 'W2': 1e3, 'W3': 1e3, 'W3sq': 1e3}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--worker')
    ap.add_argument('--cold')
    ap.add_argument('--rounds', type=int, default=7)
    ap.add_argument('--x64-tradeoff', action='store_true',
                    help='only mxjax on its defaults against mxjax with MXJAX_X64=0')
    a = ap.parse_args()
    if a.worker:
        harness.serve(jax_workloads() if a.worker == 'jax' else mx_workloads(__import__(a.worker)))
        return
    if a.cold:
        print('%r' % (cold_start(a.cold),))
        return
    if a.x64_tradeoff:
        x64_tradeoff(a.rounds)
        return
    mxpy = harness.mxnet_python()
    workers = [harness.Worker('mxjax', [sys.executable, HERE, '--worker', 'mxjax']),
               harness.Worker('jax', [sys.executable, HERE, '--worker', 'jax'])]
    if mxpy:
        workers.append(harness.Worker('mxnet', [mxpy, HERE, '--worker', 'mxnet']))
    plan = [(name, n, ('mxjax', 'mxnet') if name == 'W3sq' else ('mxjax', 'mxnet', 'jax'))
            for _, name, n, _ in ROWS]
    res = harness.alternate(workers, plan, a.rounds)
    for w in workers:
        w.close()

    print('machine: %s; %d rounds, sides alternating; median (min-max)' % (harness.machine(), a.rounds))
    print('%-36s %10s %10s %10s %22s %22s %7s' % ('workload', 'mxjax', 'MXNet', 'pure JAX', 'mxjax/MXNet',
                                                  'mxjax/JAX', 'target'))

    def fmt(vals, scale):
        s = harness.summary(vals or [])
        return '%.3f' % (s[0] * scale) if isinstance(s, tuple) else str(s or '-')[:10]
    for label, name, _, target in ROWS:
        me, mxv, jx = (res.get((side, name)) for side in ('mxjax', 'mxnet', 'jax'))
        print('%-36s %10s %10s %10s %22s %22s %7s' % (
            label, fmt(me, _SCALE[name]), fmt(mxv, _SCALE[name]), fmt(jx, _SCALE[name]),
            harness.ratio(me, mxv or []), harness.ratio(me, jx or []), '<=%.1fx' % target if target else ''))
    print('W3 mxjax (cube) / MXNet nearest equivalent (square):',
          harness.ratio(res.get(('mxjax', 'W3')), res.get(('mxnet', 'W3sq')) or []))

    # cold start: fresh processes, sides alternating. mxjax twice: on its defaults (the
    # persistent XLA cache, warm from the runs above) and with no cache (a first run ever).
    sides = [('mxjax', sys.executable, {}),
             ('mxjax, no XLA cache', sys.executable, {'MXJAX_NO_COMPILATION_CACHE': '1'}),
             ('mxnet', mxpy, {})]
    colds = {}
    for _ in range(3):
        for label, py, env in sides:
            if py:
                out = subprocess.run([py, HERE, '--cold', label.split(',')[0]], capture_output=True,
                                     text=True, env=dict(os.environ, **env))
                if out.returncode == 0:
                    colds.setdefault(label, []).append(eval(out.stdout.strip().splitlines()[-1]))
    for label, vals in colds.items():
        print('cold start %-20s (fresh process, median of %d): import %.2f s, first W2 step %.3f s'
              % (label, len(vals), statistics.median(v[0] for v in vals), statistics.median(v[1] for v in vals)))


def x64_tradeoff(rounds):
    """mxjax with x64 on (its default) against MXJAX_X64=0, alternating warm workers."""
    argv = [sys.executable, HERE, '--worker', 'mxjax']
    ws = [harness.Worker('x64', argv)]
    os.environ['MXJAX_X64'] = '0'
    try:
        ws.append(harness.Worker('x32', argv))
    finally:
        del os.environ['MXJAX_X64']
    plan = [(name, n, ('x64', 'x32')) for _, name, n, _ in ROWS[:3]]
    res = harness.alternate(ws, plan, rounds)
    for w in ws:
        w.close()
    print('machine: %s; %d rounds, sides alternating; median' % (harness.machine(), rounds))
    for label, name, _, _ in ROWS[:3]:
        on, off = res[('x64', name)], res[('x32', name)]
        print('%-36s x64 on %8.3f   MXJAX_X64=0 %8.3f   ratio %s' % (
            label, harness.summary(on)[0] * _SCALE[name], harness.summary(off)[0] * _SCALE[name],
            harness.ratio(off, on)))


if __name__ == '__main__':
    main()
