"""mxjax: Apache MXNet 1.x's nd / autograd / init APIs on JAX. `import mxjax as mx`."""
import os as _os
from importlib.util import find_spec as _find_spec

import jax as _jax

# MXNet has float64 and int64 arrays; JAX needs x64 on to hold them.
_jax.config.update('jax_enable_x64', True)


def _enable_compilation_cache():
    """Persistent XLA cache on by default, so a fresh process does not recompile every op."""
    if _os.environ.get('MXJAX_NO_COMPILATION_CACHE') or _os.environ.get('JAX_COMPILATION_CACHE_DIR'):
        return
    path = _os.environ.get('MXJAX_CACHE_DIR') or _os.path.join(
        _os.environ.get('XDG_CACHE_HOME') or _os.path.join(_os.path.expanduser('~'), '.cache'), 'mxjax', 'xla')
    try:
        _os.makedirs(path, exist_ok=True)
        _jax.config.update('jax_compilation_cache_dir', path)
        _jax.config.update('jax_persistent_cache_min_compile_time_secs', 0.0)
        _jax.config.update('jax_persistent_cache_min_entry_size_bytes', 0)
        if _find_spec('filelock') is not None:  # JAX needs it to bound the cache's size
            # Least-recently-used entries are evicted past this size (default 1 GiB).
            _jax.config.update('jax_compilation_cache_max_size',
                               int(_os.environ.get('MXJAX_CACHE_MAX_BYTES', 1 << 30)))
    except (OSError, AttributeError):
        pass


_enable_compilation_cache()

from . import base, context  # noqa: E402
from .base import MXNetError  # noqa: E402
from .context import Context, cpu, cpu_pinned, current_context, gpu, num_gpus, tpu  # noqa: E402
from . import random  # noqa: E402
from . import autograd  # noqa: E402
from . import ndarray  # noqa: E402
from . import ndarray as nd  # noqa: E402
from . import initializer  # noqa: E402
from . import initializer as init  # noqa: E402
from . import test_utils  # noqa: E402

__version__ = '0.1.0'
