"""Take a figure with you: what "Download" gives runs in plain CPython, outside the site.

On the shared essay page each figure has a control moved (one is edited first, in the
editor), so it shows a state the build did not draw; it is downloaded as the page offers it,
unpacked, and run with ``python -S show.py``: no MkDocs, no browser, and no project on the
path, only numpy. Its text is the page's own for that state, and its picture (markup and SVG
files) is the one the build's static renderer, this repository's, draws for that state, not
the page's picture as built. Broken copies of a download fail that comparison, naming what
differs. One notebook is run in a real kernel.
"""

from __future__ import annotations

import base64
import html
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from hashlib import sha256
from pathlib import Path
from types import ModuleType
from typing import NamedTuple

import numpy
import pytest
from nbclient import NotebookClient
from nbformat import read
from playwright.sync_api import Locator, Page, expect

from essay_site.figures import api
from essay_site.figures.contract import SITE_FOLDER
from essay_site.figures.plugin import PICTURES
from essay_site.figures.static import static_html
from tests.conftest import (
    ROOT,
    RUN_TIMEOUT,
    Visit,
    edit_and_run,
    live,
    open_editor,
    shipped_source,
)

pytestmark = pytest.mark.browser

FIGURES = sorted(p.stem for p in (ROOT / "widgets").glob("[!_]*.py"))
#: Only numpy, found where this interpreter has it: ``-S`` leaves out site-packages (and the
#: project's own editable install with it).
NUMPY_ONLY = {"PYTHONPATH": str(Path(numpy.__file__).parents[1]), "PATH": ""}
#: Each figure's control moved away from its built value, and where to: a state not drawn
#: by the build (a slider's number, a menu's option, a chip ticked).
MOVES: dict[str, tuple[str, float | str | bool]] = {
    "density_surface": ("peaks", 3),
    "family_samples": ("family", "markov"),
    "normalizing_flow": ("strength", 0.9),
    "pixel_explosion": ("n", 20),
    "probability_budget": ("p1", 0.8),
    "spam_classifiers": ("prince", True),
}
EDITED = "pixel_explosion"
EDIT = ("BAR_BITS = 28", "BAR_BITS = 20")
#: A picture in a downloaded figure.html: an SVG file inlined as a data URL (standalone.py).
INLINE = "data:image/svg+xml;base64,"
IMAGE = re.compile(r'<img data-canvas="([\w-]+)" src="([^"]+)"')
FIGURE = re.compile(r"<figure>(.*)<figcaption>(.*)</figcaption></figure>", re.S)


class Picture(NamedTuple):
    """A frame as drawn without script: its markup, each image at the address the build
    gives its SVG file (named by content), those files by canvas, and the frame's text."""

    markup: str
    files: dict[str, bytes]
    alt: str


def site_address(svg: bytes) -> str:
    """Where the build keeps a picture on the essay's page (the plugin's ``place``)."""
    return f"{SITE_FOLDER}/{PICTURES}/{sha256(svg).hexdigest()[:16]}.svg"


def picture(markup: str, fetch: Callable[[str], bytes], alt: str) -> Picture:
    """``markup`` with each image's SVG file (``fetch`` reads it from its address) moved to
    the address the build gives it."""
    files: dict[str, bytes] = {}

    def at_site(image: re.Match[str]) -> str:
        files[image[1]] = svg = fetch(image[2])
        return f'<img data-canvas="{image[1]}" src="{site_address(svg)}"'

    return Picture(IMAGE.sub(at_site, markup), files, alt)


def build_picture(module: ModuleType, state: api.State | None = None) -> Picture:
    """What the site's build draws for ``state`` (as built, if None): the repository's own
    ``api.render`` and ``static_html``, never the download's."""
    frame = api.render(module, state)
    kept: dict[str, bytes] = {}

    def place(svg: bytes) -> str:
        kept[site_address(svg)] = svg
        return site_address(svg)

    return picture(static_html(frame, place), kept.__getitem__, frame.alt)


def taken_picture(written: str) -> Picture:
    """The picture a downloaded figure wrote (figure.html, or the notebook's output)."""
    found = FIGURE.search(written)
    assert found, f"no <figure> in what the download wrote: {written[:200]!r}"

    def inline(src: str) -> bytes:
        assert src.startswith(INLINE), f"a picture not inside figure.html: {src[:80]!r}"
        return base64.b64decode(src.removeprefix(INLINE))

    return picture(found[1], inline, html.unescape(found[2]))


def first_difference(taken: str, built: str) -> str:
    """Where ``taken`` first departs from ``built``: the element it is in, and both texts."""
    at = next((i for i, (a, b) in enumerate(zip(taken, built, strict=False)) if a != b), None)
    at = min(len(taken), len(built)) if at is None else at
    element = built[built.rfind("<", 0, at) :].split(" ", 1)[0]
    return (
        f"in {element}> at character {at}: {taken[at - 50 : at + 50]!r} "
        f"where the build has {built[at - 50 : at + 50]!r}"
    )


def difference(taken: Picture, built: Picture) -> str:
    """What differs between two pictures: the first SVG file that does, else the markup."""
    if list(taken.files) != list(built.files):
        return f"canvases {list(taken.files)}, where the build has {list(built.files)}"
    for canvas, svg in taken.files.items():
        if svg != built.files[canvas]:
            return f"the SVG of canvas {canvas!r} differs " + first_difference(
                svg.decode(), built.files[canvas].decode()
            )
    return "the markup differs " + first_difference(taken.markup, built.markup)


def moved_state(module: ModuleType, name: str) -> api.State:
    """The figure's state once its control in MOVES is moved: not the built one."""
    control, value = MOVES[name]
    state = api.coerce(module.CONTROLS, {control: value})
    assert state != api.defaults(module.CONTROLS), f"{name}: MOVES must move {control}"
    return state


def move(page: Page, name: str) -> None:
    """Move the figure's control in MOVES, as a reader does."""
    control, value = MOVES[name]
    field = page.locator(f"#{name}-{control}")
    if isinstance(value, bool):
        field.set_checked(value)
    elif isinstance(value, str):
        field.select_option(value)
    else:
        field.fill(str(value))


def download(page: Page, figure: Locator, folder: Path) -> Path:
    """Click the figure's Download, unzip what comes; the figure's own folder in it."""
    code = figure.locator("details.live-figure__code")
    if code.get_attribute("open") is None:
        code.locator("summary").click()
    with page.expect_download() as started:
        code.get_by_role("button", name="Download").click()
    archive = folder / started.value.suggested_filename
    started.value.save_as(archive)
    with zipfile.ZipFile(archive) as unpacked:
        assert unpacked.testzip() is None
        unpacked.extractall(folder / "unpacked")
    (inside,) = (folder / "unpacked").iterdir()
    return inside


def moved_and_downloaded(page: Page, name: str, folder: Path, reference: Picture) -> Path:
    """The figure's download once its control is moved and the page shows the reference's
    text (the build's for that state)."""
    figure = live(page, name)
    move(page, name)
    shown = figure.locator(".live-figure__alt")
    expect(shown).to_have_text(reference.alt, timeout=30_000)
    return download(page, figure, folder)


def run_alone(folder: Path, *args: str) -> str:
    """Run Python in ``folder`` with numpy only; its output."""
    result = subprocess.run(
        [sys.executable, "-S", *args],
        cwd=folder,
        env=NUMPY_ONLY,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def check_alone(folder: Path, reference: Picture, built: Picture) -> None:
    """The download, run as its show.py says, draws ``reference`` and prints its text."""
    printed = run_alone(folder, "show.py").splitlines()
    taken = taken_picture((folder / "figure.html").read_text(encoding="utf-8"))
    assert taken.markup != built.markup, "the download draws the page as built, not its state"
    assert taken.markup == reference.markup, (
        f"not the build's picture of this state: {difference(taken, reference)}"
    )
    assert printed[0] == taken.alt == reference.alt, "the page's text for this state"
    used = run_alone(folder, "-c", "import essay_site; print(essay_site.__file__)")
    assert Path(used.strip()).is_relative_to(folder), "its own figure API, not the project's"


def edited_module(name: str, source: str) -> ModuleType:
    """The figure's module as ``source`` (an edit), not imported from anywhere."""
    module = ModuleType(f"widgets.{name}")
    exec(compile(source, f"{name}.py, edited", "exec"), module.__dict__)
    return module


#: Breaks of a download, each in a copy of one: the file, the text replaced and by what,
#: and what the comparison's failure says.
BREAKS = {
    "show() ignores figure.json's state": (
        "essay_site/figures/standalone.py",
        'render(module, {**described["state"], **(state or {})})',
        "render(module, state)",
        "the download draws the page as built, not its state",
    ),
    "the figure's grid lines drawn paler": (
        "widgets/normalizing_flow.py",
        'line = "rgba(255,255,255,0.55)"',
        'line = "rgba(255,255,255,0.5)"',
        "the SVG of canvas 'base' differs in <path> at character",
    ),
    "static.py compresses its PNGs less": (
        "essay_site/figures/static.py",
        "zlib.compress(rows, 9)",
        "zlib.compress(rows, 1)",
        "the SVG of canvas 'base' differs in <image> at character",
    ),
}


def test_a_broken_download_fails_the_comparison(essay: Visit, tmp_path: Path) -> None:
    name = "normalizing_flow"
    module = importlib.import_module(f"widgets.{name}")
    built, reference = build_picture(module), build_picture(module, moved_state(module, name))
    folder = moved_and_downloaded(essay.page, name, tmp_path / "download", reference)
    check_alone(folder, reference, built)  # as downloaded, it passes
    for what, (path, old, new, said) in BREAKS.items():
        broken = tmp_path / what
        shutil.copytree(folder, broken, ignore=shutil.ignore_patterns("__pycache__"))
        text = (broken / path).read_text()
        assert old in text, f"{what}: {path} no longer has {old!r}"
        (broken / path).write_text(text.replace(old, new))
        with pytest.raises(AssertionError, match=re.escape(said)):
            check_alone(broken, reference, built)
    assert essay.errors == []


def test_the_notebook_shows_the_figure_in_a_kernel(essay: Visit, tmp_path: Path) -> None:
    name = "density_surface"
    module = importlib.import_module(f"widgets.{name}")
    reference = build_picture(module, moved_state(module, name))
    folder = moved_and_downloaded(essay.page, name, tmp_path, reference)
    notebook = read(folder / "figure.ipynb", as_version=4)  # type: ignore[no-untyped-call]
    # The kernel starts in the folder, whose essay_site comes first on its path (a PYTHONPATH
    # naming the project's own would come before it).
    alone = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    NotebookClient(notebook, resources={"metadata": {"path": str(folder)}}).execute(env=alone)
    (output,) = notebook.cells[0].outputs
    taken = taken_picture(output["data"]["text/html"])
    assert taken.markup != build_picture(module).markup, "the notebook draws the page as built"
    assert taken.markup == reference.markup, difference(taken, reference)
    assert taken.alt == reference.alt
    assert essay.errors == []


# Last in the file, the edited figure last: the page reloads after an edit, before the next
# test.
@pytest.mark.parametrize("name", sorted(FIGURES, key=lambda name: name == EDITED))
def test_each_downloaded_figure_runs_alone_in_the_state_moved_to(
    essay: Visit, essay_site: Path, tmp_path: Path, name: str
) -> None:
    page = essay.page
    module = importlib.import_module(f"widgets.{name}")
    built = build_picture(module)
    page_as_built = (essay_site / "index.html").read_text(encoding="utf-8")
    assert built.markup in page_as_built, "the build's own picture, files named as it names them"
    reference = build_picture(module, moved_state(module, name))
    if name == EDITED:
        code = open_editor(live(page, name))
        shipped = shipped_source(essay_site, name)
        assert EDIT[0] in shipped
        edit_and_run(page, code, shipped.replace(*EDIT))
        expect(page.locator(f'[data-widget="{name}"]')).to_have_attribute(
            "data-run", "ok", timeout=RUN_TIMEOUT
        )
        source = (ROOT / "widgets" / f"{name}.py").read_text().replace(*EDIT)
        unedited, module = reference, edited_module(name, source)
        reference = build_picture(module, moved_state(module, name))
        assert reference.markup != unedited.markup, "the edit shows in this state"
    folder = moved_and_downloaded(page, name, tmp_path, reference)
    about = json.loads((folder / "figure.json").read_text())
    assert about["module"] == name
    assert api.coerce(module.CONTROLS, about["state"]) == moved_state(module, name)
    if name == EDITED:
        assert EDIT[1] in (folder / "widgets" / f"{name}.py").read_text()
    check_alone(folder, reference, built)
    assert essay.external == []
    assert essay.errors == []
