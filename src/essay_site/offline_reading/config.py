"""Options of the ``offline_reading`` plugin."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as opt


class OfflineConfig(base.Config):
    """Whether readers' browsers keep the site, and what is left out."""

    # Off: no page registers a service worker, and the one readers may have removes itself.
    enabled = opt.Type(bool, default=True)

    # Site files a reader never needs offline (glob patterns, relative to the site).
    exclude = opt.ListOfItems(opt.Type(str), default=["sitemap.xml", "sitemap.xml.gz", "*.map"])
