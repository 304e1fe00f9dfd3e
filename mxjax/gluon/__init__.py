"""mx.gluon (in progress): data."""
from . import data  # noqa: F401
