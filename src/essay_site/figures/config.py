"""Options of the ``figures`` plugin."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as opt

from essay_site.pins import PYODIDE_PACKAGE_SOURCES


class FiguresConfig(base.Config):
    """Where figures live, where Pyodide's packages come from, how long to wait."""

    # Off: the plugin does nothing (a build without it, e.g. to compare or to bisect).
    enabled = opt.Type(bool, default=True)

    # Figure modules, relative to mkdocs.yml; the folder is imported as the package of its name.
    figures_dir = opt.Type(str, default="widgets")
    # The option's first name, read as figures_dir with a warning (a strict build fails on it).
    widgets_dir = opt.Deprecated(moved_to="figures_dir")

    # Tried in order, file by file; any source will do, as each file is checked against the lock.
    package_sources = opt.ListOfItems(opt.Type(str), default=list(PYODIDE_PACKAGE_SOURCES))

    # Downloads are cached here (default: the user's cache folder), never in the repository.
    cache_dir = opt.Optional(opt.Type(str))

    # A download of the runtime with no byte for this long is reported as failed, never left
    # hanging. Only time the reader's computer was free to receive counts: a slow one is no stall.
    runtime_timeout = opt.Type(int, default=60)

    # A worker silent this long while figures wait (a start-up step that never ends) is stopped.
    # Generous: compiling, starting Python and importing are silent, and slow on a slow computer.
    busy_timeout = opt.Type(int, default=180)

    # A figure awaiting a frame while the worker is silent this long is stopped (its loop, say).
    render_timeout = opt.Type(int, default=5)
