"""Bad input fails the build clearly: each case runs a real ``mkdocs build --strict`` on a
small project and checks what the contributor is told (file, line, cause)."""

from __future__ import annotations

import shutil
import tarfile
from pathlib import Path

import pytest

from essay_site.assets import ArchiveSource, AssetError, cache_dir, npm_tarball
from essay_site.dev.build import mkdocs_build
from essay_site.dev.site_server import serve
from essay_site.pins import PYODIDE
from tests.conftest import NUMPY_WHEEL, make_project


def test_unknown_figure_names_file_and_line(tmp_path: Path) -> None:
    # The front matter counts: the line is the one a contributor sees in their editor.
    front = "---\ntitle: A page\ndescription: with front matter\n---\n"
    markdown = front + "# Title\n\nText.\n\n/// figure | no_such_thing\n///\n"
    line = markdown.splitlines().index("/// figure | no_such_thing") + 1
    project = make_project(tmp_path, markdown)
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0
    assert f"docs/index.md:{line}: unknown figure 'no_such_thing'" in result.stderr
    assert line == 9
    assert "pixel_explosion" in result.stderr


def test_a_marker_inside_a_code_block_is_text(tmp_path: Path) -> None:
    # A page may show the syntax; only the real marker below the code blocks is a figure.
    markdown = (
        "How to place a figure:\n\n```markdown\n/// figure | not_a_figure\nCaption.\n///\n```\n\n"
        "~~~~\n```\n/// figure | neither\n///\n~~~~\n\n/// figure | pixel_explosion\n///\n"
    )
    project = make_project(tmp_path, markdown)
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert page.count('data-widget="') == 1
    assert "/// figure | not_a_figure" in page
    assert "/// figure | neither" in page


def test_unclosed_figure_block(tmp_path: Path) -> None:
    project = make_project(tmp_path, "text\n\n/// figure | pixel_explosion\ncaption\n")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "docs/index.md:3: figure block is never closed" in result.stderr


NUMPY_FIGURE = (
    "import numpy as np\nfrom essay_site.figures.api import Frame\nCONTROLS = ()\n"
    "def render(state):\n    return Frame(str(np.zeros(2)), 'zeros')\n"
)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not numpy", f"{NUMPY_WHEEL}: sha256 "),
        (None, f"{NUMPY_WHEEL}: not found in "),
    ],
)
def test_bad_package_source_fails_the_build_naming_the_file(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    source = tmp_path / "packages"
    source.mkdir()
    if content is not None:
        (source / NUMPY_WHEEL).write_bytes(content)
    # A cache of its own, holding only the pinned core, so no verified numpy hides the fault.
    cache = tmp_path / "cache"
    (cache / "npm").mkdir(parents=True)
    shutil.copy2(npm_tarball(PYODIDE, cache_dir()), cache / "npm")
    project = make_project(
        tmp_path,
        "/// figure | zeros\n///\n",
        {"zeros": NUMPY_FIGURE},
        options=f"      package_sources: [dir:{source}]\n      cache_dir: {cache}",
    )
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0
    assert message in result.stderr
    if content is not None:
        assert "does not match the official pyodide-lock.json" in result.stderr


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            'CONTROLS = ()\ndef render(state):\n    raise ZeroDivisionError("no frame today")\n',
            "figure 'bad' raised while pre-rendering at widgets/bad.py:4: "
            "ZeroDivisionError: no frame today",
        ),
        (
            "CONTROLS = ()\ndef render(state):\n    return Frame(html=, alt='')\n",
            "figure 'bad' failed to import at widgets/bad.py:4: SyntaxError: invalid syntax",
        ),
        (
            # playwright imports under CPython here, but Pyodide has no such package.
            "import playwright\nCONTROLS = ()\ndef render(state):\n    return Frame('', '')\n",
            "figure 'bad': import 'playwright': Pyodide 0.27.7 has no such package",
        ),
        (
            "CONTROLS = ()\ndef render(state):\n    return '<p>not a frame</p>'\n",
            "figure 'bad' raised while pre-rendering: TypeError: widgets.bad.render must "
            "return a Frame, not str",
        ),
        (
            "from essay_site.figures.api import Toggle\n"
            "CONTROLS = (Toggle('on', 'On', True), Toggle('on', 'Also on', False))\n"
            "def render(state):\n    return Frame('', '')\n",
            "figure 'bad' raised while pre-rendering: TypeError: widgets.bad: more than one "
            "control is named on",
        ),
    ],
)
def test_bad_figure_fails_the_build_naming_it(tmp_path: Path, source: str, message: str) -> None:
    figure = "from essay_site.figures.api import Frame\n" + source
    project = make_project(tmp_path, "/// figure | bad\n///\n", {"bad": figure})
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0
    assert message in result.stderr


CLASSY = (
    "from essay_site.figures.api import Frame\nCONTROLS = ()\ndef render(state):\n"
    "    return Frame('<p class=\"calm mystery\">x</p><p class=\"live-canvas\"></p>', 'x')\n"
)


def test_a_class_the_site_does_not_list_fails_the_build_naming_it(tmp_path: Path) -> None:
    # The page would drop it from every live frame, silently: the author learns it here.
    markdown = "Text.\n\n/// figure | classy\n///\n"
    project = make_project(tmp_path / "unlisted", markdown, {"classy": CLASSY})
    result = mkdocs_build(project, tmp_path / "unlisted" / "site")
    assert result.returncode != 0
    assert "docs/index.md:3: figure 'classy' gives its frame the class 'mystery'," in result.stderr
    assert "frame_classes" in result.stderr
    # Listed, it builds; a figure's own part may not be listed (the page finds those by class).
    listed = make_project(
        tmp_path / "listed", markdown, {"classy": CLASSY}, frame_classes=("calm", "mystery")
    )
    assert mkdocs_build(listed, tmp_path / "listed" / "site").returncode == 0
    part = make_project(
        tmp_path / "part", markdown, {"classy": CLASSY}, frame_classes=("live-figure__status",)
    )
    result = mkdocs_build(part, tmp_path / "part" / "site")
    assert result.returncode != 0
    assert "'live-figure__status': not one class name, or a part of every figure" in result.stderr


@pytest.mark.parametrize(
    ("markup", "fetched"),
    [
        ('<script src="https://cdn.example.org/lib.js"></script>', True),
        ('<link rel="stylesheet" href="//cdn.example.org/a.css">', True),
        ('<img src="http://example.org/i.png" alt="">', True),
        ('<link rel="canonical" href="https://example.org/essay/">', False),
        ("<style>@import url(//fonts.example.org/a.css);</style>", True),
        ('<style>@import "https://fonts.example.org/a.css";</style>', True),
        ('<a href="https://example.org/">a link is not a fetch</a>', False),
    ],
)
def test_self_hosted_refuses_pages_that_fetch_from_another_host(
    tmp_path: Path, markup: str, fetched: bool
) -> None:
    project = make_project(tmp_path, f"Text.\n\n{markup}\n", plugins=("self_hosted",))
    result = mkdocs_build(project, tmp_path / "site")
    assert (result.returncode != 0) == fetched, result.stderr
    if fetched:
        assert "docs/index.md: the page would fetch from another host" in result.stderr
        assert "example.org/" in result.stderr


def test_self_hosted_checks_stylesheets_too(tmp_path: Path) -> None:
    project = make_project(tmp_path, "Text.\n", plugins=("self_hosted",))
    (project / "docs" / "extra.css").write_text("@import url(https://fonts.example.org/a.css);\n")
    with (project / "mkdocs.yml").open("a") as config:
        config.write("extra_css:\n  - extra.css\n")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "extra.css: the stylesheet would fetch from another host" in result.stderr


def release_archive(folder: Path) -> Path:
    """A small stand-in for the official release archive: a lock and one package file."""
    (folder / "pyodide").mkdir(parents=True)
    (folder / "pyodide" / "pyodide-lock.json").write_text('{"packages": {}}')
    (folder / "pyodide" / "package.whl").write_bytes(bytes(range(256)) * 4096)
    archive = folder / "pyodide-0.27.7.tar.bz2"
    with tarfile.open(archive, "w:bz2") as tar:
        tar.add(folder / "pyodide", arcname="pyodide")
    return archive


def test_a_cut_off_archive_download_is_refused_and_never_cached(tmp_path: Path) -> None:
    archive = release_archive(tmp_path / "served")
    cache = tmp_path / "cache"
    with serve(archive.parent) as server:
        server.faults[archive.name] = "corrupt"  # half the bytes
        broken = ArchiveSource(server.url + archive.name, cache)
        with pytest.raises(AssetError, match="not a whole release archive"):
            broken.read("package.whl")
        assert list((cache / "archives").iterdir()) == []
        server.faults.clear()
        whole = ArchiveSource(server.url + archive.name, cache)
        assert whole.read("package.whl") == bytes(range(256)) * 4096
        assert [p.name for p in (cache / "archives").iterdir()] == [archive.name]
