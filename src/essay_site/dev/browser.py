"""The browsers the tests and the benchmark drive: Playwright's own builds, or Debian's.

Each engine (Chromium, Firefox, WebKit) is taken from Playwright's own build where one is
installed (``python -m playwright install chromium firefox webkit``: macOS, Windows and most
Linux), else from Debian's packages (Chromium, Firefox ESR, WebKitGTK's MiniBrowser through
WebKitWebDriver on an Xvfb display), which is what machines that reach only package
registries use. ``python -m essay_site.dev.browser`` installs whichever engine is missing:
Playwright's build first, then, as root with apt, Debian's; what neither can install is left
for the tests to skip with the command that installs it (``nox -s tests`` runs it first).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Literal

from playwright.sync_api import Browser, Playwright, sync_playwright

#: Debian's Chromium.
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
WEBKIT_DRIVER = os.environ.get("WEBKIT_DRIVER", "/usr/bin/WebKitWebDriver")
MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"
#: The X server MiniBrowser needs, even when nobody looks (Debian's xvfb).
XVFB = "/usr/bin/Xvfb"

Engine = Literal["chromium", "firefox", "webkit"]
Build = Literal["playwright", "debian"]
ENGINES: tuple[Engine, ...] = ("chromium", "firefox", "webkit")

#: The files Debian's build of each engine needs, and the Debian package of each file.
DEBIAN: dict[Engine, dict[str, str]] = {
    "chromium": {CHROMIUM: "chromium"},
    "firefox": {FIREFOX: "firefox-esr"},
    "webkit": {WEBKIT_DRIVER: "webkit2gtk-driver", MINIBROWSER: "webkit2gtk-driver", XVFB: "xvfb"},
}


def playwright_has(driver: Playwright, engine: Engine) -> bool:
    """Whether Playwright's own build of ``engine`` is installed."""
    return Path(getattr(driver, engine).executable_path).is_file()


def debian_has(engine: Engine) -> bool:
    """Whether every file of Debian's build of ``engine`` is there."""
    return all(Path(path).exists() for path in DEBIAN[engine])


def build_of(driver: Playwright, engine: Engine) -> Build | None:
    """Which build of ``engine`` to drive: Playwright's, else Debian's, else none."""
    if playwright_has(driver, engine):
        return "playwright"
    return "debian" if debian_has(engine) else None


def how_to_install(engine: Engine) -> str:
    """The commands that install ``engine``, for a skip or a failure to name."""
    packages = " ".join(sorted(set(DEBIAN[engine].values())))
    return (
        f"{engine} is not installed: run `python -m playwright install {engine}` "
        f"(on Debian without downloads: `sudo apt-get install {packages}`)"
    )


def chromium_executable(driver: Playwright) -> str | None:
    """Debian's Chromium where Playwright has no build of its own; None means Playwright's."""
    return CHROMIUM if build_of(driver, "chromium") == "debian" else None


def launch_chromium(driver: Playwright, args: list[str] | None = None) -> Browser:
    """Chromium (Playwright's build, else Debian's), headless, other hosts unresolvable."""
    return driver.chromium.launch(
        executable_path=chromium_executable(driver), args=CHROMIUM_ARGS if args is None else args
    )


def ensure() -> None:
    """Install each engine that has no build yet: Playwright's, else Debian's (root, apt)."""
    with sync_playwright() as driver:
        missing = [engine for engine in ENGINES if build_of(driver, engine) is None]
    if missing:
        # Fails at once where only package registries are reachable, as on these machines.
        playwright = [sys.executable, "-m", "playwright", "install", *missing]
        if subprocess.run(playwright, capture_output=True).returncode == 0:
            return
    packages = sorted({package for e in missing for package in DEBIAN[e].values()})
    root = hasattr(os, "geteuid") and os.geteuid() == 0  # no such call on Windows
    if packages and root and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", *packages], env=env, check=True)
    elif packages:
        for engine in missing:
            print(f"{how_to_install(engine)}; its tests are skipped", file=sys.stderr)


if __name__ == "__main__":
    ensure()
