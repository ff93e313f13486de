"""The figure API (essay_site.figures.api): what the build and the browser both paint."""

from __future__ import annotations

import numpy as np
import pytest

from essay_site.figures.api import Shapes

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
    svg = Shapes("c", SQUARE, 4, fill, stroke).svg()
    assert painted in svg
    assert "None" not in svg
