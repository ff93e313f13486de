"""Options of the ``katex`` plugin."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as opt


class KatexConfig(base.Config):
    """Where the pinned downloads (Temml, the math font) are cached."""

    # Off: the plugin does nothing (a build without it, e.g. to compare or to bisect).
    enabled = opt.Type(bool, default=True)

    # Downloads are cached here (default: the user's cache folder), never in the repository.
    cache_dir = opt.Optional(opt.Type(str))
