"""mx.optimizer.contrib: GroupAdaGrad."""
from ..ndarray import NDArray, clip, contrib, mean, sqrt, square, zeros  # noqa: F401 (MXNet's names here)
from .optimizer import Optimizer

register = Optimizer.register

__all__ = ['GroupAdaGrad']


@register
class GroupAdaGrad(Optimizer):
    """AdaGrad with one history value per row of a 2-D weight (no weight decay):

        history += mean(square(clip(grad * rescale_grad, clip_gradient)), axis=1)
        weight -= lr * grad / sqrt(history + eps)
    """

    def __init__(self, eps=1e-5, **kwargs):
        super().__init__(**kwargs)
        self.float_stable_eps = eps

    def create_state(self, index, weight):
        assert len(weight.shape) == 2
        return zeros((weight.shape[0], 1), weight.context)

    def update(self, index, weight, grad, state):
        assert isinstance(weight, NDArray)
        assert isinstance(grad, NDArray)
        self._update_count(index)
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        assert wd == 0, 'Weight decay is not supported for GroupAdaGrad'
        grad = grad * self.rescale_grad
        if self.clip_gradient is not None:
            grad = clip(grad, -self.clip_gradient, self.clip_gradient)
        state += mean(square(grad), axis=1, keepdims=True)
        weight -= lr * grad / sqrt(state + self.float_stable_eps)
