"""Colour maps shared by figures that paint densities (numpy only)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

#: Viridis, sampled at five points: legible on light and dark pages alike.
VIRIDIS = np.array(
    [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]], dtype=float
)


def viridis(share: NDArray[np.float64]) -> NDArray[np.float64]:
    """RGB (0-255, float) for values in [0, 1], interpolated along the colour map."""
    level = share * (len(VIRIDIS) - 1)
    low = np.minimum(level.astype(int), len(VIRIDIS) - 2)
    frac = (level - low)[..., None]
    rgb: NDArray[np.float64] = VIRIDIS[low] * (1 - frac) + VIRIDIS[low + 1] * frac
    return rgb
