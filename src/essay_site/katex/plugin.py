r"""The ``katex`` MkDocs plugin: TeX typeset at build time as MathML, drawn in a served font.

``pymdownx.arithmatex`` (generic mode) leaves ``\(...\)`` and ``\[...\]`` in the HTML.
This plugin hands each page's formulas to Temml (KaTeX's MathML-only successor, which reads
the same TeX) under Node.js once, so the reader's browser gets finished MathML Core: no
script to run, no flash of raw TeX, nothing on the main thread, one element per token. The
browser draws it in STIX Two Math, a font with an OpenType MATH table, served from the site
with Temml's stylesheet for it; both come from pinned, verified npm tarballs. The font is cut
to the glyphs the site's formulas use (``font.py``).
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
from essay_site.katex import font as math_font
from essay_site.katex.config import KatexConfig
from essay_site.pins import STIX_TWO_MATH, TEMML, NpmPin
from essay_site.places import source_path

SITE_FOLDER = "assets/math"
STYLESHEET = "math.css"
FONT = "STIXTwoMath-Regular.woff2"
#: The font whole, in its npm package.
WHOLE = "stix-two-math-latin-400-normal.woff2"
TYPESET = Path(__file__).parent / "typeset.js"
MATH = re.compile(
    r'(?P<open><span class="arithmatex">)\\\((?P<inline>.*?)\\\)(?=</span>)'
    r'|(?P<open_block><div class="arithmatex">)\\\[(?P<block>.*?)\\\](?=</div>)',
    re.DOTALL,
)
FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}\s*")

#: Before Temml's rules: the font, shown in a fallback math font until it is in (``swap``:
#: a formula is never invisible, and the service worker keeps the font for every later visit).
HEAD = f"""/* Math: Temml's stylesheet for STIX Two Math (temml {TEMML.version}, MIT License:
   Temml-LICENSE.txt), the font from {STIX_TWO_MATH.spec}, cut to this site's glyphs where
   the build could tell them (SIL OFL 1.1: STIXTwoMath-OFL.txt). */
@font-face {{
  font-family: "STIX Two Math";
  src: url("{FONT}") format("woff2");
  font-display: swap;
}}
"""
#: After Temml's rules: the font by its name here, at the x-height of the text around it
#: (STIX Two's x-height is 0.473 em: 1.13 em draws it as tall as KaTeX's 1.21 em did); a
#: display formula set off from the paragraphs around it as KaTeX set it; and a stretched
#: brace or arrow drawn whole in Chromium, which otherwise leaves out the pieces outside the
#: box it wrongly computes for their ink (a transparent shadow widens that box).
TAIL = """
math {
  font-family: "STIX Two Math", math;
  font-size: 1.13em;
}

div.arithmatex > math {
  margin-block: 1em;
}

:is(munder, mover, munderover) > mo[stretchy="true"] {
  box-shadow: 0 0 0 100vw transparent;
}
"""


def opening(match: re.Match[str]) -> str:
    """The math's opening tag; a display may scroll sideways, so the keyboard can reach it."""
    return match["open"] or '<div class="arithmatex" tabindex="0">'


def stylesheet(temml_css: str) -> str:
    """Temml's stylesheet with its font face replaced by the served font's (with font-display)."""
    rules, faces = FONT_FACE.subn("", temml_css)
    if faces != 1:
        raise PluginError(f"temml {TEMML.version}: expected one @font-face, found {faces}")
    return HEAD + "\n" + rules.strip() + "\n" + TAIL


class KatexPlugin(BasePlugin[KatexConfig]):
    """Typesets every page's math as MathML at build time and ships its stylesheet and font."""

    def __init__(self) -> None:
        #: The code points the site's formulas draw, gathered page by page; None once a
        #: formula draws what the cut cannot tell, or in a build that sees only some pages.
        self.drawn: set[int] | None = set()
        #: Whether builds render only changed pages (``--dirty``).
        self.dirty = False

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Note dirty builds: they see only some pages' formulas, so the font ships whole."""
        self.dirty = dirty

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Link the math stylesheet; there is no script to link."""
        if self.config.enabled:
            config.extra_css.append(f"{SITE_FOLDER}/{STYLESHEET}")
        # Each build gathers afresh (`mkdocs serve` keeps this plugin between builds).
        self.drawn = None if self.dirty else set()
        return config

    def package(self, pin: NpmPin) -> Path:
        """A pinned npm package, fetched and verified once."""
        try:
            return npm_package(pin, cache_dir(self.config.cache_dir))
        except AssetError as error:
            raise PluginError(f"math: {error}") from error

    def on_page_content(
        self, html_text: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        """Replace the page's TeX with MathML, in one Node.js call per page."""
        found = list(MATH.finditer(html_text)) if self.config.enabled else []
        if not found:
            return html_text
        formulas = [
            {"tex": html.unescape(m["inline"] or m["block"]), "display": m["block"] is not None}
            for m in found
        ]
        typeset = self.typeset(formulas, source_path(page, config))
        for mathml in typeset:
            points = math_font.drawn(mathml)
            self.drawn = None if points is None or self.drawn is None else self.drawn | points
        rendered = iter(typeset)
        return MATH.sub(lambda m: opening(m) + next(rendered), html_text)

    def typeset(self, formulas: list[dict[str, object]], src: str) -> list[str]:
        """Temml's MathML for each formula; a formula Temml refuses fails the build."""
        command = ["node", str(TYPESET), str(self.package(TEMML) / "dist" / "temml.cjs")]
        try:
            done = subprocess.run(
                command, input=json.dumps(formulas), capture_output=True, text=True, check=True
            )
        except FileNotFoundError as error:
            raise PluginError("math: Node.js (`node`) is needed to typeset math") from error
        except subprocess.CalledProcessError as error:
            raise PluginError(f"{src}: Temml failed: {error.stderr.strip()}") from error
        results = json.loads(done.stdout)
        for formula, result in zip(formulas, results, strict=True):
            if "error" in result:
                raise PluginError(f"{src}: cannot typeset {formula['tex']!r}: {result['error']}")
        return [result["mathml"] for result in results]

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Write the stylesheet, the font (WOFF2: every current browser reads it), licences."""
        if not self.config.enabled:
            return
        temml, font = self.package(TEMML), self.package(STIX_TWO_MATH)
        target = Path(config.site_dir) / SITE_FOLDER
        target.mkdir(parents=True, exist_ok=True)
        css = (temml / "dist" / "Temml-STIX2.css").read_text(encoding="utf-8")
        (target / STYLESHEET).write_text(stylesheet(css), encoding="utf-8")
        whole = font / "files" / WHOLE
        if self.drawn is None:
            shutil.copy2(whole, target / FONT)
        else:
            math_font.cut(whole, target / FONT, self.drawn)
        shutil.copy2(font / "LICENSE", target / "STIXTwoMath-OFL.txt")
        shutil.copy2(temml / "LICENSE", target / "Temml-LICENSE.txt")
