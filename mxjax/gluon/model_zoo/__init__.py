"""mx.gluon.model_zoo: the vision networks of MXNet 1.9.1 (`vision`) and their local pretrained
parameter files (`model_store`)."""
from . import model_store  # noqa: F401
from . import vision  # noqa: F401
