"""mx.optimizer: Optimizer, register / create / get_updater, Updater and every MXNet 1.9.1 optimizer."""
from . import optimizer, contrib  # noqa: F401
from .optimizer import *  # noqa: F401,F403
from .optimizer import __all__ as _all

__all__ = _all + ['contrib']
