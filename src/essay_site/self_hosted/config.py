"""Options of the ``self_hosted`` plugin."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as opt


class SelfHostedConfig(base.Config):
    """Which third-party loaders to drop before the check."""

    # Notebook pages (nbconvert) carry MathJax and Mermaid loaders from a CDN; they render
    # nothing here (no math or diagrams in notebook output), so they are dropped.
    strip_notebook_loaders = opt.Type(bool, default=True)
