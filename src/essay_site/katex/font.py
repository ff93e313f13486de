"""The math font cut to the glyphs a site's formulas use.

STIX Two Math whole is 403 KB of WOFF2, over 5,000 glyphs; an essay's formulas use a few
dozen characters. The subset keeps, for each character the MathML shows, its glyph and every
glyph the font reaches from it: the OpenType MATH table's larger and stretched forms
(fences, braces, big operators, radicals) and the GSUB alternates (script-size forms, dotless
i and j). Math that draws what this module cannot tell (a ``mathvariant`` other than normal
or italic) gets the font whole. The font's licence (SIL OFL 1.1, no Reserved Font Name)
allows the cut under the same name; its name table, copyright and licence included, is kept.
The cut is the same bytes for the same code points (no timestamp), so a build that changes
no formula changes no file for the service worker to fetch again.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

#: MathML's token elements: their text is what the font draws.
TOKENS = frozenset({"mi", "mn", "mo", "ms", "mtext"})
#: Elements that draw a glyph of their own: a radical sign, stretched to its contents.
DRAWN_BY = {"msqrt": "\u221a", "mroot": "\u221a"}

#: Letters MathML draws in italic from their own code point to another (MathML Core's
#: ``text-transform: math-auto`` on a one-character <mi>), besides ITALIC_RANGES.
ITALIC_SINGLES = {
    "h": 0x210E,
    "ı": 0x1D6A4,
    "ȷ": 0x1D6A5,
    "∇": 0x1D6FB,
    "∂": 0x1D715,
    "ϵ": 0x1D716,
    "ϑ": 0x1D717,
    "ϰ": 0x1D718,
    "ϕ": 0x1D719,
    "ϱ": 0x1D71A,
    "ϖ": 0x1D71B,
    "ϴ": 0x1D6F3,
}

#: The rest, by range: (first, last, the italic of first). Latin A-Z, a-z, Greek capitals and
#: small letters.
ITALIC_RANGES = (
    (0x41, 0x5A, 0x1D434),
    (0x61, 0x7A, 0x1D44E),
    (0x391, 0x3A9, 0x1D6E2),
    (0x3B1, 0x3C9, 0x1D6FC),
)


def italic(char: str) -> int | None:
    """The code point MathML draws a one-letter <mi> with, if it is not the letter's own."""
    if char in ITALIC_SINGLES:
        return ITALIC_SINGLES[char]
    point = ord(char)
    for first, last, to in ITALIC_RANGES:
        if first <= point <= last:
            return to + point - first
    return None


class _Drawn(HTMLParser):
    """Collects the code points a browser draws for some MathML (not its TeX annotation)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.points: set[int] = set()
        #: mathvariant values met that draw from alphabets this module does not map.
        self.unmapped: set[str] = set()
        self.open: list[tuple[str, str | None]] = []  # (tag, its mathvariant)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        variant = dict(attrs).get("mathvariant")
        if variant not in (None, "normal", "italic"):
            self.unmapped.add(str(variant))
        if tag in DRAWN_BY:
            self.points.add(ord(DRAWN_BY[tag]))
        self.open.append((tag, variant))

    def handle_endtag(self, tag: str) -> None:
        while self.open and self.open.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        if not self.open or any(tag == "annotation" for tag, _ in self.open):
            return
        tag, variant = self.open[-1]
        if tag not in TOKENS:
            return
        self.points.update(map(ord, data))
        # MathML draws a one-letter <mi>, and any token marked italic, in the italic alphabet.
        slanted = variant == "italic" or (tag == "mi" and len(data) == 1 and variant is None)
        if slanted:
            self.points.update(point for point in map(italic, data) if point is not None)


def drawn(mathml: str) -> set[int] | None:
    """Every code point the font must draw ``mathml`` with (its TeX annotation aside).

    None if it uses an alphabet (a mathvariant) this module cannot tell the letters of.
    """
    parser = _Drawn()
    parser.feed(mathml)
    parser.close()
    return None if parser.unmapped else parser.points


def cut(source: Path, target: Path, points: set[int]) -> None:
    """Write to ``target`` (WOFF2) the font at ``source`` with only what ``points`` need."""
    options = subset.Options()
    options.layout_features = ["*"]  # every GSUB alternate a formula may reach
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    font = TTFont(source, recalcTimestamp=False)
    cutter = subset.Subsetter(options)
    cutter.populate(unicodes=points)
    cutter.subset(font)
    font.flavor = "woff2"
    font.save(target)
