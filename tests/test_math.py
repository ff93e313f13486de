r"""The essay's math, as built: every formula of the manuscript is MathML, and nothing else.

Temml (the ``katex`` plugin) writes each ``\(...\)`` and ``\[...\]`` as one ``<math>`` element,
the TeX riding along as its annotation; no HTML drawing of it is left (KaTeX wrote one of 40
elements a formula). These tests read the built page, without a browser.
"""

from __future__ import annotations

import re
import string
import time
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from essay_site.assets import cache_dir, npm_package
from essay_site.dev.build import mkdocs_build
from essay_site.katex import font as math_font
from essay_site.katex.font import TOKENS
from essay_site.katex.plugin import FONT, SITE_FOLDER, STYLESHEET, WHOLE, KatexPlugin
from essay_site.pins import STIX_TWO_MATH
from tests.conftest import ROOT, make_project

MANUSCRIPT = ROOT / "tests" / "manuscript" / "generative-models.txt"
#: Display math is ``\[...\]`` on a line of its own, inline math ``$...$``.
FORMULA = re.compile(r"\\\[(?P<display>.*?)\\\]|\$(?P<inline>[^$]+)\$", re.DOTALL)


@dataclass
class Node:
    """An element of the page: its tag, attributes, children and text."""

    tag: str
    attrs: dict[str, str | None]
    children: list[Node] = field(default_factory=list)
    text: str = ""

    def find(self, tag: str) -> list[Node]:
        """Every descendant with ``tag``, in document order."""
        found = []
        for child in self.children:
            if child.tag == tag:
                found.append(child)
            found.extend(child.find(tag))
        return found

    def shape(self) -> str:
        """The presentation markup in short: ``msup(mn:2 mn:784)``; the annotation left out."""
        if self.tag in {"mi", "mo", "mn", "mtext"}:
            return f"{self.tag}:{self.text}"
        parts = [child.shape() for child in self.children if child.tag != "annotation"]
        return f"{self.tag}({' '.join(parts)})"


class _Tree(HTMLParser):
    """The page as Nodes: enough of HTML for Material's and Temml's well-formed markup."""

    VOID = frozenset({"meta", "link", "img", "br", "hr", "input", "source", "wbr", "col"})

    def __init__(self) -> None:
        super().__init__()
        self.root = Node("#document", {})
        self.open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs))
        self.open[-1].children.append(node)
        if tag not in self.VOID:
            self.open.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth].tag == tag:
                del self.open[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.open[-1].text += data


def manuscript_formulas() -> list[tuple[str, bool]]:
    """Each formula of the manuscript, in order: (TeX, whether it is displayed)."""
    text = MANUSCRIPT.read_text(encoding="utf-8")
    return [(m["display"] or m["inline"], m["display"] is not None) for m in FORMULA.finditer(text)]


def same_tex(tex: str) -> str:
    r"""TeX without spaces or escaped braces (the manuscript's text writes ``\{`` as ``{``)."""
    return re.sub(r"\s+|\\(?=[{}])", "", tex)


@pytest.fixture(scope="module")
def formulas(essay_html: str) -> list[Node]:
    """Every ``<math>`` of the essay's article, in document order."""
    parser = _Tree()
    parser.feed(essay_html)
    (article,) = parser.root.find("article")
    return article.find("math")


def formula(formulas: list[Node], tex: str) -> Node:
    """The one formula whose TeX source (its annotation) is ``tex``."""
    found = [m for m in formulas if same_tex(m.find("annotation")[0].text) == same_tex(tex)]
    assert len(found) >= 1, tex
    return found[0]


def test_every_formula_of_the_manuscript_is_mathml(formulas: list[Node], essay_html: str) -> None:
    expected = manuscript_formulas()
    assert len(expected) == 99
    assert len(formulas) == len(expected)
    # In the manuscript's order, each the same TeX, displayed where the manuscript displays it.
    sources = [same_tex(m.find("annotation")[0].text) for m in formulas]
    assert sources == [same_tex(tex) for tex, _ in expected]
    assert [m.attrs.get("display") == "block" for m in formulas] == [d for _, d in expected]
    displays = re.findall(r'<div class="arithmatex" tabindex="0"><math display="block"', essay_html)
    assert len(displays) == sum(d for _, d in expected) == 14
    for math in formulas:
        (annotation,) = math.find("annotation")
        assert annotation.attrs["encoding"] == "application/x-tex"
        assert math.find("merror") == []


def test_no_tex_and_no_katex_drawing_is_left(essay_html: str) -> None:
    # Nor KaTeX's HTML (.katex-html), its stylesheet or its fonts: "katex" is nowhere.
    assert "katex" not in essay_html
    article = essay_html[essay_html.index("<article") : essay_html.index("</article>")]
    # Outside the annotations, no TeX delimiter is left in the article.
    drawn = re.sub(r"<annotation\b.*?</annotation>", "", article, flags=re.DOTALL)
    assert "\\(" not in drawn
    assert "\\[" not in drawn


def test_fractions_products_integrals_and_scripts(formulas: list[Node]) -> None:
    bayes = formula(formulas, r"p(Y \mid X) = \frac{p(X \mid Y) \cdot p(Y)}{p(X)}")
    (fraction,) = bayes.find("mfrac")
    assert len(fraction.children) == 2  # numerator, denominator
    assert "mo:⋅" in fraction.children[0].shape()
    assert fraction.children[1].shape() == "mrow(mi:p mrow(mo:( mi:X mo:)))"

    product = formula(formulas, r"p(x_1, \dots, x_n) = \prod_{i=1}^n p(x_i)")
    assert "munderover(mo:∏ mrow(mi:i mo:= mn:1) mi:n)" in product.shape()
    assert "msub(mi:x mn:1)" in product.shape()
    assert "msub(mi:x mi:n)" in product.shape()

    norm = formula(formulas, r"\int p_\theta(x) \, dx = 1")
    assert norm.shape().startswith("math(semantics(mrow(mo:∫ msub(mi:p mi:θ)")
    assert norm.find("mspace")[0].attrs["width"] == "0.1667em"  # \, is a thin space, not text

    inverse = formula(formulas, r"x = f_\theta(z), \quad z = f_\theta^{-1}(x)")
    assert "msubsup(mi:f mi:θ mrow(mo:− mn:1))" in inverse.shape()

    powers = formula(formulas, r"2^{784} \approx 10^{236}")
    assert powers.attrs.get("display") is None
    assert powers.shape() == "math(semantics(mrow(msup(mn:2 mn:784) mo:≈ msup(mn:10 mn:236))))"

    marginal = formula(formulas, r"p_\theta(x) = \int p_\theta(x \mid z) \, p(z) \, dz")
    assert marginal.shape().count("mo:∫") == 1


def test_an_underbrace_and_stretched_fences(formulas: list[Node]) -> None:
    total = next(m for m in formulas if "underbrace" in m.find("annotation")[0].text)
    (brace,) = [mo for mo in total.find("mo") if mo.text == "⏟"]
    assert brace.attrs["stretchy"] == "true"
    assert "munder(munder(mrow(mo:( mo:∫" in total.shape()
    assert "mo:⏟) mrow(mo:= mn:1))" in total.shape()  # the brace, then what it is under
    jacobian = formula(
        formulas,
        r"p_\theta(x) = p_z(f_\theta^{-1}(x)) \cdot \left|\det J_{f_\theta^{-1}}(x)\right|",
    )
    bars = [mo for mo in jacobian.find("mo") if mo.text == "|"]
    assert [bar.attrs["stretchy"] for bar in bars] == ["true", "true"]
    assert "msub(mi:J msubsup(mi:f mi:θ mrow(mo:− mn:1)))" in jacobian.shape()


#: How many children MathML's fractions, scripts and roots take.
ARITY = {"mfrac": 2, "msub": 2, "msup": 2, "msubsup": 3, "munder": 2, "mover": 2, "munderover": 3}


def test_every_fraction_and_script_has_its_children(formulas: list[Node]) -> None:
    # Firefox reports one without, mid-parse, as "Invalid markup" (forgiven there as transient:
    # tests/engines/firefox.mjs); the page as built never has one.
    seen = [n for m in formulas for tag in ARITY for n in m.find(tag)]
    assert len(seen) > 50
    assert [n.shape() for n in seen if len(n.children) != ARITY[n.tag]] == []


def test_a_conditional_bar_reads_as_before(formulas: list[Node]) -> None:
    # \mid is U+2223 with a relation's spaces, as KaTeX wrote it for screen readers.
    for math in formulas:
        tex = math.find("annotation")[0].text
        bars = [mo for mo in math.find("mo") if mo.text == "∣"]
        assert len(bars) == tex.count("\\mid"), tex
        for bar in bars:
            assert (bar.attrs["lspace"], bar.attrs["rspace"]) == ("0.2778em", "0.2778em")


def test_the_math_font_is_served_with_its_stylesheet(essay_site: Path, essay_html: str) -> None:
    folder = essay_site / SITE_FOLDER
    assert f'href="{SITE_FOLDER}/{STYLESHEET}"' in essay_html
    css = (folder / STYLESHEET).read_text(encoding="utf-8")
    faces = re.findall(r"@font-face\s*\{([^}]*)\}", css)
    assert len(faces) == 1
    assert "font-display: swap" in faces[0]
    assert re.findall(r"url\(([^)]*)\)", faces[0]) == [f'"{FONT}"']
    assert 'font-family: "STIX Two Math", math;' in css
    assert {p.name for p in folder.iterdir()} == {
        STYLESHEET,
        FONT,
        "STIXTwoMath-OFL.txt",
        "Temml-LICENSE.txt",
    }
    # The font draws math: it has an OpenType MATH table.
    assert "MATH" in TTFont(folder / FONT)
    assert not (essay_site / "assets" / "katex").exists()


def italic(char: str) -> int | None:
    """The mathematical italic a one-letter <mi> is drawn in (MathML Core), by Unicode name."""
    if char == "h":
        return 0x210E  # PLANCK CONSTANT stands in the italic alphabet for h
    name = unicodedata.name(char)
    for italic_name in (
        re.sub(r"^(LATIN|GREEK) (SMALL|CAPITAL) LETTER ", r"MATHEMATICAL ITALIC \2 ", name),
        f"MATHEMATICAL ITALIC {name}",
    ):
        try:
            return ord(unicodedata.lookup(italic_name))
        except KeyError:
            pass
    return None


def test_a_one_letter_mi_needs_its_italic() -> None:
    # What the font cut keeps for <mi>x</mi>: MathML draws it as U+1D465, not as "x".
    greek = (
        chr(point) for point in range(0x391, 0x3CA) if unicodedata.category(chr(point)) != "Cn"
    )
    letters = [*string.ascii_letters, *greek]
    assert {char: math_font.italic(char) for char in letters} == {c: italic(c) for c in letters}


def whole_font() -> Path:
    """STIX Two Math whole, as its pinned npm package has it."""
    return npm_package(STIX_TWO_MATH, cache_dir()) / "files" / WHOLE


def stretched(font: TTFont) -> dict[int, list[tuple[int, int]]]:
    """For each character with larger or assembled forms (the font's MATH table), how many
    of each it has, vertical then horizontal: (sizes, assembly parts)."""
    variants = font["MATH"].table.MathVariants
    forms: dict[str, list[tuple[int, int]]] = {}
    for coverage, constructions in (
        (variants.VertGlyphCoverage, variants.VertGlyphConstruction),
        (variants.HorizGlyphCoverage, variants.HorizGlyphConstruction),
    ):
        for glyph, construction in zip(coverage.glyphs, constructions, strict=True):
            assembly = construction.GlyphAssembly
            parts = len(assembly.PartRecords) if assembly else 0
            forms.setdefault(glyph, []).append((construction.VariantCount, parts))
    return {point: forms[glyph] for point, glyph in font.getBestCmap().items() if glyph in forms}


def test_the_font_is_cut_to_what_the_math_draws(essay_site: Path, formulas: list[Node]) -> None:
    served = essay_site / SITE_FOLDER / FONT
    font = TTFont(served)
    cmap = font.getBestCmap()
    needed: set[int] = set()
    for token in (t for m in formulas for tag in TOKENS for t in m.find(tag)):
        needed |= {ord(char) for char in token.text}
        if token.tag == "mi" and len(token.text) == 1 and "mathvariant" not in token.attrs:
            needed |= {point for point in [italic(token.text)] if point is not None}
    assert 0x1D465 in needed  # the italic x of every <mi>x</mi>
    assert sorted(chr(point) for point in needed - set(cmap)) == []
    # Every larger or stretched form of each character it keeps: fences, bars, braces.
    whole_path = whole_font()
    whole, kept = stretched(TTFont(whole_path)), stretched(font)
    assert {ord(char) for char in "(|⏟∫"} <= kept.keys()
    assert {chr(point): whole[point] for point in cmap if point in whole} == {
        chr(point): forms for point, forms in kept.items()
    }
    # And little else (the whole font is over twenty times larger today).
    assert served.stat().st_size * 4 < whole_path.stat().st_size


def test_what_a_formula_draws_besides_its_tokens_text() -> None:
    plugin = KatexPlugin()
    plugin.load_config({})
    tex = [r"\sqrt{x}", r"\sqrt[3]{y}", r"\mathrel{z}", r"\verb|w|"]
    root, cube, rel, verb = plugin.typeset([{"tex": t, "display": False} for t in tex], "t.md")
    # The radical sign (stretched to its contents from the font's MATH table).
    assert {0x221A, 0x1D465} <= (math_font.drawn(root) or set())
    assert {0x221A, 0x1D466, ord("3")} <= (math_font.drawn(cube) or set())
    # Temml marks \mathrel's letter italic: drawn from the italic alphabet though in an <mo>.
    assert 'mathvariant="italic"' in rel and 0x1D467 in (math_font.drawn(rel) or set())
    # \verb is monospace: an alphabet the cut does not map, so it cannot say.
    assert 'mathvariant="monospace"' in verb and math_font.drawn(verb) is None


def test_math_the_cut_cannot_tell_gets_the_font_whole(tmp_path: Path) -> None:
    project = make_project(tmp_path, "Code $\\verb|w|$ and $x$.\n", plugins=("katex",))
    config = project / "mkdocs.yml"
    config.write_text(config.read_text() + "  - pymdownx.arithmatex:\n      generic: true\n")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    served = (tmp_path / "site" / SITE_FOLDER / FONT).read_bytes()
    assert served == whole_font().read_bytes()


def test_the_cut_is_the_same_bytes_each_time(tmp_path: Path) -> None:
    # Else every build would be a new version of the site for readers' saved copies.
    whole = whole_font()
    cuts = [tmp_path / "one.woff2", tmp_path / "two.woff2"]
    for index, cut in enumerate(cuts):
        if index:
            time.sleep(1.1)  # the font's head table counts in seconds
        math_font.cut(whole, cut, {ord("x"), 0x1D465})
    assert cuts[0].read_bytes() == cuts[1].read_bytes()


def test_tex_that_cannot_be_typeset_fails_the_build(tmp_path: Path) -> None:
    project = make_project(tmp_path, "Text $\\frac{1$.\n", plugins=("katex",))
    config = project / "mkdocs.yml"
    config.write_text(config.read_text() + "  - pymdownx.arithmatex:\n      generic: true\n")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "index.md: cannot typeset '\\\\frac{1'" in result.stderr
