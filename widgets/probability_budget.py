"""The probability budget: three ways to spend exactly one unit of probability.

Side by side, the three families of the essay's summary. Autoregressive: p(x1) takes its
share of the gallon and each conditional splits what it was given, so the leaves'
products add up to 1. Latent variable: a prior over z weights one decoder per z, and the
mixture's area is 1. Normalizing flow: a Gaussian stretched by f, with |det J| making up
for the stretch, still has area 1. The reader changes the shares; every total is
measured from what is drawn.
"""

from __future__ import annotations

import html
from itertools import product

import numpy as np
from numpy.typing import NDArray

from essay_site.figures.api import Frame, Slider, State

Array = NDArray[np.float64]

# --- The model: three budgets (numpy only) ------------------------------------------------

#: p(x2 = 1 | x1 = 0), and p(x3 = 1 | x1, x2): the conditionals the reader does not set.
P_X2_GIVEN_0 = 0.7
P_X3 = {(1, 1): 0.8, (1, 0): 0.3, (0, 1): 0.55, (0, 0): 0.1}


def autoregressive_leaves(p1: float, q: float) -> list[tuple[tuple[int, int, int], float]]:
    """Every outcome (x1, x2, x3) with its probability, a product of three conditionals.

    Args:
        p1: p(x1 = 1).
        q: p(x2 = 1 | x1 = 1).

    """
    leaves = []
    for x1, x2, x3 in product((1, 0), repeat=3):
        first = p1 if x1 else 1 - p1
        p2 = q if x1 else P_X2_GIVEN_0
        second = p2 if x2 else 1 - p2
        third = P_X3[(x1, x2)] if x3 else 1 - P_X3[(x1, x2)]
        leaves.append(((x1, x2, x3), first * second * third))
    return leaves


#: The decoders p(x | z_k): one Gaussian per value of z (mean, standard deviation).
DECODERS = ((-2.2, 0.7), (0.3, 0.5), (2.4, 0.9))
#: Where the 1D densities are drawn and integrated.
X = np.linspace(-6.0, 6.0, 601)


def normal(x: Array, mean: float = 0.0, sd: float = 1.0) -> Array:
    """The Gaussian density."""
    result: Array = np.exp(-0.5 * ((x - mean) / sd) ** 2) / (sd * np.sqrt(2 * np.pi))
    return result


def prior(weights: tuple[float, ...]) -> Array:
    """p(z): the reader's weights, normalized (uniform if they are all zero)."""
    raw = np.asarray(weights, dtype=float)
    total = raw.sum()
    result: Array = raw / total if total > 0 else np.full(len(raw), 1 / len(raw))
    return result


def mixture_parts(weights: tuple[float, ...]) -> Array:
    """p(z_k) p(x | z_k) on the grid X, one row per z."""
    return np.stack(
        [w * normal(X, mean, sd) for w, (mean, sd) in zip(prior(weights), DECODERS, strict=True)]
    )


def area(x: Array, y: Array) -> float:
    """The trapezoid-rule area under a curve."""
    return float(np.sum((y[1:] + y[:-1]) * np.diff(x)) / 2)


#: How sharply f stretches near 0: f(z) = z + k tanh(3 z), so f'(z) = 1 + 3k / cosh(3z)^2.
Z = np.linspace(-6.0, 6.0, 1201)


def flow(k: float) -> tuple[Array, Array, Array]:
    """The stretched Gaussian, drawn along z: x = f(z), p_x(x) = p_z(z) / f'(z), and f'."""
    x = Z + k * np.tanh(3 * Z)
    jacobian = 1 + 3 * k / np.cosh(3 * Z) ** 2
    return x, normal(Z) / jacobian, jacobian


# --- The figure: six sliders, three panels ------------------------------------------------

CONTROLS = (
    Slider("p1", "p(x₁ = 1)", min=0.05, max=0.95, step=0.05, value=0.4),
    Slider("q", "p(x₂ = 1 | x₁ = 1)", min=0.05, max=0.95, step=0.05, value=0.5),
    Slider("w1", "Prior weight of z₁", min=0, max=1, step=0.05, value=0.3),
    Slider("w2", "Prior weight of z₂", min=0, max=1, step=0.05, value=0.5),
    Slider("w3", "Prior weight of z₃", min=0, max=1, step=0.05, value=0.2),
    Slider("k", "Stretch of f", min=0, max=2, step=0.05, value=1),
)

W, H = 300, 210
#: Curves are drawn through every DRAWN-th point of the grid they are measured on.
DRAWN = 4
PLOT_TOP, PLOT_BOTTOM = 30, 170


def _polyline(xs: Array, ys: Array, x_range: tuple[float, float], y_max: float) -> str:
    """SVG points for a curve, x mapped across the panel and y up from its baseline."""
    left, right = x_range
    xs, ys = xs[::DRAWN], ys[::DRAWN]
    px = 10 + (xs - left) / (right - left) * (W - 20)
    py = PLOT_BOTTOM - ys / y_max * (PLOT_BOTTOM - PLOT_TOP)
    return " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(px, py, strict=True))


def _area_path(xs: Array, ys: Array, x_range: tuple[float, float], y_max: float) -> str:
    """A closed SVG path under a curve, down to the baseline."""
    line = _polyline(xs, ys, x_range, y_max)
    first, last = line.split(" ")[0].split(",")[0], line.split(" ")[-1].split(",")[0]
    return f"M{first},{PLOT_BOTTOM} L{line.replace(' ', ' L')} L{last},{PLOT_BOTTOM} Z"


def _panel(title: str, body: str, total: str) -> str:
    return (
        f'<figure class="gm-budget-panel"><svg viewBox="0 0 {W} {H}" role="img" '
        f'aria-label="{html.escape(title)}"><text x="10" y="18" class="gm-b__title">'
        f'{html.escape(title)}</text>{body}<text x="10" y="{H - 8}" class="gm-b__total">'
        f"{total}</text></svg></figure>"
    )


def _autoregressive(p1: float, q: float) -> tuple[str, float]:
    leaves = autoregressive_leaves(p1, q)
    rows = []
    # Three rows: the mass of each prefix (x1), (x1, x2), (x1, x2, x3), left to right.
    for depth in (1, 2, 3):
        masses: dict[tuple[int, ...], float] = {}
        for outcome, mass in leaves:
            masses[outcome[:depth]] = masses.get(outcome[:depth], 0.0) + mass
        left = 10.0
        y = PLOT_TOP + (depth - 1) * 42
        for prefix, mass in masses.items():
            width = mass * (W - 20)
            label = "x=" + "".join(map(str, prefix))
            rows.append(
                f'<rect x="{left:.1f}" y="{y}" width="{width:.1f}" height="34" '
                f'class="gm-b__cell gm-b__cell--{prefix[-1]}"><title>{label}: {mass:.3f}'
                "</title></rect>"
            )
            if width > 34:
                rows.append(
                    f'<text x="{left + 3:.1f}" y="{y + 21}" class="gm-b__label">{mass:.2f}</text>'
                )
            left += width
    total = sum(mass for _, mass in leaves)
    return "".join(rows), total


def _latent(weights: tuple[float, float, float]) -> tuple[str, float]:
    parts = mixture_parts(weights)
    whole = parts.sum(axis=0)
    top = float(whole.max()) * 1.1
    shapes = [
        f'<path d="{_area_path(X, part, (-6, 6), top)}" class="gm-b__part gm-b__part--{i}"/>'
        for i, part in enumerate(parts)
    ]
    shapes.append(f'<polyline points="{_polyline(X, whole, (-6, 6), top)}" class="gm-b__line"/>')
    return "".join(shapes), area(X, whole)


def _flow(k: float) -> tuple[str, float, float]:
    x, px, jacobian = flow(k)
    top = float(max(px.max(), normal(np.zeros(1)).max())) * 1.1
    body = (
        f'<polyline points="{_polyline(Z, normal(Z), (-6, 6), top)}" class="gm-b__base"/>'
        f'<path d="{_area_path(x, px, (-6, 6), top)}" class="gm-b__part gm-b__part--1"/>'
        f'<polyline points="{_polyline(x, px, (-6, 6), top)}" class="gm-b__line"/>'
    )
    return body, area(x, px), float(jacobian.max())


def render(state: State) -> Frame:
    """Draw the three budgets and measure each total from what is drawn."""
    ar_body, ar_total = _autoregressive(float(state["p1"]), float(state["q"]))
    weights = (float(state["w1"]), float(state["w2"]), float(state["w3"]))
    lv_body, lv_total = _latent(weights)
    fl_body, fl_total, stretch = _flow(float(state["k"]))
    p_z = ", ".join(f"{w:.2f}" for w in prior(weights))
    markup = (
        '<div class="gm-budget-live">'
        + _panel(
            f"Autoregressive: p(x₁ = 1) = {float(state['p1']):.2f}",
            ar_body,
            f'Sum of the 8 products = <tspan data-role="ar-total">{ar_total:.3f}</tspan> ✓',
        )
        + _panel(
            f"Latent variable: p(z) = ({p_z})",
            lv_body,
            f'∫ p(x|z)p(z)dz = <tspan data-role="lv-total">{lv_total:.3f}</tspan> ✓',
        )
        + _panel(
            f"Normalizing flow: |det J| up to {stretch:.2f}",
            fl_body,
            f'∫ p(x)dx = <tspan data-role="fl-total">{fl_total:.3f}</tspan>: area conserved ✓',
        )
        + "</div>"
    )
    alt = (
        f"Autoregressive: eight outcomes whose probabilities add to {ar_total:.3f}. "
        f"Latent variable: three weighted decoders, prior {p_z}, total area {lv_total:.3f}. "
        f"Flow: a Gaussian stretched up to {stretch:.2f} times, area {fl_total:.3f}."
    )
    return Frame(html=markup, alt=alt)
