"""The ``offline_reading`` plugin: who visited once can read everything with the network off.

After the build, every file of the site is listed with its sha256 and size; the list is
written into ``sw.js``, a service worker that the pages register once their first figure
is live. It saves the whole site into one cache named by the build's version, serves
from it (each file checked against its sha256 every time: a script of the site's origin can
overwrite Cache Storage), and deletes older versions once a new one has taken over. Under
``mkdocs serve`` (or with ``enabled: false``) ``sw.js`` instead removes itself and its
caches, so authors never see stale pages.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from fnmatch import fnmatch
from pathlib import Path
from typing import Literal

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from essay_site.assets import sha256_of
from essay_site.offline_reading.config import OfflineConfig

ASSETS = Path(__file__).parent / "assets"
WORKER = "sw.js"
SITE_FOLDER = "assets/offline"
SCRIPT = f"{SITE_FOLDER}/offline.js"
MARK = "(/*MANIFEST*/null)"


def manifest(site: Path, exclude: list[str]) -> dict[str, object]:
    """Every file of the site with its sha256 and size; the version names them all."""
    files = []
    for path in sorted(site.rglob("*")):
        url = path.relative_to(site).as_posix()
        if path.is_file() and url != WORKER and not any(fnmatch(url, p) for p in exclude):
            files.append({"url": url, "sha256": sha256_of(path), "size": path.stat().st_size})
    version = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()[:16]
    return {"version": version, "files": files}


class OfflinePlugin(BasePlugin[OfflineConfig]):
    """Writes the service worker and has every page register it."""

    def __init__(self) -> None:
        self.command: Literal["build", "gh-deploy", "serve"] = "build"

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        """Remember whether this is ``mkdocs serve``: authors must never read a cached page."""
        self.command = command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """The indicator's stylesheet, on every page that saves."""
        if self.active:
            config.extra_css.append(f"{SITE_FOLDER}/offline.css")
        return config

    @property
    def active(self) -> bool:
        """Whether readers' browsers keep the site (never while an author previews it)."""
        return self.config.enabled and self.command != "serve"

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        """Load the small script that registers the worker and shows what it saved."""
        if not self.active:
            return output
        script = get_relative_url(SCRIPT, page.url)
        worker = get_relative_url(WORKER, page.url)
        tag = f'<script src="{script}" data-worker="{worker}" defer></script>'
        return output.replace("</head>", f"{tag}\n</head>", 1)

    # Last of all post-build steps: the list must include every file the other plugins copy.
    @event_priority(-100)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Copy the page script, then write the worker with the list of every site file."""
        site = Path(config.site_dir)
        # Both workers begin with the rule for the names they may touch (names.js).
        names = (ASSETS / "names.js").read_text(encoding="utf-8")
        if not self.active:
            retiring = (ASSETS / "unregister.js").read_text(encoding="utf-8")
            (site / WORKER).write_text(f"{names}\n{retiring}", encoding="utf-8")
            return
        (site / SITE_FOLDER).mkdir(parents=True, exist_ok=True)
        for name in ("offline.js", "offline.css"):
            shutil.copy2(ASSETS / name, site / SITE_FOLDER / name)
        listed = json.dumps(manifest(site, self.config.exclude), separators=(",", ":"))
        worker = (ASSETS / WORKER).read_text(encoding="utf-8")
        worker = worker.replace(MARK, f"(/*MANIFEST*/{listed})")
        (site / WORKER).write_text(f"{names}\n{worker}", encoding="utf-8")
