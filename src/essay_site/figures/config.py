"""Options of the ``figures`` plugin, and what they let a frame use."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from mkdocs.config import base
from mkdocs.config import config_options as opt

from essay_site.figures.contract import CLASSES, Placed, frame_classes
from essay_site.pins import PYODIDE_PACKAGE_SOURCES

#: What separates class names in a class attribute (HTML's whitespace, as the browser splits).
SPACE = re.compile(r"[\t\n\f\r ]+")


class ClassesIn(HTMLParser):
    """Every class name in a piece of HTML (``names``)."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Collect the tag's class names."""
        for name, value in attrs:
            if name == "class" and value:
                self.names.update(part for part in SPACE.split(value) if part)


class ClassName(opt.Type[str]):
    """A class name a frame may use: one name, and no part of a figure (the page finds those)."""

    def __init__(self) -> None:
        super().__init__(str)

    def run_validation(self, value: object) -> str:
        """The name, if it is one a frame may use."""
        name = super().run_validation(value)
        if not name or SPACE.search(name) or name in CLASSES.values():
            raise base.ValidationError(f"{name!r}: not one class name, or a part of every figure")
        return name


class PlacedClass(base.Config):
    """A frame's class that the site's CSS places out of the flow (``position: absolute``)."""

    # The class of the box (`position: relative`) it must be a child of: elsewhere, it would be
    # placed against the page. Inside, inline `left` and `width` only, as 0-100% of that box.
    box = ClassName()
    # The elements it holds, by depth: its child, that child's child... (none: it holds nothing).
    holds = opt.ListOfItems(opt.Type(str), default=[])


class PlacedClasses(opt.DictOfItems[PlacedClass]):
    """Placed classes by name; each name a ClassName."""

    def run_validation(self, value: object) -> dict[str, PlacedClass]:
        """The placed classes, if each is named by a class name a frame may use."""
        for name in value if isinstance(value, dict) else {}:
            ClassName().run_validation(name)
        return super().run_validation(value)


class FiguresConfig(base.Config):
    """Where figures live, what their frames may use, where packages come from, how long to wait."""

    # Off: the plugin does nothing (a build without it, e.g. to compare or to bisect).
    enabled = opt.Type(bool, default=True)

    # Figure modules, relative to mkdocs.yml; the folder is imported as the package of its name.
    figures_dir = opt.Type(str, default="widgets")
    # The option's first name, read as figures_dir with a warning (a strict build fails on it).
    widgets_dir = opt.Deprecated(moved_to="figures_dir")

    # Class names the site's frames may use besides the framework's own (the canvas's). The
    # browser drops any other, as a reader's edit could take the page's (an overlay covering it);
    # the build refuses a pre-rendered frame with one.
    frame_classes = opt.ListOfItems(ClassName(), default=[])
    # Classes the site's CSS places out of the flow, by name, each kept in its box (PlacedClass);
    # they and their boxes count as listed in frame_classes.
    placed_classes = PlacedClasses(opt.SubConfig(PlacedClass), default={})

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

    # The same for a reader's run, which imports their module first (and loads what it needs).
    run_timeout = opt.Type(int, default=20)

    def placed(self) -> dict[str, Placed]:
        """``placed_classes`` as the contract hands them to the page."""
        rules = self.placed_classes.items()
        return {name: Placed(box=rule.box, holds=list(rule.holds)) for name, rule in rules}

    def unlisted(self, frame: str) -> list[str]:
        """The class names in a frame's HTML that these options do not let it use, sorted."""
        allowed = frame_classes(self.frame_classes, self.placed())
        return sorted(ClassesIn(frame).names - set(allowed))
