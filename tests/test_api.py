"""The figure API (essay_site.figures.api): what the build and the browser both paint."""

from __future__ import annotations

import importlib
from types import ModuleType

import numpy as np
import pytest

from essay_site.figures import runner
from essay_site.figures.api import Shapes
from essay_site.figures.static import shapes_svg
from tests.conftest import ROOT

SQUARE = np.array([[[0, 0], [10, 0], [10, 10], [0, 10]]], dtype=np.float32)


def test_shapes_with_nothing_to_paint_are_refused() -> None:
    # The build's SVG once said stroke="None" while the canvas stroked black.
    with pytest.raises(ValueError, match="give a fill, a stroke, or both"):
        Shapes("c", SQUARE, 4)


@pytest.mark.parametrize(
    ("fill", "stroke", "painted"),
    [
        (None, "#fff", 'fill="none" stroke="#fff"'),
        (np.array([[255, 0, 0, 255]], np.uint8), None, 'fill="rgba(255,0,0,1.000)" stroke="rgba('),
        (
            np.array([[255, 0, 0, 255]], np.uint8),
            "#000",
            'fill="rgba(255,0,0,1.000)" stroke="#000"',
        ),
    ],
)
def test_svg_paints_as_the_canvas_does(
    fill: np.ndarray[tuple[int, ...], np.dtype[np.uint8]] | None, stroke: str | None, painted: str
) -> None:
    # The canvas (figures.js paintShapes): fill if given; stroke in the stroke, else the fill.
    svg = shapes_svg(Shapes("c", SQUARE, 4, fill, stroke))
    assert painted in svg
    assert "None" not in svg


SOURCE = (ROOT / "widgets" / "pixel_explosion.py").read_text()


@pytest.fixture
def shipped() -> ModuleType:
    return importlib.import_module("widgets.pixel_explosion")


def test_an_edit_runs_in_place_of_the_shipped_module(shipped: ModuleType) -> None:
    edited = SOURCE.replace("BAR_BITS = 28", "BAR_BITS = 20")
    assert edited != SOURCE
    result = runner.edit(shipped, edited, {"n": 22}, "pixel_explosion")
    assert result.ok and result.controls == ""
    assert result.module is not None and result.frame is not None
    assert result.module.BAR_BITS == 20 and shipped.BAR_BITS == 28
    assert result.module.__file__ == shipped.__file__
    assert result.frame["html"] != runner.message(shipped, {"n": 22})["html"]


@pytest.mark.parametrize(
    ("change", "error", "line"),
    [
        (("def render(", "def render(("), "SyntaxError", "render"),
        (("BAR_BITS = 28", "BAR_BITS = 1 / 0"), "ZeroDivisionError: division by zero", "BAR_BITS"),
        (
            ("    n = int(state", "    raise ValueError('no n today')\n    n = int(state"),
            "ValueError: no n today",
            "raise",
        ),
    ],
)
def test_a_broken_edit_says_what_and_where_and_changes_nothing(
    shipped: ModuleType, change: tuple[str, str], error: str, line: str
) -> None:
    old, new = change
    assert old in SOURCE
    edited = SOURCE.replace(old, new, 1)
    result = runner.edit(shipped, edited, {"n": 22}, "pixel_explosion")
    assert not result.ok
    assert error in result.error
    assert result.line is not None
    assert line in edited.splitlines()[result.line - 1]
    assert result.module is None and result.frame is None


def test_new_controls_come_back_as_markup_for_their_placement(shipped: ModuleType) -> None:
    edited = SOURCE.replace('"Binary pixels n"', '"Pixels, as many as you like"')
    result = runner.edit(shipped, edited, {}, "pixel_explosion-2")
    assert result.ok
    assert "Pixels, as many as you like" in result.controls
    assert 'id="pixel_explosion-2-n"' in result.controls


def test_an_edit_may_rename_a_control(shipped: ModuleType) -> None:
    # The page sends the values of the controls it shows: the shipped module's.
    renamed = SOURCE.replace('Slider("n", ', 'Slider("pixels", ').replace(
        'state["n"]', 'state["pixels"]'
    )
    assert 'int(state["pixels"])' in renamed
    result = runner.edit(shipped, renamed, {"n": 22}, "pixel_explosion")
    assert result.ok, result.error
    assert 'name="pixels"' in result.controls
    # The renamed slider starts at its default; a control kept by name keeps its value.
    assert result.frame == runner.message(shipped, {"n": 10})
    kept = SOURCE.replace("BAR_BITS = 28", "BAR_BITS = 28  # unchanged")
    assert runner.edit(shipped, kept, {"n": 22}, "pixel_explosion").frame == runner.message(
        shipped, {"n": 22}
    )


def test_a_control_the_edit_changed_starts_at_its_default(shipped: ModuleType) -> None:
    # The slider n becomes a menu without the page's value (22) among its choices.
    menu = 'Choice("n", "Pixels", (("10", "ten"), ("12", "twelve")), "12")'
    changed = SOURCE.replace(
        'Slider("n", "Binary pixels n", min=1, max=MAX_PIXELS, step=1, value=10)', menu
    )
    assert menu in changed
    changed = changed.replace("import Frame, Slider", "import Choice, Frame, Slider")
    result = runner.edit(shipped, changed, {"n": 22}, "pixel_explosion")
    assert result.ok, result.error
    assert result.frame == runner.message(shipped, {"n": 12})


def test_an_edit_with_two_controls_of_one_name_says_so(shipped: ModuleType) -> None:
    # Copying a control's line and changing only its label, say.
    slider = 'Slider("n", "Binary pixels n", min=1, max=MAX_PIXELS, step=1, value=10)'
    twice = SOURCE.replace(slider, f"{slider}, {slider.replace('Binary pixels', 'Copy of')}")
    assert twice != SOURCE
    result = runner.edit(shipped, twice, {"n": 22}, "pixel_explosion")
    assert not result.ok
    assert result.error.endswith("pixel_explosion: more than one control is named n")
