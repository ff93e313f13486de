"""The density surface: p(x) over a 2D input space, drawn as a landscape to orbit.

A mixture of narrow Gaussian peaks stands in for what a model must learn; a real image
distribution would have thousands of them. The reader chooses how many peaks and how
sharp they are, and orbits the surface by dragging (or with the arrow keys). Beside it,
the volume under the surface, summed over the drawn grid, shows that it is a density.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from essay_site.figures.api import Frame, Shapes, Slider, State, canvas
from widgets._colours import viridis

Array = NDArray[np.float64]

# --- The model: a mixture of Gaussian peaks on a grid (numpy only) -----------------------

MAX_PEAKS = 12
#: The drawn square [-EXTENT, EXTENT]^2 with GRID x GRID vertices.
EXTENT = 3.2
GRID = 45
#: Peak centres stay this far inside the square, so their mass is inside it too.
CENTRE_RANGE = 1.8

_rng = np.random.default_rng(3)
#: Fixed peaks: adding one keeps the others where they were.
CENTRES = _rng.uniform(-CENTRE_RANGE, CENTRE_RANGE, size=(MAX_PEAKS, 2))
WEIGHTS = _rng.uniform(0.5, 1.5, size=MAX_PEAKS)


def peak_width(sharpness: float) -> float:
    """Standard deviation of each peak: sharpness 1 is broad, 4 is narrow."""
    return 0.9 / (1.0 + sharpness)


def density(points: Array, peaks: int, sharpness: float) -> Array:
    """The mixture density at ``points`` (shape (..., 2)): equal-shape Gaussians, weighted."""
    if not 1 <= peaks <= MAX_PEAKS:
        raise ValueError(f"peaks must be between 1 and {MAX_PEAKS}")
    sigma = peak_width(sharpness)
    weights = WEIGHTS[:peaks] / WEIGHTS[:peaks].sum()
    offsets = points[..., None, :] - CENTRES[:peaks]
    bumps = np.exp(-0.5 * np.sum(offsets**2, axis=-1) / sigma**2) / (2 * np.pi * sigma**2)
    result: Array = bumps @ weights
    return result


def grid() -> tuple[Array, float]:
    """Vertices of the drawn grid, shape (GRID, GRID, 2), and the area each one stands for."""
    axis = np.linspace(-EXTENT, EXTENT, GRID)
    xs, ys = np.meshgrid(axis, axis)
    step = axis[1] - axis[0]
    return np.stack([xs, ys], axis=-1), float(step * step)


def volume(peaks: int, sharpness: float) -> float:
    """The volume under the surface: the density summed over the grid, times cell area."""
    points, area = grid()
    return float(np.sum(density(points, peaks, sharpness)) * area)


class Surface(NamedTuple):
    """The landscape for one density: vertex positions, heights and the volume under it."""

    points: Array  # (GRID, GRID, 2)
    heights: Array  # (GRID, GRID), scaled so the highest peak has height HEIGHT
    levels: Array  # (GRID-1, GRID-1) mean density of each quad relative to the peak
    volume: float


HEIGHT = 2.2


@lru_cache(maxsize=32)
def surface(peaks: int, sharpness: float) -> Surface:
    """Everything about the landscape that orbiting does not change (cached)."""
    points, area = grid()
    values = density(points, peaks, sharpness)
    relative = values / values.max()
    quads = (relative[:-1, :-1] + relative[1:, :-1] + relative[1:, 1:] + relative[:-1, 1:]) / 4
    return Surface(points, relative * HEIGHT, quads, float(values.sum() * area))


# --- The figure: controls, projection, painting ------------------------------------------

WIDTH, TALL = 480, 320

CONTROLS = (
    Slider("peaks", "Peaks", min=1, max=MAX_PEAKS, step=1, value=5),
    Slider("sharpness", "Sharpness", min=1, max=3, step=0.1, value=2),
    Slider(
        "azimuth",
        "Orbit",
        min=0,
        max=360,
        step=1,
        value=35,
        unit="°",
        drag="x",
        per_pixel=0.5,
        wrap=True,
    ),
    Slider(
        "elevation", "Tilt", min=10, max=85, step=1, value=35, unit="°", drag="y", per_pixel=0.3
    ),
)

_LIGHT = np.array([-0.4, -0.5, 0.77])


def project(land: Surface, azimuth: float, elevation: float) -> tuple[Array, Array]:
    """Screen coordinates (GRID, GRID, 2) and depth (GRID, GRID) of every vertex."""
    az, el = np.radians(azimuth), np.radians(elevation)
    x, y = land.points[..., 0], land.points[..., 1]
    across = x * np.cos(az) - y * np.sin(az)
    into = x * np.sin(az) + y * np.cos(az)
    up = land.heights * np.cos(el) + into * np.sin(el)
    depth = into * np.cos(el) - land.heights * np.sin(el)
    scale = TALL / (2.2 * EXTENT)
    screen = np.stack([WIDTH / 2 + across * scale, TALL * 0.58 - up * scale], axis=-1)
    return screen, depth


def _quad_corners(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """The four corners of every grid cell, shape (GRID-1, GRID-1, 4, ...)."""
    return np.stack([values[:-1, :-1], values[:-1, 1:], values[1:, 1:], values[1:, :-1]], axis=2)


def shade(land: Surface) -> NDArray[np.float64]:
    """RGB of every quad: colour by height, darkened where the slope faces away from light."""
    world = np.concatenate([land.points, land.heights[..., None]], axis=-1)
    corners = _quad_corners(world)
    normal = np.cross(corners[:, :, 2] - corners[:, :, 0], corners[:, :, 3] - corners[:, :, 1])
    normal /= np.linalg.norm(normal, axis=-1, keepdims=True)
    light = np.clip(np.abs(normal @ _LIGHT), 0, 1)
    rgb = viridis(np.sqrt(land.levels))
    shaded: NDArray[np.float64] = rgb * (0.35 + 0.65 * light)[..., None]
    return shaded


@lru_cache(maxsize=32)
def _colours(peaks: int, sharpness: float) -> NDArray[np.uint8]:
    """RGBA of every quad, flattened (cached: orbiting does not change it)."""
    rgb = shade(surface(peaks, sharpness)).reshape(-1, 3)
    alpha = np.full((rgb.shape[0], 1), 255.0)
    return np.ascontiguousarray(np.concatenate([rgb, alpha], axis=1), dtype=np.uint8)


def render(state: State) -> Frame:
    """Project the landscape for the current angles, far quads first."""
    peaks, sharpness = int(state["peaks"]), round(float(state["sharpness"]), 2)
    land = surface(peaks, sharpness)
    screen, depth = project(land, float(state["azimuth"]), float(state["elevation"]))
    quads = _quad_corners(screen).reshape(-1, 4, 2)
    order = np.argsort(-_quad_corners(depth).mean(axis=-1).reshape(-1), kind="stable")
    points = np.ascontiguousarray(quads[order], dtype=np.float32)
    fills = np.ascontiguousarray(_colours(peaks, sharpness)[order])
    markup = (
        f'<div class="gm-surface">{canvas("surface", WIDTH, TALL, "The density as a landscape")}'
        f'<p class="gm-readout">Volume under the surface: <strong data-role="volume">'
        f"{land.volume:.3f}</strong></p>"
        f'<p class="gm-note">p(x) summed over the {GRID} × {GRID} grid drawn, '
        f"[−{EXTENT:g}, {EXTENT:g}]², times the area of a cell. Drag the picture, or focus it "
        "and use the arrow keys, to orbit.</p></div>"
    )
    alt = (
        f"A landscape with {peaks} peak{'s' if peaks > 1 else ''} of width "
        f"{peak_width(sharpness):.2f}, seen from {state['azimuth']}° around and "
        f"{state['elevation']}° up; the volume under it is {land.volume:.3f}."
    )
    return Frame(html=markup, alt=alt, layers=(Shapes("surface", points, 4, fills, width=0.6),))
