"""The ``self_hosted`` plugin: fail the build if any page would fetch from another host.

Every script, stylesheet, image, frame or module import must come from the site itself,
so the site works with the network off. Known third-party loaders that a page does not
need (nbconvert's MathJax and Mermaid loaders on notebook pages) are dropped first.
"""

from __future__ import annotations

import base64
import hashlib
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


# Inline scripts a browser would run (a JSON <script> is data: the policy does not apply).
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\ssrc=)(?![^>]*\stype=\"application/json\")[^>]*>(.*?)</script>", re.DOTALL
)


def content_security_policy(page: str) -> str:
    """The page's policy: everything from its own origin, and only its own inline scripts.

    Each inline script the build wrote is allowed by its sha256, so no markup that slips
    through later (an event handler in a figure's output, say) can run; styles stay open
    (figures set inline styles), images may be data URLs (pictures drawn at build time).
    """
    scripts = ["'self'"] + [
        f"'sha256-{base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()}'"
        for code in INLINE_SCRIPT.findall(page)
    ]
    # A page that frames a sandbox (``<template data-sandbox>``, figures/sandbox.py): the
    # sandbox's document keeps this policy, so it must allow the sandbox's worker and modules
    # (blobs) and its WebAssembly; the sandbox's own policy narrows the rest to nothing.
    workers = ["'self'"]
    if "<template data-sandbox" in page:
        scripts += ["blob:", "'wasm-unsafe-eval'"]
        workers += ["blob:"]
    return (
        f"default-src 'self'; script-src {' '.join(scripts)}; style-src 'self' 'unsafe-inline'; "
        f"img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src {' '.join(workers)}"
    )


class SelfHostedPlugin(BasePlugin[SelfHostedConfig]):
    """Refuses any page that would fetch off-site, and gives each its Content-Security-Policy.

    Known third-party loaders a page does not need are dropped first; the policy keeps the
    page on its own origin in the reader's browser too.
    """

    # Last of all page steps: the policy hashes the page's final inline scripts.
    @event_priority(-100)
    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        """Check one finished page and give it its policy."""
        if not self.config.enabled:
            return output
        if self.config.strip_notebook_loaders:
            for loader in NOTEBOOK_LOADERS:
                output = loader.sub("", output)
        found = fetched_from_elsewhere(output)
        if found:
            raise PluginError(
                f"{source_path(page, config)}: the page would fetch from another host, which "
                f"breaks reading offline: {', '.join(sorted(found))}"
            )
        policy = content_security_policy(output)
        meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
        return re.sub(r"<head>", lambda head: f"{head[0]}\n{meta}", output, count=1)

    # After every other plugin has copied its files: stylesheets can fetch too (@import, url()).
    @event_priority(-200)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Check every stylesheet of the finished site."""
        if not self.config.enabled:
            return
        site = Path(config.site_dir)
        for stylesheet in sorted(site.rglob("*.css")):
            found = fetched_from_elsewhere(stylesheet.read_text(encoding="utf-8"))
            if found:
                raise PluginError(
                    f"{stylesheet.relative_to(site)}: the stylesheet would fetch from another "
                    f"host, which breaks reading offline: {', '.join(sorted(found))}"
                )
