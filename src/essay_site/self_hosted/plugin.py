"""The ``self_hosted`` plugin: fail the build if any page would fetch from another host.

Every script, stylesheet, image, frame or module import must come from the site itself,
so the site works with the network off. Known third-party loaders that a page does not
need (nbconvert's MathJax and Mermaid loaders on notebook pages) are dropped first.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.pages import Page

from essay_site.places import source_path
from essay_site.self_hosted.config import SelfHostedConfig

NOTEBOOK_LOADERS = (
    re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.DOTALL),
    re.compile(r'<script type="module">(?:(?!</script>).)*?mermaid.*?</script>', re.DOTALL),
)
# What a browser fetches by itself: sources, CSS urls, module imports, and links that load
# something (stylesheets, icons, preloads), but not links that merely name a page (canonical).
FETCHED = re.compile(
    r"""(?:\ssrc=|url\(|\bimport\(|@import\s)\s*["']?((?:https?:)?//[^"')\s>;]+)""",
    re.IGNORECASE,
)
LINK = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
LOADS = re.compile(
    r"""\srel=["']?[^"'>]*\b(?:stylesheet|icon|preload|modulepreload|prefetch|manifest)""",
    re.IGNORECASE,
)
HREF = re.compile(r"""\shref=["']?((?:https?:)?//[^"'\s>]+)""", re.IGNORECASE)


def fetched_from_elsewhere(text: str) -> set[str]:
    """The addresses on other hosts that a page or stylesheet would make the browser fetch."""
    found = set(FETCHED.findall(text))
    for link in LINK.findall(text):
        if LOADS.search(link):
            found.update(HREF.findall(link))
    return found


class SelfHostedPlugin(BasePlugin[SelfHostedConfig]):
    """Drops known third-party loaders, then refuses any page that would fetch off-site."""

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        """Check one finished page."""
        if self.config.strip_notebook_loaders:
            for loader in NOTEBOOK_LOADERS:
                output = loader.sub("", output)
        found = fetched_from_elsewhere(output)
        if found:
            raise PluginError(
                f"{source_path(page, config)}: the page would fetch from another host, which "
                f"breaks reading offline: {', '.join(sorted(found))}"
            )
        return output

    # After every other plugin has copied its files: stylesheets can fetch too (@import, url()).
    @event_priority(-200)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Check every stylesheet of the finished site."""
        site = Path(config.site_dir)
        for stylesheet in sorted(site.rglob("*.css")):
            found = fetched_from_elsewhere(stylesheet.read_text(encoding="utf-8"))
            if found:
                raise PluginError(
                    f"{stylesheet.relative_to(site)}: the stylesheet would fetch from another "
                    f"host, which breaks reading offline: {', '.join(sorted(found))}"
                )
