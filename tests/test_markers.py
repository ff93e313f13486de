"""The figure-block scanner, as pure text: no build, no subprocess."""

from __future__ import annotations

import pytest

from essay_site.figures.markers import MarkerError, Placement, scan


def placements(markdown: str, first_line: int = 1) -> list[Placement]:
    return [part for part in scan(markdown, first_line) if isinstance(part, Placement)]


def test_a_block_becomes_one_placement_with_its_caption_and_line() -> None:
    parts = scan("Intro.\n\n/// figure | pixel_explosion\nThe *caption*.\n\nMore.\n///\nAfter.")
    assert parts == [
        "Intro.",
        "",
        Placement("pixel_explosion", 3, "The *caption*.\n\nMore.", 1),
        "After.",
    ]


def test_lines_are_counted_from_the_first_line_after_front_matter() -> None:
    (placement,) = placements("\n/// figure | a\n///", first_line=5)
    assert placement.line == 6


def test_spacing_around_the_marker_is_free() -> None:
    assert [p.name for p in placements("///figure|a\n///  \n///   figure  |  b  \n///")] == [
        "a",
        "b",
    ]


@pytest.mark.parametrize(
    ("opening", "closing"),
    [("```", "```"), ("~~~", "~~~~"), ("````", "````"), ("   ```python", "```")],
)
def test_a_marker_in_a_code_block_is_text(opening: str, closing: str) -> None:
    markdown = f"{opening}\n/// figure | a\n///\n{closing}\n/// figure | b\n///"
    assert [p.name for p in placements(markdown)] == ["b"]
    assert "/// figure | a" in scan(markdown)


def test_a_shorter_or_other_fence_does_not_close_a_code_block() -> None:
    markdown = "````\n```\n~~~~\n/// figure | a\n///\n````\n/// figure | b\n///"
    assert [p.name for p in placements(markdown)] == ["b"]


def test_each_placement_of_one_figure_gets_its_own_ident() -> None:
    found = placements("/// figure | a\n///\n/// figure | b\n///\n/// figure | a\n///")
    assert [(p.name, p.occurrence, p.ident) for p in found] == [
        ("a", 1, "a"),
        ("b", 1, "b"),
        ("a", 2, "a-2"),
    ]


def test_an_unclosed_block_names_its_opening_line() -> None:
    with pytest.raises(MarkerError, match="never closed") as raised:
        scan("Text.\n\n/// figure | a\nCaption, no end.", first_line=3)
    assert raised.value.line == 5


@pytest.mark.parametrize("name", ["pixel-explosion", "../secrets", "2d", "a.b"])
def test_a_name_that_cannot_be_a_module_is_refused_at_its_line(name: str) -> None:
    with pytest.raises(MarkerError, match="not a module name") as raised:
        scan(f"Text.\n/// figure | {name}\n///")
    assert raised.value.line == 2
    assert repr(name) in str(raised.value)


def test_other_blocks_and_plain_text_pass_through_unchanged() -> None:
    markdown = "/// details | Note\nText\n///\n\n//// figure\n"
    assert scan(markdown) == markdown.splitlines()
