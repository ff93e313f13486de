"""How build errors name a page: the path a contributor opens in their editor."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page


def source_path(page: Page, config: MkDocsConfig) -> str:
    """The page's source file relative to the project (the folder of ``mkdocs.yml``).

    Whatever ``docs_dir`` is; an absolute path if the page lives outside the project.
    """
    root = Path(config.config_file_path).parent.resolve()
    path = Path(config.docs_dir, page.file.src_uri).resolve()
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
