"""nd.image: MXNet's image operators, unprefixed (image.resize is the op _image_resize)."""
from . import ops as _ops  # noqa: F401  (registers the _image_* ops)
from .registry import FRONTENDS as _FRONTENDS

__all__ = sorted(k[len('_image_'):] for k in _FRONTENDS if k.startswith('_image_'))
globals().update({k: _FRONTENDS['_image_' + k] for k in __all__})
