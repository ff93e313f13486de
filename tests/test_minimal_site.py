"""A second site built with the framework (``tests/sites/minimal/``), as a new author would.

Its figures folder is ``figs/`` (so the package is ``figs``, with a helper and a data file),
and its one page places one figure twice. Built strictly, then taken live in one page: both
placements go live with their own ids, controls, state and URL parameters, and both print.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from essay_site.dev.site_server import serve
from essay_site.figures.plugin import package_of
from tests.conftest import NO_CLIPBOARD, ROOT, all_live, built, record_errors

SITE = ROOT / "tests" / "sites" / "minimal"
FIRST, SECOND = "#figure-dice_sums", "#figure-dice_sums-2"


@pytest.fixture(scope="module")
def minimal_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built(SITE, tmp_path_factory.mktemp("minimal") / "site")


def test_it_builds_strictly_with_its_own_folder(minimal_site: Path) -> None:
    shipped = minimal_site / "assets" / "figures" / "py"
    assert sorted(p.name for p in shipped.iterdir()) == ["essay_site", "figs"]
    assert (shipped / "figs" / "_faces.py").is_file()
    assert (shipped / "figs" / "data" / "dice.json").is_file()
    page = (minimal_site / "index.html").read_text(encoding="utf-8")
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert re.findall(r'data-placement="([^"]+)"', page) == ["dice_sums", "dice_sums-2"]
    assert '"package": "figs"' in page.replace("&#34;", '"').replace("&quot;", '"')


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("no_init", "not a figures folder (no __init__.py)"),
        ("my-figs", "must be a Python name, not 'my-figs'"),
        ("json", "may not be named after the module 'json'"),
    ],
)
def test_a_folder_that_cannot_be_a_package_is_refused(
    tmp_path: Path, name: str, message: str
) -> None:
    folder = tmp_path / name
    folder.mkdir()
    if name != "no_init":
        (folder / "__init__.py").touch()
    with pytest.raises(Exception, match=re.escape(message)):
        package_of(folder)


@pytest.fixture(scope="module")
def page(minimal_site: Path, browser: Browser) -> Iterator[Page]:
    """The page, served, opened with the second placement's state in the address."""
    context = browser.new_context()
    context.add_init_script(NO_CLIPBOARD)
    page = context.new_page()
    errors: list[str] = []
    record_errors(page, errors)
    with serve(minimal_site) as server:
        page.goto(f"{server.url}?dice_sums-2.n=3&dice_sums-2.kind=four-sided")
        all_live(page, 2)
        yield page
    context.close()
    assert not errors


def totals(figure: Locator) -> list[str]:
    """The totals a placement lists, in order."""
    items: list[str] = figure.locator("li[data-total]").evaluate_all(
        "items => items.map(item => item.dataset.total)"
    )
    return items


@pytest.mark.browser
def test_each_placement_has_its_own_state_from_the_address(page: Page) -> None:
    first, second = page.locator(FIRST), page.locator(SECOND)
    assert totals(first) == [str(n) for n in range(2, 13)]  # two six-sided dice
    expect(second.locator("li[data-total]")).to_have_count(10)  # three four-sided: 3 to 12
    assert totals(second)[0] == "3"
    expect(page.locator("#dice_sums-2-n")).to_have_value("3")
    expect(page.locator("#dice_sums-n")).to_have_value("2")


@pytest.mark.browser
def test_moving_one_placement_leaves_the_other_alone(page: Page) -> None:
    first, second = page.locator(FIRST), page.locator(SECOND)
    before = totals(second)
    page.fill("#dice_sums-n", "1")
    expect(first.locator("li[data-total]")).to_have_count(6)
    assert totals(second) == before
    address = r"\?dice_sums-2\.n=3&dice_sums-2\.kind=four-sided&dice_sums\.n=1$"
    expect(page).to_have_url(re.compile(address))


@pytest.mark.browser
def test_without_a_clipboard_the_link_is_offered_selected(page: Page) -> None:
    second = page.locator(SECOND)
    second.get_by_role("button", name="Copy a link to this view").click()
    field = second.get_by_role("textbox", name="Link to copy")
    expect(field).to_be_focused()
    link = field.input_value()
    assert re.search(r"\?dice_sums-2\.n=3&dice_sums-2\.kind=four-sided#figure-dice_sums-2$", link)
    selected = field.evaluate("f => f.value.slice(f.selectionStart, f.selectionEnd)")
    assert selected == link


@pytest.mark.browser
def test_both_placements_print_with_their_pictures(page: Page) -> None:
    page.emulate_media(media="print")
    try:
        for figure in (page.locator(FIRST), page.locator(SECOND)):
            expect(figure.locator(".live-figure__output li").first).to_be_visible()
            expect(figure.locator(".live-figure__status")).to_be_hidden()
    finally:
        page.emulate_media(media="screen")
