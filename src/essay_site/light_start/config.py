"""Options of the ``light_start`` plugin."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as opt


class LightStartConfig(base.Config):
    """Whether pages start without Material's whole-page restyles."""

    # Off: Material's own palette toggle, and Material wraps each table in the page itself.
    enabled = opt.Type(bool, default=True)
