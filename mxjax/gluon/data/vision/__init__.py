"""mx.gluon.data.vision: the vision datasets (transforms are not in mxjax yet)."""
from . import datasets
from .datasets import *  # noqa: F403
