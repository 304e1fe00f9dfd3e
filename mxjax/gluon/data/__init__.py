"""mx.gluon.data: datasets, samplers and the DataLoader."""
from . import dataloader, dataset, sampler
from .dataset import *  # noqa: F403
from .sampler import *  # noqa: F403
from .dataloader import *  # noqa: F403
from . import vision
