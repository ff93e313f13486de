"""The ``light_start`` plugin: Material's palette toggle started inline, and each table in a box
of its own, so Material's start-up restyles no whole page (a real build, then Chromium)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError
from playwright.sync_api import Browser, Route, expect

from essay_site.dev.build import mkdocs_build
from essay_site.dev.site_server import serve
from essay_site.light_start.plugin import (
    MATERIAL_FORM,
    OWN_FORM,
    SCRIPT,
    TABLE_HOST,
    box_tables,
    own_toggle,
)
from tests.conftest import make_project


def test_the_toggle_is_started_inline_and_material_leaves_it(essay_html: str) -> None:
    # Material's bundle takes over the form marked data-md-component="palette": none is left.
    assert 'data-md-component="palette"' not in essay_html
    assert essay_html.count(OWN_FORM) == 1
    header = essay_html[essay_html.index(OWN_FORM) : essay_html.index("</header>")]
    assert f"<script>{SCRIPT}</script>" in header
    assert 'var palette=__md_get("__palette")' not in essay_html  # Material's own script


def test_every_bare_table_has_a_box_of_its_own(essay_html: str) -> None:
    bare = essay_html.count("<table>")
    assert bare >= 1
    assert essay_html.count(f'<div class="{TABLE_HOST}"><table>') == bare


def test_a_table_is_boxed_only_where_it_is_markup() -> None:
    table = "<table><tr><td>1</td></tr></table>"
    boxed = f'<div class="{TABLE_HOST}">{table}</div>'
    assert box_tables(f"<p>a</p>{table}<p>b</p>{table}") == f"<p>a</p>{boxed}<p>b</p>{boxed}"
    for text in (f'<script>x = "{table}";</script>', f"<textarea>{table}</textarea>"):
        assert box_tables(text) == text
    assert box_tables('<table class="x"><tr><td>1</td></tr></table>') == (
        '<table class="x"><tr><td>1</td></tr></table>'
    )
    # A table inside another: the inner one is boxed (inside its cell), the outer left as it is.
    nested = f"<table><tr><td>{table}</td></tr></table>"
    assert box_tables(nested) == f"<table><tr><td>{boxed}</td></tr></table>"


MATERIALS_SCRIPT = '<script>var palette=__md_get("__palette");if(palette){}</script>'


def test_the_toggle_is_taken_only_as_material_9_writes_it() -> None:
    page = f"<header>{MATERIAL_FORM}<input></form>{MATERIALS_SCRIPT}</header>"
    assert (
        own_toggle(page, "p.md")
        == f"<header>{OWN_FORM}<input></form><script>{SCRIPT}</script></header>"
    )
    assert own_toggle("<header>no toggle</header>", "p.md") == "<header>no toggle</header>"
    changed = (
        page.replace('class="md-header__option"', 'class="md-header__option md-new"'),
        page.replace(MATERIALS_SCRIPT, ""),
        f"{MATERIALS_SCRIPT}{page.replace(MATERIALS_SCRIPT, '')}",  # its script, but before it
    )
    for markup in changed:
        with pytest.raises(PluginError, match=r"^p\.md: light_start found Material's palette"):
            own_toggle(markup, "p.md")


def test_a_material_it_was_not_made_for_fails_the_build_by_name(tmp_path: Path) -> None:
    # A theme whose inline palette script is not Material 9's (here: overridden by nothing).
    project = make_project(tmp_path, "# A page\n\nText.\n", plugins=("light_start",))
    config = project / "mkdocs.yml"
    theme = "  custom_dir: overrides\n  palette:\n    - scheme: default\n"
    config.write_text(config.read_text().replace("  font: false\n", f"  font: false\n{theme}"))
    (project / "overrides" / "partials" / "javascripts").mkdir(parents=True)
    (project / "overrides" / "partials" / "javascripts" / "palette.html").write_text("")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0
    # The first page built that has the toggle is Material's 404 page, made from a template.
    assert "404.html: light_start found Material's palette toggle, but not as" in result.stderr


@pytest.mark.browser
def test_the_readers_palette_is_on_the_page_before_materials_script(
    essay_site: Path, browser: Browser
) -> None:
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    page.route("**/figures.js", lambda route: route.abort())  # no Python: not what is tested
    bundle = "**/assets/javascripts/bundle.*.min.js"
    held: list[str] = []

    def hold(route: Route) -> None:
        held.append(route.request.url)
        route.abort()

    page.route(bundle, hold)
    scheme = "() => document.body.dataset.mdColorScheme"
    toggle = page.locator("form[data-md-palette] label:not([hidden])")
    with serve(essay_site) as server:
        # Without Material's bundle, a dark system's reader already reads the dark palette.
        page.goto(server.url)
        assert held and page.evaluate(scheme) == "slate"
        expect(toggle).to_have_attribute("title", "Switch to light mode")
        page.unroute(bundle)
        page.reload()
        page.wait_for_function("() => document.querySelector('.md-typeset__scrollwrap')")
        # Material's bundle ran, wrapped the table inside the box, and left the toggle alone.
        assert page.locator(f".{TABLE_HOST} > .md-typeset__scrollwrap table").count() == 1
        assert page.locator("meta[name=color-scheme]").count() == 1
        # Until the reader chooses, the page follows their system.
        body = expect(page.locator("body"))
        page.emulate_media(color_scheme="light")
        body.to_have_attribute("data-md-color-scheme", "default")
        page.emulate_media(color_scheme="dark")
        body.to_have_attribute("data-md-color-scheme", "slate")
        toggle.click()
        body.to_have_attribute("data-md-color-scheme", "default")
        assert page.locator("meta[name=color-scheme]").get_attribute("content") == "light"
        # Their choice is kept as Material keeps it (its storage, its shape), and holds.
        light = {"media": "(prefers-color-scheme: light)", "scheme": "default"}
        light |= {"primary": "indigo", "accent": "indigo"}
        assert page.evaluate("() => __md_get('__palette')") == {"index": 0, "color": light}
        page.reload()
        page.emulate_media(color_scheme="light")
        page.emulate_media(color_scheme="dark")
        assert page.evaluate(scheme) == "default"
        # One that Material stored is read the same way.
        dark = {**light, "media": "(prefers-color-scheme: dark)", "scheme": "slate"}
        page.evaluate("(color) => __md_set('__palette', {index: 1, color})", dark)
        page.reload()
        assert page.evaluate(scheme) == "slate"
        page.locator("form[data-md-palette] label:not([hidden])").click()
        body.to_have_attribute("data-md-color-scheme", "default")
        # Enter on the toggle moves on, as in Material.
        page.locator("form[data-md-palette] input:checked").focus()
        page.keyboard.press("Enter")
        body.to_have_attribute("data-md-color-scheme", "slate")
        colour = page.locator("meta[name=theme-color]").get_attribute("content")
        assert re.fullmatch(r"rgb\(\d+, \d+, \d+\)", colour or ""), colour  # the header's
    context.close()
