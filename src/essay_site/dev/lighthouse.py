"""Lighthouse, as a reader's browser audits a page: mobile, simulated slow 4G, 4x slower CPU.

npm ``lighthouse`` 12.2.3 (13 needs Node 22), pinned with every dependency by the
``package-lock.json`` in ``lighthouse-npm/`` and installed once into the download cache.
It drives the same Chromium as the tests, with every host but 127.0.0.1 unreachable.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from essay_site.assets import cache_dir, npm_project
from essay_site.dev.browser import CHROMIUM, CHROMIUM_ARGS

PROJECT = Path(__file__).parent / "lighthouse-npm"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
#: Audits that weigh nothing in the score but that the page is held to all the same.
WATCHED = ("dom-size", "font-display")


@dataclass(frozen=True)
class Audit:
    """One Lighthouse run: the four category scores (0-100) and the paint and blocking times."""

    scores: dict[str, int]
    fcp_ms: float
    lcp_ms: float
    tbt_ms: float
    #: The durations of Lighthouse's 20 longest tasks, before first paint too (blocking time
    #: counts those after it).
    long_tasks_ms: float
    cls: float
    #: Elements in the page's body, as ``dom-size`` counts them (it passes at 818 or fewer).
    elements: int
    #: Weighted or watched audits that did not pass, as "category: audit (shown value)".
    failing: list[str]


def audit(url: str) -> Audit:
    """Run Lighthouse on ``url`` in headless Chromium and read its report."""
    project = npm_project(PROJECT, ("package.json", "package-lock.json"), cache_dir(), "Lighthouse")
    cli = project / "node_modules" / "lighthouse" / "cli" / "index.js"
    # Lighthouse starts Chromium itself: its own headless mode, the tests' other flags.
    flags = " ".join(["--headless=new", *(f for f in CHROMIUM_ARGS if f != "--headless")])
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        subprocess.run(
            [
                "node",
                str(cli),
                url,
                "--quiet",
                "--output=json",
                f"--output-path={report}",
                f"--only-categories={','.join(CATEGORIES)}",
                f"--chrome-flags={flags}",
            ],
            env={**os.environ, "CHROME_PATH": CHROMIUM},
            check=True,
        )
        result = json.loads(report.read_text(encoding="utf-8"))
    audits = result["audits"]
    failing = [
        f"{category}: {ref['id']} ({audits[ref['id']].get('displayValue') or 'failed'})"
        for category in CATEGORIES
        for ref in result["categories"][category]["auditRefs"]
        if (ref["weight"] or ref["id"] in WATCHED)
        and (audits[ref["id"]]["score"] or 0) < 1
        and audits[ref["id"]]["scoreDisplayMode"] != "notApplicable"
    ]
    return Audit(
        scores={c: round(100 * (result["categories"][c]["score"] or 0)) for c in CATEGORIES},
        fcp_ms=audits["first-contentful-paint"]["numericValue"],
        lcp_ms=audits["largest-contentful-paint"]["numericValue"],
        tbt_ms=audits["total-blocking-time"]["numericValue"],
        long_tasks_ms=sum(task["duration"] for task in audits["long-tasks"]["details"]["items"]),
        cls=audits["cumulative-layout-shift"]["numericValue"],
        elements=audits["dom-size"]["numericValue"],
        failing=failing,
    )
