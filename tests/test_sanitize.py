"""The frame sanitiser (``browser/sanitize.js``), in Chromium's own parser, without Python.

Every shipped figure's frames (each control at its ends and each option) and controls come out
byte-identical; each hostile sample loses exactly what makes it hostile.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from essay_site.figures import api
from essay_site.figures.markup import controls_html
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

SANITIZE = ROOT / "src" / "essay_site" / "figures" / "browser" / "sanitize.js"
FIGURES = sorted(p.stem for p in (ROOT / "widgets").glob("[!_]*.py"))

#: Runs the module's function on each input: [as parsed, as cleaned] serialised.
CLEAN = """async ([source, name, inputs, placement]) => {
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  const module = await import(url);
  return inputs.map((html) => {
    const parsed = document.createElement("template");
    parsed.innerHTML = html;
    const cleaned = document.createElement("div");
    cleaned.append(module[name](html, placement));
    return [parsed.innerHTML, cleaned.innerHTML];
  });
}"""


@pytest.fixture(scope="module")
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    page.set_content("<!doctype html><title>sanitiser</title>")
    yield page
    context.close()


def parsed_and_cleaned(
    page: Page, inputs: list[str], name: str = "cleanFrame", placement: str = ""
) -> list[list[str]]:
    """Each input as the browser parses it, and as the sanitiser's ``name`` leaves it."""
    pairs: list[list[str]] = page.evaluate(CLEAN, [SANITIZE.read_text(), name, inputs, placement])
    return pairs


def clean(
    page: Page, inputs: list[str], name: str = "cleanFrame", placement: str = ""
) -> list[str]:
    """Each input as the sanitiser leaves it."""
    return [cleaned for _, cleaned in parsed_and_cleaned(page, inputs, name, placement)]


def states(module: object) -> Iterator[dict[str, object]]:
    """The defaults, then each control at its ends (sliders) or each of its values."""
    yield {}
    for control in getattr(module, "CONTROLS", ()):
        if isinstance(control, api.Slider):
            values: list[object] = [control.min, control.max]
        elif isinstance(control, api.Choice):
            values = [key for key, _ in control.options]
        elif isinstance(control, api.Toggle):
            values = [not control.value]
        else:
            values = [control.value + 1]
        for value in values:
            yield {control.name: value}


@pytest.mark.parametrize("name", FIGURES)
def test_every_shipped_frame_and_control_comes_out_byte_identical(page: Page, name: str) -> None:
    module = importlib.import_module(f"widgets.{name}")
    frames = [api.render(module, state).html for state in states(module)]
    for parsed, cleaned in parsed_and_cleaned(page, frames):
        assert cleaned == parsed
    controls = controls_html(module.CONTROLS, f"{name}-2")
    ((parsed, cleaned),) = parsed_and_cleaned(page, [controls], "cleanControls", f"{name}-2")
    assert cleaned == parsed


#: Hostile markup, and what must be gone from it (each is in the sample to begin with).
HOSTILE = [
    ('<p>Sign in</p><form action="https://evil.example/"><input name="pw"></form>', "<form"),
    ('<img src="x" onerror="alert(1)">', "<img"),
    ('<p onclick="alert(1)">click</p>', "onclick"),
    ('<a href="https://evil.example/">prize</a>', "evil.example"),
    ('<a href="javascript:alert(1)">x</a>', "javascript:"),
    ('<div style="position: fixed; inset: 0; z-index: 9">cover</div>', "position"),
    ('<div style="width: 10%; transform: translate(-900px)">moved</div>', "transform"),
    ('<span style="background-image: url(https://evil.example/x.png)">x</span>', "url("),
    ("<style>body { display: none }</style>", "<style"),
    ('<iframe srcdoc="<p>x</p>"></iframe>', "<iframe"),
    ("<script>alert(1)</script>", "<script"),
    ('<svg><foreignObject><input value="x"></foreignObject></svg>', "foreignObject"),
    ('<svg><image href="https://evil.example/x.svg"></image></svg>', "<image"),
    ('<div id="figure-pixel_explosion">clash</div>', "id="),
    ('<button formaction="https://evil.example/">Go</button>', "<button"),
]


def test_each_hostile_sample_is_neutralised(page: Page) -> None:
    samples = [sample for sample, _ in HOSTILE]
    cleaned = clean(page, samples)
    for (sample, gone), result in zip(HOSTILE, cleaned, strict=True):
        assert gone in sample
        assert gone not in result, f"{sample!r} -> {result!r}"
    # What is harmless stays: the text beside the fake form, the moved box without its style.
    assert cleaned[0] == "<p>Sign in</p>"
    assert cleaned[6] == "<div>moved</div>", "a style with one forbidden property goes whole"


def test_controls_from_an_edit_keep_to_their_placement(page: Page) -> None:
    hostile = [
        '<input type="range" id="other-n" name="n">',
        '<input type="text" id="mine-n" name="n">',
        '<label for="mine-n" onclick="x()">n</label><a href="/">away</a>',
    ]
    cleaned = clean(page, hostile, "cleanControls", "mine")
    assert cleaned == [
        '<input type="range" name="n">',
        '<input id="mine-n" name="n">',
        '<label for="mine-n">n</label>',
    ]
