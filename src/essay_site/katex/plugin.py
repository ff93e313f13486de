r"""The ``katex`` plugin: math typeset at build time, with KaTeX's fonts served from the site.

``pymdownx.arithmatex`` (generic mode) leaves ``\(...\)`` and ``\[...\]`` in the HTML.
This plugin hands each page's formulas to KaTeX under Node.js once, so the reader's
browser gets finished math: no script to run, no flash of raw TeX, nothing on the main
thread. The stylesheet and woff2 fonts come from the pinned, verified npm tarball.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from essay_site.assets import AssetError, cache_dir, npm_package
from essay_site.katex.config import KatexConfig
from essay_site.pins import KATEX
from essay_site.places import source_path

SITE_FOLDER = "assets/katex"
TYPESET = Path(__file__).parent / "typeset.js"
MATH = re.compile(
    r'(?P<open><span class="arithmatex">)\\\((?P<inline>.*?)\\\)(?=</span>)'
    r'|(?P<open_block><div class="arithmatex">)\\\[(?P<block>.*?)\\\](?=</div>)',
    re.DOTALL,
)


def opening(match: re.Match[str]) -> str:
    """The math's opening tag; a display may scroll sideways, so the keyboard can reach it."""
    return match["open"] or '<div class="arithmatex" tabindex="0">'


class KatexPlugin(BasePlugin[KatexConfig]):
    """Typesets every page's math at build time and ships KaTeX's stylesheet and fonts."""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Link KaTeX's stylesheet; there is no script to link."""
        if self.config.enabled:
            config.extra_css.append(f"{SITE_FOLDER}/katex.min.css")
        return config

    @property
    def package(self) -> Path:
        """KaTeX's npm package, fetched and verified once."""
        cache = cache_dir(self.config.cache_dir)
        try:
            return npm_package(KATEX, cache)
        except AssetError as error:
            raise PluginError(f"KaTeX: {error}") from error

    def on_page_content(
        self, html_text: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        """Replace the page's TeX with KaTeX's HTML, in one Node.js call per page."""
        found = list(MATH.finditer(html_text)) if self.config.enabled else []
        if not found:
            return html_text
        formulas = [
            {"tex": html.unescape(m["inline"] or m["block"]), "display": m["block"] is not None}
            for m in found
        ]
        typeset = self.typeset(formulas, source_path(page, config))
        rendered = iter(typeset)
        return MATH.sub(lambda m: opening(m) + next(rendered), html_text)

    def typeset(self, formulas: list[dict[str, object]], src: str) -> list[str]:
        """KaTeX's HTML for each formula; a formula KaTeX refuses fails the build."""
        command = ["node", str(TYPESET), str(self.package / "dist" / "katex.js")]
        try:
            done = subprocess.run(
                command, input=json.dumps(formulas), capture_output=True, text=True, check=True
            )
        except FileNotFoundError as error:
            raise PluginError("KaTeX: Node.js (`node`) is needed to typeset math") from error
        except subprocess.CalledProcessError as error:
            raise PluginError(f"{src}: KaTeX failed: {error.stderr.strip()}") from error
        results = json.loads(done.stdout)
        for formula, result in zip(formulas, results, strict=True):
            if "error" in result:
                raise PluginError(f"{src}: cannot typeset {formula['tex']!r}: {result['error']}")
        return [result["html"] for result in results]

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Copy the stylesheet and the woff2 fonts (every current browser reads woff2)."""
        if not self.config.enabled:
            return
        dist = self.package / "dist"
        target = Path(config.site_dir) / SITE_FOLDER
        (target / "fonts").mkdir(parents=True, exist_ok=True)
        shutil.copy2(dist / "katex.min.css", target / "katex.min.css")
        for font in (dist / "fonts").glob("*.woff2"):
            shutil.copy2(font, target / "fonts" / font.name)
