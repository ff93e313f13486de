"""What the browser's worker calls: a frame for the page, and a reader's edit run safely.

Shipped to the browser with the figure API; nothing here is for figure authors.
"""

from __future__ import annotations

import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from essay_site.figures.api import render
from essay_site.figures.markup import controls_html


def message(module: ModuleType, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Render for the browser: the frame as plain data (strings, numbers, bytes)."""
    return render(module, raw).message()


@dataclass(frozen=True)
class Edited:
    """The outcome of a reader's edit: what to run from now on, or why not.

    Attributes:
        ok: Whether the edit imported and drew.
        module: The edited module, to run in place of the old one (None if not ok).
        frame: Its first frame, as ``message`` gives it (None if not ok).
        controls: The controls' new markup if the edit changed them, else "".
        error: The exception's last line (if not ok).
        line: Where in the edited source it happened, if it did there.

    """

    ok: bool
    module: ModuleType | None = None
    frame: dict[str, Any] | None = None
    controls: str = ""
    error: str = ""
    line: int | None = None


def _line(error: BaseException, filename: str) -> int | None:
    """The line of ``filename`` where ``error`` happened (innermost), if it did there."""
    if isinstance(error, SyntaxError) and error.filename == filename:
        return error.lineno
    lines = [f.lineno for f in traceback.extract_tb(error.__traceback__) if f.filename == filename]
    return lines[-1] if lines else None


def _accepted(module: ModuleType, raw: Mapping[str, Any]) -> Mapping[str, Any]:
    """The values of ``raw`` that ``module``'s controls accept.

    The page sends the values of the controls it shows, which are the old module's: an edit
    that renames, removes or changes a control (a menu without the current choice) did so on
    purpose, and that control starts at its default. A module without a tuple of controls
    gets ``raw`` as it is, and ``render`` says what it lacks.
    """
    controls = getattr(module, "CONTROLS", None)
    if not isinstance(controls, tuple):
        return raw
    accepted: dict[str, Any] = {}
    for control in controls:
        name = getattr(control, "name", None)
        if isinstance(name, str) and name in raw:
            try:
                control.coerce(raw[name])
            except (TypeError, ValueError):
                continue
            accepted[name] = raw[name]
    return accepted


def edit(module: ModuleType, source: str, raw: Mapping[str, Any], placement: str) -> Edited:
    """Run a reader's edited source of a figure, in place of ``module``, for state ``raw``.

    The edit becomes a fresh module of the same name and file (so its data files and helpers
    are found), and is rendered once before it replaces anything: a syntax error, an
    exception at import or in ``render`` leaves the figure as it was. ``placement`` names
    the figure on the page, for the ids of new controls.
    """
    filename = module.__file__ or f"{module.__name__}.py"
    edited = ModuleType(module.__name__, module.__doc__)
    edited.__file__ = filename
    edited.__package__ = module.__package__
    try:
        exec(compile(source, filename, "exec"), edited.__dict__)  # the reader's own code
        frame = message(edited, _accepted(edited, raw))
    except Exception as error:
        return Edited(
            ok=False,
            error=traceback.format_exception_only(error)[-1].strip(),
            line=_line(error, filename),
        )
    changed = getattr(module, "CONTROLS", None) != edited.CONTROLS
    controls = controls_html(edited.CONTROLS, placement) if changed else ""
    return Edited(ok=True, module=edited, frame=frame, controls=controls)
