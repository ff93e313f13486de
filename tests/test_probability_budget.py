"""The probability budget: every family's total is 1, whatever the reader sets."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from playwright.sync_api import expect

from essay_site.figures import api
from tests.conftest import Visit, live
from widgets import probability_budget
from widgets.probability_budget import X, area, autoregressive_leaves, flow, mixture_parts, prior

shares = st.floats(min_value=0.05, max_value=0.95)
weights = st.tuples(*[st.floats(min_value=0, max_value=1)] * 3)


@given(shares, shares)
def test_autoregressive_products_add_to_one(p1: float, q: float) -> None:
    leaves = autoregressive_leaves(p1, q)
    assert len(leaves) == 8
    assert all(mass > 0 for _, mass in leaves)
    assert sum(mass for _, mass in leaves) == pytest.approx(1, abs=1e-12)
    assert sum(mass for outcome, mass in leaves if outcome[0] == 1) == pytest.approx(p1)


@given(weights)
def test_mixture_of_decoders_has_area_one(raw: tuple[float, float, float]) -> None:
    assert prior(raw).sum() == pytest.approx(1)
    assert area(X, mixture_parts(raw).sum(axis=0)) == pytest.approx(1, abs=1e-4)


@given(st.floats(min_value=0, max_value=2))
def test_stretched_gaussian_keeps_area_one(k: float) -> None:
    x, px, jacobian = flow(k)
    assert np.all(np.diff(x) > 0), "f is invertible (increasing)"
    assert np.all(jacobian >= 1)
    assert area(x, px) == pytest.approx(1, abs=1e-4)


def test_render_reports_measured_totals() -> None:
    frame = api.render(probability_budget, {"p1": 0.9, "w1": 0, "w2": 0, "w3": 0})
    for role in ("ar-total", "lv-total", "fl-total"):
        assert f'data-role="{role}">1.000<' in frame.html
    assert "p(z) = (0.33, 0.33, 0.33)" in frame.html


@pytest.mark.browser
def test_budget_resplits_live(essay: Visit) -> None:
    opened = essay
    page = opened.page
    figure = live(page, "probability_budget")
    first = figure.locator("rect").first
    width_before = first.get_attribute("width")
    page.fill("#probability_budget-p1", "0.8")
    expect(figure.locator(".gm-b__title").first).to_have_text("Autoregressive: p(x₁ = 1) = 0.80")
    assert first.get_attribute("width") != width_before
    page.fill("#probability_budget-w3", "1")
    expect(figure.locator(".gm-b__title").nth(1)).to_contain_text("0.56")
    page.fill("#probability_budget-k", "2")
    expect(figure.locator(".gm-b__title").nth(2)).to_contain_text("7.00")
    for role in ("ar-total", "lv-total", "fl-total"):
        expect(figure.locator(f'[data-role="{role}"]')).to_have_text("1.000")
    assert opened.external == []
    assert opened.errors == []
