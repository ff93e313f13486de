"""Finding figure blocks in a page's Markdown: text in, text and placements out, nothing else.

A figure is placed with a block naming its module, its caption inside::

    /// figure | pixel_explosion
    The caption, in Markdown.
    ///

A marker inside a fenced code block is text (the docs show the syntax that way). The same
figure may be placed more than once on a page: each placement gets its own id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPEN = re.compile(r"^///\s*figure\s*\|\s*(?P<name>\S+)\s*$")
CLOSE = re.compile(r"^///\s*$")
# A fenced code block opens with three or more backticks or tildes; markers inside it are text.
FENCE = re.compile(r"^\s{0,3}(?P<fence>`{3,}|~{3,})")


class MarkerError(ValueError):
    """A figure block that cannot be read, at ``line`` of the page's source file."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Placement:
    """One figure block: which module, where, its caption, and which placement on the page."""

    name: str
    line: int
    caption: str = ""
    #: 1 for the figure's first placement on the page, 2 for its second, ...
    occurrence: int = 1

    @property
    def ident(self) -> str:
        """The placement's name on the page: ``name``, then ``name-2``, ``name-3``, ..."""
        return self.name if self.occurrence == 1 else f"{self.name}-{self.occurrence}"


def closes(line: str, fence: str) -> bool:
    """Whether ``line`` closes the code block ``fence`` opened (same character, as long or more)."""
    mark = line.strip()
    return len(mark) >= len(fence) and set(mark) == {fence[0]}


def scan(markdown: str, first_line: int = 1) -> list[str | Placement]:
    """The page's lines, with each figure block (marker to ``///``) as one ``Placement``.

    ``first_line`` is the source file's line number of the Markdown's first line (after
    front matter), so errors and placements name the line an author sees in their editor.

    Raises:
        MarkerError: A block is never closed, or names something that cannot be a module.

    """
    out: list[str | Placement] = []
    opened: tuple[str, int] | None = None
    caption: list[str] = []
    counts: dict[str, int] = {}
    fence = ""
    for number, line in enumerate(markdown.splitlines(), start=first_line):
        if opened is not None:
            if not CLOSE.match(line):
                caption.append(line)
                continue
            name, start = opened
            counts[name] = counts.get(name, 0) + 1
            out.append(Placement(name, start, "\n".join(caption).strip(), counts[name]))
            opened, caption = None, []
        elif fence:
            fence = "" if closes(line, fence) else fence
            out.append(line)
        elif fenced := FENCE.match(line):
            fence = fenced["fence"]
            out.append(line)
        elif marker := OPEN.match(line):
            if not marker["name"].isidentifier():
                raise MarkerError(
                    number, f"figure name {marker['name']!r} is not a module name (a_b_c)"
                )
            opened = (marker["name"], number)
        else:
            out.append(line)
    if opened is not None:
        raise MarkerError(opened[1], "figure block is never closed with ///")
    return out
