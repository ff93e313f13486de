"""How pytest-xdist shares the suite between its processes (the hooks are in conftest.py).

A unit of work is a test file, whose tests share its pages and servers, except that each
engine's scenarios in test_engines.py are a unit of their own: the engines run side by side.
"""

from __future__ import annotations

import re

from xdist.scheduler import LoadScopeScheduling  # type: ignore[import-untyped]

from essay_site.dev.browser import ENGINES

#: The longest test files, longest first (as measured here: CI's log lists the slowest
#: tests). Started in this order, and the rest after, so that the short ones fill the gaps at
#: the end and a run never ends with a long one alone on a core.
LONGEST = (
    "test_engines.py",
    "test_offline_reading.py",
    "test_runtime_download.py",
    "test_pixel_explosion.py",
    "test_faulty_figures.py",
    "test_edited_code.py",
    "test_browser.py",
    "test_shared_origin.py",
    "test_family_samples.py",
    "test_spam_classifiers.py",
    "test_accessibility.py",
    "test_takeaway.py",
)
#: A scenario of test_engines.py in one engine: ``test_engine[<engine>-<scenario>]``.
ENGINE_SCENARIO = re.compile(rf"test_engine\[({'|'.join(ENGINES)})-")


def unit_of(nodeid: str) -> str:
    """A test's unit of work: its file, whose tests share its pages and servers, except that
    each engine's scenarios are a unit of their own (the engines run side by side, each
    process starting only its own)."""
    file, _, test = nodeid.partition("::")
    engine = ENGINE_SCENARIO.match(test)
    return f"{file}::{engine[1]}" if engine else file


class FilesAndEngines(LoadScopeScheduling):  # type: ignore[misc]
    """pytest-xdist's scheduling of whole units of work (``unit_of``)."""

    def _split_scope(self, nodeid: str) -> str:
        return unit_of(nodeid)
