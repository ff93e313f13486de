"""The ``katex`` plugin: KaTeX's script, stylesheet and fonts, pinned and self-hosted.

No page asks another host for anything, so the math fonts come from the pinned npm
tarball (verified by sha256) rather than a CDN.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin

from essay_site.assets import AssetError, cache_dir, npm_package
from essay_site.katex.config import KatexConfig
from essay_site.pins import KATEX

SITE_FOLDER = "assets/katex"
SCRIPTS = ("katex.min.js", "contrib/auto-render.min.js", "math.js")


class KatexPlugin(BasePlugin[KatexConfig]):
    """Adds KaTeX to every page and copies it into the site."""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Link the stylesheet and scripts, in the order they must load."""
        config.extra_css.append(f"{SITE_FOLDER}/katex.min.css")
        config.extra_javascript.extend(f"{SITE_FOLDER}/{script}" for script in SCRIPTS)
        return config

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Copy the verified KaTeX files (woff2 fonts only: every current browser reads them)."""
        cache = Path(self.config.cache_dir) if self.config.cache_dir else cache_dir()
        try:
            dist = npm_package(KATEX, cache) / "dist"
        except AssetError as error:
            raise PluginError(f"KaTeX: {error}") from error
        target = Path(config.site_dir) / SITE_FOLDER
        (target / "contrib").mkdir(parents=True, exist_ok=True)
        (target / "fonts").mkdir(exist_ok=True)
        for name in ("katex.min.js", "katex.min.css", "contrib/auto-render.min.js"):
            shutil.copy2(dist / name, target / name)
        for font in (dist / "fonts").glob("*.woff2"):
            shutil.copy2(font, target / "fonts" / font.name)
        shutil.copy2(Path(__file__).parent / "math.js", target / "math.js")
