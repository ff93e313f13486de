"""The normalizing flow: a Gaussian twisted by invertible maps keeps all its mass.

A standard 2D Gaussian z is pushed through a chain of affine coupling layers, each of
which shifts and rescales one coordinate by amounts that depend on the other. The
reader sets the strength of the twist. The figure shows the base density with a square
grid, the transformed density with the same grid carried along by the flow (the clay
being twisted), and the integral of the transformed density, measured live from the
change-of-variables formula

    p_x(x) = p_z(f^-1(x)) |det J_{f^-1}(x)|

as a Riemann sum over the plotted grid: a measurement, never a constant.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from essay_site.figures.api import Frame, Raster, Shapes, Slider, State, canvas
from widgets._colours import viridis

Array = NDArray[np.float64]

# --- The model: invertible maps and their densities (numpy only) -------------------------


class Coupling(NamedTuple):
    """One affine coupling layer: ``b -> b * exp(s(a)) + t(a)``, with ``a`` left as is.

    ``s(a) = scale * tanh(a * scale_freq + scale_phase)`` and
    ``t(a) = shift * sin(a * shift_freq + shift_phase)``, both times the strength.
    """

    axis: int  # the coordinate that is changed; the other one conditions it
    scale: float
    scale_freq: float
    scale_phase: float
    shift: float
    shift_freq: float
    shift_phase: float


#: A fixed chain: alternate coordinates so that each one is twisted by the other.
CHAIN = (
    Coupling(1, 0.35, 1.2, 0.3, 1.5, 1.1, 0.0),
    Coupling(0, 0.25, 0.9, -0.5, 1.2, 1.3, 1.0),
    Coupling(1, -0.25, 1.1, 0.8, 0.9, 1.7, 2.0),
    Coupling(0, 0.20, 1.3, 0.1, 0.8, 0.9, -1.2),
)

#: The plotted square [-EXTENT, EXTENT]^2, sampled at GRID x GRID points.
EXTENT = 7.0
GRID = 200


def _scale_shift(layer: Coupling, a: Array, strength: float) -> tuple[Array, Array]:
    """Log-scale s(a) and shift t(a) of one layer."""
    s = strength * layer.scale * np.tanh(a * layer.scale_freq + layer.scale_phase)
    t = strength * layer.shift * np.sin(a * layer.shift_freq + layer.shift_phase)
    return s, t


def forward(z: Array, strength: float) -> tuple[Array, Array]:
    """Push points through the flow: ``x = f(z)`` and ``log |det J_f(z)|``.

    Args:
        z: Points, shape (..., 2).
        strength: 0 is the identity; 1 is the full twist.

    """
    x = np.array(z, dtype=np.float64, copy=True)
    log_det = np.zeros(x.shape[:-1])
    for layer in CHAIN:
        a = x[..., 1 - layer.axis]
        s, t = _scale_shift(layer, a, strength)
        x[..., layer.axis] = x[..., layer.axis] * np.exp(s) + t
        log_det += s
    return x, log_det


def inverse(x: Array, strength: float) -> tuple[Array, Array]:
    """Pull points back: ``z = f^-1(x)`` and ``log |det J_{f^-1}(x)|``."""
    z = np.array(x, dtype=np.float64, copy=True)
    log_det = np.zeros(z.shape[:-1])
    for layer in reversed(CHAIN):
        a = z[..., 1 - layer.axis]
        s, t = _scale_shift(layer, a, strength)
        z[..., layer.axis] = (z[..., layer.axis] - t) * np.exp(-s)
        log_det -= s
    return z, log_det


def base_density(z: Array) -> Array:
    """The standard 2D Gaussian p_z."""
    result: Array = np.exp(-0.5 * np.sum(z**2, axis=-1)) / (2 * np.pi)
    return result


def density(x: Array, strength: float) -> Array:
    """The flow's density by change of variables: p_z(f^-1(x)) |det J_{f^-1}(x)|."""
    z, log_det = inverse(x, strength)
    return base_density(z) * np.exp(log_det)


def grid(points: int = GRID, extent: float = EXTENT) -> tuple[Array, float]:
    """Cell centres of the plotted square, shape (points, points, 2), and the cell area."""
    step = 2 * extent / points
    axis = -extent + step * (np.arange(points) + 0.5)
    xs, ys = np.meshgrid(axis, axis[::-1])  # rows run top to bottom, as pixels do
    return np.stack([xs, ys], axis=-1), step * step


def total_mass(strength: float) -> float:
    """The Riemann sum of p_x over the plotted grid: what the readout shows."""
    cells, area = grid()
    return float(np.sum(density(cells, strength)) * area)


# --- The figure: a slider and two pictures ------------------------------------------------

CONTROLS = (Slider("strength", "Twist strength", min=0, max=1, step=0.01, value=0.5),)

PIXELS = GRID


def _heat(values: Array) -> NDArray[np.uint8]:
    """RGBA pixels for a density, brightest at its own maximum."""
    rgb = viridis(np.sqrt(values / values.max()))
    alpha = np.full((*values.shape, 1), 255.0)
    return np.ascontiguousarray(np.concatenate([rgb, alpha], axis=-1), dtype=np.uint8)


def _to_pixels(points: Array) -> NDArray[np.float32]:
    """Map plane coordinates in [-EXTENT, EXTENT]^2 to canvas pixels."""
    scale = PIXELS / (2 * EXTENT)
    pixels = np.empty_like(points)
    pixels[..., 0] = (points[..., 0] + EXTENT) * scale
    pixels[..., 1] = (EXTENT - points[..., 1]) * scale
    return np.ascontiguousarray(pixels, dtype=np.float32)


def _grid_lines(strength: float) -> Array:
    """Lines of a square grid in z-space (|z| <= 3), carried through the flow."""
    ticks = np.linspace(-3, 3, 13)
    along = np.linspace(-3, 3, 61)
    rows = np.stack(np.broadcast_arrays(along[None, :], ticks[:, None]), axis=-1)
    columns = rows[..., ::-1]
    lines = np.concatenate([rows, columns])
    return forward(lines, strength)[0]


def render(state: State) -> Frame:
    """Draw the base and the twisted densities with their grids, and measure the mass."""
    strength = float(state["strength"])
    cells, area = grid()
    base = base_density(cells)
    twisted = density(cells, strength)
    mass = float(np.sum(twisted) * area)
    straight = _to_pixels(_grid_lines(0.0))
    carried = _to_pixels(_grid_lines(strength))
    line = "rgba(255,255,255,0.55)"
    layers = (
        Raster("base", PIXELS, PIXELS, _heat(base)),
        Shapes("base", straight, straight.shape[1], stroke=line, width=0.8, closed=False),
        Raster("flow", PIXELS, PIXELS, _heat(twisted)),
        Shapes("flow", carried, carried.shape[1], stroke=line, width=0.8, closed=False),
    )
    markup = (
        '<div class="gm-flow">'
        '<div class="gm-flow__panel"><p>Base: z ~ N(0, I)</p>'
        f"{canvas('base', PIXELS, PIXELS, 'A round Gaussian blob with a square grid')}</div>"
        f'<div class="gm-flow__panel"><p>After the flow: x = f(z), strength {strength:.2f}</p>'
        f"{canvas('flow', PIXELS, PIXELS, 'The Gaussian twisted, the grid bent with it')}</div>"
        "</div>"
        f'<p class="gm-readout">By construction: ∫p = <strong data-role="mass">{mass:.3f}'
        "</strong></p>"
        '<p class="gm-note">Measured live: p<sub>x</sub>(x) = p<sub>z</sub>(f⁻¹(x)) '
        f"|det J<sub>f⁻¹</sub>(x)| summed over the {GRID} × {GRID} cells of the square "
        f"[−{EXTENT:g}, {EXTENT:g}]² plotted on the right, times the cell area.</p>"
    )
    alt = (
        f"A standard Gaussian, and the same Gaussian twisted by a flow of strength "
        f"{strength:.2f}; the density of the twisted shape sums to {mass:.3f} over the plot."
    )
    return Frame(html=markup, alt=alt, layers=layers)
