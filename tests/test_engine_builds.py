"""Where no build of an engine is installed (a contributor's machine, say): each engine of
tests/test_engines.py is skipped with the command that installs it, and under CI=true the run
fails instead; and an engine that never finishes starting is stopped."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from essay_site.dev.browser import ENGINES
from tests.engines.drivers import within


def run_with_no_browsers(tmp_path: Path, ci: str) -> subprocess.CompletedProcess[str]:
    """One scenario in each engine, with Debian's builds and Playwright's pointed nowhere."""
    nowhere = tmp_path / "nowhere"
    env = {
        **os.environ,
        "CHROMIUM": str(nowhere / "chromium"),
        "FIREFOX": str(nowhere / "firefox-esr"),
        "WEBKIT_DRIVER": str(nowhere / "WebKitWebDriver"),
        "PLAYWRIGHT_BROWSERS_PATH": str(nowhere),
        "CI": ci,
    }
    command = ["pytest", "-p", "no:cacheprovider", "-rsE", "-k", "every_figure_goes_live"]
    return subprocess.run(
        [sys.executable, "-m", *command, str(Path(__file__).parent / "test_engines.py")],
        env=env,
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent.parent,
        check=False,
    )


@pytest.mark.parametrize("ci", ["", "true"])
def test_an_engine_with_no_build_is_skipped_with_its_install_command(
    tmp_path: Path, ci: str
) -> None:
    result = run_with_no_browsers(tmp_path, ci)
    for engine in ENGINES:
        assert f"{engine} is not installed: run `python -m playwright install {engine}`" in (
            result.stdout
        ), result.stdout
    if ci:  # nothing may be skipped in CI: each is an error, and the run fails
        assert result.returncode == 1 and "3 errors" in result.stdout, result.stdout
        assert "under CI=true no engine may be skipped" in result.stdout
    else:
        assert result.returncode == 0 and "3 skipped" in result.stdout, result.stdout


def test_a_start_that_never_returns_is_stopped_and_says_so() -> None:
    stopped = threading.Event()
    with pytest.raises(TimeoutError, match=r"not done in 0\.2 s"):
        within(0.2, lambda: stopped.wait(10), stopped.set)
    assert stopped.is_set(), "the start was not stopped"
    assert within(5, lambda: "started", stopped.clear) == "started"
