"""Every piece of markup the framework writes for a figure, in one place.

The build writes a figure around its pre-rendered picture; the worker writes the controls
again when a reader's edit changes them (so this module is shipped with the figure API).
Each control is one ``live-control`` box whose ``<label for>`` holds only the visible name:
valid HTML, where a label may not hold both an ``<input>`` and an ``<output>``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from essay_site.figures.api import Button, Choice, Control, Slider, Toggle
from essay_site.figures.contract import CLASSES, STEPS


def _box(kind: str, ident: str, label: str, field: str) -> str:
    """A control's name, then its field, in one box."""
    return (
        f'<div class="live-control live-control--{kind}">'
        f'<label class="live-control__label" for="{ident}">{html.escape(label)}</label>'
        f"{field}</div>"
    )


def control_html(control: Control, placement: str) -> str:
    """The markup of one control of the figure placed as ``placement`` (ids are unique)."""
    ident = f"{placement}-{control.name}"
    if isinstance(control, Slider):
        value = control.coerce(control.value)
        drag = (
            f' data-drag="{control.drag}" data-per-pixel="{control.per_pixel}"'
            f"{' data-wrap' if control.wrap else ''}"
            if control.drag
            else ""
        )
        unit = html.escape(control.unit)
        return _box(
            "slider",
            ident,
            control.label,
            f'<input type="range" id="{ident}" name="{control.name}" min="{control.min}" '
            f'max="{control.max}" step="{control.step}" value="{value}"{drag}>'
            f'<output for="{ident}" data-unit="{unit}">{value}{unit}</output>',
        )
    if isinstance(control, Choice):
        options = "".join(
            f'<option value="{html.escape(key)}"{" selected" if key == control.value else ""}>'
            f"{html.escape(text)}</option>"
            for key, text in control.options
        )
        return _box(
            "choice",
            ident,
            control.label,
            f'<select id="{ident}" name="{control.name}">{options}</select>',
        )
    if isinstance(control, Toggle):
        # The chip is its label: one checkbox inside, the name beside it.
        checked = " checked" if control.value else ""
        return (
            f'<label class="live-control live-control--toggle" for="{ident}">'
            f'<input type="checkbox" id="{ident}" name="{control.name}"{checked}>'
            f"<span>{html.escape(control.label)}</span></label>"
        )
    if isinstance(control, Button):
        return (
            f'<button type="button" class="live-control live-control--button md-button" '
            f'name="{control.name}" value="{control.value}">{html.escape(control.label)}</button>'
        )
    raise TypeError(f"not a control: {control!r}")


def controls_html(controls: tuple[Control, ...], placement: str) -> str:
    """The markup of all of a figure's controls."""
    return "".join(control_html(control, placement) for control in controls)


@dataclass(frozen=True)
class FigureMarkup:
    """What the build knows of one placement, to write its markup."""

    #: The module's name (``data-widget``) and the placement's (``name``, ``name-2``, ...).
    name: str
    placement: str
    #: The controls' accessible name, and the legend shown above them ("" for none).
    controls_name: str
    legend: str
    controls: str
    picture: str
    alt: str
    packages: list[str]
    files: list[str]
    #: The module's path as the worker imports it, its address in the site, and its
    #: highlighted source's.
    module_path: str
    module_href: str
    source_href: str
    version: str
    caption: str


def figure_outer(figure: FigureMarkup, slot: int) -> str:
    """The ``<figure>`` in the Markdown: its data for the browser, a slot, the caption.

    The figure's own markup waits in the slot until the page is HTML, out of Markdown's reach.
    """
    figcaption = (
        f'<figcaption markdown="1">\n\n{figure.caption}\n\n</figcaption>\n'
        if figure.caption
        else ""
    )
    return (
        f'\n<figure class="{CLASSES["figure"]}" id="figure-{figure.placement}" '
        f'data-widget="{figure.name}" data-placement="{figure.placement}" '
        f'data-state="static" data-packages="{" ".join(figure.packages)}" '
        f'data-files="{" ".join(figure.files)}" markdown="1">\n'
        f'<div data-live-slot="{slot}"></div>\n'
        f"{figcaption}</figure>\n"
    )


def figure_inner(figure: FigureMarkup) -> str:
    """The figure's controls, picture, text, status and code panel, for its slot.

    The controls are a named ``role="form"``, not a ``<form>``: Chrome lays out every
    ``<form>`` once the page has loaded (for autofill, it seems), even one far below the fold.
    """
    shown = (
        f'<p class="{CLASSES["legend"]}">{html.escape(figure.legend)}</p>' if figure.legend else ""
    )
    return (
        f'<div class="{CLASSES["controls"]}" role="form" '
        f'aria-label="{html.escape(figure.controls_name)}">{shown}{figure.controls}</div>\n'
        f'<div class="{CLASSES["output"]}">{figure.picture}</div>\n'
        f'<p class="{CLASSES["alt"]}">{html.escape(figure.alt)}</p>\n'
        f'<p class="{CLASSES["announce"]}" aria-live="polite"></p>\n'
        f'<div class="{CLASSES["status"]}" role="status">'
        f'<progress max="{STEPS}" value="0"></progress>'
        "<span>Static preview: the live figure starts when Python has loaded.</span>"
        f'<button type="button" class="{CLASSES["link"]}">Copy a link to this view</button>'
        "</div>\n"
        f'<details class="{CLASSES["code"]}" data-source="{figure.source_href}" '
        f'data-version="{figure.version}">'
        f"<summary>Python: the code that draws this figure</summary>"
        f'<p><a href="{figure.module_href}">{figure.module_path}</a></p></details>'
    )
