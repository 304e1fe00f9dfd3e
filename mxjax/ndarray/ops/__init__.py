"""Operator definitions by family; importing this package registers them all."""
from . import elemwise, broadcast, reduce, shape, linalg, nn, tensor, contrib, conv  # noqa: F401
from . import optimizer_ops  # noqa: F401
from . import rnn  # noqa: F401
from . import image  # noqa: F401
