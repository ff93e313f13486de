"""The normalizing flow: invertible maps, exact Jacobians, and mass that stays 1."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from playwright.sync_api import expect

from essay_site.figures import api
from essay_site.figures.static import static_html
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
from widgets import normalizing_flow
from widgets.normalizing_flow import density, forward, inverse, total_mass

strengths = st.floats(min_value=0, max_value=1)
coordinates = st.floats(min_value=-6, max_value=6)
points = st.tuples(coordinates, coordinates)


@given(points, strengths)
def test_maps_invert(point: tuple[float, float], strength: float) -> None:
    z = np.array(point)
    x, log_det = forward(z, strength)
    back, inverse_log_det = inverse(x, strength)
    assert np.max(np.abs(back - z)) < 1e-9
    assert abs(log_det + inverse_log_det) < 1e-9


@given(points, strengths)
def test_jacobian_matches_finite_differences(point: tuple[float, float], strength: float) -> None:
    z = np.array(point)
    h = 1e-6
    columns = [
        (forward(z + h * e, strength)[0] - forward(z - h * e, strength)[0]) / (2 * h)
        for e in np.eye(2)
    ]
    numeric = abs(np.linalg.det(np.stack(columns, axis=1)))
    assert numeric == pytest.approx(np.exp(forward(z, strength)[1]), rel=1e-5)


@settings(max_examples=25)
@given(strengths)
def test_integral_is_one_across_the_slider(strength: float) -> None:
    assert abs(total_mass(strength) - 1) < 1e-3


def test_strength_zero_is_the_identity_and_densities_are_positive() -> None:
    cells, _ = normalizing_flow.grid(20)
    assert np.array_equal(forward(cells, 0.0)[0], cells)
    assert np.all(density(cells, 1.0) >= 0)


def test_readout_is_the_measured_mass() -> None:
    frame = api.render(normalizing_flow, {"strength": 0.8})
    assert f'data-role="mass">{total_mass(0.8):.3f}<' in frame.html
    assert [layer.canvas for layer in frame.layers] == ["base", "base", "flow", "flow"]
    stored: list[bytes] = []

    def place(picture: bytes) -> str:
        stored.append(picture)
        return f"picture-{len(stored)}.svg"

    page = static_html(frame, place)
    assert page.count("<img data-canvas=") == 2 and all(p.startswith(b"<svg") for p in stored)
    assert 'src="picture-2.svg" width="' in page


@pytest.mark.browser
def test_flow_goes_live_and_keeps_its_mass(essay: Visit) -> None:
    opened = essay
    page = opened.page
    figure = live(page, "normalizing_flow")
    mass = figure.locator('[data-role="mass"]')
    pictures = {canvas_image(figure)}
    for strength in ("0", "0.3", "0.75", "1"):
        page.fill("#normalizing_flow-strength", strength)
        expect(figure.locator(".gm-flow__panel p").nth(1)).to_contain_text(
            f"strength {float(strength):.2f}"
        )
        expect(mass).to_have_text("1.000")
        pictures.add(canvas_image(figure))
    assert len(pictures) == 5, "each strength draws a different picture"
    assert opened.external == []
    assert opened.errors == []


@pytest.mark.browser
def test_edited_controls_rebuild_the_form_and_a_memory_blow_up_is_an_error(
    essay_site: Path, essay: Visit
) -> None:
    page = essay.page
    figure = live(page, "normalizing_flow")
    code = open_editor(figure)
    shipped = shipped_source(essay_site, "normalizing_flow")
    # New CONTROLS: the form is rebuilt from the edited declaration, and drives the figure.
    relabelled = shipped.replace('"Twist strength"', '"How much to twist"')
    painted = frames(figure)
    edit_and_run(page, code, relabelled)
    expect(figure).to_have_attribute("data-run", "ok", timeout=RUN_TIMEOUT)
    wait_for_frame(figure, painted)  # the run's own frame comes after its outcome
    slider = figure.get_by_label("How much to twist")
    expect(slider).to_be_visible()
    before, painted = canvas_image(figure), frames(figure)
    slider.fill("0.9")
    wait_for_frame(figure, painted)
    assert canvas_image(figure) != before
    # Asking numpy for 8 GB (twice what WebAssembly can address) is an error with its line
    # (numpy refuses it before allocating, as MemoryError or "too big"), not a dead page.
    greedy = shipped.replace(
        '    strength = float(state["strength"])',
        '    strength = float(state["strength"])\n    np.ones(10**9)',
    )
    edit_and_run(page, code, greedy)
    expect(figure).to_have_attribute("data-run", "error", timeout=RUN_TIMEOUT)
    line = greedy.splitlines().index("    np.ones(10**9)") + 1
    expect(code.locator(".live-code__error")).to_contain_text(f"Line {line}:")
    expect(code.locator(".live-code__error")).to_contain_text(
        re.compile("MemoryError|array is too big")
    )
    expect(figure).to_have_attribute("data-state", "live")
