"""The small, generic interface every figure uses: controls in, a frame out.

A figure module declares ``CONTROLS`` (a tuple of the dataclasses below) and a
``render(state) -> Frame`` function. The same code runs at build time under CPython
(to pre-render the default state into the page) and in the reader's browser under
Pyodide (to redraw on every input). Nothing here imports a browser module.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass
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

    """

    name: str
    label: str
    min: float
    max: float
    step: float
    value: float
    unit: str = ""

    def coerce(self, raw: Any) -> float | int:
        """Clamp a raw value from the page to the slider's range and type."""
        number = float(raw)
        number = min(max(number, self.min), self.max)
        if float(self.step).is_integer() and float(self.min).is_integer():
            return round(number)
        return number

    def html(self, figure: str) -> str:
        """The control's markup, as the build puts it into the page."""
        ident = f"{figure}-{self.name}"
        value = self.coerce(self.value)
        return (
            f'<label class="gm-control gm-control--slider" for="{ident}">'
            f'<span class="gm-control__label">{html.escape(self.label)}</span>'
            f'<input type="range" id="{ident}" name="{self.name}" min="{self.min}" '
            f'max="{self.max}" step="{self.step}" value="{value}">'
            f'<output for="{ident}" data-unit="{html.escape(self.unit)}">'
            f"{value}{html.escape(self.unit)}</output></label>"
        )


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

    def html(self, figure: str) -> str:
        """The control's markup, as the build puts it into the page."""
        ident = f"{figure}-{self.name}"
        options = "".join(
            f'<option value="{html.escape(key)}"{" selected" if key == self.value else ""}>'
            f"{html.escape(text)}</option>"
            for key, text in self.options
        )
        return (
            f'<label class="gm-control gm-control--choice" for="{ident}">'
            f'<span class="gm-control__label">{html.escape(self.label)}</span>'
            f'<select id="{ident}" name="{self.name}">{options}</select></label>'
        )


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

    def html(self, figure: str) -> str:
        """The control's markup, as the build puts it into the page."""
        ident = f"{figure}-{self.name}"
        checked = " checked" if self.value else ""
        return (
            f'<label class="gm-control gm-control--toggle" for="{ident}">'
            f'<input type="checkbox" id="{ident}" name="{self.name}"{checked}>'
            f"<span>{html.escape(self.label)}</span></label>"
        )


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

    def html(self, figure: str) -> str:
        """The control's markup, as the build puts it into the page."""
        return (
            f'<button type="button" class="gm-control gm-control--button md-button" '
            f'name="{self.name}" value="{self.value}">{html.escape(self.label)}</button>'
        )


Control = Slider | Choice | Toggle | Button


@dataclass(frozen=True)
class Frame:
    """What a figure draws for one state.

    Attributes:
        html: Markup of the figure's picture (HTML or inline SVG); trusted figure code
            only, so any text from data must go through ``html.escape``.
        alt: A plain-text description of the same picture, for screen readers.

    """

    html: str
    alt: str


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


def controls_html(module: ModuleType, figure: str) -> str:
    """The markup of all of a figure's controls."""
    return "".join(control.html(figure) for control in module.CONTROLS)


def render(module: ModuleType, raw: Mapping[str, Any] | None = None) -> Frame:
    """Render a figure module for a raw state (its defaults when ``raw`` is None).

    Raises:
        TypeError: The module does not follow the figure interface.

    """
    controls = getattr(module, "CONTROLS", None)
    draw: Callable[[State], Frame] | None = getattr(module, "render", None)
    if not isinstance(controls, tuple) or not callable(draw):
        raise TypeError(f"{module.__name__} must define CONTROLS (a tuple) and render(state)")
    frame = draw(coerce(controls, raw or {}))
    if not isinstance(frame, Frame):
        raise TypeError(f"{module.__name__}.render must return a Frame, not {type(frame).__name__}")
    return frame
