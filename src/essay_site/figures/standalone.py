"""A figure taken away from its site, run in your own Python: numpy is all it needs.

"Download" in a figure's Python panel gives a folder (zipped) holding the figure's module,
edited or as shipped, its helpers and data, the figure API (this package) and
``figure.json``: which module, and the controls' values it was downloaded with.
``python show.py`` writes ``figure.html`` (the picture, as SVG, and the figure's text) and
prints the text; in Jupyter, the first cell of ``figure.ipynb`` shows the same. Pass other
values to ``show`` (``show({"n": 20})``), or change them in figure.json.

Not shipped to the page's worker: only a download holds it.
"""

from __future__ import annotations

import base64
import html
import importlib
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from essay_site.figures.api import Frame, render
from essay_site.figures.static import static_html

#: The downloaded folder: essay_site/figures/standalone.py is two levels below it.
HERE = Path(__file__).resolve().parents[2]


def about(folder: Path = HERE) -> dict[str, Any]:
    """What figure.json says: ``package``, ``module`` and ``state``."""
    described: dict[str, Any] = json.loads((folder / "figure.json").read_text(encoding="utf-8"))
    return described


def frame(state: Mapping[str, Any] | None = None, folder: Path = HERE) -> Frame:
    """The figure's frame for figure.json's state, with ``state``'s values over it."""
    described = about(folder)
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
    module = importlib.import_module(f"{described['package']}.{described['module']}")
    return render(module, {**described["state"], **(state or {})})


def _inline(svg: bytes) -> str:
    """A picture's address inside the HTML itself, so one file holds everything."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


def as_html(shown: Frame) -> str:
    """The frame as one piece of HTML: its pictures as SVG, then its text."""
    return (
        f"<figure>{static_html(shown, _inline)}"
        f"<figcaption>{html.escape(shown.alt)}</figcaption></figure>"
    )


def show(state: Mapping[str, Any] | None = None, folder: Path = HERE) -> None:
    """Show the figure: in Jupyter, as the cell's output; elsewhere, written to figure.html.

    ``frame(state)`` gives the frame itself, to look into.
    """
    shown = frame(state, folder)
    try:
        from IPython.display import HTML, display
    except ImportError:
        write(shown, folder)
    else:
        display(HTML(as_html(shown)))  # type: ignore[no-untyped-call]  # IPython is untyped


def write(shown: Frame, folder: Path = HERE) -> Path:
    """Write figure.html beside figure.json, and print the figure's text."""
    target = folder / "figure.html"
    title = html.escape(about(folder)["module"])
    target.write_text(
        f'<!doctype html><html lang="en"><meta charset="utf-8"><title>{title}</title>'
        f"{as_html(shown)}</html>\n",
        encoding="utf-8",
    )
    print(shown.alt)
    return target


def main() -> None:
    """``python show.py``: the figure for figure.json's state, as figure.html."""
    print(f"Written: {write(frame())}")
