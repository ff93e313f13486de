"""Adam, the optimiser the figures that learn from data are fitted with (numpy only)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray


class Adam:
    """Adam (Kingma and Ba, 2015) over a fixed list of arrays, each updated in place.

    Args:
        params: The arrays to fit; ``update`` changes them where they are.
        rate: The step size.

    """

    def __init__(self, params: list[NDArray[Any]], rate: float) -> None:
        self.params = params
        self.rate = rate
        self.moments = [(np.zeros_like(p), np.zeros_like(p)) for p in params]
        self.step = 0

    def update(self, grads: list[NDArray[Any]]) -> None:
        """One step down the gradients (one per parameter, in the same order)."""
        self.step += 1
        first, second = 1 - 0.9**self.step, 1 - 0.999**self.step
        for param, grad, (m, v) in zip(self.params, grads, self.moments, strict=True):
            m *= 0.9
            m += 0.1 * grad
            v *= 0.999
            v += 0.001 * grad**2
            param -= self.rate * (m / first) / (np.sqrt(v / second) + 1e-8)
