"""The ``self_hosted`` plugin: fail the build if any page would fetch from another host.

Every script, stylesheet, image, frame or module import must come from the site itself,
so the site works with the network off. Known third-party loaders that a page does not
need (nbconvert's MathJax and Mermaid loaders on notebook pages) are dropped first.
"""

from __future__ import annotations

import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.pages import Page

from essay_site.self_hosted.config import SelfHostedConfig

NOTEBOOK_LOADERS = (
    re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.DOTALL),
    re.compile(r'<script type="module">(?:(?!</script>).)*?mermaid.*?</script>', re.DOTALL),
)
# What a browser fetches by itself: sources, stylesheets and preloads, CSS urls, imports.
FETCHED = re.compile(
    r"""(?:\ssrc=|<link\b[^>]*\shref=|url\(|\bimport\()\s*["']?((?:https?:)?//[^"')\s>]+)""",
    re.IGNORECASE,
)


class SelfHostedPlugin(BasePlugin[SelfHostedConfig]):
    """Drops known third-party loaders, then refuses any page that would fetch off-site."""

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        """Check one finished page."""
        if self.config.strip_notebook_loaders:
            for loader in NOTEBOOK_LOADERS:
                output = loader.sub("", output)
        found = sorted(set(FETCHED.findall(output)))
        if found:
            raise PluginError(
                f"docs/{page.file.src_uri}: the page would fetch from another host, which "
                f"breaks reading offline: {', '.join(found)}"
            )
        return output
