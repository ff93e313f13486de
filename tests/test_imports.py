"""The import walker: every helper a figure reaches is shipped, whatever the import form."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import expect

from essay_site.figures.imports import walk
from tests.conftest import Visit, built, make_project

#: A chain of helpers, each reached by a different import form: _a by ``from widgets._a``,
#: _b from _a relatively, _c by ``import widgets._c``, _d by ``from widgets import _d``.
HELPERS = {
    "_a": "from ._b import b\n\n\ndef a():\n    return 'a' + b()\n",
    "_b": "import math\n\n\ndef b():\n    return f'b{math.floor(2.5)}'\n",
    "_c": "def c():\n    return 'c'\n",
    "_d": "from . import _c\n\n\ndef d():\n    return 'd' + _c.c()\n",
}
CHAIN = """
import widgets._c
from widgets import _d
from widgets._a import a
from essay_site.figures.api import Frame

CONTROLS = ()


def render(state):
    return Frame(f'<p class="chain">{a()}{widgets._c.c()}{_d.d()}</p>', 'chain')
"""


def test_helpers_are_followed_through_every_import_form(tmp_path: Path) -> None:
    folder = tmp_path / "widgets"  # the package is named after its folder
    folder.mkdir()
    for name, source in {**HELPERS, "chain": CHAIN}.items():
        (folder / f"{name}.py").write_text(source)
    found = walk(folder / "chain.py", folder)
    assert found.helpers == ["_a", "_b", "_c", "_d"]
    assert found.outside == {"math"}


def test_a_missing_helper_fails_naming_it(tmp_path: Path) -> None:
    folder = tmp_path / "figs"
    folder.mkdir()
    (folder / "lost.py").write_text("from figs._nowhere import x\n")
    with pytest.raises(FileNotFoundError, match=re.escape("lost.py imports figs._nowhere")):
        walk(folder / "lost.py", folder)


@pytest.fixture(scope="module")
def chain_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("chain")
    project = make_project(tmp, "/// figure | chain\n///\n", {**HELPERS, "chain": CHAIN})
    return built(project, tmp / "site")


def test_the_whole_chain_is_shipped(chain_site: Path) -> None:
    page = (chain_site / "index.html").read_text(encoding="utf-8")
    assert 'data-files="_a.py _b.py _c.py _d.py"' in page
    shipped = chain_site / "assets" / "figures" / "py" / "widgets"
    assert {p.name for p in shipped.glob("_?.py")} == {"_a.py", "_b.py", "_c.py", "_d.py"}


@pytest.mark.browser
def test_a_figure_with_a_helper_chain_goes_live(
    chain_site: Path, visit: Callable[..., Visit]
) -> None:
    opened = visit(chain_site)
    figure = opened.page.locator('[data-widget="chain"]')
    expect(figure).to_have_attribute("data-state", "live", timeout=90_000)
    expect(figure.locator(".chain")).to_have_text("ab2cdc")
    assert opened.errors == []
