"""mx.gluon: Parameter, Block / HybridBlock, layers (nn, contrib.nn), losses, Trainer, data."""
from .parameter import *  # noqa: F401,F403
from .parameter import tensor_types  # noqa: F401
from .block import *  # noqa: F401,F403
from . import nn  # noqa: F401
from . import rnn  # noqa: F401
from . import contrib  # noqa: F401
from . import data  # noqa: F401
from . import loss  # noqa: F401
from . import utils  # noqa: F401
from . import model_zoo  # noqa: F401
from .trainer import Trainer  # noqa: F401
from . import trainer  # noqa: F401
