"""nd.linalg: the linear-algebra ops, unprefixed (linalg.gemm is the op _linalg_gemm, also
nd.linalg_gemm)."""
from . import ops as _ops  # noqa: F401  (registers the _linalg_* ops)
from .registry import FRONTENDS as _FRONTENDS

__all__ = sorted(k[len('_linalg_'):] for k in _FRONTENDS if k.startswith('_linalg_'))
globals().update({k: _FRONTENDS['_linalg_' + k] for k in __all__})
