"""Options of the ``self_hosted`` plugin."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as opt


class SelfHostedConfig(base.Config):
    """Whether pages are checked and given their policy; which loaders to drop first."""

    # Off: no check and no Content-Security-Policy (a site that must load from elsewhere).
    enabled = opt.Type(bool, default=True)

    # Notebook pages (nbconvert) carry MathJax and Mermaid loaders from a CDN; they render
    # nothing here (no math or diagrams in notebook output), so they are dropped.
    strip_notebook_loaders = opt.Type(bool, default=True)
