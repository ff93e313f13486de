"""Take a figure with you: what "Download" gives runs in plain CPython, outside the site.

One live page of the essay; each figure is downloaded as the page offers it (one edited
first, in the editor), unpacked, and run with ``python -S show.py``: no MkDocs, no browser,
and no project on the path, only numpy. Its text is the page's own for that state, and its
picture is the build's static picture of the same frame. One notebook is run in a real kernel.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import numpy
import pytest
from nbclient import NotebookClient
from nbformat import read
from playwright.sync_api import Browser, Locator, Page, expect

from essay_site.dev.site_server import serve
from essay_site.figures import api
from essay_site.figures.standalone import as_html
from tests.conftest import (
    ROOT,
    all_live,
    edit_and_run,
    open_editor,
    record_errors,
    shipped_source,
)

pytestmark = pytest.mark.browser

FIGURES = sorted(p.stem for p in (ROOT / "widgets").glob("[!_]*.py"))
#: Only numpy, found where this interpreter has it: ``-S`` leaves out site-packages (and the
#: project's own editable install with it).
NUMPY_ONLY = {"PYTHONPATH": str(Path(numpy.__file__).parents[1]), "PATH": ""}
EDITED = "pixel_explosion"
EDIT = ("BAR_BITS = 28", "BAR_BITS = 20")


@pytest.fixture(scope="module")
def page(essay_site: Path, browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    record_errors(page, errors)
    with serve(essay_site) as server:
        page.goto(f"{server.url}?pixel_explosion.n=20")
        all_live(page, len(FIGURES))
        yield page
    context.close()
    assert not errors


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


@pytest.mark.parametrize("name", FIGURES)
def test_each_downloaded_figure_runs_alone_as_the_page_shows_it(
    page: Page, essay_site: Path, tmp_path: Path, name: str
) -> None:
    figure = page.locator(f'[data-widget="{name}"]')
    if name == EDITED:
        code = open_editor(figure)
        shipped = shipped_source(essay_site, name)
        assert EDIT[0] in shipped
        edit_and_run(page, code, shipped.replace(*EDIT))
        expect(figure).to_have_attribute("data-run", "ok")
    folder = download(page, figure, tmp_path)
    about = json.loads((folder / "figure.json").read_text())
    assert about["module"] == name
    printed = run_alone(folder, "show.py").splitlines()
    shown = figure.locator(".live-figure__alt").text_content()
    assert printed[0] == shown, "the text the page shows for this state"
    used = run_alone(folder, "-c", "import essay_site; print(essay_site.__file__)")
    assert Path(used.strip()).is_relative_to(folder), "its own figure API, not the project's"
    written = (folder / "figure.html").read_text(encoding="utf-8")
    if name == EDITED:
        assert EDIT[1] in (folder / "widgets" / f"{name}.py").read_text()
        assert about["state"]["n"] == 20
        return
    module = importlib.import_module(f"widgets.{name}")
    assert as_html(api.render(module, about["state"])) in written, "the build's own picture"


def test_the_notebook_shows_the_figure_in_a_kernel(page: Page, tmp_path: Path) -> None:
    folder = download(page, page.locator('[data-widget="density_surface"]'), tmp_path)
    notebook = read(folder / "figure.ipynb", as_version=4)  # type: ignore[no-untyped-call]
    # The kernel starts in the folder, whose essay_site comes first on its path (a PYTHONPATH
    # naming the project's own would come before it).
    alone = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    NotebookClient(notebook, resources={"metadata": {"path": str(folder)}}).execute(env=alone)
    (output,) = notebook.cells[0].outputs
    state = json.loads((folder / "figure.json").read_text())["state"]
    module = importlib.import_module("widgets.density_surface")
    assert output["data"]["text/html"] == as_html(api.render(module, state))
