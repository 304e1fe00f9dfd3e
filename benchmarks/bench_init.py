"""Issue 3 benchmark: initializing parameters through the public API.

Workloads: one 4096x4096 Xavier weight; a ResNet-50-shaped parameter set (161 arrays, 25.6M
values: conv/fc weights Xavier, BN gammas one, betas and the fc bias zero), initialized eagerly
one array at a time. Sides: mxjax (mx.init.Xavier), plain JAX (jax.nn.initializers), and MXNet
1.9.1 when importable here or in ~/mxref (override with MXNET_PYTHON). Each side runs in a fresh
process, so the "cold" figure is the first initialization in a new process (jax/mxjax without
the persistent compilation cache), followed by warm repeats. Peak memory: the growth of the
process's peak RSS over the run, in units of the parameters' own size. Not a test: figures vary
with the machine.

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




def run_side(impl, repeat):
    params = resnet50_params()
    nbytes = 4 * sum(int(__import__('numpy').prod(s)) for _, s in params)
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

    t = time.perf_counter()
    set_once()
    cold = time.perf_counter() - t
    peak_cold = _status('VmHWM') - rss0
    _reset_peak()
    rss1 = _status('VmRSS')
    warm = []
    for _ in range(repeat):
        t = time.perf_counter()
        set_once()
        warm.append(time.perf_counter() - t)
    peak_warm = _status('VmHWM') - rss1
    big_once()
    big_times = []
    for _ in range(repeat):
        t = time.perf_counter()
        big_once()
        big_times.append(time.perf_counter() - t)
    # warm figures: the best of the repeats (the least disturbed by other processes)
    return {'impl': impl, 'import_s': t_import, 'set_cold_s': cold, 'set_warm_s': min(warm),
            'big_warm_s': min(big_times), 'arrays': len(params), 'values': nbytes // 4,
            'cold_peak_x_params': peak_cold / nbytes, 'warm_transient_x_params': peak_warm / nbytes}


def _mxnet_python():
    env = os.environ.get('MXNET_PYTHON')
    if env:
        return env
    try:
        import mxnet  # noqa: F401
        return sys.executable
    except ImportError:
        cand = os.path.expanduser('~/mxref/bin/python')
        return cand if os.path.exists(cand) else None


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
    ap.add_argument('--repeat', type=int, default=7)
    args = ap.parse_args()
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
    mxpy = _mxnet_python()
    rows['mxnet 1.9.1'] = _spawn(mxpy, 'mxnet', args.repeat) if mxpy else None
    print('ResNet-50 parameter set: 161 arrays, 25.6M values; big: one 4096x4096 Xavier weight')
    print('%d CPU cores, load average %.2f' % (os.cpu_count(), os.getloadavg()[0]))
    print('times in s; memory: peak RSS growth over the process before the arrays existed, in units')
    print('of the set\'s 102 MB (cold run), and the extra peak during the warm re-initializations')
    print('%-24s %8s %9s %9s %9s %9s %9s' % ('side', 'import', 'set cold', 'set warm', 'big warm',
                                            'mem cold', 'mem warm'))
    for name, r in rows.items():
        if r is None:
            print('%-24s (not available)' % name)
            continue
        print('%-24s %8.3f %9.3f %9.3f %9.3f %8.2fx %8.2fx' % (
            name, r['import_s'], r['set_cold_s'], r['set_warm_s'], r['big_warm_s'],
            r['cold_peak_x_params'], r['warm_transient_x_params']))
    for me_name, name in (('mxjax', 'jax.nn.initializers'), ('mxjax', 'mxnet 1.9.1'),
                          ('mxjax (XLA disk cache)', 'mxnet 1.9.1')):
        me, other = rows.get(me_name), rows.get(name)
        if me and other:
            print('%s / %s: set cold %.2fx, set warm %.2fx, big warm %.2fx (lower: mxjax faster)'
                  % (me_name, name, me['set_cold_s'] / other['set_cold_s'],
                     me['set_warm_s'] / other['set_warm_s'], me['big_warm_s'] / other['big_warm_s']))


if __name__ == '__main__':
    main()
