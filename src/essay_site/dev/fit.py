"""Fit the figures that learn from real data, writing their parameters to ``widgets/data/``.

Run with ``nox -s fit`` (all figures) or ``python -m essay_site.dev.fit NAME``. Fitting is
deterministic (fixed seeds and splits), so running it again reproduces the committed
files; ``tests/test_<name>.py`` checks that it does.
"""

from __future__ import annotations

import argparse
import importlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from essay_site.dev import datasets

#: The figures' folder of the project fitted: run from the folder of mkdocs.yml.
WIDGETS = Path("widgets")

Params = dict[str, NDArray[Any]]


def _family_samples() -> Params:
    module = importlib.import_module("widgets.family_samples")
    images, labels = datasets.mnist()
    result: Params = module.fit(images, labels)
    return result


def _spam_classifiers() -> Params:
    module = importlib.import_module("widgets._spam_fit")
    emails = datasets.spam_assassin()
    documents = [datasets.words(datasets.email_text(raw)) for raw, _ in emails]
    result: Params = module.fit(documents, [spam for _, spam in emails])
    return result


#: Each fitted figure: how to turn its verified data into parameters.
FITTERS: dict[str, Callable[[], Params]] = {
    "family_samples": _family_samples,
    "spam_classifiers": _spam_classifiers,
}


def fit(name: str) -> Params:
    """Fit one figure from its data; nothing is written."""
    return FITTERS[name]()


def main() -> None:
    """Fit the named figures (default: all) and save their parameter files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help=f"figures to fit: {', '.join(FITTERS)}")
    names = parser.parse_args().names or list(FITTERS)
    unknown = sorted(set(names) - set(FITTERS))
    if unknown:
        parser.error(f"no fitted figure called {', '.join(unknown)}; known: {', '.join(FITTERS)}")
    for name in names:
        start = time.perf_counter()
        target = WIDGETS / "data" / f"{name}.npz"
        target.parent.mkdir(exist_ok=True)
        save: Callable[..., None] = np.savez_compressed  # typed loosely: keys are ours
        save(target, **fit(name))
        print(
            f"{name}: {target} ({target.stat().st_size:,} bytes, "
            f"{time.perf_counter() - start:.1f} s)"
        )


if __name__ == "__main__":
    main()
