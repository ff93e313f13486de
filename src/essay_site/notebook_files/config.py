"""Options of the ``notebook_files`` plugin."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as opt


class NotebookFilesConfig(base.Config):
    """Whether notebook pages' inline pictures become files, and where they go."""

    # Off: pictures stay inline, as nbconvert writes them.
    enabled = opt.Type(bool, default=True)

    # The site folder the pictures are written to, each named by its content.
    folder = opt.Type(str, default="assets/notebooks")
