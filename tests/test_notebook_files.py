"""The notebook page: it offers its own .ipynb, and its pictures are files of the site."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import ROOT

PAGE = "notebooks/models-up-close/"


def test_the_notebook_page_offers_its_own_notebook(essay_site: Path) -> None:
    page = (essay_site / PAGE / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"]+\.ipynb)" download', page)
    assert links == ["models-up-close.ipynb"]
    offered = (essay_site / PAGE / links[0]).read_text(encoding="utf-8")
    assert offered == (ROOT / "docs" / "notebooks" / "models-up-close.ipynb").read_text("utf-8")
    assert json.loads(offered)["nbformat"] == 4


def test_its_pictures_are_files_named_by_content(essay_site: Path) -> None:
    page = (essay_site / PAGE / "index.html").read_text(encoding="utf-8")
    assert not re.search(r'<img[^>]*src="data:', page)
    pictures = re.findall(r'<img[^>]*src="(\.\./\.\./assets/notebooks/[0-9a-f]{16}\.png)"', page)
    assert len(pictures) >= 3
    for picture in pictures:
        assert (essay_site / PAGE / picture).resolve().read_bytes().startswith(b"\x89PNG")
