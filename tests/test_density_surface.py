"""The density surface: a true density, drawn far-to-near, orbited by drag and keyboard."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from playwright.sync_api import expect

from essay_site.figures import api
from tests.conftest import (
    RUN_TIMEOUT,
    Visit,
    canvas_image,
    edit_and_run,
    frames,
    live,
    open_editor,
    shipped_source,
    wait_for_frame,
)
from widgets import density_surface
from widgets.density_surface import (
    CENTRES,
    GRID,
    MAX_PEAKS,
    density,
    peak_width,
    project,
    surface,
    volume,
)


@settings(max_examples=30)
@given(st.integers(min_value=1, max_value=MAX_PEAKS), st.floats(min_value=1, max_value=3))
def test_volume_under_the_surface_is_one(peaks: int, sharpness: float) -> None:
    assert abs(volume(peaks, sharpness) - 1) < 1e-3


def test_one_peak_is_the_textbook_gaussian_and_bad_counts_are_refused() -> None:
    # N(c, sigma^2 I) at distance r from its centre: exp(-r^2 / 2 sigma^2) / (2 pi sigma^2).
    sigma = peak_width(2.0)
    for r in (0.0, 0.5, 1.0, 2.0):
        point = CENTRES[0] + np.array([r, 0.0])
        expected = math.exp(-(r**2) / (2 * sigma**2)) / (2 * math.pi * sigma**2)
        assert float(density(point, 1, 2.0)) == pytest.approx(expected, rel=1e-12)
    with pytest.raises(ValueError, match="peaks"):
        density(np.zeros(2), 0, 2.0)


def test_quads_are_painted_far_to_near() -> None:
    frame = api.render(density_surface, {"azimuth": 120, "elevation": 30})
    (layer,) = frame.layers
    quads = np.frombuffer(layer.message()["points"], dtype=np.float32).reshape(-1, 4, 2)
    assert len(quads) == (GRID - 1) ** 2
    screen, depth = project(surface(5, 2.0), 120, 30)
    corners = np.stack([depth[:-1, :-1], depth[:-1, 1:], depth[1:, 1:], depth[1:, :-1]], axis=2)
    assert np.all(np.diff(np.sort(-corners.mean(axis=-1).ravel())) >= 0)
    assert np.all((screen[..., 0] > 0) & (screen[..., 0] < density_surface.WIDTH))


def test_orbiting_changes_the_picture_not_the_volume() -> None:
    one = api.render(density_surface, {"azimuth": 0})
    two = api.render(density_surface, {"azimuth": 90})
    assert one.layers[0].message()["points"] != two.layers[0].message()["points"]
    assert 'data-role="volume">1.000<' in one.html and 'data-role="volume">1.000<' in two.html


@pytest.mark.browser
def test_orbit_by_drag_and_keyboard(essay_site: Path, essay: Visit) -> None:
    opened = essay
    page = opened.page
    figure = live(page, "density_surface")
    azimuth = page.locator("#density_surface-azimuth")
    output = figure.locator(".live-figure__output")
    output.scroll_into_view_if_needed()
    box = output.bounding_box()
    assert box is not None
    before = canvas_image(figure)
    painted = frames(figure)
    page.mouse.move(box["x"] + 200, box["y"] + 150)
    page.mouse.down()
    page.mouse.move(box["x"] + 260, box["y"] + 150, steps=6)
    page.mouse.up()
    expect(azimuth).to_have_value("65")
    expect(figure.locator("output[for=density_surface-azimuth]")).to_have_text("65°")
    wait_for_frame(figure, painted)
    assert canvas_image(figure) != before
    output.focus()
    page.keyboard.press("ArrowLeft")
    expect(azimuth).to_have_value("60")
    page.keyboard.press("ArrowUp")
    expect(page.locator("#density_surface-elevation")).to_have_value("38")
    page.fill("#density_surface-peaks", "12")
    expect(figure.get_by_role("img")).to_have_attribute("aria-label", "The density as a landscape")
    expect(figure.locator('[data-role="volume"]')).to_have_text("1.000")
    expect(figure.locator(".live-figure__alt")).to_contain_text("12 peaks")
    # An edit's controls take the place of these (the orbit renamed), at the values it drew
    # with (the reader's): the picture drives the new ones, and says so by their names.
    expect(output).to_have_attribute("aria-label", re.compile("change Orbit and Tilt"))
    code = open_editor(figure)
    source = shipped_source(essay_site, "density_surface")
    assert '"Orbit"' in source
    edit_and_run(page, code, source.replace('"Orbit"', '"Spin"'))
    expect(figure).to_have_attribute("data-run", "ok", timeout=RUN_TIMEOUT)
    expect(figure.locator("label[for=density_surface-azimuth]")).to_have_text("Spin")
    expect(output).to_have_attribute("aria-label", re.compile("change Spin and Tilt"))
    expect(azimuth).to_have_value("60")
    expect(page.locator("#density_surface-peaks")).to_have_value("12")
    output.focus()
    page.keyboard.press("ArrowRight")
    expect(azimuth).to_have_value("65")
    assert opened.external == []
    assert opened.errors == []
