"""mx.gluon.data.vision: the vision datasets and transforms."""
from . import datasets, transforms
from .datasets import *  # noqa: F403
