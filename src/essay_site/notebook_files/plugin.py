"""The ``notebook_files`` plugin: a notebook page's pictures become files of the site.

nbconvert writes each output picture into the page as base64 (a third larger, parsed before
the page can paint, and fetched again with every page). Here each becomes a file named by
its content, cached once by the browser and by offline reading, with its size kept so
nothing moves as it loads. Only notebook pages (``.ipynb`` sources) are touched.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from essay_site.notebook_files.config import NotebookFilesConfig

INLINE = re.compile(r'src="data:image/(png|jpeg|gif|svg\+xml);base64,([A-Za-z0-9+/=\s]+)"')
SUFFIX = {"png": "png", "jpeg": "jpg", "gif": "gif", "svg+xml": "svg"}


class NotebookFilesPlugin(BasePlugin[NotebookFilesConfig]):
    """Writes notebook pages' inline pictures as files and points the pages at them."""

    def __init__(self) -> None:
        self.pictures: dict[str, bytes] = {}

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Start each build with no pictures."""
        self.pictures = {}
        return config

    # Before self_hosted and offline_reading (both last): they see the page as it ships.
    @event_priority(0)
    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        """Replace each inline picture of a notebook page with the address of its file."""
        if not self.config.enabled or not page.file.src_uri.endswith(".ipynb"):
            return output

        def to_file(match: re.Match[str]) -> str:
            kind, data = match.groups()
            try:
                picture = base64.b64decode("".join(data.split()), validate=True)
            except binascii.Error as error:
                raise PluginError(
                    f"{page.file.src_uri}: a picture is not base64: {error}"
                ) from error
            name = f"{hashlib.sha256(picture).hexdigest()[:16]}.{SUFFIX[kind]}"
            self.pictures[name] = picture
            return f'src="{get_relative_url(f"{self.config.folder}/{name}", page.url)}"'

        return INLINE.sub(to_file, output)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Write the pictures into the site (no folder when there are none)."""
        if not self.pictures:
            return
        folder = Path(config.site_dir) / self.config.folder
        folder.mkdir(parents=True, exist_ok=True)
        for name, picture in self.pictures.items():
            (folder / name).write_bytes(picture)
