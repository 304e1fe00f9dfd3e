"""The persistent XLA cache that `import mxjax` turns on (docs/compilation_cache.md), checked in
fresh processes: it writes to MXJAX_CACHE_DIR, is bounded, honours the opt-out, and leaves a
cache the user configured before import untouched."""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PROBE = '''
import json, sys
{pre}
import mxjax as mx
import jax
x = mx.nd.ones((3,)) * 2.5 + 1
x.wait_to_read()
c = jax.config
print(json.dumps([c.jax_compilation_cache_dir, c.jax_compilation_cache_max_size,
                  c.jax_persistent_cache_min_compile_time_secs]))
'''


def _run(env, pre=''):
    env = dict(os.environ, **env)
    for k in ('MXJAX_NO_COMPILATION_CACHE', 'JAX_COMPILATION_CACHE_DIR'):
        if k not in env or env[k] is None:
            env.pop(k, None)
    out = subprocess.run([sys.executable, '-c', PROBE.format(pre=pre)], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def _files(path):
    return [f for _, _, fs in os.walk(path) for f in fs if not f.startswith('.')]


def test_cache_on_by_default_bounded_and_written(tmp_path):
    d = str(tmp_path / 'xla')
    got = _run({'MXJAX_CACHE_DIR': d, 'MXJAX_NO_COMPILATION_CACHE': None, 'MXJAX_CACHE_MAX_BYTES': '12345678'})
    assert got == [d, 12345678, 0.0]
    assert _files(d), 'nothing was written to the cache'


def test_default_bound_is_one_gib(tmp_path):
    got = _run({'MXJAX_CACHE_DIR': str(tmp_path), 'MXJAX_NO_COMPILATION_CACHE': '0'})
    assert got[1] == 1 << 30


def test_opt_out_writes_nothing(tmp_path):
    d = str(tmp_path / 'xla')
    got = _run({'MXJAX_CACHE_DIR': d, 'MXJAX_NO_COMPILATION_CACHE': '1'})
    assert got[0] is None and not os.path.exists(d)


def test_users_own_cache_settings_are_left_alone(tmp_path):
    mine = str(tmp_path / 'mine')
    pre = ('import jax; jax.config.update("jax_compilation_cache_dir", %r); '
           'jax.config.update("jax_persistent_cache_min_compile_time_secs", 2.5)' % mine)
    got = _run({'MXJAX_CACHE_DIR': str(tmp_path / 'mx'), 'MXJAX_NO_COMPILATION_CACHE': None}, pre)
    assert got == [mine, -1, 2.5]
    assert not os.path.exists(str(tmp_path / 'mx'))
