"""Issue 3 benchmark: initializing parameters through the public API.

Workloads: one 4096x4096 Xavier weight; a ResNet-50-shaped parameter set (161 arrays, 25.6M
values: conv/fc weights Xavier, BN gammas one, betas and the fc bias zero), initialized eagerly
one array at a time. Sides: mxjax (mx.init.Xavier), plain JAX (jax.nn.initializers), and MXNet
1.9.1 when importable here or in ~/mxref (override with MXNET_PYTHON), each on its own defaults.
Cold start and memory: each side in a fresh process (the first initialization in a new process,
jax/mxjax without the persistent compilation cache; peak memory as the growth of the process's
peak RSS, in units of the parameters' own size). Warm speed: one warm worker per side, the sides
alternating over the rounds (benchmarks/harness.py), medians with their range. Not a test:
figures vary with the machine.

    python benchmarks/bench_init.py                      # every side, table of ratios
    python benchmarks/bench_init.py --impl mxjax --json  # one side (used internally)
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import harness

HERE = os.path.abspath(__file__)
ROOT = os.path.dirname(os.path.dirname(HERE))


def resnet50_params():
    """(name, shape) of ResNet-50 v1 without conv biases: 53 convs + 53 BNs + fc = 161 arrays."""
    out = [('conv0_weight', (64, 3, 7, 7)), ('bn0_gamma', (64,)), ('bn0_beta', (64,))]
    cin, k = 64, 0

    def conv_bn(cout, cin, ks):
        nonlocal k
        k += 1
        out.extend([('conv%d_weight' % k, (cout, cin, ks, ks)), ('bn%d_gamma' % k, (cout,)),
                    ('bn%d_beta' % k, (cout,))])

    for width, blocks in ((64, 3), (128, 4), (256, 6), (512, 3)):
        for b in range(blocks):
            conv_bn(width, cin, 1)
            conv_bn(width, width, 3)
            conv_bn(width * 4, width, 1)
            if b == 0:
                conv_bn(width * 4, cin, 1)
            cin = width * 4
    out.extend([('fc_weight', (1000, 2048)), ('fc_bias', (1000,))])
    return out


def _status(field):
    """VmRSS / VmHWM of this process in bytes (Linux), or the peak from getrusage elsewhere."""
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith(field + ':'):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _reset_peak():
    try:
        with open('/proc/self/clear_refs', 'w') as f:
            f.write('5')        # resets VmHWM to the current RSS
    except OSError:
        pass




def side_fns(impl):
    """(set_once, big_once, import seconds, RSS before the arrays) for one framework."""
    params = resnet50_params()
    t0 = time.perf_counter()
    if impl in ('mxjax', 'mxnet'):
        mx = __import__(impl)
        t_import = time.perf_counter() - t0
        rss0 = _status('VmRSS')
        arrays = [(mx.init.InitDesc(n), mx.nd.zeros(s)) for n, s in params]
        big = []
        init = mx.init.Xavier()

        def set_once():
            for desc, arr in arrays:
                init(desc, arr)
            mx.nd.waitall()

        def big_once():
            if not big:
                big.append(mx.nd.zeros((4096, 4096)))
            init(mx.init.InitDesc('big_weight'), big[0])
            big[0].wait_to_read()
    else:
        import jax
        import jax.numpy as jnp
        t_import = time.perf_counter() - t0
        rss0 = _status('VmRSS')
        glorot = jax.nn.initializers.glorot_uniform(in_axis=1, out_axis=0)
        zeros, ones = jax.nn.initializers.zeros, jax.nn.initializers.ones
        key = [jax.random.PRNGKey(0)]
        arrays = [None] * len(params)
        big = [None]

        def next_key():
            key[0], sub = jax.random.split(key[0])
            return sub

        def set_once():
            for i, (name, shape) in enumerate(params):
                f = glorot if name.endswith('weight') else ones if name.endswith('gamma') else zeros
                arrays[i] = f(next_key(), shape, jnp.float32)
            jax.block_until_ready(arrays)

        def big_once():
            big[0] = glorot(next_key(), (4096, 4096), jnp.float32)
            big[0].block_until_ready()
    return set_once, big_once, t_import, rss0


def run_side(impl, repeat):
    """Cold start and memory in this fresh process (warm speed: the alternating workers)."""
    params = resnet50_params()
    nbytes = 4 * sum(int(__import__('numpy').prod(s)) for _, s in params)
    set_once, _, t_import, rss0 = side_fns(impl)
    t = time.perf_counter()
    set_once()
    cold = time.perf_counter() - t
    peak_cold = _status('VmHWM') - rss0
    _reset_peak()
    rss1 = _status('VmRSS')
    for _ in range(repeat):
        set_once()
    peak_warm = _status('VmHWM') - rss1
    return {'impl': impl, 'import_s': t_import, 'set_cold_s': cold, 'arrays': len(params), 'values': nbytes // 4,
            'cold_peak_x_params': peak_cold / nbytes, 'warm_transient_x_params': peak_warm / nbytes}


def _spawn(python, impl, repeat, extra_env=None):
    env = dict(os.environ)
    env['PYTHONPATH'] = ROOT + os.pathsep + env.get('PYTHONPATH', '')
    env.update(extra_env or {})
    out = subprocess.run([python, HERE, '--impl', impl, '--json', '--repeat', str(repeat)],
                         capture_output=True, text=True, env=env, timeout=600)
    if out.returncode != 0:
        print('%s side failed:\n%s' % (impl, out.stderr[-2000:]), file=sys.stderr)
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--impl', choices=('mxjax', 'jax', 'mxnet'))
    ap.add_argument('--json', action='store_true')
    ap.add_argument('--worker', choices=('mxjax', 'jax', 'mxnet'))
    ap.add_argument('--repeat', type=int, default=7)
    args = ap.parse_args()
    if args.worker:
        set_once, big_once, _, _ = side_fns(args.worker)
        harness.serve({'set': set_once, 'big': big_once})
        return
    if args.impl:
        print(json.dumps(run_side(args.impl, args.repeat)))
        return
    nocache = {'MXJAX_NO_COMPILATION_CACHE': '1', 'JAX_ENABLE_COMPILATION_CACHE': 'false'}
    rows = {'mxjax': _spawn(sys.executable, 'mxjax', args.repeat, nocache)}
    with tempfile.TemporaryDirectory() as cache:
        # mxjax's default: a persistent XLA cache; the first process fills it, the second reads it
        _spawn(sys.executable, 'mxjax', 1, {'MXJAX_CACHE_DIR': cache})
        rows['mxjax (XLA disk cache)'] = _spawn(sys.executable, 'mxjax', args.repeat, {'MXJAX_CACHE_DIR': cache})
    rows['jax.nn.initializers'] = _spawn(sys.executable, 'jax', args.repeat, nocache)
    mxpy = harness.mxnet_python()
    rows['mxnet 1.9.1'] = _spawn(mxpy, 'mxnet', args.repeat) if mxpy else None
    print('ResNet-50 parameter set: 161 arrays, 25.6M values; big: one 4096x4096 Xavier weight')
    print('machine: %s' % harness.machine())
    print('cold start and memory, each side in a fresh process: import and first initialization in s;')
    print('memory: peak RSS growth over the process before the arrays existed, in units of the set\'s')
    print('102 MB (cold run), and the extra peak during warm re-initializations')
    print('%-24s %8s %9s %9s %9s' % ('side', 'import', 'set cold', 'mem cold', 'mem warm'))
    for name, r in rows.items():
        if r is None:
            print('%-24s (not available)' % name)
            continue
        print('%-24s %8.3f %9.3f %8.2fx %8.2fx' % (name, r['import_s'], r['set_cold_s'],
                                                  r['cold_peak_x_params'], r['warm_transient_x_params']))
    if rows.get('mxnet 1.9.1'):
        for me_name in ('mxjax', 'mxjax (XLA disk cache)'):
            if rows.get(me_name):
                print('%s / mxnet 1.9.1: set cold %.2fx' % (
                    me_name, rows[me_name]['set_cold_s'] / rows['mxnet 1.9.1']['set_cold_s']))

    # warm speed: one warm worker per framework, sides alternating over the rounds
    workers = [harness.Worker('mxjax', [sys.executable, HERE, '--worker', 'mxjax']),
               harness.Worker('jax', [sys.executable, HERE, '--worker', 'jax'])]
    if mxpy:
        workers.append(harness.Worker('mxnet', [mxpy, HERE, '--worker', 'mxnet']))
    labels = tuple(w.label for w in workers)
    res = harness.alternate(workers, [('set', 2, labels), ('big', 3, labels)], args.repeat)
    for w in workers:
        w.close()
    print('warm, %d rounds, sides alternating: median s (min-max); ratios per round' % args.repeat)
    for name, label in (('set', 'ResNet-50 set'), ('big', '4096x4096 Xavier')):
        vals = {side: harness.summary(res.get((side, name), [])) for side in labels}
        print('%-18s %s' % (label, '  '.join('%s %.4f (%.4f-%.4f)' % ((side,) + v) for side, v in vals.items()
                                              if isinstance(v, tuple))))
        for other in ('jax', 'mxnet'):
            if other in labels:
                print('%18s mxjax / %s: %s' % ('', other, harness.ratio(res[('mxjax', name)], res[(other, name)])))


if __name__ == '__main__':
    main()
