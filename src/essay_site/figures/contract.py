"""The contract between the build and the browser layer, written down once.

The build writes each figure's markup with these names, and hands the same values to the
browser layer (``browser/``, bundled as ``figures.js``; as JSON on its ``<script>``), so the
two sides cannot drift apart. The reader-facing part (``data-widget``, ``data-state``, the
``figure:frame`` event) is documented in ARCHITECTURE.md; the worker's messages are typed in
``protocol.d.ts``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Final, TypedDict

#: Where the figures live in the site, and where the browser layer finds its parts.
SITE_FOLDER: Final = "assets/figures"
#: Relative to SITE_FOLDER: the Python files (laid out as in Pyodide's home folder: the
#: figures' package, named after their folder, beside ``essay_site/``) and the Pyodide runtime.
MODULES: Final = "py/"
RUNTIME: Final = "../pyodide/"
#: Relative to SITE_FOLDER: the site's root. Its path is the site's scope, which every name
#: the browser stores under carries: an origin may hold many sites (every GitHub Pages project
#: site of an account shares one), and each touches only its own.
ROOT: Final = "../" * (SITE_FOLDER.count("/") + 1)

#: Relative to SITE_FOLDER: the code editor, loaded when a reader first edits.
EDITOR: Final = "editor.js"

#: Relative to SITE_FOLDER: each figure's source, highlighted (``<name>.html``).
SOURCE: Final = "source/"

#: Python files every page's worker loads before any figure, relative to MODULES (besides the
#: figures' package's ``__init__.py``): the figure API, and what the worker calls (``runner``,
#: which writes new controls' markup after an edit).
SHARED: Final = (
    "essay_site/__init__.py",
    "essay_site/figures/__init__.py",
    "essay_site/figures/api.py",
    "essay_site/figures/contract.py",
    "essay_site/figures/markup.py",
    "essay_site/figures/runner.py",
)

#: Python files a figure's download holds besides the figure's own (relative to MODULES): the
#: figure API and what runs it outside the site (``standalone``, with the static painter).
#: Fetched only when a reader downloads a figure; the worker never loads them.
KIT: Final = (
    "essay_site/__init__.py",
    "essay_site/figures/__init__.py",
    "essay_site/figures/api.py",
    "essay_site/figures/static.py",
    "essay_site/figures/standalone.py",
)

#: The parts of a figure, by role.
CLASSES: Final = {
    "figure": "live-figure",
    "legend": "live-figure__legend",
    "controls": "live-figure__controls",
    "output": "live-figure__output",
    "alt": "live-figure__alt",
    "status": "live-figure__status",
    "fileNotice": "live-file-notice",
    "code": "live-figure__code",
    "codeFile": "live-code__file",
    "copy": "live-code__copy",
    "announce": "live-figure__announce",
    "link": "live-figure__link",
    "edit": "live-code__tools",
}

#: Class names any site's frames may use: the figure API's canvas (api.py's ``canvas()``). A site
#: lists its own (the figures plugin's ``frame_classes``). None is a figure's part (CLASSES): the
#: browser layer finds those by class.
FRAME_CLASSES: Final = ("live-canvas", "live-canvas--pixelated")


class Placed(TypedDict):
    """A frame's class the site's CSS places out of the flow (the plugin's ``placed_classes``).

    It stays only as a child of an element of class ``box`` (``position: relative``), holding
    the elements ``holds`` by depth; inside it, inline ``left`` and ``width`` are shares of the
    box (browser/sanitize.js).
    """

    box: str
    holds: list[str]


def frame_classes(
    site: Iterable[str] = (), placed: Mapping[str, Placed] | None = None
) -> list[str]:
    """Every class name a site's frames may use, each once: the framework's, then the site's.

    The site's are its list and its placed classes with their boxes.
    """
    rules = (placed or {}).items()
    names = [*FRAME_CLASSES, *site, *(name for key, rule in rules for name in (key, rule["box"]))]
    return list(dict.fromkeys(names))


#: Loading steps shown in each figure's progress bar: runtime, packages, the figure itself.
STEPS: Final = 3

#: Dispatched on a figure's root after each frame is in place.
FRAME_EVENT: Final = "figure:frame"


def as_json(
    pyodide: str,
    package: str,
    classes: Iterable[str] = (),
    placed: Mapping[str, Placed] | None = None,
) -> str:
    """What figures.js reads (its ``Contract`` type in protocol.d.ts).

    ``pyodide`` is the runtime's version, given by the build: this module is shipped to the
    worker (markup.py uses its names), the pins are not. ``package`` is the figures' package;
    ``classes`` and ``placed`` are what its frames may use besides the framework's own (the
    plugin's ``frame_classes`` and ``placed_classes``), for the sanitiser.
    """
    return json.dumps(
        {
            "classes": CLASSES,
            "steps": STEPS,
            "frameEvent": FRAME_EVENT,
            "modules": MODULES,
            "package": package,
            "shared": [f"{package}/__init__.py", *SHARED],
            "kit": KIT,
            "editor": EDITOR,
            "runtime": RUNTIME,
            "root": ROOT,
            "pyodide": pyodide,
            "frame": {"classes": frame_classes(classes, placed), "placed": dict(placed or {})},
        }
    )
