"""The browsers the tests and the benchmark drive: Debian's Chromium, started offline.

The engine tests (``tests/test_engines.py``) also drive Debian's Firefox ESR and WebKitGTK's
MiniBrowser (through WebKitWebDriver, on an Xvfb display). ``python -m essay_site.dev.browser``
installs whichever of them is missing with apt, in one call (as root), which is what
``nox -s tests`` and ``nox -s bench`` do first.
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
#: Debian's Firefox ESR (driven by npm puppeteer-core over WebDriver BiDi).
FIREFOX = os.environ.get("FIREFOX", "/usr/bin/firefox-esr")
#: WebKitGTK's WebDriver and the browser it drives (Debian's webkit2gtk-driver).
WEBKIT_DRIVER = "/usr/bin/WebKitWebDriver"
MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"
#: The X server MiniBrowser needs, even when nobody looks (Debian's xvfb).
XVFB = "/usr/bin/Xvfb"

#: Each browser's file, and the Debian package that installs it.
PACKAGES = {
    CHROMIUM: "chromium",
    FIREFOX: "firefox-esr",
    WEBKIT_DRIVER: "webkit2gtk-driver",
    MINIBROWSER: "webkit2gtk-driver",
    XVFB: "xvfb",
}


def ensure() -> None:
    """Install the browsers that are missing, when we may (root, with apt)."""
    missing = sorted({package for path, package in PACKAGES.items() if not Path(path).exists()})
    if not missing:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        sys.exit(f"missing: run `sudo apt-get install {' '.join(missing)}` first")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", *missing], env=env, check=True)


if __name__ == "__main__":
    ensure()
