"""A real, strict ``mkdocs build``, as the tests and the benchmark run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# MkDocs prints a banner about its future on every run; the builds here are strict enough.
ENV = {"NO_MKDOCS_2_WARNING": "1"}


def mkdocs_build(project: Path, site: Path) -> subprocess.CompletedProcess[str]:
    """Build ``project`` into ``site`` with ``mkdocs build --strict``; the result, not raised."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)],
        cwd=project,
        env={**os.environ, **ENV},
        capture_output=True,
        text=True,
        check=False,
    )
