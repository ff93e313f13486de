"""The browser the tests and the benchmark drive: Debian's Chromium, started offline.

``python -m essay_site.dev.browser`` installs it with apt when it is missing (as root),
which is what ``nox -s tests`` and ``nox -s bench`` do first.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

#: Debian's Chromium (the PyPI playwright package cannot download a browser here).
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Nothing may leave the machine: every host but 127.0.0.1 fails to resolve.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]


def ensure() -> None:
    """Install Debian's Chromium when it is missing and we may (root, with apt)."""
    if Path(CHROMIUM).exists():
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        sys.exit(f"{CHROMIUM} is missing: run `sudo apt-get install chromium` first")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], env=env, check=True)


if __name__ == "__main__":
    ensure()
