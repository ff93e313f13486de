"""The small, generic interface every figure uses: controls in, a frame out.

A figure module declares ``CONTROLS`` (a tuple of the dataclasses below) and a
``render(state) -> Frame`` function. The same code runs at build time under CPython
(to pre-render the default state into the page) and in the reader's browser under
Pyodide (to redraw on every input). Nothing here imports a browser module, and nothing
here is build-only. Beside it, by who uses them: ``markup`` (the controls' and the figure's
markup), ``static`` (the page as built, never shipped to readers) and ``runner`` (what the
worker calls).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

State = dict[str, Any]


@dataclass(frozen=True)
class Slider:
    """A native range input.

    Attributes:
        name: Key of the value in the figure's state.
        label: Accessible name shown next to the slider.
        min: Smallest value.
        max: Largest value.
        step: Step between values; an integer step gives integer values.
        value: Default value, pre-rendered at build time.
        unit: Optional text shown after the current value.
        drag: ``"x"`` or ``"y"`` to also set the value by dragging across the picture
            (and with the arrow keys when the picture has focus).
        per_pixel: How much one pixel of dragging changes the value.
        wrap: Whether dragging past one end comes back at the other (angles).

    """

    name: str
    label: str
    min: float
    max: float
    step: float
    value: float
    unit: str = ""
    drag: str = ""
    per_pixel: float = 1.0
    wrap: bool = False

    def coerce(self, raw: Any) -> float | int:
        """Clamp a raw value from the page to the slider's range and type."""
        number = float(raw)
        number = min(max(number, self.min), self.max)
        if float(self.step).is_integer() and float(self.min).is_integer():
            return round(number)
        return number


@dataclass(frozen=True)
class Choice:
    """A native select element.

    Attributes:
        name: Key of the value in the figure's state.
        label: Accessible name shown next to the menu.
        options: Pairs of (value, text shown to the reader).
        value: Default value.

    """

    name: str
    label: str
    options: tuple[tuple[str, str], ...]
    value: str

    def coerce(self, raw: Any) -> str:
        """Accept only one of the declared option values."""
        text = str(raw)
        allowed = [key for key, _ in self.options]
        if text not in allowed:
            raise ValueError(f"{self.name}: {text!r} is not one of {allowed}")
        return text


@dataclass(frozen=True)
class Toggle:
    """A native checkbox, styled as a chip the reader clicks.

    Attributes:
        name: Key of the boolean in the figure's state.
        label: Accessible name, shown on the chip.
        value: Default value.

    """

    name: str
    label: str
    value: bool = False

    def coerce(self, raw: Any) -> bool:
        """Read a checkbox value from the page."""
        if isinstance(raw, str):
            return raw.lower() in {"true", "on", "1"}
        return bool(raw)


@dataclass(frozen=True)
class Button:
    """A native button that counts its presses (e.g. "draw again").

    Attributes:
        name: Key of the press count in the figure's state.
        label: The button's text and accessible name.

    """

    name: str
    label: str
    value: int = 0

    def coerce(self, raw: Any) -> int:
        """Read the press count from the page."""
        return max(int(raw), 0)


Control = Slider | Choice | Toggle | Button


#: Anything with the buffer protocol (a numpy array, bytes). Checked at run time by
#: ``memoryview``, so this module needs no numpy and stays light for figures without it.
Buffer = Any


def _bytes(data: Buffer, fmt: str, what: str) -> bytes:
    """The bytes of a C-contiguous buffer of one element type, or a clear error."""
    view = memoryview(data)
    if view.format != fmt or not view.c_contiguous:
        raise TypeError(f"{what} must be C-contiguous with format {fmt!r}, not {view.format!r}")
    return view.tobytes()


@dataclass(frozen=True)
class Raster:
    """An RGBA image to paint into the frame's canvas of the same name.

    Attributes:
        canvas: Name of the ``canvas(...)`` in the frame's HTML.
        width: Pixels across.
        height: Pixels down.
        rgba: ``height * width * 4`` bytes (e.g. a uint8 array of shape (h, w, 4)).

    """

    canvas: str
    width: int
    height: int
    rgba: Buffer

    def message(self) -> dict[str, Any]:
        """What the browser layer paints: raw bytes, no encoding."""
        data = _bytes(self.rgba, "B", "Raster.rgba")
        if len(data) != self.width * self.height * 4:
            raise ValueError(
                f"Raster {self.canvas}: {len(data)} bytes for {self.width}x{self.height}"
            )
        return {
            "kind": "raster",
            "canvas": self.canvas,
            "width": self.width,
            "height": self.height,
            "data": data,
        }


@dataclass(frozen=True)
class Shapes:
    """Polygons or polylines with the same number of vertices, painted in order.

    Attributes:
        canvas: Name of the ``canvas(...)`` in the frame's HTML.
        points: ``count * vertices * 2`` float32 canvas coordinates (shape (n, k, 2)).
        vertices: Vertices per shape.
        fill: ``count * 4`` RGBA bytes, one colour per shape; None for lines only.
        stroke: CSS colour of the outlines; None to stroke each shape in its own fill
            (which hides the seams between neighbouring polygons).
        width: Stroke width in canvas pixels.
        closed: Whether the last vertex joins the first.

    """

    canvas: str
    points: Buffer
    vertices: int
    fill: Buffer | None = None
    stroke: str | None = None
    width: float = 1.0
    closed: bool = True

    def __post_init__(self) -> None:
        """Refuse shapes that nothing would paint: no fill and no stroke colour."""
        if self.fill is None and self.stroke is None:
            raise ValueError(f"Shapes {self.canvas}: give a fill, a stroke, or both")

    def message(self) -> dict[str, Any]:
        """What the browser layer paints: raw float32 and RGBA bytes."""
        return {
            "kind": "shapes",
            "canvas": self.canvas,
            "points": _bytes(self.points, "f", "Shapes.points"),
            "vertices": self.vertices,
            "fill": None if self.fill is None else _bytes(self.fill, "B", "Shapes.fill"),
            "stroke": self.stroke,
            "width": self.width,
            "closed": self.closed,
        }


Layer = Raster | Shapes


def canvas(name: str, width: int, height: int, label: str = "", *, pixelated: bool = False) -> str:
    """A canvas the frame's layers paint into (an SVG of the same size in the page as built).

    Args:
        name: The name layers refer to.
        width: Width in canvas pixels (CSS scales it to the figure's width).
        height: Height in canvas pixels.
        label: What the picture shows, for screen readers.
        pixelated: Whether to scale up with hard pixel edges (for images made of pixels).

    """
    kind = "live-canvas live-canvas--pixelated" if pixelated else "live-canvas"
    return (
        f'<canvas data-canvas="{name}" width="{width}" height="{height}" class="{kind}" '
        f'role="img" aria-label="{html.escape(label)}"></canvas>'
    )


@dataclass(frozen=True)
class Frame:
    """What a figure draws for one state.

    Attributes:
        html: Markup of the figure's picture (HTML or inline SVG); trusted figure code
            only, so any text from data must go through ``html.escape``.
        alt: A plain-text description of the same picture, for screen readers.
        layers: Images and shapes to paint into the ``canvas(...)`` elements of ``html``,
            in order; fast to paint on every input, drawn as SVG in the page as built.

    """

    html: str
    alt: str
    layers: tuple[Layer, ...] = field(default=())

    def message(self) -> dict[str, Any]:
        """The frame as the worker sends it to the page."""
        return {
            "html": self.html,
            "alt": self.alt,
            "layers": [layer.message() for layer in self.layers],
        }


def defaults(controls: tuple[Control, ...]) -> State:
    """The state a figure shows before the reader touches anything."""
    return {control.name: control.coerce(control.value) for control in controls}


def coerce(controls: tuple[Control, ...], raw: Mapping[str, Any]) -> State:
    """Turn raw values from the page into a typed state; unknown keys are refused."""
    known = {control.name: control for control in controls}
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise ValueError(f"unknown controls: {', '.join(unknown)}")
    state = defaults(controls)
    state.update({name: known[name].coerce(value) for name, value in raw.items()})
    return state


def render(module: ModuleType, raw: Mapping[str, Any] | None = None) -> Frame:
    """Render a figure module for a raw state (its defaults when ``raw`` is None).

    Raises:
        TypeError: The module does not follow the figure interface.

    """
    controls = getattr(module, "CONTROLS", None)
    draw: Callable[[State], Frame] | None = getattr(module, "render", None)
    if not isinstance(controls, tuple) or not callable(draw):
        raise TypeError(f"{module.__name__} must define CONTROLS (a tuple) and render(state)")
    # A name is a key of the state and the id of a control on the page: it must be one control's.
    names = [getattr(control, "name", None) for control in controls]
    if twice := sorted({str(name) for name in names if names.count(name) > 1}):
        raise TypeError(f"{module.__name__}: more than one control is named {', '.join(twice)}")
    frame = draw(coerce(controls, raw or {}))
    if not isinstance(frame, Frame):
        raise TypeError(f"{module.__name__}.render must return a Frame, not {type(frame).__name__}")
    return frame
