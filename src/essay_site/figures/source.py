"""The Python behind a figure, as a reader reads it: highlighted at build time.

Each figure's module and the helpers it imports are turned into one HTML fragment (served
beside the modules, fetched only when the reader opens the figure's "Python" disclosure),
with Pygments' markup inside ``div.highlight`` as Material styles its own code blocks,
each file under its name with a copy button. The text shown is the file that runs.
"""

from __future__ import annotations

import html

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

from essay_site.figures.contract import CLASSES


def fragment(files: list[tuple[str, str]]) -> str:
    """The fragment for ``(path shown, source)`` pairs: the figure's module first."""
    parts = []
    for path, text in files:
        block = highlight(text, PythonLexer(), HtmlFormatter(wrapcode=True, filename=path))
        parts.append(
            f'<div class="{CLASSES["codeFile"]}">{block}'
            f'<button type="button" class="{CLASSES["copy"]}">'
            f"Copy {html.escape(path)}</button></div>"
        )
    return "\n".join(parts)
