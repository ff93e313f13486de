"""What a figure imports: its helper modules (followed transitively) and outside packages.

The build ships a figure's helpers (``_*.py`` in its folder) with it and picks the Pyodide
packages it needs from the same walk, so what runs under CPython at build time is what the
browser gets. The folder is imported as a package named after it (``widgets`` below). Every
import form counts: ``import widgets._a``, ``from widgets._a import x``,
``from widgets import _a``, and relative ``from ._a import x`` / ``from . import _a``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

#: The framework's own package (its figure API is always shipped, never a Pyodide package).
FRAMEWORK = "essay_site"


@dataclass
class Imports:
    """A figure's imports, its helpers' included."""

    #: Helper modules in the figures folder (``_a`` for ``widgets/_a.py``), sorted.
    helpers: list[str] = field(default_factory=list)
    #: Top-level names of everything else imported (``numpy``, ``math``, ...).
    outside: set[str] = field(default_factory=set)


def _imported(tree: ast.AST, package: str) -> tuple[set[str], set[str]]:
    """Modules of the figures ``package`` and top-level outside names that ``tree`` imports."""
    local: set[str] = set()
    outside: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                head, _, rest = alias.name.partition(".")
                if head == package and rest:
                    local.add(rest.split(".")[0])
                else:
                    outside.add(head)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level == 0 and module.split(".")[0] != package:
                outside.add(module.split(".")[0])
                continue
            inner = module.removeprefix(package).lstrip(".") if node.level == 0 else module
            if inner:
                local.add(inner.split(".")[0])
            else:  # from widgets import _a / from . import _a
                local.update(alias.name for alias in node.names)
    return local, outside - {"", FRAMEWORK}


def walk(module: Path, folder: Path) -> Imports:
    """Follow ``module``'s imports through the helpers in ``folder``, transitively.

    The folder is the package named after it.

    Raises:
        FileNotFoundError: A figure imports a module of the folder that does not exist.

    """
    package = folder.name
    found = Imports()
    seen: set[Path] = set()
    queue = [module]
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        local, outside = _imported(tree, package)
        found.outside |= outside
        for name in sorted(local):
            helper = folder / f"{name}.py"
            if not helper.is_file():
                raise FileNotFoundError(f"{path.name} imports {package}.{name}: no {helper}")
            if name != module.stem and name not in found.helpers:
                found.helpers.append(name)
            queue.append(helper)
    found.helpers.sort()
    return found
