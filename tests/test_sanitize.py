"""The frame sanitiser (``browser/sanitize.js``), in Chromium's own parser, without Python.

Every shipped figure's frames (each control at its ends and each option) and controls come out
byte-identical, under its site's own options; each hostile sample loses exactly what makes it
hostile.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from mkdocs.utils.yaml import yaml_load
from playwright.sync_api import Browser, Page

from essay_site.figures import api, contract
from essay_site.figures.config import FiguresConfig
from essay_site.figures.markup import controls_html
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

SANITIZE = ROOT / "src" / "essay_site" / "figures" / "browser" / "sanitize.js"
MINIMAL = ROOT / "tests" / "sites" / "minimal"
#: Every shipped figure, and the second site's (tests/sites/minimal), as modules to import.
FIGURES = [f"widgets.{p.stem}" for p in sorted((ROOT / "widgets").glob("[!_]*.py"))]
FIGURES += [f"figs.{p.stem}" for p in sorted((MINIMAL / "figs").glob("[!_]*.py"))]


def site(config_file: Path) -> dict[str, object]:
    """What a site's frames may use, as the build hands it over (the contract's ``frame``)."""
    with config_file.open(encoding="utf-8") as file:
        entries = yaml_load(file)["plugins"]
    options = FiguresConfig(config_file_path=str(config_file))
    options.load_dict(next(e["figures"] for e in entries if isinstance(e, dict) and "figures" in e))
    assert options.validate() == ([], [])
    written = json.loads(contract.as_json("", "", options.frame_classes, options.placed()))
    frame: dict[str, object] = written["frame"]
    return frame


#: The essay's options, the minimal site's, and none (the framework's own classes alone).
ESSAY = site(ROOT / "mkdocs.yml")
MINIMAL_SITE = site(MINIMAL / "mkdocs.yml")
BARE = json.loads(contract.as_json("", ""))["frame"]

#: Runs the module's function on each input: [as parsed, as cleaned] serialised. Its second
#: argument: the site's rules (cleanFrame) or the placement (cleanControls).
CLEAN = """async ([source, name, inputs, argument]) => {
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  const module = await import(url);
  return inputs.map((html) => {
    const parsed = document.createElement("template");
    parsed.innerHTML = html;
    const cleaned = document.createElement("div");
    cleaned.append(module[name](html, argument));
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
    page: Page, inputs: list[str], name: str = "cleanFrame", argument: object = ESSAY
) -> list[list[str]]:
    """Each input as the browser parses it, and as the sanitiser's ``name`` leaves it."""
    pairs: list[list[str]] = page.evaluate(CLEAN, [SANITIZE.read_text(), name, inputs, argument])
    return pairs


def clean(
    page: Page, inputs: list[str], name: str = "cleanFrame", argument: object = ESSAY
) -> list[str]:
    """Each input as the sanitiser leaves it (a frame, by default under the essay's options)."""
    return [cleaned for _, cleaned in parsed_and_cleaned(page, inputs, name, argument)]


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


@pytest.mark.parametrize("path", FIGURES)
def test_every_shipped_frame_and_control_comes_out_byte_identical(
    page: Page, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(MINIMAL))  # the minimal site's package, figs
    module = importlib.import_module(path)
    frames = [api.render(module, state).html for state in states(module)]
    rules = ESSAY if path.startswith("widgets.") else MINIMAL_SITE
    for parsed, cleaned in parsed_and_cleaned(page, frames, "cleanFrame", rules):
        assert cleaned == parsed
    placement = f"{path.rpartition('.')[2]}-2"
    controls = controls_html(module.CONTROLS, placement)
    ((parsed, cleaned),) = parsed_and_cleaned(page, [controls], "cleanControls", placement)
    assert cleaned == parsed


def test_a_sites_class_names_are_its_own(page: Page) -> None:
    # The framework knows only its own; a site's come from its options, the suite's from
    # conftest.py's make_project (faults.py and the other tests find live frames by them).
    frames = [
        '<p class="calm">all is well</p>',
        '<p class="chain">ab2cdc</p>',
        '<p class="built">figure one</p>',
        '<canvas class="live-canvas live-canvas--pixelated"></canvas>',
    ]
    suite = {"classes": contract.frame_classes(["calm", "chain", "built"]), "placed": {}}
    assert clean(page, frames, "cleanFrame", suite) == frames
    assert clean(page, frames, "cleanFrame", BARE) == [
        "<p>all is well</p>",
        "<p>ab2cdc</p>",
        "<p>figure one</p>",
        frames[3],
    ]
    # One site's names are not another's.
    essay, dice = '<p class="gm-note">n</p>', '<ol class="dice"><li>6</li></ol>'
    assert clean(page, [essay, dice], "cleanFrame", MINIMAL_SITE) == ["<p>n</p>", dice]
    assert clean(page, [essay, dice], "cleanFrame", ESSAY) == [essay, "<ol><li>6</li></ol>"]
    # Nor its placed classes: a pin on a map, placed as a share of it, is this site's alone.
    placed = {"pin": contract.Placed(box="map", holds=[])}
    pinned = '<div class="map"><span class="pin" style="left:40%"></span></div>'
    mapped = {"classes": contract.frame_classes([], placed), "placed": placed}
    assert clean(page, [pinned], "cleanFrame", mapped) == [pinned]
    assert clean(page, [pinned], "cleanFrame", ESSAY) == ["<div><span></span></div>"]


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
        '<label for="mine-n" onclick="x()">n</label><a href="/">away</a>',
    ]
    cleaned = clean(page, hostile, "cleanControls", "mine")
    assert cleaned == [
        '<input type="range" name="n">',
        '<label for="mine-n">n</label>',
    ]


#: Class names a frame may not take: the page's (Material's fixed, blurring overlay; its
#: dialog), a figure's own part (the framework finds those by class), and any other. Each
#: sample, the names that go, and what is left: the element and the names on the list.
FRAME_CLASSES = [
    ('<div class="md-consent__overlay">cover</div>', ["md-consent__overlay"], "<div>cover</div>"),
    (
        '<div class="md-dialog md-dialog--active">said</div>',
        ["md-dialog", "md-dialog--active"],
        "<div>said</div>",
    ),
    ('<p class="live-figure__status">ready</p>', ["live-figure__status"], "<p>ready</p>"),
    (
        '<p class="gm-note md-typeset admonition x">kept</p>',
        ["md-typeset", "admonition", ' x"'],
        '<p class="gm-note">kept</p>',
    ),
    (
        '<svg><rect class="gm-b__cell md-ellipsis" width="1" height="1"></rect></svg>',
        ["md-ellipsis"],
        '<svg><rect class="gm-b__cell" width="1" height="1"></rect></svg>',
    ),
]


def test_a_class_name_not_on_the_list_goes(page: Page) -> None:
    cleaned = clean(page, [sample for sample, _, _ in FRAME_CLASSES])
    for (sample, gone, left), result in zip(FRAME_CLASSES, cleaned, strict=True):
        for name in gone:
            assert name in sample
            assert name not in result, f"{sample!r} -> {result!r}"
        assert result == left


#: What figures.css and essay.css place out of the flow (`.gm-spam__fill`, the `li` and `span`
#: of `.gm-px__marks`) stays in the box the figure draws it in, holding what the figure puts
#: there, sized as a share of that box. Each sample, and what is left of it.
RULER = '<div class="gm-px__ruler"><ol class="gm-px__marks">{}</ol></div>'
BAR = '<span class="gm-spam__bar"><span class="gm-spam__fill{}</span></span>'
PLACED = [
    # Outside their box: the class goes, and `left` with it (a share of the box only).
    ('<ol class="gm-px__marks"><li style="left:50%">x</li></ol>', "<ol><li>x</li></ol>"),
    ('<span class="gm-spam__fill" style="width:50%">x</span>', '<span style="width:50%">x</span>'),
    # In a box that is itself inside one: each nesting would move its marks once more.
    (
        RULER.format('<li class="gm-px__ruler"><span class="gm-px__marks">x</span></li>'),
        RULER.format('<li class="gm-px__ruler"><span>x</span></li>'),
    ),
    # Holding more than the figure puts there: a mark's list in a mark, a fill's content.
    (
        RULER.format('<li style="left:10%"><span>a<ol><li>up</li></ol></span></li>'),
        RULER.format('<li style="left:10%"><span>a</span></li>'),
    ),
    (RULER.format("<li>a<ul><li>up</li></ul></li>"), RULER.format("<li>a</li>")),
    (RULER.format("<div>x</div>"), RULER.format("")),
    (BAR.format('"><b>x</b>'), BAR.format('">')),
    # Sized beyond the box, or by anything but a share of it.
    (BAR.format('" style="width:3000px;height:3000px">x'), BAR.format('">x')),
    (BAR.format('" style="width:150%">x'), BAR.format('">x')),
    (BAR.format('" style="width:50%;background-color:white">x'), BAR.format('">x')),
    (RULER.format('<li style="left:-10%">x</li>'), RULER.format("<li>x</li>")),
    (RULER.format('<li style="left:0px">x</li>'), RULER.format("<li>x</li>")),
]


def test_what_the_figures_css_places_stays_in_its_box(page: Page) -> None:
    cleaned = clean(page, [sample for sample, _ in PLACED])
    assert cleaned == [left for _, left in PLACED]
    # The figures' own: a mark at 100% of the ruler, a bar at half its box.
    shipped = [
        RULER.format('<li class="gm-px__mark" style="left:100.000%"><span>x</span></li>'),
        BAR.format(' gm-spam__fill--left" style="width:50.0%">'),
    ]
    assert clean(page, shipped) == shipped


#: Every property that places or layers an element, each beside an allowed width.
PLACING = [
    "position: fixed",
    "position: absolute",
    "left: 0px",
    "top: 0px",
    "right: 0px",
    "bottom: 0px",
    "z-index: 9",
    "transform: translate(-900px)",
    "inset: 0px",
    "inset-inline-start: 0px",
    "translate: -900px",
    "rotate: 45deg",
    "scale: 9",
    "margin: -900px",
    "margin-top: -900px",
    "float: left",
]


def test_no_style_places_an_element(page: Page) -> None:
    samples = [f'<div style="width: 10%; {declaration}">moved</div>' for declaration in PLACING]
    samples.append('<div style="width: 10%">kept</div>')
    *cleaned, kept = clean(page, samples)
    for declaration, result in zip(PLACING, cleaned, strict=True):
        assert result == "<div>moved</div>", f"{declaration!r} -> {result!r}"
    assert kept == samples[-1], "the width alone stays: the placing property took the style"
    # Nor an SVG transform (no figure draws with one).
    (svg,) = clean(page, ['<svg><g transform="translate(-900 0)" fill="red"></g></svg>'])
    assert svg == '<svg><g fill="red"></g></svg>'


#: Fields an edit's controls may not bring: an <input> with no type, or a type the figure API
#: never writes, is a text box (or hidden) whose every keystroke would reach the link's Python.
TEXT_FIELDS = ["", ' type="text"', ' type="search"', ' type="password"', ' type="hidden"']


def test_an_input_that_is_no_control_goes(page: Page) -> None:
    label = '<label for="mine-n">n</label>'
    samples = [f'{label}<input{kind} id="mine-n" name="n">' for kind in TEXT_FIELDS]
    for sample, result in zip(samples, clean(page, samples, "cleanControls", "mine"), strict=True):
        assert "<input" in sample
        assert result == label, f"{sample!r} -> {result!r}"
    # The API's own types stay as written.
    fields = [
        '<input type="range" id="mine-n" name="n" min="0" max="1" step="1" value="0">',
        '<input type="checkbox" id="mine-t" name="t" checked="">',
        '<input type="button" name="b" value="go">',
    ]
    assert clean(page, fields, "cleanControls", "mine") == fields


def test_controls_keep_only_their_own_class_names(page: Page) -> None:
    samples = [
        '<div class="live-control md-consent__overlay">'
        '<span class="live-figure__legend">x</span></div>',
        '<button type="button" class="live-control md-button md-dialog">go</button>',
        '<label class="gm-note" for="mine-n">n</label>',
    ]
    assert clean(page, samples, "cleanControls", "mine") == [
        '<div class="live-control"><span>x</span></div>',
        '<button type="button" class="live-control md-button">go</button>',
        '<label for="mine-n">n</label>',
    ]
