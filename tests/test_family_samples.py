"""Samples from each model family: probabilities, sampling, likelihoods, and a real refit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import expect

from essay_site.dev.fit import fit
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
from widgets import family_samples
from widgets.family_samples import FAMILIES, PIXELS, Models, models

NAMES = [name for name, _ in FAMILIES]
CONDITIONAL = [name for name in NAMES if name != "naive_bayes"]


@pytest.fixture(scope="module")
def fitted() -> Models:
    return models()


@pytest.mark.parametrize("name", CONDITIONAL)
def test_every_conditional_is_a_probability(fitted: Models, name: str) -> None:
    images = fitted.sample("independent", 50, np.random.default_rng(0))
    p = fitted.conditionals(name, images)
    assert p.shape == (50, PIXELS)
    assert np.all((p > 0) & (p < 1))


def test_naive_bayes_parameters_are_probabilities(fitted: Models) -> None:
    assert fitted.p["prior"].sum() == pytest.approx(1)
    assert np.all((fitted.p["naive_bayes"] > 0) & (fitted.p["naive_bayes"] < 1))


@pytest.mark.parametrize("name", CONDITIONAL)
def test_sample_frequencies_match_the_model(fitted: Models, name: str) -> None:
    # E[x_i] = E[p(x_i = 1 | parents)] under the model's own samples, pixel by pixel.
    count = 3000
    images = fitted.sample(name, count, np.random.default_rng(7))
    gap = images.mean(axis=0) - fitted.conditionals(name, images).mean(axis=0)
    assert np.max(np.abs(gap)) < 5 * np.sqrt(0.25 / count)


def test_naive_bayes_samples_match_the_chosen_digit(fitted: Models) -> None:
    count = 3000
    images = fitted.sample("naive_bayes", count, np.random.default_rng(3), digit=7)
    gap = images.mean(axis=0) - fitted.p["naive_bayes"][7]
    assert np.max(np.abs(gap)) < 5 * np.sqrt(0.25 / count)


@pytest.mark.parametrize("name", NAMES)
def test_seeded_sampling_is_reproducible(fitted: Models, name: str) -> None:
    one = fitted.sample(name, 16, np.random.default_rng(42), 3)
    two = fitted.sample(name, 16, np.random.default_rng(42), 3)
    other = fitted.sample(name, 16, np.random.default_rng(43), 3)
    assert np.array_equal(one, two)
    assert not np.array_equal(one, other)


def test_held_out_likelihood_orders_the_families(fitted: Models) -> None:
    bits = dict(zip(NAMES, fitted.p["held_out_bits"], strict=True))
    assert min(bits, key=bits.__getitem__) == "autoregressive"
    assert max(bits, key=bits.__getitem__) == "independent"
    assert bits["bayes_net"] < bits["markov"] < bits["independent"]


def test_parameter_counts() -> None:
    counts = {name: Models.parameter_count(models(), name) for name in NAMES}
    assert counts == {
        "independent": 784,
        "markov": 1567,
        "bayes_net": 3025,
        "naive_bayes": 7849,
        "autoregressive": 784 + 784 * 783 // 2,
    }


def test_fitting_again_reproduces_the_committed_parameters(fitted: Models) -> None:
    refit = fit("family_samples")
    with np.load(family_samples.PARAMETERS) as stored:
        assert sorted(stored.files) == sorted(refit)
        # Counts and probabilities are exact; trained weights are stored as float16, and
        # another CPU's BLAS may round differently on the way there.
        for name in stored.files:
            if stored[name].dtype == np.float16:
                np.testing.assert_allclose(refit[name], stored[name], atol=2e-3, err_msg=name)
            else:
                np.testing.assert_allclose(refit[name], stored[name], rtol=1e-5, err_msg=name)


def test_shipped_parameters_are_small() -> None:
    assert family_samples.PARAMETERS.stat().st_size < 2_000_000


def test_render_table_and_panel() -> None:
    frame = api.render(family_samples, {"family": "markov"})
    assert frame.html.count("<tr") == 7
    assert '<tr class="gm-fs__chosen"><th scope="row">Markov chain' in frame.html
    assert "2⁷⁸⁴ − 1" in frame.html
    (layer,) = frame.layers
    assert layer.message()["width"] == 4 * 28 + 3 * 2


@pytest.mark.browser
def test_families_and_draw_again(essay_site: Path, essay: Visit) -> None:
    opened = essay
    page = opened.page
    figure = live(page, "family_samples")
    seen = {canvas_image(figure)}
    page.select_option("#family_samples-family", "independent")
    expect(figure.locator(".gm-fs__chosen")).to_contain_text("Full independence")
    seen.add(canvas_image(figure))
    painted = frames(figure)
    page.get_by_role("button", name="Draw again").click()
    expect(figure.locator("button[name=again]")).to_have_attribute("value", "1")
    wait_for_frame(figure, painted)
    seen.add(canvas_image(figure))
    page.select_option("#family_samples-family", "naive_bayes")
    page.select_option("#family_samples-digit", "3")
    expect(figure.locator(".gm-fs__samples p")).to_contain_text("digit 3")
    seen.add(canvas_image(figure))
    assert len(seen) == 4, "every change draws new samples"
    # An edit's controls (the button renamed) come at the values it drew with, the count too.
    code = open_editor(figure)
    source = shipped_source(essay_site, "family_samples")
    assert '"Draw again"' in source
    edit_and_run(page, code, source.replace('"Draw again"', '"Draw once more"'))
    expect(figure).to_have_attribute("data-run", "ok", timeout=RUN_TIMEOUT)
    expect(figure.locator("button[name=again]")).to_have_text("Draw once more")
    expect(figure.locator("button[name=again]")).to_have_attribute("value", "1")
    expect(figure.locator("#family_samples-family")).to_have_value("naive_bayes")
    expect(figure.locator("#family_samples-digit")).to_have_value("3")
    assert opened.external == []
    assert opened.errors == []
