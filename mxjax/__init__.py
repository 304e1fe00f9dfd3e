"""mxjax: Apache MXNet 1.x's nd / autograd / init APIs on JAX. `import mxjax as mx`."""
import os as _os

import jax as _jax

# MXNet has float64 and int64 arrays; JAX needs x64 on to hold them. MXJAX_X64=0 leaves JAX's
# setting alone (docs/ndarray.md: float64/int64 arrays then hold float32/int32).
if _os.environ.get('MXJAX_X64', '1') not in ('0', 'false', 'False'):
    _jax.config.update('jax_enable_x64', True)


def _enable_compilation_cache():
    """Persistent XLA cache on by default, so a fresh process does not recompile every op.

    Left alone when the user chose a cache already (JAX_COMPILATION_CACHE_DIR, or
    jax_compilation_cache_dir set before importing mxjax) or opted out with
    MXJAX_NO_COMPILATION_CACHE=1. Always bounded: least-recently-used entries are evicted past
    MXJAX_CACHE_MAX_BYTES (default 1 GiB; JAX does the eviction, with `filelock`).
    """
    if (_os.environ.get('MXJAX_NO_COMPILATION_CACHE', '') not in ('', '0')
            or _os.environ.get('JAX_COMPILATION_CACHE_DIR') or _jax.config.jax_compilation_cache_dir):
        return
    # xla-lru: entries written by mxjax <= 0.1 without a bound lack the access-time files JAX's
    # eviction reads, so the bounded cache starts in a directory of its own.
    path = _os.environ.get('MXJAX_CACHE_DIR') or _os.path.join(
        _os.environ.get('XDG_CACHE_HOME') or _os.path.join(_os.path.expanduser('~'), '.cache'), 'mxjax', 'xla-lru')
    try:
        _os.makedirs(path, exist_ok=True)
    except OSError:
        return
    _jax.config.update('jax_compilation_cache_max_size', int(_os.environ.get('MXJAX_CACHE_MAX_BYTES', 1 << 30)))
    _jax.config.update('jax_persistent_cache_min_compile_time_secs', 0.0)
    _jax.config.update('jax_persistent_cache_min_entry_size_bytes', 0)
    _jax.config.update('jax_compilation_cache_dir', path)


_enable_compilation_cache()

from . import base, context  # noqa: E402
from .base import MXNetError  # noqa: E402
from .context import Context, cpu, cpu_pinned, current_context, gpu, num_gpus, tpu  # noqa: E402
from . import random  # noqa: E402
from . import random as rnd  # noqa: E402  (MXNet's alias)
from . import autograd  # noqa: E402
from . import ndarray  # noqa: E402
from . import ndarray as nd  # noqa: E402
from . import initializer  # noqa: E402
from . import initializer as init  # noqa: E402
from . import test_utils  # noqa: E402
from . import engine  # noqa: E402
from . import lr_scheduler  # noqa: E402
from . import metric  # noqa: E402
from . import recordio  # noqa: E402
from . import optimizer  # noqa: E402
from . import gluon  # noqa: E402

__version__ = '0.1.0'
